"""周例会 as a clerk uses it: a weekly meeting with its defaults, an absentee, an action
item overdue, closed at the next meeting; a former cadre; Ctrl+Z; a bad date."""

import subprocess
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import meetings as mdb
from app.domain.periods import Month
from app.ui.meetings.actions import ActionModel as A
from app.ui.meetings.meetings import MeetingListModel as ML
from app.ui.meetings_tab import MeetingsTab
from tests.ui.test_roster import ctrl, pick, type_chinese

DONGPO, XIGOU, NANYUAN = "610526100201", "610526100202", "610526100203"


class Clock:
    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock(today):
    return Clock(today)


@pytest.fixture
def tab(qtbot, db, clock):
    # two earlier weekly meetings, on Tuesdays, chaired by 王建国
    for day in ("2026-04-28", "2026-05-05"):
        db["meetings"].insert(
            {"kind": "周例会", "day": day, "place": "镇政府二楼会议室", "chair": "王建国"}
        )
    db["cadres"].insert({"cadre_no": "GB003", "township_code": "610526100", "name": "赵敏"})
    t = MeetingsTab(db, clock=clock)
    qtbot.addWidget(t)
    t.resize(1180, 640)
    t.show()
    qtbot.waitExposed(t)
    t.activateWindow()
    qtbot.waitUntil(t.isActiveWindow)  # shortcuts (Ctrl+Z) work in the active window
    return t


def column(model, c):
    return [model.index(r, c).data() for r in range(model.rowCount())]


def names(dialog):
    t = dialog.attendees.table
    return [t.item(r, 0).text() for r in range(t.rowCount())]


def new_weekly(tab, qtbot):
    page = tab.meetings
    qtbot.mouseClick(page.weekly_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    return dialog


def add_item(dialog, qtbot, task, owner, village, due):
    dialog.tabs.setCurrentWidget(dialog.items)
    qtbot.mouseClick(dialog.items.add_button, Qt.MouseButton.LeftButton)
    item = dialog.items.dialog
    qtbot.waitExposed(item)
    form = item.form
    form.editors["task"].setPlainText(task)
    pick(form.editors["owner_cadre_no"], owner)
    pick(form.editors["village_code"], village)
    qtbot.keyClicks(form.editors["due_date"], due)
    qtbot.keyClick(form.editors["due_date"], Qt.Key.Key_Return)
    assert not item.isVisible(), form.problems()


def test_weekly_meeting_defaults_absentee_item_overdue_and_closed_next_week(tab, db, qtbot, clock):
    log_start = db.execute("SELECT max(id) FROM change_log").fetchone()[0]
    # -- this week's meeting: the usual Tuesday, the usual chair and place, the active cadres
    dialog = new_weekly(tab, qtbot)
    form = dialog.form
    assert form.editors["day"].text() == "2026-05-12"  # Tuesday of the week of 2026-05-15
    assert form.editors["kind"].currentText() == "周例会"
    assert form.editors["chair"].text() == "王建国"
    assert form.editors["place"].text() == "镇政府二楼会议室"
    assert names(dialog) == ["王建国", "李秀兰"]  # GB003 holds no post
    assert dialog.attendees.count_label.text() == "应到 2 人，出席 2 人，缺席 0 人"

    # -- 赵敏 is added as absent, with a reason
    qtbot.mouseClick(dialog.attendees.add_button, Qt.MouseButton.LeftButton)
    add = dialog.attendees.dialog
    qtbot.waitExposed(add)
    pick(add.form.editors["cadre_no"], "赵敏（GB003）")
    pick(add.form.editors["present"], "缺席")
    qtbot.keyClick(add.form.editors["reason"], Qt.Key.Key_Return)
    assert add.isVisible() and add.form.errors["reason"].text() == "缺席须写明原因"
    type_chinese(add.form.editors["reason"], "在县上参加培训")
    qtbot.keyClick(add.form.editors["reason"], Qt.Key.Key_Return)
    assert not add.isVisible()
    assert names(dialog) == ["王建国", "李秀兰", "赵敏"]
    assert dialog.attendees.count_label.text() == "应到 3 人，出席 2 人，缺席 1 人"

    # -- an action item due on Wednesday, for 李秀兰 in 西沟村
    add_item(
        dialog,
        qtbot,
        "西沟村道路硬化摸底",
        "李秀兰（GB002）",
        "西沟村（610526100202）",
        "2026-05-13",
    )
    assert column(dialog.items.model, 4) == ["逾期 2 天"]
    dialog.minutes_edit.setPlainText("会议听取了各村汇报。")
    dialog.decisions_edit.setPlainText("各驻村干部本周完成入户走访\n\n西沟村道路摸底下周报送")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    page = tab.meetings
    assert column(page.model, ML.COL_DAY)[0] == "2026-05-12"
    assert column(page.model, ML.COL_PRESENT)[0] == "2/3"
    assert column(page.model, ML.COL_ITEMS)[0] == "1/1"
    first = page.rows()[0].id
    saved = mdb.meeting(db, first, today=clock.today)
    assert [(a.cadre_no, a.present, a.reason) for a in saved.attendees] == [
        ("GB001", True, None),
        ("GB002", True, None),
        ("GB003", False, "在县上参加培训"),
    ]
    assert saved.decisions == ["各驻村干部本周完成入户走访", "西沟村道路摸底下周报送"]
    logged = db.execute(
        "SELECT table_name, count(*) FROM change_log WHERE id > ? AND action = 'insert'"
        " GROUP BY table_name ORDER BY table_name",
        [log_start],
    ).fetchall()
    assert logged == [
        ("action_items", 1),
        ("decisions", 2),
        ("meeting_attendees", 3),
        ("meetings", 1),
    ]

    # -- it is overdue on the 督办事项 page, in red with its days
    actions = tab.show_page("actions")
    actions.set_status("overdue")
    assert column(actions.model, A.COL_TASK) == ["西沟村道路硬化摸底"]
    assert column(actions.model, A.COL_STATUS) == ["逾期 2 天"]
    red = actions.model.index(0, A.COL_TASK).data(Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == "#b00020"

    # -- next week's meeting shows it among the earlier open items; it is closed there
    clock.today = date(2026, 5, 20)
    tab.show_page("meetings")
    dialog = new_weekly(tab, qtbot)
    assert dialog.form.editors["day"].text() == "2026-05-19"
    assert names(dialog) == ["王建国", "李秀兰"]
    assert dialog.tabs.tabText(3) == "上次会议未办结事项（1）"
    earlier = dialog.earlier
    assert column(earlier.model, 1) == ["西沟村道路硬化摸底"]
    assert column(earlier.model, 5) == ["逾期 6 天"]  # as of this meeting's day
    dialog.tabs.setCurrentWidget(earlier)
    earlier.table.selectRow(0)
    qtbot.mouseClick(earlier.close_button, Qt.MouseButton.LeftButton)
    close = earlier.dialog
    qtbot.waitExposed(close)
    type_chinese(close.form.editors["result"], "已摸底并报送")
    qtbot.keyClick(close.form.editors["result"], Qt.Key.Key_Return)
    assert column(earlier.model, 5) == ["本次办结"]
    assert dialog.tabs.tabText(3) == "上次会议未办结事项（0）"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    second = page.rows()[0].id

    (item,) = mdb.action_items(db, today=clock.today, status="all")
    assert (item.status, item.result, item.done_on) == ("done", "已摸底并报送", "2026-05-19")
    assert item.closed_meeting_id == second and item.meeting_id == first
    tab.show_page("actions")
    assert actions.model.rowCount() == 0  # no longer overdue
    assert actions.empty_label.isVisible()
    actions.set_status("done")
    assert column(actions.model, A.COL_DONE) == ["2026-05-19"]

    # -- Ctrl+Z undoes the last save: the second meeting goes, the item is open again
    tab.show_page("meetings")
    page.table.setFocus()
    ctrl(qtbot, page.table)
    assert page.rows()[0].id == first
    assert second not in [r.id for r in page.rows()]
    assert [i.task for i in mdb.overdue_items(db, clock.today)] == ["西沟村道路硬化摸底"]
    tab.show_page("actions")
    actions.set_status("overdue")
    assert column(actions.model, A.COL_STATUS) == ["逾期 7 天"]


def test_close_an_item_from_the_overdue_list_and_open_its_meeting(tab, db, qtbot, clock):
    draft = mdb.new_meeting(db, "周例会", clock.today)
    draft.items = [mdb.Item(None, "南塬村低收入户名册", "GB001", NANYUAN, "2026-05-13")]
    meeting_id, _ = mdb.save_meeting(db, draft)
    actions = tab.show_page("actions")
    assert column(actions.model, A.COL_STATUS) == ["逾期 2 天"]
    pick(actions.owner_combo, "王建国")
    pick(actions.village_combo, "南塬村")
    assert actions.model.rowCount() == 1
    actions.table.setFocus()
    actions.table.selectRow(0)
    qtbot.mouseClick(actions.close_button, Qt.MouseButton.LeftButton)
    close = actions.dialog
    qtbot.waitExposed(close)
    assert close.form.editors["done_on"].text() == "2026-05-15"
    close.form.editors["done_on"].clear()
    qtbot.keyClicks(close.form.editors["done_on"], "2026-05-10")  # before the meeting
    qtbot.keyClick(close.form.editors["done_on"], Qt.Key.Key_Return)
    assert close.isVisible() and "早于" in close.message.text()
    close.form.editors["done_on"].clear()
    qtbot.keyClicks(close.form.editors["done_on"], "2026-05-14")
    qtbot.keyClick(close.form.editors["done_on"], Qt.Key.Key_Return)
    assert not close.isVisible()
    assert actions.model.rowCount() == 0  # 未办结 shows none now
    actions.set_status("all")
    row = actions.rows()[0]
    assert (row.status, row.done_on, row.closed_meeting_id) == ("done", "2026-05-14", None)
    actions.table.selectRow(0)
    actions.table.setFocus()
    ctrl(qtbot, actions.table)
    assert actions.rows()[0].status == "open"

    # double-click opens the meeting that raised it, on its items
    table = actions.table
    rect = table.visualRect(actions.model.index(0, A.COL_TASK))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = actions.dialog
    qtbot.waitExposed(dialog)
    assert dialog.meeting_id == meeting_id
    assert dialog.tabs.currentWidget() is dialog.items
    dialog.done(0)


def test_a_former_cadre_still_shows_among_the_attendees(tab, db, qtbot):
    db["assignments"].insert(
        {
            "cadre_no": "GB003",
            "village_code": NANYUAN,
            "role": "驻村干部",
            "start_date": "2026-01-01",
            "end_date": "2026-03-31",
        }
    )
    meeting_id = (
        db["meetings"].insert({"kind": "月汇报", "day": "2026-03-02", "chair": "王建国"}).last_pk
    )
    db["meeting_attendees"].insert_all(
        [
            {"meeting_id": meeting_id, "cadre_no": "GB001", "present": 1},
            {"meeting_id": meeting_id, "cadre_no": "GB003", "present": 0, "reason": "请假"},
        ]
    )
    page = tab.meetings
    page.refresh()
    assert column(page.model, ML.COL_PRESENT)[-1] == "1/2"
    page.table.setFocus()
    page.select(meeting_id)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    assert names(dialog) == ["王建国", "赵敏（已离任）"]
    assert dialog.attendees.table.item(1, 2).text() == "请假"
    assert not dialog.is_dirty()
    dialog.reject()  # nothing changed: closes without asking
    assert not dialog.isVisible()


def test_a_bad_date_is_refused_next_to_the_field(tab, db, qtbot, monkeypatch):
    dialog = new_weekly(tab, qtbot)
    day = dialog.form.editors["day"]
    day.clear()
    qtbot.keyClicks(day, "2026-02-30")
    assert dialog.form.errors["day"].isVisible()
    assert "日期不存在" in dialog.form.errors["day"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert db["meetings"].count == 2
    # an absentee without a reason is refused too, and shown
    day.clear()
    qtbot.keyClicks(day, "2026-05-12")
    present = dialog.attendees.table.item(1, 1)
    present.setCheckState(Qt.CheckState.Unchecked)
    assert present.text() == "缺席"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.message.text() == "请填写 李秀兰 的缺席原因"
    dialog.attendees.table.item(1, 2).setText("下村处理纠纷")
    # leaving with changes asks first
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel,
    )
    qtbot.keyClick(dialog.minutes_edit, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert db["meetings"].count == 3


def test_reports_per_village_are_added_edited_and_deleted(tab, db, qtbot):
    dialog = new_weekly(tab, qtbot)
    reports = dialog.reports
    qtbot.mouseClick(reports.add_button, Qt.MouseButton.LeftButton)
    add = reports.dialog
    qtbot.waitExposed(add)
    pick(add.form.editors["cadre_no"], "李秀兰（GB002）")
    assert add.form.editors["village_code"].currentText() == "西沟村（610526100202）"  # her post
    add.form.editors["content"].setPlainText("上周在村5天，走访农户12户。")
    qtbot.keyClick(
        add.form.editors["content"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyRelease(add.form.editors["content"], Qt.Key.Key_Control)
    assert not add.isVisible()
    assert column(reports.model, 0) == ["西沟村"] and column(reports.model, 1) == ["李秀兰"]
    assert dialog.tabs.tabText(0) == "各村汇报（1）"
    reports.table.selectRow(0)
    qtbot.mouseClick(reports.edit_button, Qt.MouseButton.LeftButton)
    edit = reports.dialog
    qtbot.waitExposed(edit)
    edit.form.editors["content"].setPlainText("上周在村6天。")
    edit.form.submit()
    assert column(reports.model, 2) == ["上周在村6天。"]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    meeting_id = tab.meetings.rows()[0].id
    (saved,) = mdb.meeting(db, meeting_id, today=date(2026, 5, 15)).reports
    assert (saved.cadre_no, saved.village_code, saved.content) == ("GB002", XIGOU, "上周在村6天。")

    # open again, delete the report, save: one more undo step
    tab.meetings.select(meeting_id)
    dialog = tab.meetings.open_meeting()
    qtbot.waitExposed(dialog)
    dialog.reports.table.selectRow(0)
    qtbot.mouseClick(dialog.reports.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert mdb.meeting(db, meeting_id, today=date(2026, 5, 15)).reports == []
    tab.undo.stack.undo()
    assert len(mdb.meeting(db, meeting_id, today=date(2026, 5, 15)).reports) == 1


def test_list_filters_by_kind_and_period_and_deletes_with_undo(tab, db, qtbot, monkeypatch):
    db["meetings"].insert({"kind": "月汇报", "day": "2026-03-31", "chair": "王建国"})
    page = tab.meetings
    page.refresh()
    assert column(page.model, ML.COL_DAY) == ["2026-05-05", "2026-04-28", "2026-03-31"]
    assert column(page.model, ML.COL_WEEKDAY) == ["星期二", "星期二", "星期二"]
    pick(page.kind_combo, "月汇报")
    assert column(page.model, ML.COL_DAY) == ["2026-03-31"]
    pick(page.kind_combo, "全部")
    page.period.set_period(Month(2026, 4))
    assert column(page.model, ML.COL_DAY) == ["2026-04-28"]
    assert page.count_label.text() == "共 1 次会议"
    page.period.set_period(None)
    page.table.setFocus()
    page.select(page.rows()[0].id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert column(page.model, ML.COL_DAY) == ["2026-04-28", "2026-03-31"]
    ctrl(qtbot, page.table)
    assert column(page.model, ML.COL_DAY) == ["2026-05-05", "2026-04-28", "2026-03-31"]


def test_print_the_minutes_of_a_saved_meeting(tab, db, qtbot, tmp_path):
    draft = mdb.new_meeting(db, "周例会", date(2026, 5, 15))
    draft.minutes = "会议听取了各村汇报。"
    draft.attendees[1] = mdb.Attendee("GB002", "李秀兰", False, "下村处理纠纷")
    meeting_id, _ = mdb.save_meeting(db, draft)
    page = tab.meetings
    page.refresh()
    page.select(meeting_id)
    dialog = page.open_meeting()
    qtbot.waitExposed(dialog)
    dialog.minutes_edit.setPlainText("改了还没保存")
    assert dialog.print_minutes(tmp_path / "x.pdf") is None
    assert dialog.message.text() == "请先保存会议记录，再打印纪要。"
    dialog.minutes_edit.setPlainText("会议听取了各村汇报。")
    written = dialog.print_minutes(tmp_path / "纪要.pdf")
    assert written is not None and written.exists()
    assert "纪要.pdf" in dialog.message.text()
    text = subprocess.run(
        ["pdftotext", "-layout", str(written), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "会议听取了各村汇报" in text and "李秀兰" in text
    dialog.done(0)


def test_the_tab_builds_every_page_on_one_undo_stack(tab):
    for attr in ("meetings", "actions", "ledger", "cycle"):
        page = tab.show_page(attr)
        assert page.isVisible()
        assert page._undo is tab.undo
