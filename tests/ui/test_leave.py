"""请假/销假 as a clerk uses it: the approver the days need, attendance marked 请假, 销假."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import leaves as ldb
from app.ui.cadres.leave import LeaveDialog, LeavePage
from tests.ui.test_roster import ctrl, open_page, pick, retype, type_chinese


@pytest.fixture
def page(qtbot, db, today):
    return open_page(qtbot, db, today, LeavePage)


def days(db, cadre_no="GB002"):
    return {
        r["day"]: r["kind"]
        for r in db.query("SELECT * FROM attendance WHERE cadre_no = ? ORDER BY day", [cadre_no])
    }


def fill(qtbot, dialog, start, end, cadre="李秀兰（GB002）"):
    form = dialog.form
    pick(form.editors["cadre_no"], cadre)
    retype(qtbot, form.editors["start_date"], start)
    qtbot.keyClicks(form.editors["end_date"], end)
    type_chinese(form.editors["reason"], "事假：家中老人住院")
    type_chinese(form.editors["approver"], "王建国")


def test_record_two_days_of_leave(page, qtbot, db):
    page.add_button.click()
    dialog = page.dialog
    assert isinstance(dialog, LeaveDialog)
    assert "填好起止日期后" in dialog.rule_label.text()
    fill(qtbot, dialog, "2026-05-11", "2026-05-12")
    assert dialog.rule_label.text() == "共 2 天（含首尾两天），须由 乡镇党委 批准。"
    assert dialog.form.editors["approver_level"].currentText() == "乡镇党委"
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert days(db) == {"2026-04-10": "在村", "2026-05-11": "请假", "2026-05-12": "请假"}
    sources = {r["source"] for r in db.query("SELECT source FROM attendance WHERE kind = '请假'")}
    assert sources == {"请假"}
    row = [page.model.index(0, c).data() for c in range(7)]
    assert row == [
        "李秀兰（GB002）",
        "2026-05-11 — 2026-05-12",
        "2",
        "事假：家中老人住院",
        "王建国",
        "乡镇党委",
        "已结束",
    ]
    assert "考勤中 2 天记为请假" in page.message.text()
    page.table.setFocus()
    ctrl(qtbot, page.table)
    assert days(db) == {"2026-04-10": "在村"} and page.model.rowCount() == 0


def test_five_days_need_the_county_and_the_township_is_refused(page, qtbot, db):
    page.add_button.click()
    dialog = page.dialog
    fill(qtbot, dialog, "2026-05-11", "2026-05-15")
    assert "共 5 天" in dialog.rule_label.text() and "县委组织部" in dialog.rule_label.text()
    level = dialog.form.editors["approver_level"]
    assert level.currentText() == "县委组织部"
    level.setFocus()
    qtbot.keyClick(level, Qt.Key.Key_Up)  # the clerk picks 乡镇党委
    assert level.currentText() == "乡镇党委"
    error = dialog.form.errors["approver_level"]
    assert error.isVisible() and "请假 5 天须由县委组织部批准" in error.text()
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert dialog.isVisible() and db["leaves"].count == 0
    # shortening the leave to 3 days makes 乡镇党委 enough
    retype(qtbot, dialog.form.editors["end_date"], "2026-05-13")
    assert not error.isVisible() and "须由 乡镇党委 批准" in dialog.rule_label.text()
    retype(qtbot, dialog.form.editors["end_date"], "2026-05-15")
    assert error.isVisible()
    qtbot.keyClick(level, Qt.Key.Key_Down)
    assert level.currentText() == "县委组织部" and not error.isVisible()
    qtbot.keyClick(dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert list(days(db).values()).count("请假") == 5


def test_cancel_early_removes_the_later_leave_days(page, qtbot, db):
    page.add_button.click()
    fill(qtbot, page.dialog, "2026-05-11", "2026-05-15")
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)
    page.table.setFocus()
    page.table.selectRow(0)
    assert page.model.index(0, 6).data() == "在假"
    page.cancel_button.click()
    dialog = page.dialog
    assert dialog.form.editors["cancelled_on"].text() == "2026-05-14"  # back today
    retype(qtbot, dialog.form.editors["cancelled_on"], "2026-05-15")
    qtbot.keyClick(dialog.form.editors["cancelled_on"], Qt.Key.Key_Return)
    assert dialog.isVisible()  # the planned last day: not early
    assert "应在 2026-05-11 到 2026-05-14 之间" in dialog.form.errors["cancelled_on"].text()
    retype(qtbot, dialog.form.editors["cancelled_on"], "2026-05-12")
    qtbot.keyClick(dialog.form.editors["cancelled_on"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert days(db) == {"2026-04-10": "在村", "2026-05-11": "请假", "2026-05-12": "请假"}
    assert page.model.index(0, 6).data() == "已销假（05-12）"
    assert page.model.index(0, 2).data() == "2"
    assert page.message.text() == "李秀兰 已销假：考勤中 05-13、05-14、05-15 改为未记录。"
    page.table.setFocus()
    ctrl(qtbot, page.table)
    assert list(days(db).values()).count("请假") == 5


def test_present_days_are_kept_when_the_clerk_says_no(page, qtbot, db, monkeypatch):
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-12", "kind": "在村"})
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-13", "kind": "缺勤"})
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No,
    )
    page.add_button.click()
    fill(qtbot, page.dialog, "2026-05-11", "2026-05-13")
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert "05-12 在村" in asked[0]
    assert days(db) == {
        "2026-04-10": "在村",
        "2026-05-11": "请假",
        "2026-05-12": "在村",  # kept, as asked
        "2026-05-13": "请假",  # 缺勤 overwritten without asking
    }


def test_cancel_at_the_question_saves_nothing(page, qtbot, db, monkeypatch):
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-12", "kind": "会议培训"})
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    page.add_button.click()
    fill(qtbot, page.dialog, "2026-05-11", "2026-05-12")
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert page.dialog.isVisible() and "没有保存" in page.dialog.message.text()
    assert db["leaves"].count == 0


def test_overlapping_leave_is_refused_and_delete_removes_the_days(page, qtbot, db, monkeypatch):
    page.add_button.click()
    fill(qtbot, page.dialog, "2026-05-11", "2026-05-12")
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)
    page.add_button.click()
    fill(qtbot, page.dialog, "2026-05-12", "2026-05-13")
    qtbot.keyClick(page.dialog.form.editors["approver"], Qt.Key.Key_Return)
    assert "重叠" in page.dialog.form.errors["start_date"].text()
    page.dialog.reject()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.table.setFocus()
    page.table.selectRow(0)
    assert page.delete_leave()
    assert days(db) == {"2026-04-10": "在村"} and db["leaves"].count == 0
    ctrl(qtbot, page.table)
    assert len(ldb.leave_rows(db, today=page._clock())) == 1
    assert list(days(db).values()).count("请假") == 2
