"""What a leave replaced comes back on 销假 or deletion; undo never overwrites later edits;
乡镇党委's limit is a setting; a leave ends by the cadre's 退出 day."""

import json
from datetime import date

import pytest

from app.db import cadres, checks, leaves, records, store
from app.domain.errors import DomainError
from tests.db.test_leaves import TODAY, days, leave


def failed_check(db, day):
    """A 电话查岗 finds the cadre away: the day becomes 缺勤 (source 查岗)."""
    values = {
        "cadre_no": "GB002",
        "day": day,
        "method": "电话查岗",
        "result": "不在岗",
        "checker": "张三",
        "note": "电话未接",
    }
    return checks.add_check(db, values, mark_absent=True)


def only_leave(db):
    (row,) = leaves.leave_rows(db, today=TODAY)
    return row.uuid


def grid(db, day, kind, source="考勤簿"):
    """The clerk changes a day in the duty grid."""
    return records.update(
        db, "attendance", {"cadre_no": "GB002", "day": day}, {"kind": kind, "source": source}
    )


def test_the_leave_keeps_what_its_days_held(township_db):
    db = township_db
    failed_check(db, "2026-05-12")
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-13", "kind": "在村"})
    leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    replaced = json.loads(leaves.leave(db, only_leave(db))["replaced"])
    assert replaced == {
        "2026-05-11": None,
        "2026-05-12": {
            "kind": "缺勤",
            "source": "查岗",
            "note": db["attendance"].get(("GB002", "2026-05-12"))["note"],
            "village_code": "610526100201",
        },
    }  # 05-13 在村 was kept, so it is not the leave's


def test_deleting_a_leave_gives_back_a_checked_absence(township_db):
    db = township_db
    failed_check(db, "2026-05-12")
    before = db["attendance"].get(("GB002", "2026-05-12"))
    leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    assert days(db)["2026-05-12"] == ("请假", "请假")
    key = only_leave(db)
    plan = leaves.delete_plan(db, key)
    assert plan.restored[0] == ("2026-05-11", None) and plan.kept == ()
    assert plan.restored[1][1]["kind"] == "缺勤"
    batch = leaves.delete_leave(db, key)
    assert days(db) == {"2026-05-12": ("缺勤", "查岗")}
    after = db["attendance"].get(("GB002", "2026-05-12"))
    assert {k: after[k] for k in leaves.REPLACED_FIELDS} == {
        k: before[k] for k in leaves.REPLACED_FIELDS
    }
    cadres.revert_batch(db, batch)  # one undo: the leave and its three days are back
    assert set(days(db).values()) == {("请假", "请假")} and len(days(db)) == 3


def test_deleting_a_leave_leaves_alone_a_day_changed_since(township_db):
    db = township_db
    leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    grid(db, "2026-05-11", "请假")  # the clerk confirmed it from the book: source 考勤簿
    grid(db, "2026-05-12", "在村")
    key = only_leave(db)
    assert leaves.delete_plan(db, key).kept == ("2026-05-11", "2026-05-12")
    leaves.delete_leave(db, key)
    assert days(db) == {"2026-05-11": ("请假", "考勤簿"), "2026-05-12": ("在村", "考勤簿")}


def test_cancel_gives_back_the_later_days_and_shrinks_what_the_leave_keeps(township_db):
    db = township_db
    failed_check(db, "2026-05-14")
    leaves.add_leave(db, leave("2026-05-11", "2026-05-15", "县委组织部"))
    key = only_leave(db)
    batch = leaves.cancel_leave(db, key, date(2026, 5, 12))
    assert days(db) == {
        "2026-05-11": ("请假", "请假"),
        "2026-05-12": ("请假", "请假"),
        "2026-05-14": ("缺勤", "查岗"),
    }
    assert sorted(json.loads(leaves.leave(db, key)["replaced"])) == ["2026-05-11", "2026-05-12"]
    cadres.revert_batch(db, batch)
    assert len(json.loads(leaves.leave(db, key)["replaced"])) == 5
    assert days(db)["2026-05-14"] == ("请假", "请假")
    # and deleting the cancelled leave gives back only the days it still holds
    leaves.cancel_leave(db, key, date(2026, 5, 13))
    leaves.delete_leave(db, key)
    assert days(db) == {"2026-05-14": ("缺勤", "查岗")}


def test_an_imported_leave_without_a_record_takes_only_its_own_days(township_db):
    db = township_db
    db["leaves"].insert(
        {
            "cadre_no": "GB002",
            "start_date": "2026-05-11",
            "end_date": "2026-05-12",
            "approver_level": "乡镇党委",
        }
    )
    db["attendance"].insert_all(
        [
            {"cadre_no": "GB002", "day": "2026-05-11", "kind": "请假", "source": "请假"},
            {"cadre_no": "GB002", "day": "2026-05-12", "kind": "请假", "source": "考勤簿"},
        ]
    )
    leaves.delete_leave(db, only_leave(db))
    assert days(db) == {"2026-05-12": ("请假", "考勤簿")}


# ---- undo of a leave never overwrites a later edit ------------------------------------


def test_undo_of_a_leave_is_refused_when_a_day_was_changed_since(township_db):
    db = township_db
    batch = leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    grid(db, "2026-05-13", "在村")
    with pytest.raises(DomainError) as e:
        cadres.revert_batch(db, batch)
    assert "这条记录在此之后已被修改（考勤 GB002 2026-05-13" in str(e.value)
    assert str(e.value).endswith("不能撤销；请直接编辑。")
    # nothing of the batch was undone
    assert db["leaves"].count == 1
    assert days(db) == {
        "2026-05-11": ("请假", "请假"),
        "2026-05-12": ("请假", "请假"),
        "2026-05-13": ("在村", "考勤簿"),
    }


def test_redo_of_a_leave_is_refused_when_a_day_was_recorded_since_the_undo(township_db):
    db = township_db
    batch = leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    cadres.revert_batch(db, batch)
    db["attendance"].insert({"cadre_no": "GB002", "day": "2026-05-12", "kind": "在村"})
    with pytest.raises(DomainError, match="又建立了相同编号的记录.*不能重做"):
        cadres.reapply_batch(db, batch)
    assert db["leaves"].count == 0 and days(db) == {"2026-05-12": ("在村", "考勤簿")}


def test_undo_of_a_deletion_is_refused_when_a_restored_day_was_changed(township_db):
    db = township_db
    failed_check(db, "2026-05-12")
    leaves.add_leave(db, leave("2026-05-11", "2026-05-12"))
    batch = leaves.delete_leave(db, only_leave(db))
    grid(db, "2026-05-12", "在村")  # the absence was a mistake
    with pytest.raises(DomainError, match="不能撤销"):
        cadres.revert_batch(db, batch)
    assert db["leaves"].count == 0 and days(db) == {"2026-05-12": ("在村", "考勤簿")}


# ---- the township's limit is a setting --------------------------------------------------


def test_the_township_limit_follows_the_setting_in_force_on_the_first_day(township_db):
    db = township_db
    assert store.leave_township_max_days(db, date(2026, 5, 1)) == 3
    db["rule_settings"].insert(
        {"key": "leave_township_max_days", "effective_from": "2026-06-01", "value": "4"}
    )
    assert store.leave_township_max_days(db, date(2026, 5, 31)) == 3
    assert store.leave_township_max_days(db, date(2026, 6, 1)) == 4
    may = leaves.leave_problems(db, leave("2026-05-20", "2026-05-23"))
    assert may["approver_level"] == "请假 4 天须由县委组织部批准（乡镇党委只能批准 3 天以内）"
    with pytest.raises(DomainError):
        leaves.add_leave(db, leave("2026-05-20", "2026-05-23"))
    leaves.add_leave(db, leave("2026-06-02", "2026-06-05"))
    assert db["leaves"].count == 1
    five = leaves.leave_problems(db, leave("2026-06-10", "2026-06-14"))
    assert "乡镇党委只能批准 4 天以内" in five["approver_level"]


# ---- retirement --------------------------------------------------------------------------


def test_a_leave_may_not_run_past_retirement(township_db):
    db = township_db
    db.execute("UPDATE cadres SET retired_on = '2026-05-12' WHERE cadre_no = 'GB002'")
    problems = leaves.leave_problems(db, leave("2026-05-11", "2026-05-13"))
    assert problems == {"end_date": "李秀英 于 2026-05-12 退出，请假不能晚于这一天"}
    with pytest.raises(DomainError) as e:
        leaves.add_leave(db, leave("2026-05-11", "2026-05-13"))
    assert e.value.field == "end_date"
    assert leaves.leave_problems(db, leave("2026-05-11", "2026-05-12")) == {}
