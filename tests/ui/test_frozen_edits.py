"""Changing an approved month or a quarter sent to the county: the clerk is asked why.

The duty grid on an approved April: a key pressed on a cell opens the reason dialog
(why, what changes, the 补发/扣回 note); Esc leaves the cell as it was, a reason changes
it and the change log keeps the reason; Ctrl+Z takes it back under ``撤销：<reason>``
without asking again. The 办实事 ledger in a quarter already sent: the form stays open
when the clerk cancels, and saves with the reason.
"""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.db import guard
from app.db import practical as pdb
from app.db.attendance_edit import set_cells
from app.db.connection import memory_database
from app.db.store import initialise
from app.db.subsidy import approve_month, sheet_for_month
from app.domain.attendance import Kind
from app.domain.periods import Month
from app.ui.cadres.duty import CARRY_NOTE, DutyGridPage
from app.ui.cadres.duty_model import APPROVED_NOTE
from app.ui.meetings.ledger import PracticalMattersPage
from app.ui.undo import TabUndo
from tests.ui.reason_dialog import answer_reason

TODAY = date(2026, 5, 15)
APRIL = Month(2026, 4)
STATIONED = 1  # GB002 李秀英, 驻村干部
CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = Path("/tmp/ui-shots")


@pytest.fixture
def grid_db():
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert({"code": "610526100201", "township_code": "610526100", "name": "东坡村"})
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": "610526100", "name": "王建国"},
            {"cadre_no": "GB002", "township_code": "610526100", "name": "李秀英"},
        ]
    )
    db["assignments"].insert_all(
        {"cadre_no": c, "village_code": "610526100201", "role": r, "start_date": "2026-01-01"}
        for c, r in (("GB001", "兼职书记"), ("GB002", "驻村干部"))
    )
    db["subsidy_rates"].insert_all(
        [
            {"kind": "生活补助", "effective_from": "2026-01-01", "amount_fen": 600},
            {"kind": "交通通讯补助", "effective_from": "2026-01-01", "amount_fen": 4000},
        ]
    )
    return db


def grid_tab(qtbot, db, size=(1300, 500)):
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    page = DutyGridPage(db, undo, clock=lambda: TODAY, parent=tab)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(page)
    tab.page, tab.undo = page, undo
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    page.refresh()
    page.set_month(APRIL)
    return tab


def back_to_the_grid(qtbot, tab):
    """A desktop gives the window and its focus back when a dialog closes; the offscreen
    platform of the tests does not."""
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.page.table.setFocus()


def cell(qtbot, page, row, day):
    rect = page.table.visualRect(page.model.index(row, page.model.column_of(day)))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def april(db, cadre="GB002"):
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT day, kind FROM attendance WHERE cadre_no = ? AND day LIKE '2026-04%'", [cadre]
        ).fetchall()
    }


def log(db, since):
    return [
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT record, action, reason FROM change_log WHERE id > ? ORDER BY id", [since]
        ).fetchall()
    ]


def test_a_key_on_an_approved_month_asks_why_cancel_keeps_ok_changes(qtbot, grid_db):
    db = grid_db
    approve_month(db, APRIL, "张书记")
    tab = grid_tab(qtbot, db)
    page = tab.page
    assert page.approved_label.isVisible() and page.approved_label.text() == APPROVED_NOTE
    cell(qtbot, page, STATIONED, date(2026, 4, 7))
    since = guard.last_log_id(db)

    # Esc: nothing written, no undo step, the cursor stays on the cell
    asked = answer_reason(qtbot, None)
    qtbot.keyClick(page.table, Qt.Key.Key_1)
    assert asked.asked == 1
    assert asked.why == "2026年4月的补助已审批，修改需填写原因。"
    assert asked.what == "李秀英 4月7日 → 在村"
    assert asked.note == CARRY_NOTE
    assert asked.ok_enabled_when_blank is False
    assert april(db) == {} and log(db, since) == [] and tab.undo.stack.count() == 0
    assert page.current_cell() == ("GB002", date(2026, 4, 7))
    assert "未填写修改原因" in page.status_label.text()

    # a reason: the cell changes, the log keeps the reason, May carries the 补发
    asked = answer_reason(qtbot, "考勤簿漏记一天")
    qtbot.keyClick(page.table, Qt.Key.Key_1)
    assert asked.asked == 1
    assert april(db) == {"2026-04-07": "在村"}
    assert log(db, since) == [("GB002/2026-04-07", "insert", "考勤簿漏记一天")]
    assert page.current_cell() == ("GB002", date(2026, 4, 8))  # moved on, as a key does
    (line,) = [x for x in sheet_for_month(db, Month(2026, 5)).lines if x.cadre_no == "GB002"]
    # her first present day of April: 6.00 a day and the month's 40.00 transport
    assert [(str(a.corrects), a.amount_fen) for a in line.adjustments] == [("2026-04", 4600)]
    assert tab.undo.stack.count() == 1

    # Ctrl+Z takes it back with the same reason, without asking again; Ctrl+Y puts it back
    back_to_the_grid(qtbot, tab)
    since = guard.last_log_id(db)
    not_asked = answer_reason(qtbot, None, tries=3)
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert april(db) == {}
    assert log(db, since) == [("GB002/2026-04-07", "delete", "撤销：考勤簿漏记一天")]
    qtbot.keyClick(page.table, Qt.Key.Key_Y, CTRL)
    assert april(db) == {"2026-04-07": "在村"}
    assert log(db, since)[-1] == ("GB002/2026-04-07", "insert", "重做：考勤簿漏记一天")
    qtbot.wait(100)
    assert not not_asked


def test_undo_of_an_edit_made_before_the_approval_asks_why(qtbot, grid_db, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text, *a: told.append(text))
    db = grid_db
    tab = grid_tab(qtbot, db)
    page = tab.page
    cell(qtbot, page, STATIONED, date(2026, 4, 7))
    qtbot.keyClick(page.table, Qt.Key.Key_1)  # April is still a draft: no question
    cell(qtbot, page, STATIONED, date(2026, 4, 8))
    qtbot.keyClick(page.table, Qt.Key.Key_1)
    assert april(db) == {"2026-04-07": "在村", "2026-04-08": "在村"}
    approve_month(db, APRIL, "张书记")

    asked = answer_reason(qtbot, None)  # the clerk cancels: the record and the step stay
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert asked and april(db) == {"2026-04-07": "在村", "2026-04-08": "在村"}
    assert told and "记录保持原样" in told[0]
    assert tab.undo.stack.count() == 1  # the step that could not be undone is gone

    since = guard.last_log_id(db)
    back_to_the_grid(qtbot, tab)
    asked = answer_reason(qtbot, "录错了日期")
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert asked and april(db) == {"2026-04-08": "在村"}
    assert log(db, since) == [("GB002/2026-04-07", "delete", "录错了日期")]


def test_screenshot_of_the_reason_dialog_over_the_duty_grid(qtbot, grid_db):
    """/tmp/ui-shots/reason-dialog.png: the dialog drawn where it opens, over the grid."""
    db = grid_db
    set_cells(
        db,
        [
            ("GB002", d, Kind.PRESENT)
            for d in (date(2026, 4, n) for n in range(1, 31))
            if d.weekday() < 5 and d.day != 7
        ]
        + [("GB001", date(2026, 4, n), Kind.PRESENT) for n in (1, 2, 8, 9, 15, 16, 22, 23, 29)],
    )
    approve_month(db, APRIL, "张书记")
    tab = grid_tab(qtbot, db, size=(1180, 420))
    page = tab.page
    cell(qtbot, page, STATIONED, date(2026, 4, 7))
    shot = {}

    def picture(dialog):
        qtbot.wait(30)
        behind = tab.grab()
        painter = QPainter(behind)
        painter.fillRect(behind.rect(), QColor(0, 0, 0, 60))  # the modal shade
        front = dialog.grab()
        at = QPoint((behind.width() - front.width()) // 2, (behind.height() - front.height()) // 2)
        painter.fillRect(at.x() - 1, at.y() - 1, front.width() + 2, front.height() + 2, "#888")
        painter.drawPixmap(at, front)
        painter.end()
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot["path"] = SHOTS / "reason-dialog.png"
        assert behind.save(str(shot["path"]))

    asked = answer_reason(qtbot, None, before=picture)
    qtbot.keyClick(page.table, Qt.Key.Key_1)
    assert asked and shot["path"].stat().st_size > 10_000


# ---- a record form: the 办实事 ledger in a quarter sent to the county -----------------------


@pytest.fixture
def ledger(qtbot, db):
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: tab.page.refresh())
    tab.page = PracticalMattersPage(db, undo, clock=lambda: TODAY, parent=tab)
    tab.undo = undo
    QVBoxLayout(tab).addWidget(tab.page)
    qtbot.addWidget(tab)
    tab.resize(1200, 660)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_a_form_in_a_sent_quarter_stays_open_when_cancelled_and_saves_with_a_reason(
    qtbot, db, ledger
):
    db["exported_quarters"].insert(
        {
            "quarter": "2026Q1",
            "exported_at": "2026-04-03T10:00:00+08:00",
            "file_name": "东坡镇-2026Q1.zip",
            "manifest_sha256": "0" * 64,
        }
    )
    page = ledger.page
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    form = dialog.form
    for field, text in (
        ("day", "2026-03-20"),
        ("village_code", "东坡村"),
        ("category", "路"),
        ("description", "修补村道"),
        ("status", "已办结"),
    ):
        form.set_text(field, text)

    asked = answer_reason(qtbot, None)
    assert form.submit()
    assert asked and asked.why == "2026年第1季度已上报县里（2026-04-03），修改需填写原因。"
    assert dialog.isVisible() and "未填写修改原因" in dialog.message.text()
    assert db["practical_matters"].count == 0

    since = guard.last_log_id(db)
    asked = answer_reason(qtbot, "漏报，补登")
    assert form.submit()
    assert asked and not dialog.isVisible()
    (row,) = pdb.matters(db, pdb.PracticalFilter())
    assert row.description == "修补村道"
    assert log(db, since) == [(row.uuid, "insert", "漏报，补登")]
    # undo carries the reason
    since = guard.last_log_id(db)
    ledger.undo.stack.undo()
    assert db["practical_matters"].count == 0
    assert log(db, since) == [(row.uuid, "delete", "撤销：漏报，补登")]


# ---- a register sheet loaded through 导入登记表 ------------------------------------------------


def test_importing_rows_of_a_sent_quarter_asks_why_first(qtbot, db, tmp_path):
    from app.ui.dialogs.import_dialog import ImportDialog

    exported_q2(db)
    sheet = tmp_path / "考勤.csv"
    sheet.write_text(
        "干部编号,日期,村代码,类别,备注\nGB002,2026-04-11,610526100202,在村,补录\n"
        "GB002,2026-07-01,610526100202,在村,\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.set_kind("attendance")
    dialog.set_path(sheet)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled()
    warnings = [
        dialog.problem_model.index(r, 2).data() for r in range(dialog.problem_model.rowCount())
    ]
    assert any("第 2 行" in w and "2026年第2季度已上报县里" in w for w in warnings)
    since = guard.last_log_id(db)

    asked = answer_reason(qtbot, None)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert asked and "第 2 行：2026年第2季度已上报县里（2026-07-06）" in asked.what
    assert "未填写修改原因" in dialog.summary_label.text()
    assert log(db, since) == []

    asked = answer_reason(qtbot, "补录四月考勤簿")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert asked and "导入完成" in dialog.summary_label.text()
    assert {reason for _, _, reason in log(db, since)} == {"补录四月考勤簿"}
    assert len(log(db, since)) == 2


def exported_q2(db):
    db["exported_quarters"].insert(
        {
            "quarter": "2026Q2",
            "exported_at": "2026-07-06T10:00:00+08:00",
            "file_name": "东坡镇-2026Q2.zip",
            "manifest_sha256": "0" * 64,
        }
    )


# ---- a meeting of a sent quarter ---------------------------------------------------------------


def test_a_meeting_of_a_sent_quarter_is_saved_only_with_a_reason(qtbot, db, monkeypatch):
    from app.ui.meetings.meeting_page import MeetingDialog

    discard = QMessageBox.StandardButton.Discard  # closing a dialog left unsaved, if it fails
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: discard)

    meeting_id = (
        db["meetings"].insert({"kind": "周例会", "day": "2026-05-05", "chair": "王建国"}).last_pk
    )
    exported_q2(db)
    holder = QWidget()
    undo = TabUndo(holder, db, lambda: None)
    qtbot.addWidget(holder)
    dialog = MeetingDialog.edit(db, undo, meeting_id, clock=lambda: date(2026, 7, 10))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.minutes_edit.setPlainText("补记：会议听取了各村汇报。")
    since = guard.last_log_id(db)

    asked = answer_reason(qtbot, None)
    assert not dialog.save()
    assert asked and asked.what == "保存会议 2026-05-05 周例会"
    assert dialog.isVisible() and "未填写修改原因" in dialog.message.text()
    assert log(db, since) == [] and undo.stack.count() == 0

    asked = answer_reason(qtbot, "纪要漏记，会后补记")
    assert dialog.save()
    assert asked and db["meetings"].get(meeting_id)["minutes"] == "补记：会议听取了各村汇报。"
    assert {reason for _, _, reason in log(db, since)} == {"纪要漏记，会后补记"}
    assert undo.stack.count() == 1
