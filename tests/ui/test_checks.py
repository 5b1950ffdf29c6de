"""查岗 as a clerk uses it: a failed phone check flags the cadre and caps the year grade."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.db import store
from app.reports.assessment import cadre_assessment_report
from app.ui.cadres.checks import CheckModel as K
from app.ui.cadres.checks import ChecksPage
from app.ui.cadres.roster import RED, RosterPage
from app.ui.cadres.roster import RosterModel as R
from app.ui.undo import TabUndo
from tests.ui.test_roster import ctrl, pick, retype, type_chinese

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def pages(qtbot, db, today):
    """The roster and the checks side by side in one tab, sharing its undo stack.

    赵敏 (GB003) has no post this year; her time score is entered by hand, so the report's
    grade depends on the scores and the checks only.
    """
    db["cadres"].insert(
        {"cadre_no": "GB003", "township_code": "610526100", "name": "赵敏", "expertise": "技术"}
    )
    db["cadre_assessments"].insert(
        {
            "cadre_no": "GB003",
            "year": 2026,
            "performance_tenths": 400,
            "votes_satisfied": 20,
            "time_manual_tenths": 300,
        }
    )
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    roster = RosterPage(db, undo, clock=lambda: today, parent=tab)
    checks = ChecksPage(db, undo, clock=lambda: today, parent=tab)
    layout = QVBoxLayout(tab)
    layout.addWidget(checks)
    layout.addWidget(roster)
    tab.resize(1180, 740)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    return roster, checks


def test_record_a_failed_phone_check(pages, qtbot, db, monkeypatch):
    roster, checks = pages
    before = cadre_assessment_report(db, 2026, cadre="GB003")[0]["cadres"][0]
    assert (before["grade"], before["cap_note"]) == ("优秀", None)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes,
    )
    checks.add_button.click()
    dialog = checks.dialog
    form = dialog.form
    assert form.editors["day"].text() == "2026-05-15"
    assert form.editors["method"].currentText() == "电话查岗"
    pick(form.editors["cadre_no"], "赵敏（GB003）")
    retype(qtbot, form.editors["day"], "2026-05-13")
    pick(form.editors["result"], "不在岗")
    type_chinese(form.editors["checker"], "王建国")
    type_chinese(form.editors["note"], "电话无人接听，村干部称其未到村")
    qtbot.keyClick(form.editors["day"], Qt.Key.Key_Return)
    assert not dialog.isVisible()

    # the day had no attendance record: the clerk was asked and said yes
    assert "2026-05-13" in asked[0]
    kind = db.execute(
        "SELECT kind, source FROM attendance WHERE cadre_no = 'GB003' AND day = '2026-05-13'"
    ).fetchone()
    assert tuple(kind) == ("缺勤", "查岗")
    # the list: the row in red; the count and the cap under it
    assert checks.model.index(0, K.COL_RESULT).data() == "不在岗"
    assert checks.model.index(0, K.COL_CADRE).data(Qt.ItemDataRole.ForegroundRole).color() == RED
    assert "本年度查岗不在岗 1 次，等次最高为称职" in checks.message.text()
    assert checks.year_label.text() == "赵敏：本年度查岗不在岗 1 次，等次最高为称职"
    # the roster flags her
    row = [r.cadre_no for r in roster.rows()].index("GB003")
    cell = roster.model.index(row, R.COL_UNEXCUSED)
    assert cell.data() == "1"
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color() == RED
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "本年度查岗不在岗 1 次，等次最高为称职"
    name = roster.model.index(row, R.COL_NAME)
    assert name.data(Qt.ItemDataRole.ToolTipRole) == "本年度查岗不在岗 1 次，等次最高为称职"
    # counted for the year, and the year grade is capped
    assert store.unexcused_absences(db, *YEAR) == {"GB003": 1}
    after = cadre_assessment_report(db, 2026, cadre="GB003")[0]["cadres"][0]
    assert after["grade_before_cap"] == "优秀" and after["grade"] == "称职"
    assert after["cap_note"] == "本年度查岗不在岗 1 次，等次最高为称职"

    # one Ctrl+Z takes the check and the 缺勤 day away
    checks.table.setFocus()
    ctrl(qtbot, checks.table)
    assert store.unexcused_absences(db, *YEAR) == {}
    assert db["attendance"].count == 1  # the fixture's day only
    assert roster.model.index(row, R.COL_UNEXCUSED).data() == ""


def test_no_question_when_the_day_is_recorded(pages, qtbot, db, monkeypatch):
    _roster, checks = pages
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-13", "kind": "在村"})
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    dialog = checks.add_check()
    pick(dialog.form.editors["cadre_no"], "李秀兰（GB002）")
    retype(qtbot, dialog.form.editors["day"], "2026-05-13")
    pick(dialog.form.editors["method"], "进村抽查")
    pick(dialog.form.editors["result"], "不在岗")
    qtbot.keyClick(dialog.form.editors["day"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert db["checks"].count == 1


def test_filters_and_a_duplicate_refused(pages, qtbot, db):
    _roster, checks = pages
    db["checks"].insert_all(
        [
            {"cadre_no": "GB001", "day": "2026-05-04", "method": "电话查岗", "result": "在岗"},
            {"cadre_no": "GB002", "day": "2026-05-06", "method": "进村抽查", "result": "在岗"},
            {"cadre_no": "GB002", "day": "2026-04-20", "method": "电话查岗", "result": "不在岗"},
        ]
    )
    checks.refresh()
    assert checks.month_combo.currentText() == "2026-05"
    assert checks.model.rowCount() == 2
    pick(checks.month_combo, "全部")
    assert checks.model.rowCount() == 3
    pick(checks.result_combo, "不在岗")
    assert [checks.model.index(r, K.COL_DAY).data() for r in range(checks.model.rowCount())] == [
        "2026-04-20"
    ]
    pick(checks.result_combo, "全部")
    pick(checks.cadre_combo, "李秀兰（GB002）")
    assert checks.model.rowCount() == 2
    assert checks.year_label.text() == "李秀兰：本年度查岗不在岗 1 次，等次最高为称职"
    dialog = checks.add_check()
    assert dialog.form.editors["cadre_no"].currentText() == "李秀兰（GB002）"
    retype(qtbot, dialog.form.editors["day"], "2026-04-20")
    qtbot.keyClick(dialog.form.editors["day"], Qt.Key.Key_Return)
    assert dialog.isVisible() and "同样方式" in dialog.form.errors["method"].text()


def test_edit_and_delete_a_check_with_undo(pages, qtbot, db, monkeypatch):
    _roster, checks = pages
    db["checks"].insert(
        {"cadre_no": "GB002", "day": "2026-05-06", "method": "进村抽查", "result": "在岗"}
    )
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-06", "kind": "在村"})
    checks.refresh()
    checks.table.setFocus()
    checks.table.selectRow(0)
    qtbot.keyClick(checks.table, Qt.Key.Key_Return)
    form = checks.dialog.form
    pick(form.editors["result"], "请假")
    qtbot.keyClick(form.editors["day"], Qt.Key.Key_Return)
    assert db.execute("SELECT result FROM checks").fetchone()[0] == "请假"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    checks.table.setFocus()
    checks.table.selectRow(0)
    qtbot.keyClick(checks.table, Qt.Key.Key_Delete)
    assert db["checks"].count == 0 and checks.model.rowCount() == 0
    ctrl(qtbot, checks.table)
    ctrl(qtbot, checks.table)
    assert db.execute("SELECT result FROM checks").fetchone()[0] == "在岗"
