"""履职情况 as a clerk reads it: a month, a quarter, a year; shortfalls in red; sorting;
a cadre's weeks; the xlsx export."""

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.db import diaries
from app.domain.periods import Month, Quarter, Year
from app.ui.cadres.compliance import SHORT_FILL, CompliancePage, PeriodResultsDialog
from app.ui.cadres.compliance import ComplianceTableModel as C
from app.ui.undo import TabUndo

TODAY = date(2026, 5, 15)
DONGPO = "610526100201"


def fill(db, cadre, kind, *days):
    db["attendance"].insert_all(
        [{"cadre_no": cadre, "day": str(d), "kind": kind, "village_code": DONGPO} for d in days]
    )


@pytest.fixture
def db(township_db):
    """GB001 兼职书记 meets 3 of the 4 weeks of February 2026 (2, 3, 2, 1 present days);
    GB002 驻村干部 is present 18 of the 20 days asked; GB003 兼职第一书记 meets every week."""
    db = township_db
    fill(db, "GB001", "在村", "2026-02-02", "2026-02-03", "2026-02-09", "2026-02-10")
    fill(db, "GB001", "在村", "2026-02-11", "2026-02-17", "2026-02-24")
    fill(db, "GB001", "会议培训", "2026-02-18")
    fill(db, "GB001", "请假", "2026-02-25")
    weekdays = [d for d in Month(2026, 2).days() if d.weekday() < 5]
    fill(db, "GB002", "在村", *weekdays[:18])
    fill(db, "GB002", "缺勤", *weekdays[18:])
    db["checks"].insert(
        {"cadre_no": "GB002", "day": "2026-02-26", "method": "电话查岗", "result": "不在岗"}
    )
    for cadre, day in (("GB001", "2026-02-03"), ("GB001", "2026-02-24"), ("GB002", "2026-02-05")):
        values = {"day": day, "cadre_no": cadre, "village_code": DONGPO, "situation": "走访"}
        diaries.add_entry(db, values)
    db["cadres"].insert({"cadre_no": "GB003", "township_code": "610526100", "name": "赵刚"})
    db["assignments"].insert(
        {
            "cadre_no": "GB003",
            "village_code": DONGPO,
            "role": "兼职第一书记",
            "start_date": "2026-01-05",
        }
    )
    fill(db, "GB003", "在村", *(d for d in Year(2026).days() if d.weekday() in (1, 3)))
    return db


@pytest.fixture
def page(qtbot, db):
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    p = CompliancePage(db, undo, clock=lambda: TODAY, parent=tab)
    QVBoxLayout(tab).addWidget(p)
    qtbot.addWidget(tab)
    tab.resize(1180, 600)
    tab.show()
    qtbot.waitExposed(tab)
    p.refresh()
    return p


def rows(page):
    m = page.model
    return {
        m.index(r, C.COL_NO).data(): [m.index(r, c).data() for c in range(m.columnCount())]
        for r in range(m.rowCount())
    }


def shaded(page):
    m = page.model
    return {
        m.index(r, C.COL_NO).data()
        for r in range(m.rowCount())
        if m.index(r, C.COL_NAME).data(Qt.ItemDataRole.BackgroundRole) == SHORT_FILL
    }


def test_the_last_whole_month_is_shown_first(page):
    assert page.period() == Month(2026, 4)
    assert page.picker.part_combo.currentText() == "4 月"


def test_a_month_shows_exactly_the_figures_and_highlights_the_shortfalls(page):
    page.set_period(Month(2026, 2))
    r = rows(page)
    assert r["GB001"] == ["GB001", "王建国", "兼职书记", "东坡村", "8", "8", "3/4周", "75.0%"] + [
        "1",
        "0",
        "0",
        "2",
    ]
    assert r["GB002"] == ["GB002", "李秀英", "驻村干部", "东坡村", "20", "18", "0/1月", "0.0%"] + [
        "0",
        "2",
        "1",
        "1",
    ]
    assert r["GB003"][4:8] == ["8", "8", "4/4周", "100.0%"]
    assert shaded(page) == {"GB001", "GB002"}
    assert page.summary_label.text().startswith("2026年2月：3 名干部，未全部达标 2 名")
    red = page.model.index(0, C.COL_RATIO).data(Qt.ItemDataRole.ForegroundRole).color()
    assert red.red() > 100 and red.green() < 50


def test_quarter_and_year_chosen_in_the_picker(page, qtbot):
    picker = page.picker
    picker.kind_combo.setCurrentIndex(picker.kind_combo.findData("quarter"))
    picker.part_combo.setCurrentIndex(0)
    assert page.period() == Quarter(2026, 1)
    r = rows(page)
    # the week of 1 January is covered from Thursday only, so 12 weeks are judged
    assert r["GB001"][4:8] == ["24", "8", "3/12周", "25.0%"]
    assert r["GB002"][4:8] == ["60", "18", "0/3月", "0.0%"]
    assert r["GB003"][6:8] == ["12/12周", "100.0%"]  # from Monday 5 January
    assert page.summary_label.text().startswith("2026年第一季度")

    picker.kind_combo.setCurrentIndex(picker.kind_combo.findData("year"))
    assert page.period() == Year(2026)
    r = rows(page)
    assert r["GB001"][4:8] == ["36", "8", "3/18周", "16.7%"]  # weeks ended by 15 May
    assert r["GB002"][4:8] == ["80", "18", "0/4月", "0.0%"]
    assert shaded(page) == {"GB001", "GB002"}
    qtbot.mouseClick(picker.prev_button, Qt.MouseButton.LeftButton)
    assert page.period() == Year(2025) and page.model.rowCount() == 0
    assert page.empty_label.isVisible() and not page.export_button.isEnabled()


def test_sorting_by_the_ratio_puts_the_lowest_first(page, qtbot):
    page.set_period(Month(2026, 2))
    header = page.table.horizontalHeader()
    header_pos = header.rect().center()
    header_pos.setX(header.sectionViewportPosition(C.COL_RATIO) + 20)
    assert list(rows(page)) == ["GB001", "GB002", "GB003"]  # by number at first
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header_pos)
    assert header.sortIndicatorSection() == C.COL_RATIO
    assert [r[C.COL_RATIO] for r in rows(page).values()] == ["0.0%", "75.0%", "100.0%"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header_pos)
    assert [r[C.COL_RATIO] for r in rows(page).values()] == ["100.0%", "75.0%", "0.0%"]
    page.sort_by(C.COL_PRESENT, Qt.SortOrder.DescendingOrder)
    assert list(rows(page)) == ["GB002", "GB001", "GB003"]


def test_double_click_shows_the_weeks_with_their_notes(page, qtbot):
    page.set_period(Month(2026, 2))
    rect = page.table.visualRect(page.model.index(0, C.COL_PERIODS))
    before = set(page.findChildren(PeriodResultsDialog))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (dialog,) = set(page.findChildren(PeriodResultsDialog)) - before
    m = dialog.model
    weeks = [[m.index(r, c).data() for c in (0, 2, 5, 6, 7)] for r in range(m.rowCount())]
    assert weeks == [
        ["2026-W06", "2", "2", "达标", "达标"],
        ["2026-W07", "3", "2", "达标", "达标"],
        ["2026-W08", "2", "2", "达标", "达标"],
        ["2026-W09", "1", "2", "未达标", "未达标：在村1天，应至少2天"],
    ]
    assert m.index(3, 0).data(Qt.ItemDataRole.BackgroundRole) == SHORT_FILL
    assert "王建国（GB001）" in dialog.windowTitle()
    assert "应在村 8 天，实际在村 8 天，达标 3/4周" in dialog.summary_label.text()


def test_export_holds_the_same_figures_in_the_order_shown(page, tmp_path):
    page.set_period(Month(2026, 2))
    page.sort_by(C.COL_RATIO)
    out = page.export_xlsx(tmp_path / "履职情况.xlsx")
    assert out == tmp_path / "履职情况.xlsx" and "已导出 3 行到" in page.status_label.text()
    ws = load_workbook(out).active
    assert ws["A1"].value == "蒲城县东坡镇 驻村干部履职情况（2026年2月）"
    assert [c.value for c in ws[2]][:8] == [
        "干部编号",
        "姓名",
        "岗位",
        "村",
        "应在村（天）",
        "实际在村（天）",
        "达标周期/考核周期",
        "达标率",
    ]
    lines = [[c.value for c in ws[r]] for r in (3, 4, 5)]
    assert lines[0] == [
        "GB002",
        "李秀英",
        "驻村干部",
        "东坡村",
        20,
        18,
        "0/1月",
        "0.0%",
        0,
        2,
        1,
        1,
    ]
    assert lines[1] == ["GB001", "王建国", "兼职书记", "东坡村", 8, 8, "3/4周", "75.0%", 1, 0, 0, 2]
    assert lines[2][0] == "GB003" and lines[2][6:8] == ["4/4周", "100.0%"]
    assert ws["A6"].value == "合计" and ws["H6"].value == "未全部达标 2 人"


def test_the_required_days_tooltip_says_the_rules_in_force(page, db):
    """From March 2026 the township asks 3 days a week and 22 a month: the 应在村 header
    says so for March, the old rules for February, and both for the quarter."""
    db["rule_settings"].insert_all(
        [
            {"key": "weekly_min_days", "effective_from": "2026-03-01", "value": "3"},
            {"key": "monthly_min_days", "effective_from": "2026-03-01", "value": "22"},
        ]
    )

    def tip():
        return page.model.headerData(
            C.COL_REQUIRED, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )

    page.set_period(Month(2026, 2))
    assert "兼职每周 2 天" in tip() and "驻村每月 20 天" in tip()
    page.set_period(Month(2026, 3))
    assert "兼职每周 3 天" in tip() and "驻村每月 22 天" in tip()
    page.set_period(Quarter(2026, 1))
    assert "兼职每周 2/3 天" in tip() and "驻村每月 20/22 天" in tip()


def test_a_cadre_with_attendance_and_no_post_is_listed_not_judged(page, db):
    """As on the duty grid and the attendance table of the month."""
    db["cadres"].insert({"cadre_no": "GB009", "township_code": "610526100", "name": "孙临时"})
    fill(db, "GB009", "在村", "2026-02-03", "2026-02-04")
    page.set_period(Month(2026, 2))
    row = rows(page)["GB009"]
    assert row[C.COL_ROLE] == "—" and row[C.COL_PRESENT] == "2"
    assert row[C.COL_PERIODS] == "不考核" and row[C.COL_RATIO] == "—"
    assert page.model.row_at(3)["compliant"] is None
