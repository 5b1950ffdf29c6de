"""民情日记 as a clerk uses it: add with a bad date, search, undo, evaluate, print to PDF."""

import subprocess

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.db import diaries as ddb
from app.domain.periods import Month
from app.ui.cadres.diaries import DiariesPage
from app.ui.cadres.diaries import DiaryTableModel as D
from app.ui.undo import TabUndo
from app.ui.widgets.common import LongTextDialog
from app.ui.widgets.record_form import RecordDialog

DONGPO, XIGOU = "610526100201", "610526100202"
CTRL = Qt.KeyboardModifier.ControlModifier


class Tab(QWidget):
    """What the lead's 干部与值班 tab does for the page: an undo stack that refreshes it."""

    def __init__(self, db, today) -> None:
        super().__init__()
        self.undo = TabUndo(self, db, self.refresh)
        self.page = DiariesPage(db, self.undo, clock=lambda: today, parent=self)
        QVBoxLayout(self).addWidget(self.page)

    def refresh(self) -> None:
        self.page.refresh()


def activate(qtbot, widget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)  # shortcuts (Ctrl+Z) work in the active window


@pytest.fixture
def tab(qtbot, db, today):
    t = Tab(db, today)
    qtbot.addWidget(t)
    t.resize(1180, 620)
    t.show()
    qtbot.waitExposed(t)
    activate(qtbot, t)
    t.refresh()
    return t


def add(db, day, cadre="GB001", village=DONGPO, **fields):
    values = {"day": day, "cadre_no": cadre, "village_code": village, "situation": "入户走访"}
    return ddb.add_entry(db, values | fields).key["uuid"]


def column(page, col):
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def open_dialog(page, button, qtbot, kind=LongTextDialog):
    before = set(page.findChildren(kind))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (dialog,) = set(page.findChildren(kind)) - before
    qtbot.waitExposed(dialog)
    return dialog


def ctrl_z(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def search(page, qtbot, text, rows):
    page.search_edit.clear()
    page.search_edit.insert(text)
    qtbot.waitUntil(lambda: page.model.rowCount() == rows and not page._search_timer.isActive())


def test_add_with_a_bad_date_fix_save_find_and_undo(tab, db, qtbot):
    page = tab.page
    assert page.empty_label.isVisible() and "还没有民情日记" in page.empty_label.text()
    dialog = open_dialog(page, page.add_button, qtbot)
    form = dialog.form
    assert form.editors["day"].text() == "2026-05-15"  # today
    assert form.editors["cadre_no"].currentText() == ""  # nobody chosen for the clerk
    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-02-30")
    assert form.errors["day"].isVisible()
    assert form.errors["day"].text() == "日期不存在：2026-02-30"

    cadres = form.editors["cadre_no"]
    cadres.setCurrentIndex(cadres.findText("王建国（GB001）"))
    assert form.editors["village_code"].currentText() == "东坡村"  # his post on that day
    form.editors["place"].setText("村委会")
    form.editors["situation"].setPlainText("和三组群众座谈灌溉用水")
    form.editors["difficulties"].setPlainText("水渠年久失修")
    qtbot.keyClick(form.editors["day"], Qt.Key.Key_Return)
    assert dialog.isVisible() and ddb.count(db, ddb.DiaryFilter()) == 0
    assert form.errors["day"].text() == "日期不存在：2026-02-30"

    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-05-12")
    assert not form.errors["day"].isVisible()
    qtbot.keyClick(form.editors["difficulties"], Qt.Key.Key_Return)  # a new line, not saved
    assert dialog.isVisible() and form.editors["difficulties"].toPlainText().count("\n") == 1
    qtbot.keyClick(form.editors["difficulties"], Qt.Key.Key_Return, CTRL)
    assert dialog.result() == LongTextDialog.DialogCode.Accepted
    assert column(page, D.COL_DAY) == ["2026-05-12"]
    assert column(page, D.COL_CADRE) == ["王建国"] and column(page, D.COL_GRADE) == ["未评价"]
    (stored,) = ddb.full_entries(db, flt=ddb.DiaryFilter())
    assert stored["difficulties"] == "水渠年久失修" and stored["village_code"] == DONGPO

    add(db, "2026-05-10", "GB002", XIGOU, requests="希望修通机耕路")
    page.refresh()
    search(page, qtbot, "水渠", 1)
    assert column(page, D.COL_DAY) == ["2026-05-12"]
    assert "水渠年久失修" in page.detail.toPlainText()  # the selected entry in full
    search(page, qtbot, "修路", 0)
    assert "没有符合条件" in page.empty_label.text()
    search(page, qtbot, "机耕路", 1)
    search(page, qtbot, "", 2)

    activate(qtbot, tab)
    page.table.setFocus()
    ctrl_z(qtbot, page.table)
    assert column(page, D.COL_DAY) == ["2026-05-10"]
    assert ddb.count(db, ddb.DiaryFilter(text="水渠")) == 0


def test_escape_cancels_and_required_fields_are_named(tab, db, qtbot):
    page = tab.page
    dialog = open_dialog(page, page.add_button, qtbot)
    assert not dialog.form.submit()
    assert dialog.form.problems() == {
        "cadre_no": "必填",
        "village_code": "必填",
        "situation": "必填",
    }
    editors = dialog.form.editors
    activate(qtbot, dialog)
    editors["people"].setFocus()
    qtbot.keyClick(editors["people"], Qt.Key.Key_Tab)  # on to the multi-line box below
    assert editors["situation"].hasFocus()
    qtbot.keyClick(editors["situation"], Qt.Key.Key_Tab)  # Tab moves on, it is not typed
    assert editors["difficulties"].hasFocus() and editors["situation"].toPlainText() == ""
    editors["situation"].setPlainText("不保存")
    qtbot.keyClick(editors["situation"], Qt.Key.Key_Escape)
    assert dialog.result() == LongTextDialog.DialogCode.Rejected
    assert ddb.count(db, ddb.DiaryFilter()) == 0


def test_a_date_after_today_is_refused(tab, db, qtbot):
    dialog = tab.page.add_entry()
    form = dialog.form
    form.set_text("day", "2026-05-16")
    form.set_text("cadre_no", "李秀兰（GB002）")
    assert form.editors["village_code"].currentText() == "西沟村"
    form.editors["situation"].setPlainText("走访")
    assert not form.submit()
    assert form.errors["day"].text() == "日期晚于今天（2026-05-15）"


def test_evaluate_an_entry_and_undo(tab, db, qtbot):
    add(db, "2026-05-06", place="二组")
    add(db, "2026-05-08", eval_grade="较好", evaluator="赵书记")  # a grade of older entries
    page = tab.page
    page.refresh()
    page.table.setFocus()
    page.table.selectRow(1)  # 05-06, newest first
    dialog = open_dialog(page, page.evaluate_button, qtbot, RecordDialog)
    form = dialog.form
    assert form.editors["evaluator"].text() == "赵书记"  # who evaluated last
    grades = form.editors["eval_grade"]
    assert [grades.itemText(i) for i in range(grades.count())] == [
        "",
        "优秀",
        "良好",
        "一般",
        "较差",
    ]
    form.editors["evaluator"].clear()
    grades.setCurrentIndex(grades.findText("良好"))
    assert not form.submit()
    assert form.errors["evaluator"].text() == "请填写评价人"
    form.editors["evaluator"].setText("刘镇长")
    qtbot.keyClick(form.editors["evaluator"], Qt.Key.Key_Return)
    assert dialog.result() == RecordDialog.DialogCode.Accepted
    assert column(page, D.COL_GRADE) == ["较好", "良好"]
    assert column(page, D.COL_EVALUATOR) == ["赵书记", "刘镇长"]

    # the older word stays on offer, so editing the evaluator does not lose it
    page.table.selectRow(0)
    dialog = page.evaluate_current()
    assert dialog.form.editors["eval_grade"].currentText() == "较好"
    dialog.form.editors["evaluator"].setText("赵副书记")
    qtbot.keyClick(dialog.form.editors["evaluator"], Qt.Key.Key_Return)
    assert column(page, D.COL_GRADE) == ["较好", "良好"]
    assert column(page, D.COL_EVALUATOR) == ["赵副书记", "刘镇长"]

    activate(qtbot, tab)
    page.table.setFocus()
    ctrl_z(qtbot, page.table)
    ctrl_z(qtbot, page.table)
    assert column(page, D.COL_GRADE) == ["较好", "未评价"]
    assert column(page, D.COL_EVALUATOR) == ["赵书记", ""]


def test_edit_an_entry_and_delete_it(tab, db, qtbot, monkeypatch):
    add(db, "2026-04-20", difficulties="缺少资金")
    page = tab.page
    page.refresh()
    page.table.setFocus()
    page.table.selectRow(0)
    before = set(page.findChildren(LongTextDialog))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits the entry
    (dialog,) = set(page.findChildren(LongTextDialog)) - before
    assert dialog.form.editors["difficulties"].toPlainText() == "缺少资金"
    assert dialog.form.editors["cadre_no"].currentText() == "王建国（GB001）"
    dialog.form.editors["place"].setText("五组")
    qtbot.keyClick(dialog.form.editors["place"], Qt.Key.Key_Return)
    assert column(page, D.COL_PLACE) == ["五组"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 0
    activate(qtbot, tab)
    page.table.setFocus()
    ctrl_z(qtbot, page.table)
    assert column(page, D.COL_PLACE) == ["五组"]


def test_filters_by_cadre_village_and_period(tab, db, qtbot):
    add(db, "2026-03-03")
    add(db, "2026-04-03", "GB002", XIGOU)
    add(db, "2026-04-13")
    page = tab.page
    page.refresh()
    combo = page.cadre_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["全部", "王建国", "李秀兰"]
    combo.setCurrentIndex(combo.findData("GB001"))
    assert column(page, D.COL_DAY) == ["2026-04-13", "2026-03-03"]
    page.picker.set_period(Month(2026, 4))
    assert column(page, D.COL_DAY) == ["2026-04-13"]
    combo.setCurrentIndex(0)
    page.village_combo.setCurrentIndex(page.village_combo.findData(XIGOU))
    assert column(page, D.COL_DAY) == ["2026-04-03"]
    page.village_combo.setCurrentIndex(0)
    qtbot.mouseClick(page.picker.prev_button, Qt.MouseButton.LeftButton)
    assert column(page, D.COL_DAY) == ["2026-03-03"]
    page.picker.set_period(None)
    assert page.count_label.text() == "共 3 篇"
    # a click on the header sorts in SQL: by cadre, then newest first
    page.table.sortByColumn(D.COL_CADRE, Qt.SortOrder.AscendingOrder)
    assert column(page, D.COL_CADRE) == ["李秀兰", "王建国", "王建国"]


def test_print_two_entries_to_pdf(tab, db, qtbot, tmp_path):
    add(db, "2026-05-04", difficulties="灌溉水渠年久失修", requests="希望争取项目资金")
    add(db, "2026-05-05", "GB002", XIGOU, difficulties="苹果销路不畅")
    add(db, "2026-05-06", difficulties="这一篇不打印")
    page = tab.page
    page.refresh()
    selection = page.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (1, 2):  # 05-05 and 05-04
        selection.select(page.model.index(row, 0), flags)
    assert page.print_selected_action.text() == "打印选中的 2 篇…"
    out = page.print_pdf(tmp_path / "日记.pdf", selected_only=True)
    assert out == tmp_path / "日记.pdf"
    assert "已把 2 篇日记打印到" in page.status_label.text()
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "民情日记" in text and "东坡镇" in text
    assert "王建国" in text and "李秀兰" in text
    assert "灌溉水渠年久失修" in text and "苹果销路不畅" in text
    assert "这一篇不打印" not in text
    assert text.index("2026-05-04") < text.index("2026-05-05")  # oldest first
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert fonts.splitlines()[2:] and all(" yes " in f for f in fonts.splitlines()[2:])

    out = page.print_pdf(tmp_path / "all.pdf", selected_only=False)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "这一篇不打印" in text and "筛选出的日记共 3 篇" in text


def test_a_ten_thousand_character_entry_prints(tab, db, qtbot, tmp_path):
    add(db, "2026-05-04", situation="村里道路年久失修，雨天泥泞难行。" * 600 + "（完）")
    page = tab.page
    page.refresh()
    out = page.print_pdf(tmp_path / "long.pdf", selected_only=False)
    assert out == tmp_path / "long.pdf"
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "（完）" in text and text.count("\f") > 3


def test_a_layout_error_is_told_to_the_clerk(tab, db, qtbot, tmp_path, monkeypatch):
    from reportlab.platypus.doctemplate import LayoutError

    import app.ui.cadres.diaries as page_module

    def too_large(_data, _path):
        raise LayoutError("Flowable <Table@0x7f 9 rows x 2 cols> too large on page 1")

    shown = []
    monkeypatch.setattr(page_module, "build_diaries_pdf", too_large)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, *args: shown.append(args))
    add(db, "2026-05-04")
    page = tab.page
    page.refresh()
    assert page.print_pdf(tmp_path / "x.pdf", selected_only=False) is None
    ((title, message),) = shown
    assert title == "打印失败" and "A4" in message and "Flowable" not in message
    assert not (tmp_path / "x.pdf").exists()
