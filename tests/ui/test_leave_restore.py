"""请假 as a clerk uses it: deleting says what comes back, the township's limit follows the
setting, a leave ends by the cadre's 退出 day, an undo that would overwrite a later edit
is refused."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import records
from app.ui.cadres.leave import LeavePage
from tests.ui.test_leave import days, fill
from tests.ui.test_roster import ctrl, open_page, retype


@pytest.fixture
def page(qtbot, db, today):
    return open_page(qtbot, db, today, LeavePage)


def save_leave(qtbot, page, start, end, **kw):
    page.add_button.click()
    fill(qtbot, page.dialog, start, end, **kw)
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)


def test_deleting_says_what_comes_back_and_gives_it_back(page, qtbot, db, monkeypatch):
    db["attendance"].insert(
        {"cadre_no": "GB002", "day": "2026-05-12", "kind": "缺勤", "source": "查岗"}
    )
    save_leave(qtbot, page, "2026-05-11", "2026-05-13")
    assert days(db)["2026-05-12"] == "请假"
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes,
    )
    page.table.setFocus()
    page.table.selectRow(0)
    assert page.delete_leave()
    assert asked == [
        "删除 李秀兰 2026-05-11 至 2026-05-13 的请假？\n"
        "考勤中：05-11、05-13 改为未记录；05-12 恢复为“缺勤”（查岗）。\n"
        "可按 Ctrl+Z 撤销。"
    ]
    assert days(db) == {"2026-04-10": "在村", "2026-05-12": "缺勤"}
    ctrl(qtbot, page.table)  # one undo brings the leave and its three days back
    assert [days(db)[d] for d in ("2026-05-11", "2026-05-12", "2026-05-13")] == ["请假"] * 3


def test_cancel_says_what_came_back(page, qtbot, db):
    db["attendance"].insert(
        {"cadre_no": "GB002", "day": "2026-05-14", "kind": "缺勤", "source": "查岗"}
    )
    save_leave(qtbot, page, "2026-05-11", "2026-05-15")
    page.table.setFocus()
    page.table.selectRow(0)
    page.cancel_button.click()
    retype(qtbot, page.dialog.form.editors["cancelled_on"], "2026-05-12")
    qtbot.keyClick(page.dialog.form.editors["cancelled_on"], Qt.Key.Key_Return)
    assert page.message.text() == (
        "李秀兰 已销假：考勤中 05-13、05-15 改为未记录；05-14 恢复为“缺勤”（查岗）。"
    )
    assert days(db)["2026-05-14"] == "缺勤"


def test_the_dialog_follows_the_township_limit_in_force(page, qtbot, db):
    db["rule_settings"].insert(
        {"key": "leave_township_max_days", "effective_from": "2026-06-01", "value": "4"}
    )
    page.add_button.click()
    dialog = page.dialog
    fill(qtbot, dialog, "2026-05-20", "2026-05-23")
    assert dialog.rule_label.text() == "共 4 天（含首尾两天），须由 县委组织部 批准。"
    assert "3 天以内由乡镇党委批准" in dialog.note.text()
    retype(qtbot, dialog.form.editors["start_date"], "2026-06-02")
    retype(qtbot, dialog.form.editors["end_date"], "2026-06-05")
    assert dialog.rule_label.text() == "共 4 天（含首尾两天），须由 乡镇党委 批准。"
    assert "4 天以内由乡镇党委批准" in dialog.note.text()
    level = dialog.form.editors["approver_level"]
    level.setCurrentIndex(level.findText("乡镇党委"))
    assert not dialog.form.errors["approver_level"].isVisible()
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert page.model.index(0, 5).data() == "乡镇党委"


def test_a_leave_past_retirement_is_refused_next_to_the_end_date(page, qtbot, db):
    db.execute("UPDATE cadres SET retired_on = '2026-05-12' WHERE cadre_no = 'GB002'")
    page.refresh()
    page.add_button.click()
    dialog = page.dialog
    fill(qtbot, dialog, "2026-05-11", "2026-05-13", cadre="李秀兰（GB002）·已退出")
    error = dialog.form.errors["end_date"]
    assert error.isVisible() and error.text() == "李秀兰 于 2026-05-12 退出，请假不能晚于这一天"
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert dialog.isVisible() and db["leaves"].count == 0
    retype(qtbot, dialog.form.editors["end_date"], "2026-05-12")
    assert not error.isVisible()
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert not dialog.isVisible() and db["leaves"].count == 1


def test_undo_that_would_overwrite_a_later_edit_is_refused(page, qtbot, db, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    save_leave(qtbot, page, "2026-05-11", "2026-05-12")
    stack = page._undo.stack
    assert stack.count() == 1
    # the duty grid records 05-12 as present after all
    records.update(
        db,
        "attendance",
        {"cadre_no": "GB002", "day": "2026-05-12"},
        {"kind": "在村", "source": "考勤簿"},
    )
    page.table.setFocus()
    ctrl(qtbot, page.table)
    assert len(warned) == 1 and "不能撤销；请直接编辑" in warned[0] and "05-12" in warned[0]
    assert db["leaves"].count == 1
    assert days(db) == {"2026-04-10": "在村", "2026-05-11": "请假", "2026-05-12": "在村"}
    assert stack.count() == 0 and not stack.canUndo() and not stack.canRedo()
