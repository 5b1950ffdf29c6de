"""办实事台账 as a clerk uses it: add with a bad date and negative funds, correct, save,
see the totals, filter, link to a meeting, undo, delete, export."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.db import practical as pdb
from app.db.practical import PracticalFilter
from app.domain.periods import Month, Quarter
from app.ui.meetings.ledger import LedgerModel as L
from app.ui.meetings.ledger import PracticalMattersPage
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog

DONGPO, XIGOU, NANYUAN = "610526100201", "610526100202", "610526100203"
CTRL = Qt.KeyboardModifier.ControlModifier


class Tab(QWidget):
    """What the 周例会 tab does for the page: an undo stack that refreshes it."""

    def __init__(self, db, today) -> None:
        super().__init__()
        self.undo = TabUndo(self, db, self.refresh)
        self.page = PracticalMattersPage(db, self.undo, clock=lambda: today, parent=self)
        QVBoxLayout(self).addWidget(self.page)

    def refresh(self) -> None:
        self.page.refresh()


@pytest.fixture
def tab(qtbot, db, today):
    t = Tab(db, today)
    qtbot.addWidget(t)
    t.resize(1200, 660)
    t.show()
    qtbot.waitExposed(t)
    t.activateWindow()
    qtbot.waitUntil(t.isActiveWindow)  # Ctrl+Z works in the active window
    return t


def column(page, col):
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def groups(model):
    return [tuple(model.index(r, c).data() for c in range(4)) for r in range(model.rowCount())]


def add(db, day, fen, village=DONGPO, category="水", households=10, **fields):
    values = {
        "day": day,
        "village_code": village,
        "category": category,
        "description": f"{category}事 {day}",
        "funds_fen": fen,
        "households": households,
        "status": "已办结",
    }
    return pdb.add_matter(db, values | fields)


def fill(form, **texts):
    for field, text in texts.items():
        form.set_text(field, text)


def test_add_with_mistakes_correct_save_totals_filter_and_undo(tab, db, qtbot):
    page = tab.page
    assert page.empty_label.isVisible() and "还没有办实事记录" in page.empty_label.text()
    assert page.totals_label.text() == "合计：0 件　投入资金 0.00 元　受益 0 户"

    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, RecordDialog)
    qtbot.waitExposed(dialog)
    form = dialog.form
    assert form.editors["day"].text() == "2026-05-15"  # today
    assert form.editors["village_code"].currentText() == ""  # nothing chosen for the clerk
    assert form.editors["status"].currentText() == "已办结"
    categories = form.editors["category"]
    assert [categories.itemText(i) for i in range(categories.count())][1:] == list(pdb.CATEGORIES)

    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-02-30")
    qtbot.keyClicks(form.editors["funds_fen"], "-5")
    form.set_text("households", "十二")  # typed with a Chinese input method
    # the problems show under the fields as the clerk types
    assert form.errors["day"].isVisible() and form.errors["day"].text() == "日期不存在：2026-02-30"
    assert (
        form.errors["funds_fen"].isVisible() and form.errors["funds_fen"].text() == "不能为负数：-5"
    )
    assert form.errors["households"].text() == "应为不小于 0 的整数：十二"
    fill(form, village_code="东坡村", category="水", description="为三组铺设自来水管道 800 米")
    qtbot.keyClick(form.editors["description"], Qt.Key.Key_Return)
    assert dialog.isVisible() and pdb.totals(db, PracticalFilter()).count == 0
    assert set(form.problems()) == {"day", "funds_fen", "households"}

    form.editors["funds_fen"].setText("1234.567")
    form.validate_field("funds_fen")
    assert form.errors["funds_fen"].text() == "最多两位小数：1234.567"
    fill(form, day="2026-05-10", funds_fen="1,234.50", households="12")
    fill(form, cadre_no="王建国（GB001）")
    assert form.problems() == {}
    qtbot.keyClick(form.editors["households"], Qt.Key.Key_Return)
    assert dialog.result() == RecordDialog.DialogCode.Accepted
    (stored,) = pdb.matters(db, PracticalFilter())
    assert (stored.funds_fen, stored.households, stored.cadre_no) == (123450, 12, "GB001")
    assert column(page, L.COL_FUNDS) == ["1,234.50"]
    assert column(page, L.COL_TEXT) == ["为三组铺设自来水管道 800 米"]
    assert page.current_uuid() == stored.uuid  # the new row is selected

    dialog = page.add_matter()
    fill(dialog.form, village_code="西沟村", category="路", description="修补机耕路")
    fill(dialog.form, funds_fen="0.05", households="3", status="办理中")
    assert dialog.form.submit()
    assert page.totals().funds_fen == 123455  # 1,234.50 + 0.05, in fen
    assert page.totals_label.text() == "合计：2 件　投入资金 1,234.55 元　受益 15 户"
    assert column(page, L.COL_STATUS) == ["办理中", "已办结"]  # newest first: 05-15, 05-10
    assert groups(page.by_village) == [
        ("东坡村", "1", "1,234.50", "12"),
        ("西沟村", "1", "0.05", "3"),
    ]
    assert groups(page.by_category) == [("水", "1", "1,234.50", "12"), ("路", "1", "0.05", "3")]
    assert groups(page.by_period) == [("2026年第二季度", "2", "1,234.55", "15")]  # 全部: by quarter

    page.category_combo.setCurrentIndex(page.category_combo.findData("水"))
    assert column(page, L.COL_CATEGORY) == ["水"]
    assert page.totals_label.text() == "合计：1 件　投入资金 1,234.50 元　受益 12 户"
    assert groups(page.by_category) == [("水", "1", "1,234.50", "12")]
    page.category_combo.setCurrentIndex(0)
    page.picker.set_period(Month(2026, 5))
    assert groups(page.by_period) == [("2026年5月", "2", "1,234.55", "15")]  # a month: by month

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    qtbot.keyRelease(page.table, Qt.Key.Key_Control)
    assert column(page, L.COL_TEXT) == ["为三组铺设自来水管道 800 米"]
    assert page.totals().funds_fen == 123450
    assert page.totals_label.text() == "合计：1 件　投入资金 1,234.50 元　受益 12 户"
    tab.undo.stack.redo()
    assert page.totals().funds_fen == 123455


def test_filters_search_and_breakdowns(tab, db, qtbot):
    add(db, "2026-01-20", 50000, households=30)
    add(db, "2026-02-11", 700, village=XIGOU, category="医疗", households=4)
    add(db, "2026-04-02", 12345, village=NANYUAN, category="水", households=8, status="办理中")
    add(db, "2026-05-03", 0, village=XIGOU, category="文化", households=60)
    page = tab.page
    page.refresh()
    assert page.model.rowCount() == 4
    assert groups(page.by_village) == [
        ("东坡村", "1", "500.00", "30"),
        ("西沟村", "2", "7.00", "64"),
        ("南塬村", "1", "123.45", "8"),
    ]
    assert [g[0] for g in groups(page.by_category)] == ["水", "医疗", "文化"]
    assert [g[2] for g in groups(page.by_category)] == ["623.45", "7.00", "0.00"]
    assert groups(page.by_period) == [
        ("2026年第一季度", "2", "507.00", "34"),
        ("2026年第二季度", "2", "123.45", "68"),
    ]
    page.period_combo.setCurrentIndex(page.period_combo.findData("month"))
    assert [g[0] for g in groups(page.by_period)] == [
        "2026年1月",
        "2026年2月",
        "2026年4月",
        "2026年5月",
    ]

    page.picker.set_period(Quarter(2026, 1))
    assert column(page, L.COL_DAY) == ["2026-02-11", "2026-01-20"]
    assert page.totals_label.text() == "合计：2 件　投入资金 507.00 元　受益 34 户"
    page.village_combo.setCurrentIndex(page.village_combo.findData(XIGOU))
    assert column(page, L.COL_DAY) == ["2026-02-11"]
    page.picker.set_period(None)
    page.status_combo.setCurrentIndex(page.status_combo.findData("已办结"))
    assert column(page, L.COL_DAY) == ["2026-05-03", "2026-02-11"]
    page.status_combo.setCurrentIndex(0)
    page.village_combo.setCurrentIndex(0)
    page.search_edit.setText("医疗")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.search_edit.setText("没有这件事")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert "没有符合筛选条件" in page.empty_label.text() and not page.export_button.isEnabled()
    assert page.totals_label.text() == "合计：0 件　投入资金 0.00 元　受益 0 户"

    # a click on a header sorts in the database
    page.search_edit.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    page.table.sortByColumn(L.COL_FUNDS, Qt.SortOrder.AscendingOrder)
    assert column(page, L.COL_FUNDS) == ["0.00", "7.00", "123.45", "500.00"]


def test_link_to_a_meeting_and_a_diary_edit_delete_and_export(
    tab, db, qtbot, tmp_path, monkeypatch
):
    db["meetings"].insert_all(
        [
            {"id": 1, "kind": "周例会", "day": "2026-05-11"},
            {"id": 2, "kind": "月汇报", "day": "2026-04-29"},
            {"id": 3, "kind": "周例会", "day": "2025-06-02"},  # too old to offer
        ]
    )
    db["diaries"].insert_all(
        [
            {"id": 5, "cadre_no": "GB002", "day": "2026-05-08", "village_code": XIGOU},
            {"id": 6, "cadre_no": "GB001", "day": "2026-05-09", "village_code": DONGPO},
        ]
    )
    page = tab.page
    page.refresh()
    dialog = page.add_matter()
    form = dialog.form
    meetings = form.editors["meeting_id"]
    assert [meetings.itemText(i) for i in range(meetings.count())] == [
        "",
        "2026-05-11 周例会",
        "2026-04-29 月汇报",
    ]
    fill(form, village_code="西沟村")
    diaries = form.editors["diary_id"]  # only the chosen village's entries
    assert [diaries.itemText(i) for i in range(diaries.count())] == ["", "2026-05-08 李秀兰·西沟村"]
    fill(form, category="技术", description="请农技站讲苹果修剪", households="25")
    fill(form, meeting_id="2026-05-11 周例会", diary_id="2026-05-08 李秀兰·西沟村")
    assert form.submit()
    assert column(page, L.COL_SOURCE) == ["周例会 2026-05-11；民情日记 2026-05-08（李秀兰）"]
    assert column(page, L.COL_FUNDS) == ["0.00"]  # no funds: left blank

    page.table.selectRow(0)
    dialog = page.edit_current()
    form = dialog.form
    assert form.editors["meeting_id"].currentText() == "2026-05-11 周例会"
    assert form.editors["funds_fen"].text() == "0.00"
    fill(form, funds_fen="2000", diary_id="")
    assert form.submit()
    assert column(page, L.COL_SOURCE) == ["周例会 2026-05-11"]
    assert column(page, L.COL_FUNDS) == ["2,000.00"]

    path = page.export_xlsx(tmp_path / "台账.xlsx")
    ws = load_workbook(path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "东坡镇办实事台账（全部）"
    assert values[1][:6] == ["日期", "村", "干部", "类别", "事项", "投入资金（元）"]
    assert values[2][:2] + values[2][3:7] == [
        "2026-05-15",
        "西沟村",
        "技术",
        "请农技站讲苹果修剪",
        2000,
        25,
    ]
    assert isinstance(ws.cell(3, 6).value, (int, Decimal)) and ws.cell(3, 6).number_format == "0.00"
    assert [values[3][i] for i in (0, 4, 5, 6)] == ["合计", "1 件", 2000, 25]
    flat = [v for row in values for v in row if v]
    assert "按村汇总" in flat and "按类别汇总" in flat and "按季汇总" in flat
    assert "已导出 1 件" in page.status_label.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    page.table.selectRow(0)
    assert page.delete_current()
    assert page.model.rowCount() == 0 and pdb.totals(db, PracticalFilter()).count == 0
    tab.undo.stack.undo()
    assert column(page, L.COL_FUNDS) == ["2,000.00"]


def test_a_date_after_today_is_refused(tab):
    dialog = tab.page.add_matter()
    fill(dialog.form, day="2026-05-16", village_code="东坡村", category="水", description="x")
    assert not dialog.form.submit()
    assert dialog.form.errors["day"].text() == "日期晚于今天（2026-05-15）"
