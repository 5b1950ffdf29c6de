"""干部考核 as a clerk uses it: the year's figures, 录入 with validation, the cap, Ctrl+Z."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.db import cadre_assessment as cadb
from app.db.connection import memory_database
from app.db.store import initialise
from app.reports.assessment import cadre_assessment_report
from app.ui.assessment.cadres import (
    CAPPED_FILL,
    OUTSTANDING_FLAG,
    CadreAssessmentPage,
    default_year,
)
from app.ui.assessment.cadres import CadreAssessmentModel as M
from app.ui.undo import TabUndo

TODAY = date(2026, 5, 15)
VILLAGE = "610526100201"


@pytest.fixture
def township():
    """GB001 兼职书记 for 2025-W02..W05 (present 2+2+1+2 days: 3 of 4 weeks met);
    GB002 驻村干部 in January 2025 (not met)."""
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert(
        {"code": VILLAGE, "township_code": "610526100", "name": "东坡村", "register_grade": "三类"}
    )
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": "610526100", "name": "王建国"},
            {"cadre_no": "GB002", "township_code": "610526100", "name": "李秀英"},
        ]
    )
    db["assignments"].insert_all(
        [
            {
                "cadre_no": "GB001",
                "village_code": VILLAGE,
                "role": "兼职书记",
                "start_date": "2025-01-06",
                "end_date": "2025-02-02",
            },
            {
                "cadre_no": "GB002",
                "village_code": VILLAGE,
                "role": "驻村干部",
                "start_date": "2025-01-01",
                "end_date": "2025-01-31",
            },
        ]
    )
    days = ["2025-01-06", "2025-01-07", "2025-01-13", "2025-01-14", "2025-01-20"]
    days += ["2025-01-27", "2025-01-28"]
    db["attendance"].insert_all(
        {"cadre_no": "GB001", "day": d, "village_code": VILLAGE, "kind": "在村"} for d in days
    )
    return db


@pytest.fixture
def page(qtbot, township):
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, township, lambda: None)
    page = CadreAssessmentPage(township, undo, clock=lambda: TODAY, parent=tab)
    QVBoxLayout(tab).addWidget(page)
    tab.resize(1180, 640)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    return page


def cell(page, cadre_no, column, role=Qt.ItemDataRole.DisplayRole):
    for r, row in enumerate(page.model.rows()):
        if row["cadre_no"] == cadre_no:
            return page.model.index(r, column).data(role)
    raise AssertionError(cadre_no)


def enter(qtbot, page, cadre_no, **texts):
    """Open 录入 for the cadre, type ``texts`` into the fields, press Enter."""
    page.table.setFocus()
    assert page.select(cadre_no)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    for field, text in texts.items():
        dialog.form.set_text(field, text)
    qtbot.keyClick(dialog.form.editors["performance_tenths"], Qt.Key.Key_Return)
    return dialog


def test_default_year_is_the_last_ended_one():
    assert default_year(date(2026, 5, 15)) == 2025
    assert default_year(date(2026, 12, 31)) == 2026


def test_part_time_cadre_scored_then_capped_by_absences(qtbot, page, township):
    assert page.year() == 2025
    assert cell(page, "GB001", M.COL_TIME) == "22.5（达标 3/4 周）"
    assert cell(page, "GB002", M.COL_TIME) == "0.0（达标 0/1 月）"
    assert cell(page, "GB001", M.COL_TOTAL) == ""
    dialog = enter(
        qtbot,
        page,
        "GB001",
        performance_tenths="38",
        votes_satisfied="8",
        votes_basic="2",
        votes_unsatisfied="0",
    )
    assert not dialog.isVisible()
    assert cell(page, "GB001", M.COL_PERFORMANCE) == "38.0"
    assert cell(page, "GB001", M.COL_SATISFACTION) == "27.0"
    assert cell(page, "GB001", M.COL_TOTAL) == "87.5"
    assert cell(page, "GB001", M.COL_GRADE) == "称职"
    assert cell(page, "GB001", M.COL_NOTE) == ""
    assert cell(page, "GB001", M.COL_NAME, Qt.ItemDataRole.BackgroundRole) is None

    township["checks"].insert_all(
        [
            {"cadre_no": "GB001", "day": "2025-01-21", "method": "电话查岗", "result": "不在岗"},
            {"cadre_no": "GB001", "day": "2025-01-22", "method": "进村抽查", "result": "不在岗"},
            {"cadre_no": "GB001", "day": "2025-01-23", "method": "电话查岗", "result": "在岗"},
        ]
    )
    page.refresh()
    assert cell(page, "GB001", M.COL_UNEXCUSED) == "2"
    assert cell(page, "GB001", M.COL_GRADE) == "基本称职"
    assert cell(page, "GB001", M.COL_BEFORE) == "称职"
    assert cell(page, "GB001", M.COL_NOTE) == "本年度查岗不在岗 2 次，等次最高为基本称职"
    assert cell(page, "GB001", M.COL_NAME, Qt.ItemDataRole.BackgroundRole) == CAPPED_FILL
    assert cell(page, "GB001", M.COL_FLAG) == ""


def test_satisfaction_by_hand_without_votes(qtbot, page, township):
    page.table.setFocus()
    page.select("GB002")
    dialog = page.open_entry()
    manual = dialog.form.editors["satisfaction_manual_tenths"]
    assert manual.isEnabled()
    assert not dialog.form.editors["time_manual_tenths"].isEnabled()  # a month was judged
    dialog.form.set_text("votes_basic", "3")
    assert not manual.isEnabled()
    dialog.form.set_text("votes_basic", "0")
    assert manual.isEnabled()
    dialog.form.set_text("performance_tenths", "30")
    dialog.form.set_text("satisfaction_manual_tenths", "25")
    qtbot.keyClick(manual, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert cell(page, "GB002", M.COL_SATISFACTION) == "25.0 手填"
    data, _ = cadre_assessment_report(township, 2025, cadre="GB002")
    line = data["cadres"][0]
    assert line["satisfaction_score"] == "25.0" and line["total"] == "55.0"
    assert line["grade"] == "不称职"


def test_performance_over_the_maximum_is_refused_next_to_the_field(qtbot, page, township):
    dialog = enter(qtbot, page, "GB001", performance_tenths="41", votes_satisfied="8")
    assert dialog.isVisible()
    error = dialog.form.errors["performance_tenths"]
    assert error.isVisible() and "0 到 40.0" in error.text()
    assert cadb.cadre_scores(township, "GB001", 2025) is None
    qtbot.keyClick(dialog.form.editors["performance_tenths"], Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_outstanding_cadre_is_flagged_and_ctrl_z_undoes(qtbot, page, township):
    enter(qtbot, page, "GB001", performance_tenths="40", votes_satisfied="10")
    assert cell(page, "GB001", M.COL_TOTAL) == "92.5"
    assert cell(page, "GB001", M.COL_GRADE) == "优秀"
    assert cell(page, "GB001", M.COL_FLAG) == OUTSTANDING_FLAG
    enter(qtbot, page, "GB001", performance_tenths="35.5")
    assert cell(page, "GB001", M.COL_TOTAL) == "88.0"

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cadb.cadre_scores(township, "GB001", 2025)["performance_tenths"] == 400
    assert cell(page, "GB001", M.COL_TOTAL) == "92.5"
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cadb.cadre_scores(township, "GB001", 2025) is None
    assert cell(page, "GB001", M.COL_TOTAL) == ""
