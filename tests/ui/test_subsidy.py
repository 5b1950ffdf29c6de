"""补助发放 as a clerk uses it, on the demo township ("today" 2026-11-28).

The demo has every month up to 2026-09 approved and 2026-10 as a draft carrying one
补发 and one 扣回 for 2026-09 (attendance corrected after approval).
"""

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

import app.ui.subsidy.sheet as sheet_module
from app.db.connection import memory_database
from app.db.subsidy import approval_info, approve_month, sheet_for_month
from app.demo_setup import make_demo
from app.domain.money import capital_amount, format_yuan
from app.domain.periods import Month
from app.ui.subsidy.rates import RatesModel as RM
from app.ui.subsidy.sheet import SheetModel as S
from app.ui.subsidy_tab import SubsidyTab
from tests.ui.test_roster import type_chinese

TODAY = date(2026, 11, 28)
SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)
Ctrl = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def demo_source():
    db = memory_database()
    make_demo(db, scale="township", seed=1, today=TODAY)
    return db


@pytest.fixture
def db(demo_source):
    """A fresh copy of the demo for each test."""
    db = memory_database()
    demo_source.conn.backup(db.conn)
    return db


@pytest.fixture
def tab(qtbot, db):
    """The tab shown and active, so that Ctrl+Z reaches it."""
    tab = SubsidyTab(db, clock=lambda: TODAY)
    qtbot.addWidget(tab)
    tab.resize(1200, 640)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    return tab


@pytest.fixture
def questions(monkeypatch):
    """QMessageBox.question answered 是; the texts asked are kept."""
    asked = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def column(model, c):
    return [model.index(r, c).data() for r in range(model.rowCount())]


def click_line(qtbot, page, cadre_no):
    row = column(page.model, S.COL_NO).index(cadre_no)
    index = page.model.index(row, S.COL_NAME)
    page.table.scrollTo(index)
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center()
    )


def save(qtbot, dialog):
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def ctrl_z(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Z, Ctrl)
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def cadre_with_note(page, note):
    return next(line.cadre_no for line in page.lines() if note in line.notes)


# ---- the monthly sheet ------------------------------------------------------------------


def test_the_draft_month_shows_the_domain_sheet(tab, db):
    page = tab.sheet
    expected = sheet_for_month(db, OCT)
    assert page.month() == OCT and page.picker.edit.text() == "2026-10"  # last month
    assert page.status_label.text() == "草稿"
    assert not page.banner.isVisible()
    assert column(page.model, S.COL_SEQ)[:3] == ["1", "2", "3"]
    assert column(page.model, S.COL_NO) == [line.cadre_no for line in expected.lines]
    assert column(page.model, S.COL_TOTAL) == [format_yuan(x.total_fen) for x in expected.lines]
    total = format_yuan(expected.total_fen)
    assert f"{total} 元" in page.total_label.text()
    assert f"大写：{capital_amount(expected.total_fen)}" in page.total_label.text()
    notes = column(page.model, S.COL_NOTES)
    assert "补发 2026-09" in notes and "扣回 2026-09" in notes
    taken_back = notes.index("扣回 2026-09")
    assert page.model.index(taken_back, S.COL_ADJUSTMENT).data() == "-6.00"
    money = page.model.index(0, S.COL_LIVING)
    assert money.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.approve_button.isEnabled() and not page.unapprove_button.isEnabled()


def test_the_month_picker_steps_through_months(tab, qtbot):
    page = tab.sheet
    qtbot.mouseClick(page.picker.prev_button, Qt.MouseButton.LeftButton)
    assert page.month() == SEP and page.picker.edit.text() == "2026-09"
    assert page.status_label.text().startswith("已审批（审批人 演示审批人，2026-")
    assert page.banner.isVisible()
    assert page.banner.text() == "已审批，不可修改；之后的考勤更正将在下月以补发/扣回计入"
    assert not page.approve_button.isEnabled() and page.unapprove_button.isEnabled()
    qtbot.mouseClick(page.picker.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.picker.next_button, Qt.MouseButton.LeftButton)
    assert page.month() == NOV and page.status_label.text() == "草稿"


def test_a_click_on_a_line_lists_its_days_and_adjustments(tab, qtbot):
    page = tab.sheet
    assert page.panel.hint_label.isVisible()
    cadre = cadre_with_note(page, "补发 2026-09")
    click_line(qtbot, page, cadre)
    line = page.current_line()
    assert line.cadre_no == cadre
    panel = page.panel
    assert panel.title_label.text() == f"{line.name}（{cadre}）· 2026-10"
    assert not panel.hint_label.isVisible()
    days = panel.days_model
    assert days.rowCount() == line.present_days > 0
    shown = column(days, days.COL_DAY)
    assert all(d.startswith("2026-10-") and " 周" in d for d in shown)
    assert set(column(days, days.COL_KIND)) <= {"在村", "会议培训"}
    living = sum(Decimal(x) for x in column(days, days.COL_RATE))
    row = column(page.model, S.COL_NO).index(cadre)
    assert f"{living:.2f}" == page.model.index(row, S.COL_LIVING).data()
    adjustments = panel.adjustments_model
    assert [
        [adjustments.index(0, c).data() for c in range(3)] for _ in range(adjustments.rowCount())
    ] == [["2026-09", "补发", "6.00"]]
    assert panel.adjustments_table.isVisible()

    other = next(x.cadre_no for x in page.lines() if not x.adjustments and x.present_days)
    click_line(qtbot, page, other)
    assert panel.adjustments_label.text() == "调整：无"
    assert not panel.adjustments_table.isVisible()


def test_approving_freezes_the_month_and_a_later_change_is_carried(tab, qtbot, db, questions):
    page = tab.sheet
    before = sheet_for_month(db, OCT)
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    editor = dialog.form.editors["approved_by"]
    assert editor.text() == "演示审批人"  # who approved last time
    assert (
        format_yuan(before.total_fen) in dialog.findChild(type(page.banner), "approve_info").text()
    )
    editor.clear()
    type_chinese(editor, "李会计")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert len(questions) == 1 and "审批人：李会计" in questions[0]
    assert capital_amount(before.total_fen) in questions[0]

    info = approval_info(db, OCT)
    assert info is not None and info.approved_by == "李会计"
    assert page.status_label.text() == (
        f"已审批（审批人 李会计，{info.approved_at.replace('T', ' ')[:16]}）"
    )
    assert page.banner.isVisible()
    assert not page.approve_button.isEnabled() and page.unapprove_button.isEnabled()
    assert "已审批 2026-10" in page.note_label.text()

    # a day added to October afterwards: October keeps its sheet, November pays it
    line = next(x for x in before.lines if x.present_days and not x.adjustments)
    recorded = {
        r[0] for r in db.execute("SELECT day FROM attendance WHERE cadre_no = ?", [line.cadre_no])
    }
    day = next(d for d in OCT.days() if d.isoformat() not in recorded)
    db["attendance"].insert(
        {"cadre_no": line.cadre_no, "day": day.isoformat(), "kind": "在村", "note": "补录"}
    )
    qtbot.mouseClick(page.picker.next_button, Qt.MouseButton.LeftButton)
    assert page.month() == NOV
    row = column(page.model, S.COL_NO).index(line.cadre_no)
    assert page.model.index(row, S.COL_NOTES).data() == "补发 2026-10"
    assert page.model.index(row, S.COL_ADJUSTMENT).data() == "6.00"

    qtbot.mouseClick(page.picker.prev_button, Qt.MouseButton.LeftButton)
    assert page.month() == OCT
    assert f"{format_yuan(before.total_fen)} 元" in page.total_label.text()
    row = column(page.model, S.COL_NO).index(line.cadre_no)
    assert page.model.index(row, S.COL_DAYS).data() == str(line.present_days)
    click_line(qtbot, page, line.cadre_no)
    assert "审批后考勤有更正" in page.panel.days_note.text()
    assert page.panel.days_note.isVisible()

    # the name is offered again at the next approval
    page.set_month(NOV)
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    assert page.dialog.form.editors["approved_by"].text() == "李会计"
    page.dialog.reject()


def test_a_no_at_the_confirmation_approves_nothing(tab, qtbot, db, monkeypatch):
    page = tab.sheet
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    save(qtbot, page.dialog)
    assert approval_info(db, OCT) is None
    assert page.status_label.text() == "草稿"


def test_withdrawing_an_approval_needs_a_reason_kept_in_the_log(tab, qtbot, db):
    page = tab.sheet
    approve_month(db, OCT, "李会计")
    page.refresh()
    assert page.banner.isVisible()
    qtbot.mouseClick(page.unapprove_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    assert dialog.form.editors["by"].text() == "李会计"
    save(qtbot, dialog)  # no reason yet
    assert dialog.isVisible()
    assert dialog.form.errors["reason"].text() == "必填"
    assert approval_info(db, OCT) is not None
    type_chinese(dialog.form.editors["reason"], "十月考勤有一天录错，需重新核对")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert approval_info(db, OCT) is None
    assert page.status_label.text() == "草稿" and not page.banner.isVisible()
    assert page.approve_button.isEnabled()
    assert "原因：十月考勤有一天录错" in page.note_label.text()
    reasons = [r[0] for r in db.execute("SELECT reason FROM change_log WHERE action = 'note'")]
    assert any("十月考勤有一天录错，需重新核对" in r and "李会计" in r for r in reasons)


def test_withdrawing_an_earlier_month_is_refused(tab, qtbot, db, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    page = tab.sheet
    page.set_month(Month(2026, 8))
    assert page.unapprove_button.isEnabled()
    page.dialog = None
    qtbot.mouseClick(page.unapprove_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1
    assert "2026-09 已审批" in warnings[0] and "再撤销 2026-08" in warnings[0]
    assert page.dialog is None  # no reason asked
    assert approval_info(db, Month(2026, 8)) is not None


# ---- rates -------------------------------------------------------------------------------


def rate_rows(page):
    return [[page.model.index(r, c).data() for c in range(4)] for r in range(page.model.rowCount())]


def retype(qtbot, edit, text):
    edit.clear()
    qtbot.keyClicks(edit, text)


def transport_paid(sheet):
    """The 交通通讯补助 shown on the lines with present days."""
    shown = column(sheet.model, S.COL_TRANSPORT)
    return {x for x, line in zip(shown, sheet.lines(), strict=True) if line.present_days}


def test_a_new_rate_reaches_the_draft_month_and_ctrl_z_takes_it_back(tab, qtbot, db):
    rates = tab.show_page("rates")
    assert rate_rows(rates) == [
        ["生活补助", "2024-07-01", "6.00 元/天", "至今"],
        ["交通通讯补助", "2024-07-01", "40.00 元/月", "2026-06-30"],
        ["交通通讯补助", "2026-07-01", "100.00 元/月", "至今"],
    ]
    qtbot.mouseClick(rates.add_button, Qt.MouseButton.LeftButton)
    dialog = rates.dialog
    qtbot.waitExposed(dialog)
    form = dialog.form
    kind = form.editors["kind"]
    kind.setCurrentIndex(kind.findText("交通通讯补助"))
    start, amount = form.editors["effective_from"], form.editors["amount_fen"]

    retype(qtbot, start, "2026-02-30")
    assert "日期不存在：2026-02-30" in form.errors["effective_from"].text()
    assert form.errors["effective_from"].isVisible()
    retype(qtbot, start, "2026-09-15")
    assert form.errors["effective_from"].isHidden()
    note = dialog.affected_note
    assert note.isVisible()
    assert "将影响已审批的 2026-09，差额在下一个未审批月份（2026-10）补发/扣回" in note.text()
    retype(qtbot, start, "2026-10-31")
    assert note.isHidden()  # October is a draft: it simply uses the new rate

    for typed, problem in (("-5", "不能为负数"), ("120.005", "最多两位小数")):
        retype(qtbot, amount, typed)
        assert problem in form.errors["amount_fen"].text()
    retype(qtbot, amount, "120")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert rate_rows(rates)[1:] == [
        ["交通通讯补助", "2024-07-01", "40.00 元/月", "2026-06-30"],
        ["交通通讯补助", "2026-07-01", "100.00 元/月", "2026-10-30"],
        ["交通通讯补助", "2026-10-31", "120.00 元/月", "至今"],
    ]
    assert "按 Ctrl+Z 可撤销" in rates.message.text()

    sheet = tab.show_page("sheet")
    assert transport_paid(sheet) == {"120.00"}

    tab.show_page("rates")
    ctrl_z(qtbot, rates.table)
    assert [r[1] for r in rate_rows(rates)] == ["2024-07-01", "2024-07-01", "2026-07-01"]
    tab.show_page("sheet")
    assert transport_paid(sheet) == {"100.00"}


def test_a_rate_twice_on_one_day_is_refused_next_to_the_date(tab, qtbot):
    rates = tab.show_page("rates")
    dialog = rates.add_rate()
    retype(qtbot, dialog.form.editors["effective_from"], "2026-07-01")
    retype(qtbot, dialog.form.editors["amount_fen"], "80")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert "已有标准" in dialog.form.errors["effective_from"].text()
    assert len(rates.rows()) == 3


def test_deleting_a_rate_asks_and_ctrl_z_brings_it_back(tab, qtbot, db, questions):
    rates = tab.show_page("rates")
    assert not rates.delete_button.isEnabled()
    row = [r[1] for r in rate_rows(rates)].index("2026-07-01")
    qtbot.mouseClick(
        rates.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=rates.table.visualRect(rates.model.index(row, RM.COL_FROM)).center(),
    )
    assert rates.delete_button.isEnabled()
    qtbot.mouseClick(rates.delete_button, Qt.MouseButton.LeftButton)
    assert len(questions) == 1
    assert "删除 2026-07-01 起执行的交通通讯补助 100.00 元/月？" in questions[0]
    assert "删除后将影响已审批的 2026-07 至 2026-09" in questions[0]
    assert [r[1] for r in rate_rows(rates)] == ["2024-07-01", "2024-07-01"]
    sheet = sheet_for_month(db, OCT)
    assert {x.transport_fen for x in sheet.lines if x.present_days} == {4000}
    ctrl_z(qtbot, rates.table)
    assert [r[1] for r in rate_rows(rates)] == ["2024-07-01", "2024-07-01", "2026-07-01"]


# ---- the year ----------------------------------------------------------------------------


def test_the_year_view_adds_up_the_monthly_sheets(tab, qtbot, db):
    year = tab.show_page("year")
    model = year.model
    assert year.year() == 2026
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["干部编号", "姓名", "1月✓"]
    assert headers[-4:] == ["9月✓", "10月", "11月", "全年合计"]
    months = [Month(2026, m) for m in range(1, 12)]
    sheets = {m: sheet_for_month(db, m) for m in months}
    assert model.rowCount() == 23
    for r in range(model.rowCount()):
        cadre = model.index(r, model.COL_NO).data()
        for i, m in enumerate(months):
            line = next((x for x in sheets[m].lines if x.cadre_no == cadre), None)
            shown = model.index(r, model.FIRST_MONTH + i).data()
            assert shown == ("" if line is None else format_yuan(line.total_fen))
    totals = year.totals_model  # always in view under the cadres
    assert year.totals_table.isVisible() and totals.rowCount() == 1
    assert totals.index(0, totals.COL_NAME).data() == "合计"
    assert [totals.index(0, totals.FIRST_MONTH + i).data() for i in range(11)] == [
        format_yuan(sheets[m].total_fen) for m in months
    ]
    year_total = sum(s.total_fen for s in sheets.values())
    assert totals.index(0, totals.col_total).data() == format_yuan(year_total)
    assert capital_amount(year_total) in year.total_label.text()

    qtbot.mouseClick(year.prev_button, Qt.MouseButton.LeftButton)
    assert year.year() == 2025
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[2:14] == [f"{m}月✓" for m in range(1, 13)]

    qtbot.mouseClick(year.next_button, Qt.MouseButton.LeftButton)
    october = year.table.visualRect(model.index(0, model.FIRST_MONTH + 9)).center()
    qtbot.mouseClick(year.table.viewport(), Qt.MouseButton.LeftButton, pos=october)
    qtbot.mouseDClick(year.table.viewport(), Qt.MouseButton.LeftButton, pos=october)
    assert tab.pages.currentIndex() == 0 and tab.sheet.month() == OCT


def test_approving_shows_in_the_year_view(tab, qtbot, questions):
    year = tab.show_page("year")
    assert "10月" in [year.model.headerData(c, Qt.Orientation.Horizontal) for c in range(14)]
    sheet = tab.show_page("sheet")
    sheet.approve()
    save(qtbot, sheet.dialog)
    tab.show_page("year")
    assert "10月✓" in [year.model.headerData(c, Qt.Orientation.Horizontal) for c in range(14)]


# ---- print and export --------------------------------------------------------------------


def test_print_writes_the_sheet_with_the_total_in_capitals(tab, qtbot, db, tmp_path, monkeypatch):
    page = tab.sheet
    chosen = tmp_path / "补助发放表.pdf"
    asked = []

    def ask(_parent, title, name, _kind):
        asked.append((title, name))
        return chosen

    monkeypatch.setattr(sheet_module, "ask_save_path", ask)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)  # opens the preview
    preview = page._print_preview
    assert preview.page_count() >= 1
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)  # 另存为 PDF…
    preview.close()
    assert asked == [("打印补助发放表", "补助发放表-2026-10.pdf")]
    assert chosen.exists() and "已把 2026年10月 补助发放表打印到" in page.note_label.text()
    text = subprocess.run(
        ["pdftotext", "-layout", str(chosen), "-"], capture_output=True, text=True, check=True
    ).stdout
    total = sheet_for_month(db, OCT).total_fen
    assert "2026年10月驻村干部补助发放表" in text
    assert format_yuan(total) in text
    assert capital_amount(total) in text
    assert "补发 2026-09" in text and "领款人签字" in text


def test_export_to_excel_and_csv(tab, db, tmp_path):
    from openpyxl import load_workbook

    page = tab.sheet
    total = format_yuan(sheet_for_month(db, OCT).total_fen)
    csv = page.export_sheet(".csv", tmp_path / "oct.csv")
    text = csv.read_text(encoding="utf-8-sig")
    assert "补发 2026-09" in text and total in text
    xlsx = page.export_sheet(".xlsx", tmp_path / "oct.xlsx")
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    totals = next(r for r in rows if r[0] == "合计")
    assert Decimal(str(totals[7])) == Decimal(total)
    assert "已把 2026年10月 补助发放表导出到" in page.note_label.text()


def test_a_refused_print_is_a_message(tab, tmp_path, monkeypatch):
    from app.reports.pdf.fonts import FontMissing

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: warnings.append(title))

    def missing(*_a, **_k):
        raise FontMissing("找不到中文字体")

    monkeypatch.setattr(sheet_module, "build_subsidy_pdf", missing)
    assert tab.sheet.print_sheet(tmp_path / "x.pdf") is None
    assert warnings == ["缺少中文字体"]
