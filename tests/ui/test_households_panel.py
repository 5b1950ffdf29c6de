"""户情档案 list: what a clerk does with it — filter, sort, add, edit, delete, undo."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QVBoxLayout, QWidget

from app.db import households
from app.db.connection import memory_database
from app.demo import build_demo
from app.ui.households import HouseholdPage, HouseholdsPanel
from app.ui.households.model import HouseholdTableModel as M
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog

TODAY = date(2026, 5, 15)
VILLAGE = "612701101201"


@pytest.fixture
def demo_db():
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    return db


def make_tab(qtbot, db, village_code=None):
    """The panel as the village side embeds it: inside a tab that owns the undo stack."""
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    panel = HouseholdsPanel(db, undo, village_code=village_code, parent=tab)
    panel.clock = lambda: TODAY
    QVBoxLayout(tab).addWidget(panel)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitExposed(tab)
    activate(qtbot, tab)
    return tab, panel


def activate(qtbot, window):
    """Shortcuts (Ctrl+Z, Delete) work in the active window."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def ctrl_z(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def ctrl_y(qtbot, widget):
    """Redo. (Ctrl+Shift+Z is bound twice by TabUndo — StandardKey.Redo already has it —
    so Qt finds it ambiguous and does nothing.)"""
    qtbot.keyClick(widget, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def panel(qtbot, demo_db):
    return make_tab(qtbot, demo_db)[1]


def type_chinese(edit, text):
    """What a Chinese input method does: commit the composed text (keyClicks is ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def cell(panel, row, column):
    return panel.model.index(row, column).data()


def column(panel, col, limit=200):
    return [cell(panel, r, col) for r in range(min(limit, panel.model.rowCount()))]


def stored(db, where="1", params=()):
    sql = f"SELECT hh_no FROM households WHERE {where} ORDER BY hh_no"
    return [r[0] for r in db.execute(sql, params)]


def click_header(qtbot, table, col):
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def count_label(n):
    return f"共 {n} 户"


# ---- finding ------------------------------------------------------------------------------


def test_typing_a_name_shows_the_matching_households(panel, demo_db, qtbot):
    everyone = demo_db["households"].count
    assert panel.count_label.text() == count_label(everyone)
    type_chinese(panel.filter_edit, "王")
    wang = stored(demo_db, "head_name LIKE '%王%' OR group_name LIKE '%王%'")
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(wang))
    assert panel.count_label.text() == count_label(len(wang))
    assert all("王" in name for name in column(panel, M.COL_HEAD))
    type_chinese(panel.filter_edit, "建")  # 王建…
    qtbot.waitUntil(lambda: panel.model.rowCount() < len(wang))
    assert all("王建" in name for name in column(panel, M.COL_HEAD))
    assert panel.model.rowCount() == len(stored(demo_db, "head_name LIKE '%王建%'"))
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "61270110120200")  # the beginning of a 户编号
    qtbot.waitUntil(lambda: panel.model.rowCount() == 99)
    assert all(n.startswith("61270110120200") for n in column(panel, M.COL_HH_NO))
    panel.filter_edit.clear()
    type_chinese(panel.filter_edit, "第三组")
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(stored(demo_db, "group_name = '第三组'")))
    panel.filter_edit.setText("%")  # typed by the clerk: a percent sign, not a wildcard
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert panel.empty_label.isVisible() and "没有符合" in panel.empty_label.text()
    panel.filter_edit.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == everyone)
    assert not panel.empty_label.isVisible()


def test_clicking_a_header_sorts_in_sql(panel, demo_db, qtbot):
    first = cell(panel, 0, M.COL_HH_NO)
    click_header(qtbot, panel.table, M.COL_HEAD)
    order = panel.table.horizontalHeader().sortIndicatorOrder()
    names = sorted(r[0] for r in demo_db.execute("SELECT head_name FROM households"))
    expected = names[0] if order == Qt.SortOrder.AscendingOrder else names[-1]
    assert cell(panel, 0, M.COL_HEAD) == expected
    assert cell(panel, 0, M.COL_HH_NO) != first
    shown = column(panel, M.COL_HEAD)
    assert shown == sorted(shown, reverse=order == Qt.SortOrder.DescendingOrder)
    click_header(qtbot, panel.table, M.COL_HEAD)  # the other way
    assert cell(panel, 0, M.COL_HEAD) == (names[-1] if expected == names[0] else names[0])

    click_header(qtbot, panel.table, M.COL_INCOME)
    descending = panel.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    incomes = [panel.model.index(r, M.COL_INCOME).data(Qt.ItemDataRole.UserRole) for r in range(50)]
    assert incomes == sorted(incomes, reverse=descending)
    # filter and sort together, and the last rows (a later page) in order too
    type_chinese(panel.filter_edit, "李")
    qtbot.waitUntil(lambda: panel.model.rowCount() < demo_db["households"].count)
    n = panel.model.rowCount()
    tail = [
        panel.model.index(r, M.COL_INCOME).data(Qt.ItemDataRole.UserRole) for r in range(n - 5, n)
    ]
    assert tail == sorted(tail, reverse=descending)


def test_low_income_checkbox(panel, demo_db, qtbot):
    low = stored(demo_db, "low_income = 1")
    panel.low_income_check.click()
    assert panel.model.rowCount() == len(low)
    assert panel.count_label.text() == count_label(len(low))
    assert set(column(panel, M.COL_LOW_INCOME)) == {"是"}
    type_chinese(panel.filter_edit, "王")
    qtbot.waitUntil(lambda: panel.model.rowCount() < len(low))
    assert panel.model.rowCount() == len(
        stored(demo_db, "low_income = 1 AND head_name LIKE '%王%'")
    )
    panel.low_income_check.click()
    assert panel.model.rowCount() == len(stored(demo_db, "head_name LIKE '%王%'"))


def test_a_village_panel_has_its_groups(qtbot, demo_db):
    _tab, panel = make_tab(qtbot, demo_db, village_code=VILLAGE)
    assert panel.table.isColumnHidden(M.COL_VILLAGE) and not panel.village_combo.isVisible()
    mine = stored(demo_db, "village_code = ?", [VILLAGE])
    assert panel.model.rowCount() == len(mine)
    groups = [panel.group_combo.itemText(i) for i in range(panel.group_combo.count())]
    assert groups[:3] == ["全部组", "第一组", "第二组"]  # in their natural order
    panel.group_combo.setCurrentIndex(2)
    assert panel.model.rowCount() == len(
        stored(demo_db, "village_code = ? AND group_name = '第二组'", [VILLAGE])
    )
    assert set(column(panel, M.COL_GROUP)) == {"第二组"}


def test_the_village_choice_of_the_whole_list(panel, demo_db):
    combo = panel.village_combo
    assert combo.isVisible() and not panel.group_combo.isEnabled()
    combo.setCurrentIndex(combo.findData("612701101202"))
    assert panel.model.rowCount() == len(stored(demo_db, "village_code = '612701101202'"))
    assert panel.group_combo.isEnabled() and panel.group_combo.count() > 3


def test_the_model_reads_only_the_pages_in_view(panel, demo_db, qtbot, monkeypatch):
    fetched = []
    real = households.rows

    def counting(db, flt, sort, descending, offset, limit):
        fetched.append(offset)
        return real(db, flt, sort, descending, offset, limit)

    monkeypatch.setattr(households, "rows", counting)
    panel.apply_filter()  # a new query: nothing cached
    panel.table.viewport().repaint()  # paint the rows in view
    n = panel.model.rowCount()
    assert n == demo_db["households"].count > 3000
    assert fetched == [0]
    panel.table.scrollToBottom()
    panel.table.viewport().repaint()
    last = max(stored(demo_db))
    assert cell(panel, n - 1, M.COL_HH_NO) == last
    assert len(fetched) <= 3, fetched  # the first page and the last one or two
    assert max(fetched) >= n - 200
    panel.table.scrollToTop()
    panel.table.viewport().repaint()
    assert len(fetched) <= 3  # the first page is still cached
    assert cell(panel, 0, M.COL_HH_NO) == min(stored(demo_db))


# ---- editing ---------------------------------------------------------------------------------


def test_add_a_household_with_a_bad_phone_then_find_it_and_undo(qtbot, demo_db):
    tab, panel = make_tab(qtbot, demo_db)
    panel.add_button.click()
    page = panel.dialog
    assert isinstance(page, HouseholdPage) and not page.visits_box.isEnabled()
    form = page.form
    qtbot.keyClicks(form.editors["hh_no"], "6127011012019001")
    qtbot.keyClicks(form.editors["village_code"], "612701101299")  # no such village
    type_chinese(form.editors["head_name"], "赵小满")
    qtbot.keyClicks(form.editors["phone"], "13800-abc")
    assert form.errors["phone"].isVisible() and "7 到 20 位" in form.errors["phone"].text()
    qtbot.keyClick(form.editors["phone"], Qt.Key.Key_Return)
    assert households.household(demo_db, "6127011012019001") is None
    form.editors["phone"].clear()
    qtbot.keyClicks(form.editors["phone"], "13800000123")
    assert not form.errors["phone"].isVisible()
    qtbot.keyClick(form.editors["phone"], Qt.Key.Key_Return)
    assert "村代码不存在" in form.errors["village_code"].text()  # next to the field
    assert households.household(demo_db, "6127011012019001") is None
    form.editors["village_code"].clear()
    qtbot.keyClicks(form.editors["village_code"], VILLAGE)
    qtbot.keyClick(form.editors["village_code"], Qt.Key.Key_Return)
    saved = households.household(demo_db, "6127011012019001")
    assert saved["phone"] == "13800000123" and saved["head_name"] == "赵小满"
    assert page.visits_box.isEnabled() and not form.editors["hh_no"].isEnabled()
    qtbot.keyClick(page.visit_table, Qt.Key.Key_Escape)
    assert not page.isVisible()

    type_chinese(panel.filter_edit, "赵小满")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert cell(panel, 0, M.COL_PHONE) == "13800000123"
    assert cell(panel, 0, M.COL_VILLAGE) == households.village_name(demo_db, VILLAGE)

    activate(qtbot, tab)
    panel.table.setFocus()
    ctrl_z(qtbot, panel.table)
    assert panel.model.rowCount() == 0
    assert households.household(demo_db, "6127011012019001") is None
    ctrl_y(qtbot, panel.table)
    assert panel.model.rowCount() == 1
    assert households.household(demo_db, "6127011012019001")["head_name"] == "赵小满"


def test_a_village_panel_proposes_the_next_number(qtbot, demo_db):
    _tab, panel = make_tab(qtbot, demo_db, village_code=VILLAGE)
    panel.add_button.click()
    form = panel.dialog.form
    last = max(stored(demo_db, "village_code = ?", [VILLAGE]))
    assert form.editors["village_code"].text() == VILLAGE
    assert int(form.editors["hh_no"].text()) == int(last) + 1
    type_chinese(form.editors["head_name"], "钱多多")
    panel.dialog.save_button.click()
    panel.dialog.close_button.click()
    assert panel.selected_hh_no() == form.editors["hh_no"].text()  # selected in the list


def test_edit_a_household_and_undo(qtbot, demo_db):
    tab, panel = make_tab(qtbot, demo_db)
    hh = stored(demo_db)[5]
    assert panel.select(hh)
    panel.edit_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, RecordDialog)
    assert not dialog.form.editors["hh_no"].isEnabled()  # the number is the key
    income = dialog.form.editors["income_per_capita_fen"]
    income.clear()
    qtbot.keyClicks(income, "-3")
    assert "负" in dialog.form.errors["income_per_capita_fen"].text()
    income.clear()
    qtbot.keyClicks(income, "3210.5")
    qtbot.keyClick(income, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert households.household(demo_db, hh)["income_per_capita_fen"] == 321050
    row = panel.selected_row()
    assert panel.selected_hh_no() == hh and cell(panel, row, M.COL_INCOME) == "3210.50"
    activate(qtbot, tab)
    panel.table.setFocus()
    ctrl_z(qtbot, panel.table)
    assert households.household(demo_db, hh)["income_per_capita_fen"] != 321050
    assert cell(panel, row, M.COL_INCOME) != "3210.50"


def test_delete_a_household_with_visits_after_confirming_and_undo(qtbot, demo_db, monkeypatch):
    _tab, panel = make_tab(qtbot, demo_db)
    hh, n = demo_db.execute(
        "SELECT hh_no, count(*) FROM household_visits GROUP BY hh_no ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    everyone = panel.model.rowCount()
    asked = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answers.pop(0)
    )
    panel.select(hh)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)  # "No": nothing happens
    assert households.household(demo_db, hh) is not None
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert f"走访记录 {n} 条" in asked[-1] and "撤销" in asked[-1]
    assert households.household(demo_db, hh) is None and households.visit_count(demo_db, hh) == 0
    assert panel.model.rowCount() == everyone - 1
    assert panel.selected_row() is not None  # the next household is selected
    ctrl_z(qtbot, panel.table)
    assert households.visit_count(demo_db, hh) == n
    assert panel.model.rowCount() == everyone and panel.selected_hh_no() == hh


def test_enter_and_double_click_open_the_household_page(qtbot, demo_db):
    _tab, panel = make_tab(qtbot, demo_db)
    hh = stored(demo_db)[2]
    panel.select(hh)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert isinstance(panel.dialog, HouseholdPage) and panel.dialog.hh_no == hh
    panel.dialog.reject()
    rect = panel.table.visualRect(panel.model.index(0, M.COL_HEAD))
    # a real double-click: a click, then the second press arriving as a double-click
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.dialog.hh_no == stored(demo_db)[0] and panel.dialog.isVisible()
    assert panel.dialog.title.text().endswith(f"（{stored(demo_db)[0]}）")


def test_buttons_need_a_household(panel):
    assert not panel.edit_button.isEnabled() and not panel.delete_button.isEnabled()
    assert panel.edit_household() is None and panel.delete_household() is False
    panel.table.selectRow(0)
    assert panel.edit_button.isEnabled() and panel.open_button.isEnabled()


def test_an_empty_database_says_what_to_do(qtbot, township_db):
    _tab, panel = make_tab(qtbot, township_db)
    assert panel.count_label.text() == count_label(0)
    assert panel.empty_label.isVisible() and "新增农户" in panel.empty_label.text()
