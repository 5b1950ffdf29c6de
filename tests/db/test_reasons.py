"""An approved subsidy month or a quarter sent to the county changes only with a reason.

Every writer refuses such a change without one (nothing written: records, change log and
the months marked for carrying all as they were) and, given one, the change-log rows the
change wrote carry it.
"""

from datetime import date

import pytest

from app.db import checks, diaries, guard, leaves, practical, records
from app.db import meetings as mdb
from app.db.attendance_edit import reapply, revert, set_cells
from app.db.cadres import reapply_batch, revert_batch
from app.db.guard import ReasonRequired, frozen_why, with_reason
from app.db.meetings import Attendee, Item, Report
from app.db.subsidy import approve_month, sheet_for_month
from app.demo_setup import LATE_REASON, late_corrections
from app.domain.attendance import Kind
from app.domain.periods import Month
from tests.db.conftest import present

DONGPO = "610526100201"
APRIL, MAY = Month(2026, 4), Month(2026, 5)


def exported(db, quarter="2026Q2", at="2026-07-06T09:30:00+08:00"):
    db["exported_quarters"].insert(
        {"quarter": quarter, "exported_at": at, "file_name": "f.zip", "manifest_sha256": "0" * 64}
    )


def snapshot(db):
    """What a refused change must leave as it was."""
    tables = (
        "attendance",
        "leaves",
        "checks",
        "diaries",
        "meetings",
        "meeting_attendees",
        "meeting_reports",
        "decisions",
        "action_items",
        "practical_matters",
        "change_log",
        "subsidy_dirty",
    )
    return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


def log_since(db, since):
    return db.query(
        "SELECT table_name, record, action, reason FROM change_log WHERE id > ? ORDER BY id",
        [since],
    )


def reasons_since(db, since):
    return {r["reason"] for r in log_since(db, since)}


# ---- what is frozen, in words -------------------------------------------------------------


def test_frozen_why_names_the_approved_month_and_the_exported_quarter(township_db):
    db = township_db
    assert frozen_why(db, "attendance", [date(2026, 4, 3)]) is None
    approve_month(db, APRIL, "李会计")
    assert frozen_why(db, "attendance", [date(2026, 4, 3)]) == "2026年4月的补助已审批"
    assert frozen_why(db, "attendance", ["2026-05-03"]) is None
    # an approved month freezes attendance only: a diary of that day is free
    assert frozen_why(db, "diaries", ["2026-04-03"]) is None
    exported(db)
    assert frozen_why(db, "diaries", ["2026-04-03"]) == "2026年第2季度已上报县里（2026-07-06）"
    assert frozen_why(db, "attendance", ["2026-04-03", "2026-06-30"]) == (
        "2026年4月的补助已审批；2026年第2季度已上报县里（2026-07-06）"
    )
    assert frozen_why(db, "households", ["2026-04-03"]) is None  # not a dated record
    approve_month(db, MAY, "李会计")
    assert frozen_why(db, "attendance", ["2026-04-03", "2026-05-04"]).startswith(
        "2026年4月、5月的补助已审批"
    )


def test_the_latest_export_of_a_quarter_is_named(township_db):
    exported(township_db, at="2026-07-06T09:30:00+08:00")
    exported(township_db, at="2026-07-20T16:00:00+08:00")
    assert "（2026-07-20）" in frozen_why(township_db, "checks", ["2026-05-01"])


def test_a_blank_reason_is_no_reason(township_db):
    approve_month(township_db, APRIL, "李会计")
    with pytest.raises(ReasonRequired):
        set_cells(township_db, [("GB001", date(2026, 4, 6), Kind.PRESENT)], reason="   ")


# ---- the duty grid's writer ------------------------------------------------------------------


def test_attendance_of_an_approved_month_is_refused_without_a_reason(township_db):
    db = township_db
    present(db, "GB001", "2026-04-01")
    approve_month(db, APRIL, "李会计")
    before = snapshot(db)
    cells = [("GB001", date(2026, 4, 6), Kind.PRESENT), ("GB001", date(2026, 5, 6), Kind.PRESENT)]
    with pytest.raises(ReasonRequired) as refused:
        set_cells(db, cells)
    assert str(refused.value) == "2026年4月的补助已审批，修改需填写原因"
    assert refused.value.why == "2026年4月的补助已审批"
    assert snapshot(db) == before  # not even the May cell: all or nothing


def test_with_a_reason_the_cells_change_and_the_log_keeps_it(township_db):
    db = township_db
    present(db, "GB001", "2026-04-01")
    approve_month(db, APRIL, "李会计")
    since = guard.last_log_id(db)
    cells = [("GB001", date(2026, 4, 6), Kind.PRESENT), ("GB001", date(2026, 5, 6), Kind.PRESENT)]
    batch = set_cells(db, cells, reason="  考勤簿漏记  ")
    assert [(r["record"], r["action"], r["reason"]) for r in log_since(db, since)] == [
        ("GB001/2026-04-06", "insert", "考勤簿漏记"),
        ("GB001/2026-05-06", "insert", "考勤簿漏记"),
    ]
    # the difference is carried into May as 补发
    (line,) = [x for x in sheet_for_month(db, MAY).lines if x.cadre_no == "GB001"]
    assert [(str(a.corrects), a.amount_fen) for a in line.adjustments] == [("2026-04", 600)]
    # undo and redo need a reason too, and carry theirs
    with pytest.raises(ReasonRequired):
        revert(db, batch)
    since = guard.last_log_id(db)
    revert(db, batch, "撤销：考勤簿漏记")
    assert reasons_since(db, since) == {"撤销：考勤簿漏记"}
    since = guard.last_log_id(db)
    reapply(db, batch, "重做：考勤簿漏记")
    assert reasons_since(db, since) == {"重做：考勤簿漏记"}


def test_outside_frozen_periods_nothing_is_asked_and_no_reason_is_logged(township_db):
    db = township_db
    approve_month(db, APRIL, "李会计")
    since = guard.last_log_id(db)
    set_cells(db, [("GB001", date(2026, 5, 6), Kind.PRESENT)])
    assert reasons_since(db, since) == {None}


def test_a_cell_left_as_it_was_needs_no_reason(township_db):
    db = township_db
    present(db, "GB001", "2026-04-06")
    approve_month(db, APRIL, "李会计")
    assert not set_cells(db, [("GB001", date(2026, 4, 6), Kind.PRESENT)])


# ---- records dated in an exported quarter ------------------------------------------------------


def diary(day="2026-05-20", **more):
    return {"day": day, "cadre_no": "GB001", "village_code": DONGPO, "situation": "走访"} | more


def test_diaries_of_an_exported_quarter(township_db):
    db = township_db
    kept = diaries.add_entry(db, diary("2026-05-20"))
    exported(db)
    before = snapshot(db)
    for attempt in (
        lambda r: diaries.add_entry(db, diary("2026-06-01"), reason=r),
        lambda r: diaries.update_entry(db, kept.key["uuid"], {"plan": "再访"}, reason=r),
        lambda r: diaries.set_evaluation(db, kept.key["uuid"], "优秀", "张书记", reason=r),
        lambda r: diaries.delete_entry(db, kept.key["uuid"], reason=r),
    ):
        with pytest.raises(ReasonRequired, match="2026年第2季度已上报县里（2026-07-06）"):
            attempt(None)
        assert snapshot(db) == before
    since = guard.last_log_id(db)
    change = diaries.update_entry(db, kept.key["uuid"], {"plan": "再访"}, reason="补记")
    assert [(r["action"], r["reason"]) for r in log_since(db, since)] == [("update", "补记")]
    # undo of that single edit, with its reason
    with pytest.raises(ReasonRequired):
        records.revert(db, change)
    since = guard.last_log_id(db)
    records.revert(db, change, "撤销：补记")
    assert reasons_since(db, since) == {"撤销：补记"}
    # moving an entry out of the quarter, or into it, touches it too
    with pytest.raises(ReasonRequired):
        diaries.update_entry(db, kept.key["uuid"], {"day": "2026-07-01"})
    fresh = diaries.add_entry(db, diary("2026-07-02"))
    with pytest.raises(ReasonRequired):
        diaries.update_entry(db, fresh.key["uuid"], {"day": "2026-06-30"})


def test_practical_matters_of_an_exported_quarter(township_db):
    db = township_db
    values = {
        "day": "2026-06-10",
        "village_code": DONGPO,
        "category": "路",
        "description": "修通组道",
        "status": "已办结",
    }
    exported(db)
    before = snapshot(db)
    with pytest.raises(ReasonRequired):
        practical.add_matter(db, values)
    assert snapshot(db) == before
    since = guard.last_log_id(db)
    change = practical.add_matter(db, values, reason="县里核对时补报")
    assert reasons_since(db, since) == {"县里核对时补报"}
    with pytest.raises(ReasonRequired):
        practical.update_matter(db, change.key["uuid"], values | {"households": 12})
    with pytest.raises(ReasonRequired):
        practical.delete_matter(db, change.key["uuid"])
    practical.delete_matter(db, change.key["uuid"], reason="重复登记")
    assert db["practical_matters"].count == 0
    assert practical.add_matter(db, values | {"day": "2026-07-01"}).after is not None


def test_checks_of_an_exported_quarter(township_db):
    db = township_db
    values = {"cadre_no": "GB002", "day": "2026-06-09", "method": "电话查岗", "result": "不在岗"}
    exported(db)
    before = snapshot(db)
    with pytest.raises(ReasonRequired):
        checks.add_check(db, values, mark_absent=True)
    assert snapshot(db) == before
    since = guard.last_log_id(db)
    batch = checks.add_check(db, values, mark_absent=True, reason="补登查岗记录")
    assert [(r["table_name"], r["reason"]) for r in log_since(db, since)] == [
        ("checks", "补登查岗记录"),
        ("attendance", "补登查岗记录"),
    ]
    key = batch.of("checks")[0].key["uuid"]
    with pytest.raises(ReasonRequired):
        checks.update_check(db, key, {"result": "在岗"})
    with pytest.raises(ReasonRequired):
        checks.delete_check(db, key)
    with pytest.raises(ReasonRequired):
        revert_batch(db, batch)
    revert_batch(db, batch, "撤销：补登查岗记录")
    reapply_batch(db, batch, "重做：补登查岗记录")
    assert db["checks"].count == 1


def leave(start, end, level="乡镇党委"):
    return {
        "cadre_no": "GB002",
        "start_date": start,
        "end_date": end,
        "reason": "事假",
        "approver": "张书记",
        "approver_level": level,
    }


def test_leaves_of_an_exported_quarter(township_db):
    db = township_db
    batch = leaves.add_leave(db, leave("2026-06-29", "2026-07-08", "县委组织部"))
    key = batch.changes[0].key["uuid"]
    exported(db)
    before = snapshot(db)
    with pytest.raises(ReasonRequired, match="2026年第2季度"):
        leaves.add_leave(db, leave("2026-06-20", "2026-06-21"))
    with pytest.raises(ReasonRequired):
        leaves.cancel_leave(db, key, date(2026, 6, 29))  # gives back June 30
    with pytest.raises(ReasonRequired):
        leaves.delete_leave(db, key)
    assert snapshot(db) == before
    # 销假 after the quarter: only July days change, the exported June days stay leave
    since = guard.last_log_id(db)
    leaves.cancel_leave(db, key, date(2026, 7, 3))
    assert reasons_since(db, since) == {None}
    since = guard.last_log_id(db)
    leaves.delete_leave(db, key, reason="请假未获批准")
    assert reasons_since(db, since) == {"请假未获批准"}
    assert db["leaves"].count == 0 and db["attendance"].count == 0


def test_a_leave_over_an_approved_month_needs_a_reason_for_its_attendance_days(township_db):
    db = township_db
    approve_month(db, APRIL, "李会计")
    with pytest.raises(ReasonRequired, match="2026年4月的补助已审批"):
        leaves.add_leave(db, leave("2026-04-30", "2026-05-02"))
    since = guard.last_log_id(db)
    leaves.add_leave(db, leave("2026-04-30", "2026-05-02"), reason="补办请假手续")
    assert {r["table_name"] for r in log_since(db, since)} == {"leaves", "attendance"}
    assert reasons_since(db, since) == {"补办请假手续"}


def test_a_meeting_of_an_exported_quarter_and_everything_on_its_page(township_db):
    db = township_db
    draft = mdb.new_meeting(db, "周例会", date(2026, 6, 8))
    draft.reports = [Report(None, "GB002", DONGPO, "东坡村本周走访 12 户")]
    draft.decisions = ["下周集中清理河道"]
    draft.items = [Item(None, "清理河道", "GB002", DONGPO, "2026-06-20")]
    meeting_id, _ = mdb.save_meeting(db, draft)
    exported(db)
    saved = mdb.meeting(db, meeting_id, today=date(2026, 7, 10))
    saved.minutes = "补记会议纪要"
    saved.attendees = [Attendee("GB001", "王建国", True, None)]  # GB002 taken off
    before = snapshot(db)
    with pytest.raises(ReasonRequired):
        mdb.save_meeting(db, saved, meeting_id=meeting_id)
    with pytest.raises(ReasonRequired):
        mdb.delete_meeting(db, meeting_id)
    assert snapshot(db) == before
    since = guard.last_log_id(db)
    _, batch = mdb.save_meeting(db, saved, meeting_id=meeting_id, reason="补记纪要")
    logged = list(log_since(db, since))
    assert {r["table_name"] for r in logged} == {"meetings", "meeting_attendees"}
    assert {r["reason"] for r in logged} == {"补记纪要"}
    with pytest.raises(ReasonRequired):
        revert_batch(db, batch)
    since = guard.last_log_id(db)
    mdb.delete_meeting(db, meeting_id, reason="重复录入")
    logged = list(log_since(db, since))
    assert {r["table_name"] for r in logged} >= {"meetings", "decisions", "action_items"}
    assert {r["reason"] for r in logged} == {"重复录入"}


def test_closing_an_item_is_dated_by_the_day_it_was_done(township_db):
    db = township_db
    draft = mdb.new_meeting(db, "周例会", date(2026, 6, 8))
    draft.items = [Item(None, "清理河道", "GB002", DONGPO), Item(None, "修水渠", "GB002")]
    mdb.save_meeting(db, draft)
    exported(db)
    first, second = (r["uuid"] for r in db.query("SELECT uuid FROM action_items ORDER BY id"))
    # an item raised in the sent quarter, done after it: a new fact, no reason needed
    mdb.close_item(db, first, result="已清理", done_on=date(2026, 7, 3))
    # done within the sent quarter: that quarter's record changes
    with pytest.raises(ReasonRequired):
        mdb.close_item(db, second, result="已修好", done_on=date(2026, 6, 30))
    mdb.close_item(db, second, result="已修好", done_on=date(2026, 6, 30), reason="漏报办结")


# ---- with_reason itself ------------------------------------------------------------------------


def test_with_reason_rolls_back_everything_its_block_wrote(township_db):
    db = township_db
    approve_month(db, APRIL, "李会计")
    before = snapshot(db)
    with pytest.raises(ReasonRequired), with_reason(db, None):
        db["attendance"].insert({"cadre_no": "GB001", "day": "2026-05-04", "kind": "在村"})
        db["attendance"].insert({"cadre_no": "GB001", "day": "2026-04-04", "kind": "在村"})
    assert snapshot(db) == before


def test_late_corrections_of_the_demo_carry_their_reason(township_db):
    db = township_db
    present(db, "GB001", "2026-04-01", "2026-04-02")
    present(db, "GB002", "2026-04-01", "2026-04-02")
    approve_month(db, APRIL, "演示审批人")
    since = guard.last_log_id(db)
    late_corrections(db, APRIL)
    logged = list(log_since(db, since))
    assert [r["action"] for r in logged] == ["insert", "update"]
    assert {r["reason"] for r in logged} == {LATE_REASON}
