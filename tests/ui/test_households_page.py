"""The household page: base data and the 三深入三查看 visits — add, edit, delete, undo."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.db import households
from app.ui.households import HouseholdPage
from app.ui.households.visits import VisitTableModel as V
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog

TODAY = date(2026, 5, 15)
VILLAGE = "610526100201"


@pytest.fixture
def setting(qtbot, township_db):
    """东坡村 with one household (two visits), a tab with its undo stack."""
    db = township_db
    households.add_household(
        db,
        {"hh_no": "H1", "village_code": VILLAGE, "head_name": "赵四", "group_name": "第一组"},
    )
    households.add_visit(db, "H1", {"day": "2026-03-02", "cadre_no": "GB001", "living": "砖房"})
    households.add_visit(db, "H1", {"day": "2026-04-10", "cadre_no": "GB002", "prospects": "苹果"})
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    return db, tab, undo


def open_page(qtbot, setting, hh_no="H1", **kw):
    db, tab, undo = setting
    page = HouseholdPage(db, undo, hh_no, clock=lambda: TODAY, parent=tab, **kw)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # shortcuts work in the active window
    return page


def type_chinese(edit, text):
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def days(page):
    return [page.visit_model.index(r, V.COL_DAY).data() for r in range(page.visit_model.rowCount())]


def undo_key(qtbot, widget, key=Qt.Key.Key_Z):
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def test_shows_the_household_and_its_visits(qtbot, setting):
    page = open_page(qtbot, setting)
    assert "东坡村" in page.title.text() and "赵四" in page.title.text()
    assert page.form.editors["head_name"].text() == "赵四"
    assert not page.form.editors["hh_no"].isEnabled()  # the number is the key
    assert days(page) == ["2026-04-10", "2026-03-02"]
    assert page.visit_model.index(1, V.COL_CADRE).data() == "王建国"
    assert page.visits_note.text() == "共 2 次走访"
    page.visit_table.selectRow(1)
    assert "生活情况：砖房" in page.visit_detail.text()


def test_add_a_visit_refusing_a_date_that_does_not_exist_then_undo(qtbot, setting):
    db = setting[0]
    page = open_page(qtbot, setting)
    page.add_visit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, RecordDialog)
    form = dialog.form
    assert form.editors["day"].text() == "2026-05-15"  # today, to start with
    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-02-30")
    assert form.errors["day"].isVisible()
    qtbot.keyClick(form.editors["day"], Qt.Key.Key_Return)
    assert dialog.isVisible() and households.visit_count(db, "H1") == 2
    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-05-14")
    cadres = form.editors["cadre_no"]
    assert [cadres.itemText(i) for i in range(cadres.count())] == [
        "",
        "王建国（GB001）",
        "李秀英（GB002）",
    ]
    cadres.setCurrentIndex(2)
    type_chinese(form.editors["living"], "新修砖房，自来水入户")
    type_chinese(form.editors["income_sources"], "外出务工")
    qtbot.keyClick(form.editors["living"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert days(page) == ["2026-05-14", "2026-04-10", "2026-03-02"]
    newest = households.visits(db, "H1")[0]
    assert newest["cadre_no"] == "GB002" and newest["living"] == "新修砖房，自来水入户"
    page.visit_table.setFocus()
    undo_key(qtbot, page.visit_table)
    assert days(page) == ["2026-04-10", "2026-03-02"] and households.visit_count(db, "H1") == 2
    undo_key(qtbot, page.visit_table, Qt.Key.Key_Y)  # redo
    assert households.visit_count(db, "H1") == 3


def test_edit_a_visit_with_enter(qtbot, setting):
    db = setting[0]
    page = open_page(qtbot, setting)
    page.visit_table.setFocus()
    page.visit_table.selectRow(1)
    qtbot.keyClick(page.visit_table, Qt.Key.Key_Return)
    form = page.dialog.form
    assert form.editors["day"].text() == "2026-03-02"
    assert form.editors["cadre_no"].currentText() == "王建国（GB001）"
    assert form.editors["living"].text() == "砖房"
    form.editors["cadre_no"].setCurrentIndex(0)  # the cadre is optional
    form.editors["prospects"].setText("发展设施蔬菜")
    qtbot.keyClick(form.editors["prospects"], Qt.Key.Key_Return)
    edited = households.visits(db, "H1")[1]
    assert edited["prospects"] == "发展设施蔬菜" and edited["cadre_no"] is None
    assert page.visit_model.index(1, V.COL_PROSPECTS).data() == "发展设施蔬菜"
    assert page.selected_visit()["uuid"] == edited["uuid"]  # still selected
    undo_key(qtbot, page.visit_table)
    assert households.visits(db, "H1")[1]["cadre_no"] == "GB001"


def test_delete_a_visit_after_confirming_and_undo(qtbot, setting, monkeypatch):
    db = setting[0]
    page = open_page(qtbot, setting)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes,
    )
    page.visit_table.setFocus()
    page.visit_table.selectRow(0)
    qtbot.keyClick(page.visit_table, Qt.Key.Key_Delete)
    assert "2026-04-10" in asked[0]
    assert days(page) == ["2026-03-02"] and page.visits_note.text() == "共 1 次走访"
    undo_key(qtbot, page.visit_table)
    assert days(page) == ["2026-04-10", "2026-03-02"]
    assert households.visit_count(db, "H1") == 2


def test_edit_the_base_data_and_undo(qtbot, setting):
    db = setting[0]
    page = open_page(qtbot, setting)
    phone = page.form.editors["phone"]
    qtbot.keyClicks(phone, "0913-")
    assert "7 到 20 位" in page.form.errors["phone"].text()
    qtbot.keyClicks(phone, "1234567")
    assert not page.form.errors["phone"].isVisible()
    qtbot.keyClick(phone, Qt.Key.Key_Return)
    assert households.household(db, "H1")["phone"] == "0913-1234567"
    assert page.message.text() == "已保存。"
    page.visit_table.setFocus()
    undo_key(qtbot, page.visit_table)
    assert households.household(db, "H1")["phone"] is None
    assert page.form.editors["phone"].text() == ""  # the form shows the undone value


def test_a_new_household_on_the_page(qtbot, setting):
    db = setting[0]
    page = open_page(qtbot, setting, hh_no=None, village_code=VILLAGE)
    assert not page.visits_box.isEnabled() and "保存基本情况后" in page.visits_note.text()
    assert page.form.editors["hh_no"].text() == "6105261002010001"  # proposed
    page.form.editors["village_code"].setText("610526100299")
    type_chinese(page.form.editors["head_name"], "孙五")
    page.save_button.click()
    assert "村代码不存在" in page.form.errors["village_code"].text()
    page.form.editors["village_code"].setText(VILLAGE)
    page.save_button.click()
    assert households.household(db, "6105261002010001")["head_name"] == "孙五"
    assert page.visits_box.isEnabled() and page.add_visit_button.isEnabled()
    # undoing the new household while its page is open: the page says so and waits
    page.visit_table.setFocus()
    undo_key(qtbot, page.visit_table)
    assert households.household(db, "6105261002010001") is None
    assert not page.form.isEnabled() and not page.visits_box.isEnabled()
    assert "不在户情档案中" in page.message.text()
    assert page.add_visit() is None
    undo_key(qtbot, page.visit_table, Qt.Key.Key_Y)
    assert page.form.isEnabled() and page.visits_box.isEnabled()


def test_a_duplicate_number_is_shown_and_nothing_is_written(qtbot, setting):
    db = setting[0]
    page = open_page(qtbot, setting, hh_no=None)
    page.form.editors["hh_no"].setText("H1")
    page.form.editors["village_code"].setText(VILLAGE)
    type_chinese(page.form.editors["head_name"], "重复")
    page.save_button.click()
    assert "重复" in page.message.text() and page.message.isVisible()
    assert households.household(db, "H1")["head_name"] == "赵四"
    assert setting[2].stack.count() == 0


def test_escape_closes_the_page(qtbot, setting):
    page = open_page(qtbot, setting)
    qtbot.keyClick(page.form.editors["head_name"], Qt.Key.Key_Escape)
    assert not page.isVisible()


def test_a_closed_page_stops_following_the_undo_stack(qtbot, setting):
    db, _tab, undo = setting
    page = open_page(qtbot, setting)
    page.reject()
    undo.push(households.add_visit(db, "H1", {"day": "2026-05-01"}), "新增走访记录")
    assert page.visit_model.rowCount() == 2  # not read again after closing
