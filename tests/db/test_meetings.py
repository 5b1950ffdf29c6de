"""Meetings and their 督办事项 in the database: defaults of a new meeting, saving as one
undoable batch, the open items reviewed at the next meeting, overdue items, deleting."""

from datetime import date

import pytest

from app.db import meetings as mdb
from app.db.cadres import reapply_batch, retire, revert_batch
from app.db.meetings import Attendee, Item, Report
from app.domain.errors import DomainError

DONGPO = "610526100201"
TODAY = date(2026, 5, 15)  # a Friday


def meeting(db, day, kind="周例会", **fields):
    return db["meetings"].insert({"kind": kind, "day": day, **fields}).last_pk


def weekly(db, on, **changes):
    draft = mdb.new_meeting(db, "周例会", on)
    for k, v in changes.items():
        setattr(draft, k, v)
    return draft


def test_a_new_weekly_meeting_without_history_is_on_monday_with_the_active_cadres(township_db):
    draft = mdb.new_meeting(township_db, "周例会", TODAY)
    assert draft.day == "2026-05-11"
    assert (draft.chair, draft.place) == (None, None)
    assert [(a.cadre_no, a.present) for a in draft.attendees] == [("GB001", True), ("GB002", True)]


def test_usual_weekday_chair_and_place_come_from_earlier_meetings(township_db):
    db = township_db
    meeting(db, "2026-04-22", chair="张书记", place="二楼会议室")  # Wednesday
    meeting(db, "2026-04-29", chair="张书记", place="二楼会议室")  # Wednesday
    meeting(db, "2026-05-04", chair="李镇长", place="三楼会议室")  # Monday
    meeting(db, "2026-05-06", "年终总评", chair="李镇长", place="大会议室")  # Wednesday
    assert mdb.usual_weekday(db) == 2
    draft = mdb.new_meeting(db, "周例会", TODAY)
    assert draft.day == "2026-05-13"  # Wednesday of this week, though it has passed
    assert (draft.chair, draft.place) == ("张书记", "二楼会议室")
    assert mdb.new_meeting(db, "年终总评", TODAY).place == "大会议室"
    assert mdb.new_meeting(db, "月汇报", TODAY).day == "2026-05-15"


def test_active_cadres_leave_out_the_retired_and_those_without_a_post(township_db):
    db = township_db
    db["cadres"].insert({"cadre_no": "GB003", "township_code": "610526100", "name": "赵敏"})
    retire(db, "GB002", date(2026, 5, 1))
    assert mdb.active_cadres(db, date(2026, 4, 30)) == [("GB001", "王建国"), ("GB002", "李秀英")]
    assert mdb.active_cadres(db, TODAY) == [("GB001", "王建国")]


def test_save_is_one_batch_undone_and_redone_whole(township_db):
    db = township_db
    draft = weekly(
        db,
        TODAY,
        chair="王建国",
        attendees=[
            Attendee("GB001", "王建国", True, None),
            Attendee("GB002", "李秀英", False, "下村"),
        ],
        reports=[Report(None, "GB002", DONGPO, "上周在村5天")],
        decisions=["一、按时报送", "", "二、入户走访"],
        items=[Item(None, "东坡村道路摸底", "GB002", DONGPO, "2026-05-13")],
    )
    meeting_id, batch = mdb.save_meeting(db, draft)
    assert [c.table for c in batch.changes].count("meeting_attendees") == 2
    saved = mdb.meeting(db, meeting_id, today=TODAY)
    assert saved.decisions == ["一、按时报送", "二、入户走访"]
    assert [(a.cadre_no, a.present, a.reason, a.former) for a in saved.attendees] == [
        ("GB001", True, None, False),
        ("GB002", False, "下村", False),
    ]
    (row,) = mdb.meeting_rows(db)
    assert (row.present, row.expected, row.open_items, row.items) == (1, 2, 1, 1)
    logged = db.execute("SELECT count(*) FROM change_log WHERE action = 'insert'").fetchone()[0]
    revert_batch(db, batch)
    for table in ("meetings", "meeting_attendees", "meeting_reports", "decisions", "action_items"):
        assert db[table].count == 0, table
    reapply_batch(db, batch)
    assert mdb.meeting(db, meeting_id, today=TODAY) == saved
    assert logged >= 7


def test_editing_changes_only_what_changed(township_db):
    db = township_db
    meeting_id, _ = mdb.save_meeting(db, weekly(db, TODAY, chair="王建国", decisions=["甲", "乙"]))
    draft = mdb.meeting(db, meeting_id, today=TODAY)
    draft.decisions = ["甲", "丙"]
    draft.attendees = draft.attendees[:1]
    _, batch = mdb.save_meeting(db, draft, meeting_id=meeting_id)
    assert sorted((c.table, c.action) for c in batch.changes) == [
        ("decisions", "update"),
        ("meeting_attendees", "delete"),
    ]
    _, nothing = mdb.save_meeting(db, draft, meeting_id=meeting_id)
    assert nothing.changes == ()


def test_open_items_are_reviewed_and_closed_at_the_next_meeting(township_db):
    db = township_db
    item = Item(None, "报送低收入户名册", "GB002", DONGPO, "2026-05-13")
    first, _ = mdb.save_meeting(db, weekly(db, TODAY, chair="王建国", items=[item]))
    (overdue,) = mdb.overdue_items(db, TODAY)
    assert overdue.days_overdue == 2 and overdue.overdue
    assert mdb.overdue_items(db, date(2026, 5, 13)) == []  # due that day: not yet overdue

    nxt = date(2026, 5, 18)
    (before,) = mdb.open_items_before(db, nxt, today=nxt)
    assert (before.meeting_id, before.days_overdue) == (first, 5)
    draft = weekly(db, nxt, chair="王建国", closures={before.uuid: "已报送"})
    second, _batch = mdb.save_meeting(db, draft)
    (closed,) = mdb.action_items(db, today=nxt, status="done")
    assert (closed.done_on, closed.result, closed.closed_meeting_id) == (
        "2026-05-18",
        "已报送",
        second,
    )
    assert closed.closed_meeting_day == "2026-05-18"
    assert mdb.overdue_items(db, nxt) == []
    # reopened later, the meeting still lists the item it closed
    assert mdb.meeting(db, second, today=nxt).closures == {before.uuid: "已报送"}
    assert [i.uuid for i in mdb.open_items_before(db, nxt, meeting_id=second, today=nxt)] == [
        before.uuid
    ]
    # and left open there, it opens again
    draft = mdb.meeting(db, second, today=nxt)
    draft.closures = {}
    mdb.save_meeting(db, draft, meeting_id=second)
    assert [i.uuid for i in mdb.overdue_items(db, nxt)] == [before.uuid]


def test_a_meeting_does_not_review_its_own_items_or_later_ones(township_db):
    db = township_db
    item = Item(None, "甲", due_date="2026-05-20")
    first, _ = mdb.save_meeting(db, weekly(db, TODAY, chair="王", items=[item]))
    assert mdb.open_items_before(db, date(2026, 5, 11), meeting_id=first, today=TODAY) == []
    assert mdb.open_items_before(db, date(2026, 5, 4), today=TODAY) == []
    assert len(mdb.open_items_before(db, date(2026, 5, 11), today=TODAY)) == 1  # same day, later


def test_close_item_checks_the_date_and_the_status(township_db):
    db = township_db
    item = Item(None, "甲", "GB001", DONGPO, "2026-05-13")
    mdb.save_meeting(db, weekly(db, TODAY, chair="王", items=[item]))
    (row,) = mdb.overdue_items(db, TODAY)
    with pytest.raises(DomainError, match="早于") as e:
        mdb.close_item(db, row.uuid, result="完成", done_on=date(2026, 5, 10))
    assert e.value.field == "done_on"
    change = mdb.close_item(db, row.uuid, result=" 完成 ", done_on=date(2026, 5, 14))
    assert (change.after["status"], change.after["result"]) == ("done", "完成")
    with pytest.raises(DomainError, match="已经办结"):
        mdb.close_item(db, row.uuid, result="", done_on=TODAY)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"day": "2026-02-30"}, "day", "日期不存在"),
        ({"kind": "座谈会"}, "kind", "会议类别"),
        ({"attendees": [Attendee("GB002", "李秀英", False, " ")]}, "attendees", "缺席原因"),
        ({"items": [Item(None, "甲", due_date="2026-05-01")]}, "items", "早于会议日期"),
        ({"items": [Item(None, "甲", status="done")]}, "items", "办结日期"),
        ({"reports": [Report(None, "GB001", None, "  ")]}, "reports", "不能为空"),
    ],
)
def test_a_meeting_with_a_problem_is_refused(township_db, changes, field, words):
    with pytest.raises(DomainError, match=words) as e:
        mdb.save_meeting(township_db, weekly(township_db, TODAY, chair="王", **changes))
    assert e.value.field == field
    assert township_db["meetings"].count == 0


def test_former_attendees_are_marked(township_db):
    db = township_db
    first, _ = mdb.save_meeting(db, weekly(db, date(2026, 3, 2), chair="王"))
    retire(db, "GB002", date(2026, 4, 30))
    attendees = mdb.meeting(db, first, today=TODAY).attendees
    assert [(a.name, a.former) for a in attendees] == [("王建国", False), ("李秀英", True)]
    assert mdb.meeting(db, first, today=date(2026, 4, 1)).attendees[1].former is False


def test_delete_takes_the_meeting_whole_and_undo_brings_it_back(township_db):
    db = township_db
    item = Item(None, "甲", "GB001", DONGPO, "2026-05-13")
    first, _ = mdb.save_meeting(db, weekly(db, TODAY, chair="王", items=[item], decisions=["乙"]))
    (open_item,) = mdb.overdue_items(db, TODAY)
    nxt = date(2026, 5, 18)
    second, _ = mdb.save_meeting(db, weekly(db, nxt, chair="王", closures={open_item.uuid: "好"}))
    batch = mdb.delete_meeting(db, second)
    (closed,) = mdb.action_items(db, today=nxt, status="done")
    assert (closed.done_on, closed.closed_meeting_id) == ("2026-05-18", None)  # still done
    assert [r.id for r in mdb.meeting_rows(db)] == [first]
    revert_batch(db, batch)
    assert [r.id for r in mdb.meeting_rows(db)] == [second, first]
    assert mdb.action_items(db, today=nxt, status="done")[0].closed_meeting_id == second
    batch = mdb.delete_meeting(db, first)
    assert db["action_items"].count == 0 and db["decisions"].count == 0
    revert_batch(db, batch)
    assert db["action_items"].count == 1


def test_a_meeting_with_practical_matters_is_not_deleted(township_db):
    db = township_db
    first = meeting(db, "2026-05-11")
    db["practical_matters"].insert(
        {
            "village_code": DONGPO,
            "day": "2026-05-12",
            "category": "路",
            "description": "修路",
            "meeting_id": first,
        }
    )
    with pytest.raises(DomainError, match="办实事 1 条"):
        mdb.delete_meeting(db, first)


def test_list_filters_and_item_filters(township_db):
    db = township_db
    meeting(db, "2026-03-31", "月汇报")
    items = [
        Item(None, "甲", "GB001", DONGPO, "2026-05-13"),
        Item(None, "乙", "GB002", None, "2026-05-30"),
        Item(None, "丙", "GB002", DONGPO, None, "done", "好", "2026-05-12"),
    ]
    mdb.save_meeting(db, weekly(db, TODAY, chair="王", items=items))
    assert [r.kind for r in mdb.meeting_rows(db, kind="月汇报")] == ["月汇报"]
    april = mdb.meeting_rows(db, first=date(2026, 4, 1), last=date(2026, 4, 30))
    assert april == []
    assert [r.day for r in mdb.meeting_rows(db, first=date(2026, 5, 1))] == ["2026-05-11"]

    def tasks(**kw):
        return [i.task for i in mdb.action_items(db, today=TODAY, **kw)]

    assert tasks() == ["甲", "乙"]  # open, by due date
    assert tasks(status="overdue") == ["甲"]
    assert tasks(status="done") == ["丙"]
    assert tasks(status="all") == ["甲", "乙", "丙"]
    assert tasks(status="all", owner="GB002") == ["乙", "丙"]
    assert tasks(status="all", village=DONGPO) == ["甲", "丙"]
    assert mdb.item_owners(db) == [("GB001", "王建国"), ("GB002", "李秀英")]
    assert mdb.item_villages(db) == [(DONGPO, "东坡村")]
    # an item closed at the meeting that raised it names that meeting
    assert mdb.action_items(db, today=TODAY, status="done")[0].closed_meeting_day == "2026-05-11"
    assert mdb.weekly_meetings_in_week(db, date(2026, 5, 17)) == ["2026-05-11"]
