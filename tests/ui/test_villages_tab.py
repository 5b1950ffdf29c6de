"""村情档案: rows, grades, colours, filters and sorting (all done in SQL)."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.ui.models.table_model import ROW_ROLE, SORT_ROLE
from app.ui.villages_tab import VillagesTab
from app.ui.villages_tab import VillageTableModel as M


def names(tab):
    model = tab.model
    return [model.index(r, M.COL_NAME).data() for r in range(model.rowCount())]


def cell(tab, row, col, role=Qt.ItemDataRole.DisplayRole):
    return tab.model.index(row, col).data(role)


def find_row(tab, name):
    return names(tab).index(name)


def click_header(qtbot, table, column):
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_lists_the_villages_with_grades(window):
    tab = window.villages_tab
    assert tab.model.rowCount() == 3
    assert names(tab) == ["东坡村", "西沟村", "南塬村"]  # by village code
    assert tab.count_label.text() == "共 3 个村"
    dongpo = find_row(tab, "东坡村")
    # this year's grade comes from the latest assessment, last year's from the one before
    assert cell(tab, dongpo, M.COL_GRADE) == "二类"
    assert cell(tab, dongpo, M.COL_PREVIOUS_GRADE) == "三类"
    # never assessed: the register's grade, no previous grade
    xigou = find_row(tab, "西沟村")
    assert cell(tab, xigou, M.COL_GRADE) == "四类"
    assert cell(tab, xigou, M.COL_PREVIOUS_GRADE) == ""
    assert cell(tab, xigou, M.COL_HOUSEHOLDS) == "286"
    assert cell(tab, xigou, M.COL_HOUSEHOLDS, SORT_ROLE) == 286
    assert cell(tab, xigou, M.COL_INDUSTRY) == "苹果种植"
    assert cell(tab, xigou, 0, ROW_ROLE).code == "610526100202"


def test_shows_current_cadres(window):
    tab = window.villages_tab
    assert cell(tab, find_row(tab, "西沟村"), M.COL_STATIONED) == "李秀兰"
    assert cell(tab, find_row(tab, "东坡村"), M.COL_PART_TIME) == "王建国（第一书记）"
    # the 2025 assignment to 南塬村 has ended
    assert cell(tab, find_row(tab, "南塬村"), M.COL_PART_TIME) == ""


def test_grades_are_colour_coded(window):
    tab = window.villages_tab
    first = cell(tab, find_row(tab, "南塬村"), M.COL_GRADE, Qt.ItemDataRole.BackgroundRole)
    fourth = cell(tab, find_row(tab, "西沟村"), M.COL_GRADE, Qt.ItemDataRole.BackgroundRole)
    ink = cell(tab, find_row(tab, "西沟村"), M.COL_GRADE, Qt.ItemDataRole.ForegroundRole)
    assert first.color() != fourth.color()
    assert fourth.color().red() > fourth.color().green()  # 四类 reads red
    assert ink.color().lightness() < 100  # dark text on the light fill
    assert cell(tab, 0, M.COL_NAME, Qt.ItemDataRole.BackgroundRole) is None


def type_chinese(edit, text):
    """What a Chinese input method does: commit the composed text (keyClicks is ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def test_typing_in_the_filter_narrows_the_rows(window, qtbot):
    tab = window.villages_tab
    type_chinese(tab.filter_edit, "西沟")
    assert tab.filter_edit.text() == "西沟"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert names(tab) == ["西沟村"]
    assert tab.count_label.text() == "共 1 个村"
    tab.filter_edit.clear()
    type_chinese(tab.filter_edit, "蔬菜")  # the leading industry
    qtbot.waitUntil(lambda: names(tab) == ["南塬村"])
    tab.filter_edit.clear()
    qtbot.keyClicks(tab.filter_edit, "100201")  # part of the code
    qtbot.waitUntil(lambda: names(tab) == ["东坡村"])
    tab.filter_edit.setText("%")  # taken literally, not as a wildcard
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)
    tab.filter_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)


def test_grade_combo_filters_by_current_grade(window):
    tab = window.villages_tab
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("二类"))
    assert sorted(names(tab)) == sorted(["东坡村", "南塬村"])
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("四类"))
    assert names(tab) == ["西沟村"]
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("一类"))
    assert names(tab) == []
    assert tab.count_label.text() == "共 0 个村"
    tab.grade_combo.setCurrentIndex(0)
    assert tab.grade_combo.currentText() == "全部"
    assert len(names(tab)) == 3


def test_clicking_a_header_sorts_in_sql(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    tab = window.villages_tab
    header = tab.table.horizontalHeader()

    click_header(qtbot, tab.table, M.COL_HOUSEHOLDS)
    assert header.sortIndicatorSection() == M.COL_HOUSEHOLDS
    ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert names(tab)[0] == ("西沟村" if ascending else "东坡村")  # 286 … 412 households

    click_header(qtbot, tab.table, M.COL_HOUSEHOLDS)
    assert names(tab)[0] == ("东坡村" if ascending else "西沟村")

    click_header(qtbot, tab.table, M.COL_GRADE)
    order = header.sortIndicatorOrder()
    grades = [cell(tab, r, M.COL_GRADE) for r in range(3)]
    expected = ["二类", "二类", "四类"]
    assert grades == (expected if order == Qt.SortOrder.AscendingOrder else expected[::-1])


def test_sort_and_filter_together(window):
    tab = window.villages_tab
    tab.model.sort(M.COL_POPULATION, Qt.SortOrder.DescendingOrder)
    assert names(tab) == ["东坡村", "南塬村", "西沟村"]
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("二类"))
    assert names(tab) == ["东坡村", "南塬村"]


def test_tab_alone(qtbot, db, today):
    tab = VillagesTab(db, clock=lambda: today)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0  # loads when asked
    tab.refresh()
    assert tab.model.rowCount() == 3
