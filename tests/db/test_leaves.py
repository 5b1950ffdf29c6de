"""Leave writes its attendance days; 销假 and deleting take them away; all undo-able."""

from datetime import date

import pytest

from app.db import cadres, checks, leaves, store
from app.domain.errors import DomainError

TODAY = date(2026, 5, 15)


def days(db, cadre_no="GB002"):
    return {
        r["day"]: (r["kind"], r["source"])
        for r in db.query("SELECT * FROM attendance WHERE cadre_no = ? ORDER BY day", [cadre_no])
    }


def leave(start, end, level="乡镇党委", cadre_no="GB002"):
    return {
        "cadre_no": cadre_no,
        "start_date": start,
        "end_date": end,
        "reason": "事假",
        "approver": "张书记",
        "approver_level": level,
    }


def test_two_days_of_leave_mark_two_attendance_days(township_db):
    db = township_db
    batch = leaves.add_leave(db, leave("2026-05-11", "2026-05-12"))
    assert days(db) == {"2026-05-11": ("请假", "请假"), "2026-05-12": ("请假", "请假")}
    assert db["attendance"].get(("GB002", "2026-05-11"))["village_code"] == "610526100201"
    (row,) = leaves.leave_rows(db, today=TODAY)
    assert (row.days, row.status, row.approver_level) == (2, "已结束", "乡镇党委")
    cadres.revert_batch(db, batch)
    assert days(db) == {} and db["leaves"].count == 0


def test_five_days_need_the_county(township_db):
    db = township_db
    problems = leaves.leave_problems(db, leave("2026-05-11", "2026-05-15"))
    assert "须由县委组织部批准" in problems["approver_level"]
    with pytest.raises(DomainError) as e:
        leaves.add_leave(db, leave("2026-05-11", "2026-05-15"))
    assert e.value.field == "approver_level" and db["leaves"].count == 0
    leaves.add_leave(db, leave("2026-05-11", "2026-05-15", "县委组织部"))
    assert len(days(db)) == 5


def test_absent_days_become_leave_present_days_only_when_agreed(township_db):
    db = township_db
    db["attendance"].insert_all(
        [
            {"cadre_no": "GB002", "day": "2026-05-11", "kind": "缺勤"},
            {"cadre_no": "GB002", "day": "2026-05-12", "kind": "在村"},
        ]
    )
    assert leaves.present_days(db, "GB002", "2026-05-11", "2026-05-13") == [("2026-05-12", "在村")]
    batch = leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    assert [k for k, _s in days(db).values()] == ["请假", "在村", "请假"]
    cadres.revert_batch(db, batch)
    assert [k for k, _s in days(db).values()] == ["缺勤", "在村"]
    leaves.add_leave(db, leave("2026-05-11", "2026-05-13"), overwrite_present=True)
    assert [k for k, _s in days(db).values()] == ["请假", "请假", "请假"]


def test_overlapping_leave_is_refused(township_db):
    db = township_db
    leaves.add_leave(db, leave("2026-05-11", "2026-05-12"))
    problems = leaves.leave_problems(db, leave("2026-05-12", "2026-05-13"))
    assert "重叠" in problems["start_date"]


def test_cancel_early_removes_the_later_days_and_undo(township_db):
    db = township_db
    leaves.add_leave(db, leave("2026-05-11", "2026-05-15", "县委组织部"))
    key = leaves.leave_rows(db, today=TODAY)[0].uuid
    batch = leaves.cancel_leave(db, key, date(2026, 5, 12))
    assert list(days(db)) == ["2026-05-11", "2026-05-12"]
    (row,) = leaves.leave_rows(db, today=TODAY)
    assert (row.status, row.days, row.cancelled_on) == ("已销假", 2, "2026-05-12")
    with pytest.raises(DomainError):
        leaves.cancel_leave(db, key, date(2026, 5, 13))  # already cancelled
    cadres.revert_batch(db, batch)
    assert len(days(db)) == 5 and leaves.leave(db, key)["cancelled_on"] is None
    with pytest.raises(DomainError, match="最后请假日应在 2026-05-11 到 2026-05-14 之间"):
        leaves.cancel_leave(db, key, date(2026, 5, 15))  # not early


def test_delete_leave_removes_its_days(township_db):
    db = township_db
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-10", "kind": "在村"})
    leaves.add_leave(db, leave("2026-05-11", "2026-05-12"))
    key = leaves.leave_rows(db, today=TODAY)[0].uuid
    batch = leaves.delete_leave(db, key)
    assert days(db) == {"2026-05-10": ("在村", "考勤簿")} and db["leaves"].count == 0
    cadres.revert_batch(db, batch)
    assert len(days(db)) == 3 and db["leaves"].count == 1


def test_a_failed_check_marks_a_day_absent_and_counts(township_db):
    db = township_db
    values = {
        "cadre_no": "GB002",
        "day": "2026-05-13",
        "method": "电话查岗",
        "result": "不在岗",
        "checker": "张三",
        "note": None,
    }
    assert checks.needs_absence_mark(db, values)
    batch = checks.add_check(db, values, mark_absent=True)
    assert days(db) == {"2026-05-13": ("缺勤", "查岗")}
    assert store.unexcused_absences(db, date(2026, 1, 1), date(2026, 12, 31)) == {"GB002": 1}
    info = checks.year_absences(db, "GB002", 2026)
    assert info.cap_note == "本年度查岗不在岗 1 次，等次最高为称职"
    assert "同样方式" in checks.check_problems(db, values)["method"]
    cadres.revert_batch(db, batch)
    assert days(db) == {} and db["checks"].count == 0
