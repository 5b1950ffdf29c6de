"""花名册 and 驻村/兼职安排 as a clerk uses them: add, fix, save, retire, assign, Ctrl+Z."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.db import cadres as cdb
from app.ui.cadres.assignments import AssignDialog, AssignmentsPage
from app.ui.cadres.roster import RosterModel as R
from app.ui.cadres.roster import RosterPage
from app.ui.undo import TabUndo

DONGPO, XIGOU = "610526100201", "610526100202"


def open_page(qtbot, db, today, cls):
    """The page in a tab of its own, shown and active (so Ctrl+Z reaches the tab)."""
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    page = cls(db, undo, clock=lambda: today, parent=tab)
    QVBoxLayout(tab).addWidget(page)
    tab.resize(1180, 640)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    return page


def type_chinese(edit, text):
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def retype(qtbot, edit, text):
    edit.clear()
    qtbot.keyClicks(edit, text)


def ctrl(qtbot, widget, key=Qt.Key.Key_Z):
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def column(page, c):
    return [page.model.index(r, c).data() for r in range(page.model.rowCount())]


def select(page, cadre_no):
    page.table.setFocus()
    assert page.select(cadre_no)


@pytest.fixture
def roster(qtbot, db, today):
    return open_page(qtbot, db, today, RosterPage)


@pytest.fixture
def assignments(qtbot, db, today):
    return open_page(qtbot, db, today, AssignmentsPage)


# ---- roster --------------------------------------------------------------------------


def test_roster_lists_cadres_with_posts_and_filters(roster):
    assert column(roster, R.COL_NO) == ["GB001", "GB002"]
    assert column(roster, R.COL_LEADER) == ["是", "否"]
    assert column(roster, R.COL_POSTS) == ["兼职第一书记·东坡村", "驻村干部·西沟村"]
    assert column(roster, R.COL_UNEXCUSED) == ["", ""]
    roster.filter_edit.setText("技术")
    roster.refresh()
    assert column(roster, R.COL_NO) == ["GB002"]
    assert roster.count_label.text() == "共 1 名干部"


def test_add_a_cadre_with_a_bad_phone_fix_it_save_and_undo(roster, qtbot, db):
    roster.add_button.click()
    dialog = roster.dialog
    form = dialog.form
    qtbot.keyClicks(form.editors["cadre_no"], "GB003")
    type_chinese(form.editors["name"], "赵敏")
    qtbot.keyClicks(form.editors["phone"], "12ab")
    assert form.errors["phone"].isVisible()
    assert "7 到 20 位" in form.errors["phone"].text()
    qtbot.keyClick(form.editors["phone"], Qt.Key.Key_Return)
    assert dialog.isVisible() and cdb.cadre(db, "GB003") is None
    retype(qtbot, form.editors["phone"], "13800000000")
    assert not form.errors["phone"].isVisible()
    expertise = form.editors["expertise"]
    assert [expertise.itemText(i) for i in range(expertise.count())] == [
        "",
        "技术",
        "组织宣传纪检民政",
        "经济",
        "综合",
    ]
    qtbot.keyClicks(expertise.lineEdit(), "nongji")  # free text is allowed too
    qtbot.keyClick(form.editors["phone"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    saved = cdb.cadre(db, "GB003")
    assert saved["phone"] == "13800000000" and saved["expertise"] == "nongji"
    assert saved["township_code"] == "610526100"
    assert column(roster, R.COL_NO) == ["GB001", "GB002", "GB003"]
    assert roster.current_cadre() == "GB003"
    roster.table.setFocus()
    ctrl(qtbot, roster.table)
    assert cdb.cadre(db, "GB003") is None
    assert column(roster, R.COL_NO) == ["GB001", "GB002"]


def test_edit_a_cadre_keeps_the_number_locked(roster, qtbot, db):
    select(roster, "GB002")
    qtbot.keyClick(roster.table, Qt.Key.Key_Return)
    form = roster.dialog.form
    assert not form.editors["cadre_no"].isEnabled()
    assert form.editors["expertise"].currentText() == "技术"
    form.editors["is_leader"].setCurrentIndex(form.editors["is_leader"].findText("是"))
    qtbot.keyClick(form.editors["name"], Qt.Key.Key_Return)
    assert cdb.cadre(db, "GB002")["is_leader"] == 1
    assert column(roster, R.COL_LEADER) == ["是", "是"]


def test_retire_ends_the_open_post_that_day_and_undo_restores_both(roster, qtbot, db):
    select(roster, "GB002")
    roster.retire_button.click()
    dialog = roster.dialog
    assert "驻村干部·西沟村" in dialog.findChild(QLabel, "retire_info").text()
    day = dialog.form.editors["retired_on"]
    assert day.text() == "2026-05-15"
    retype(qtbot, day, "2026-05-10")
    qtbot.keyClick(day, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert cdb.cadre(db, "GB002")["retired_on"] == "2026-05-10"
    (post,) = cdb.assignment_rows(db, today=roster._clock(), cadre_no="GB002")
    assert (post.end_date, post.status) == ("2026-05-10", "曾任")
    assert column(roster, R.COL_NO) == ["GB001"]
    assert "结束了 1 个岗位" in roster.message.text()
    roster.retired_box.setChecked(True)
    assert column(roster, R.COL_POSTS)[1] == "（2026-05-10 退出）"
    roster.table.setFocus()
    ctrl(qtbot, roster.table)
    assert cdb.cadre(db, "GB002")["retired_on"] is None
    (post,) = cdb.assignment_rows(db, today=roster._clock(), cadre_no="GB002")
    assert post.end_date is None and post.status == "现任"
    assert column(roster, R.COL_POSTS) == ["兼职第一书记·东坡村", "驻村干部·西沟村"]
    ctrl(qtbot, roster.table, Qt.Key.Key_Y)  # redo
    assert cdb.cadre(db, "GB002")["retired_on"] == "2026-05-10"


def test_retire_refused_before_a_later_post_is_shown_in_the_dialog(roster, qtbot, db):
    select(roster, "GB002")
    roster.retire_button.click()
    dialog = roster.dialog
    retype(qtbot, dialog.form.editors["retired_on"], "2026-02-01")
    qtbot.keyClick(dialog.form.editors["retired_on"], Qt.Key.Key_Return)
    assert dialog.isVisible() and "晚于退出日期" in dialog.message.text()
    assert cdb.cadre(db, "GB002")["retired_on"] is None


# ---- assignments ---------------------------------------------------------------------


def pick(combo, text):
    i = combo.findText(text)
    assert i >= 0, text
    combo.setCurrentIndex(i)


def test_assignments_list_current_and_former(assignments):
    rows = [(r.cadre_name, r.village_name, r.role, r.status) for r in assignments.model.rows()]
    assert rows == [
        ("王建国", "东坡村", "兼职第一书记", "现任"),
        ("李秀兰", "西沟村", "驻村干部", "现任"),
        ("王建国", "南塬村", "兼职书记", "曾任"),
    ]
    assert assignments.model.index(2, 3).data() == "2025-01-01 — 2025-12-31"
    assert assignments.model.index(0, 3).data() == "2026-01-01 — 至今"
    assignments.current_box.setChecked(True)
    assert assignments.model.rowCount() == 2


def test_an_overlapping_assignment_is_warned_about_naming_the_other(assignments, qtbot, db):
    assignments.add_button.click()
    dialog = assignments.dialog
    assert isinstance(dialog, AssignDialog)
    form = dialog.form
    pick(form.editors["cadre_no"], "李秀兰（GB002）")
    pick(form.editors["village_code"], f"东坡村（{DONGPO}）")
    pick(form.editors["role"], "兼职书记")
    retype(qtbot, form.editors["start_date"], "2026-05-01")
    assert dialog.overlap_label.isVisible()
    assert "驻村干部·西沟村（2026-03-01 起，仍在任）" in dialog.overlap_label.text()
    # the end before the start is an error, not a warning
    qtbot.keyClicks(form.editors["end_date"], "2026-04-01")
    qtbot.keyClick(form.editors["end_date"], Qt.Key.Key_Return)
    assert "早于开始日期" in form.errors["end_date"].text() and dialog.isVisible()
    form.editors["end_date"].clear()
    qtbot.keyClick(form.editors["start_date"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert len(cdb.assignment_rows(db, today=assignments._clock(), cadre_no="GB002")) == 2
    assert "重叠" in assignments.message.text()
    assert "驻村干部·西沟村" in assignments.message.text()
    assignments.table.setFocus()
    ctrl(qtbot, assignments.table)
    assert len(cdb.assignment_rows(db, today=assignments._clock(), cadre_no="GB002")) == 1


def test_no_warning_without_overlap(assignments, qtbot):
    dialog = assignments.add_assignment(DONGPO)
    form = dialog.form
    pick(form.editors["cadre_no"], "王建国（GB001）")
    retype(qtbot, form.editors["start_date"], "2024-01-01")
    qtbot.keyClicks(form.editors["end_date"], "2024-12-31")
    assert not dialog.overlap_label.isVisible()


def test_suggestions_for_a_pig_farming_village_list_a_technical_cadre_first(assignments, qtbot, db):
    db["villages"].update(DONGPO, {"situation": "生猪养殖示范村"})
    db["cadres"].insert_all(
        [
            {
                "cadre_no": "GB003",
                "township_code": "610526100",
                "name": "赵敏",
                "expertise": "经济",
            },
            {
                "cadre_no": "GB004",
                "township_code": "610526100",
                "name": "钱亮",
                "expertise": "技术",
            },
        ]
    )
    assignments.refresh()
    assignments.add_button.click()
    dialog = assignments.dialog
    assert "先选择村" in dialog.needs_label.text()
    pick(dialog.form.editors["village_code"], f"东坡村（{DONGPO}）")
    assert "需要：技术" in dialog.needs_label.text()
    first = dialog.suggestions()[0]
    assert (first.cadre_no, first.name) == ("GB004", "钱亮")
    assert first.reason == "专长“技术”，适合生猪养殖示范村；目前无岗位"
    item = dialog.suggestion_list.item(0)
    assert "钱亮（GB004）" in item.text() and "专长“技术”" in item.text()
    # the busy technical cadre comes after the free one; the 经济 cadre not at all
    assert [s.cadre_no for s in dialog.suggestions()] == ["GB004", "GB002"]
    rect = dialog.suggestion_list.visualItemRect(item)
    qtbot.mouseClick(
        dialog.suggestion_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    assert dialog.form.editors["cadre_no"].currentText() == "钱亮（GB004）"
    qtbot.keyClick(dialog.form.editors["start_date"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    (post,) = cdb.assignment_rows(db, today=assignments._clock(), cadre_no="GB004")
    assert (post.village_name, post.role, post.start_date) == ("东坡村", "驻村干部", "2026-05-15")


def test_end_an_assignment_and_undo(assignments, qtbot, db):
    assignments.table.setFocus()
    assignments.table.selectRow(1)  # 李秀兰 in 西沟村
    assignments.end_button.click()
    dialog = assignments.dialog
    retype(qtbot, dialog.form.editors["end_date"], "2026-02-01")
    qtbot.keyClick(dialog.form.editors["end_date"], Qt.Key.Key_Return)
    assert dialog.isVisible() and "不早于开始日期" in dialog.form.errors["end_date"].text()
    retype(qtbot, dialog.form.editors["end_date"], "2026-05-14")
    qtbot.keyClick(dialog.form.editors["end_date"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    (post,) = cdb.assignment_rows(db, today=assignments._clock(), cadre_no="GB002")
    assert (post.end_date, post.status) == ("2026-05-14", "曾任")
    assignments.table.setFocus()
    ctrl(qtbot, assignments.table)
    (post,) = cdb.assignment_rows(db, today=assignments._clock(), cadre_no="GB002")
    assert post.end_date is None
