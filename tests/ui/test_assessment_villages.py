"""考核 tab: the village grid typed in, saved, undone; the template versions page."""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.db import assessment as adb
from app.domain.assessment import DEFAULT_TEMPLATE
from app.reports.assessment import village_assessment_report
from app.ui.assessment_tab import AssessmentTab

EAST, WEST = 0, 1  # rows: 610526100201 东坡村 (2024 三类, 2025 二类), 610526100202 西沟村


@pytest.fixture
def tab(qtbot, db, today):
    t = AssessmentTab(db, clock=lambda: today)
    qtbot.addWidget(t)
    t.resize(1200, 700)
    return t


@pytest.fixture
def page(tab):
    p = tab.show_page("villages")
    p.set_year(2026)
    return p


def cell(model, row, col):
    return model.index(row, col).data()


def type_row(page, row, points):
    m = page.model
    for ind, text in zip(DEFAULT_TEMPLATE.indicators, points, strict=True):
        m.setData(m.index(row, m.indicator_column(ind.name)), text)


def full_points(**overrides):
    """Every indicator at its max, but those named (by position ``i0``…``i14``)."""
    texts = [str(i.max_tenths // 10) for i in DEFAULT_TEMPLATE.indicators]
    for key, text in overrides.items():
        texts[int(key[1:])] = text
    return texts


NINETY = {"i12": "0"}  # 党员队伍建设 0 of 10: 90.0


def test_header_shows_indicator_and_max(page):
    m = page.model
    assert m.columnCount() == 15 + 5
    assert m.headerData(1, Qt.Orientation.Horizontal) == "主导产业\n(10.0)"
    assert m.headerData(m.col_grade, Qt.Orientation.Horizontal) == "类别"


def test_typing_updates_total_and_grade_live(page):
    m = page.model
    type_row(page, EAST, full_points()[:-1] + ["0"])
    assert cell(m, EAST, m.col_total) == "93.0"
    m.setData(m.index(EAST, m.indicator_column("村务公开与民主决策")), "")
    assert cell(m, EAST, m.col_total) == ""  # incomplete: no total yet
    type_row(page, EAST, full_points(**NINETY))  # 90.0
    assert cell(m, EAST, m.col_total) == "90.0"
    assert cell(m, EAST, m.col_grade) == "一类"
    assert cell(m, EAST, m.col_previous) == "二类"
    assert cell(m, EAST, m.col_change) == "升级"
    m.setData(m.index(EAST, m.indicator_column("村务公开与民主决策")), "6.9")  # 89.9
    assert cell(m, EAST, m.col_total) == "89.9"
    assert cell(m, EAST, m.col_grade) == "二类"
    assert cell(m, EAST, m.col_change) == "持平"


def test_a_score_above_the_max_is_refused_and_red(page, db):
    m = page.model
    type_row(page, WEST, full_points())
    index = m.index(WEST, m.indicator_column("主导产业"))
    m.setData(index, "11")
    assert index.data() == "11"
    assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f4b6b6"
    assert "主导产业" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "10.0" in page.status_label.text()
    assert cell(m, WEST, m.col_total) == ""
    page.table.setCurrentIndex(index)
    assert not page.save_current_row()
    assert db["village_assessments"].count_where("year = 2026") == 0
    m.setData(index, "9.55")  # two decimals
    assert "最多一位小数" in page.status_label.text()


def test_keyboard_entry(tab, page, qtbot):
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    m = page.model
    index = m.index(EAST, m.indicator_column("主导产业"))
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    qtbot.keyClick(page.table, Qt.Key.Key_9)  # starts the editor with the key typed
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, ".5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: index.data() == "9.5")  # the delegate commits on a queued call
    assert m.pending["610526100201"] == {"主导产业": 95}


def test_save_persists_matches_report_and_undo(tab, page, db):
    m = page.model
    type_row(page, EAST, full_points(**NINETY))  # 90.0 一类
    page.assessor_edit.setText("张书记")
    page.table.setCurrentIndex(m.index(EAST, 1))
    assert page.save_current_row()
    row = db["village_assessments"].get(("610526100201", 2026))
    assert (row["total_tenths"], row["grade"], row["assessor"]) == (900, "一类", "张书记")
    assert row["assessed_on"] == "2026-05-15"
    data, _ = village_assessment_report(db, 2026, "610526100201")
    v = data["villages"][0]
    assert (v["total"], v["grade"], v["change"]) == ("90.0", "一类", "升级")
    assert cell(m, EAST, m.col_total) == "90.0"
    assert cell(m, EAST, m.COL_NAME) == "东坡村"  # nothing left unsaved
    assert page.history_rows() == [
        ["2024", "71.2", "三类", "—"],
        ["2025", "84.5", "二类", "升级"],
        ["2026", "90.0", "一类", "升级"],
    ]
    tab.undo.stack.undo()
    assert db["village_assessments"].count_where("year = 2026") == 0
    assert db["village_scores"].count == 0
    assert cell(m, EAST, m.col_total) == ""
    assert len(page.history_rows()) == 2
    tab.undo.stack.redo()
    assert db["village_assessments"].get(("610526100201", 2026))["total_tenths"] == 900


def test_ctrl_z_in_the_tab_undoes_the_save(tab, page, db, qtbot):
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    type_row(page, WEST, full_points(i0="0", i1="0", i12="0"))  # 70.0 三类
    assert page.save_all()
    assert db["village_assessments"].get(("610526100202", 2026))["grade"] == "三类"
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(page.table, Qt.Key.Key_Control)
    assert db["village_assessments"].count_where("year = 2026") == 0


def test_unsaved_rows_survive_a_refresh(page):
    m = page.model
    m.setData(m.index(WEST, 1), "8")
    page.refresh()
    assert cell(m, WEST, 1) == "8.0"
    assert cell(m, WEST, m.COL_NAME) == "西沟村 *"


# ---- 指标模板 ----------------------------------------------------------------------------


@pytest.fixture
def templates(tab):
    return tab.show_page("templates")


def test_default_template_shows_15_indicators_summing_to_100(templates):
    t = templates.indicators
    assert t.rowCount() == 15
    assert t.item(0, 0).text() == "生产发展"
    assert t.item(0, 1).text() == "主导产业"
    assert t.item(0, 2).text() == "10.0"
    assert "满分合计 100.0" in templates.title_label.text()
    assert [templates.bands.item(r, 0).text() for r in range(4)] == ["一类", "二类", "三类", "四类"]
    assert templates.bands.item(0, 1).text() == "90.0"


def test_new_version_summing_to_95_is_refused(templates, db, qtbot):
    dialog = templates.dialog()
    qtbot.addWidget(dialog)
    dialog.set_cell(dialog.indicators, 14, 2, "2")  # 7 → 2: 95 in all
    assert not dialog.try_accept()
    assert "100" in dialog.message_label.text()
    assert "95.0" in dialog.message_label.text()
    assert db["templates"].count == 1
    dialog.set_cell(dialog.indicators, 14, 2, "7")
    dialog.set_cell(dialog.bands, 1, 1, "95")  # 二类 above 一类
    assert not dialog.try_accept()
    assert "递减" in dialog.message_label.text()
    dialog.set_cell(dialog.bands, 1, 1, "80")
    dialog.set_cell(dialog.indicators, 0, 1, "特色主导产业")
    assert dialog.try_accept()
    assert db["templates"].count == 2
    assert templates.indicators.item(0, 1).text() == "特色主导产业"
    assert templates.versions.currentItem().text().startswith("默认指标 v2")


def test_choosing_a_version_for_a_scored_year_is_refused(tab, templates, db):
    tid = adb.save_version(db, replace(DEFAULT_TEMPLATE, version=2))
    templates.refresh()
    templates.select(tid)
    templates.year_spin.setValue(2025)  # scored with v1
    assert not templates.use_button.click() and not templates.use_for_year()
    assert "不能更换" in templates.message_label.text()
    assert db["assessment_years"].count_where("year = 2025 AND template_id = ?", [tid]) == 0
    templates.year_spin.setValue(2027)
    assert templates.use_for_year()
    assert db["assessment_years"].get(2027)["template_id"] == tid
    tab.undo.stack.undo()
    assert db["assessment_years"].count_where("year = 2027") == 0
