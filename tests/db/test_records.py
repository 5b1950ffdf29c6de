"""Single-record edits and their undo: the change log records both, uuids survive undo."""

import pytest

from app.db import records
from app.domain.errors import DomainError

V = "610526100201"


def hh(no="6105261002010001", **kw):
    return {"hh_no": no, "village_code": V, "head_name": "张三", **kw}


def log(db):
    return [
        r["action"] for r in db.query("SELECT action FROM change_log WHERE table_name='households'")
    ]


def test_insert_update_delete_and_undo_each(township_db):
    db = township_db
    c1 = records.insert(db, "households", hh(), ("hh_no",))
    assert c1.action == "insert" and c1.after["uuid"]
    c2 = records.update(db, "households", c1.key, {"head_name": "张三丰", "members": 4})
    assert c2.before["head_name"] == "张三" and c2.after["head_name"] == "张三丰"
    records.revert(db, c2)
    assert records.fetch(db, "households", c1.key)["head_name"] == "张三"
    c3 = records.delete(db, "households", c1.key)
    assert records.fetch(db, "households", c1.key) is None
    records.revert(db, c3)
    assert records.fetch(db, "households", c1.key)["uuid"] == c1.after["uuid"]
    records.revert(db, c1)
    assert records.fetch(db, "households", c1.key) is None
    assert log(db) == ["insert", "update", "update", "delete", "insert", "delete"]


def test_unchanged_update_writes_nothing(township_db):
    c = records.insert(township_db, "households", hh(), ("hh_no",))
    before = log(township_db)
    records.update(township_db, "households", c.key, {"head_name": "张三"})
    assert log(township_db) == before


def test_duplicate_key_and_missing_village_are_plain_errors(township_db):
    records.insert(township_db, "households", hh(), ("hh_no",))
    with pytest.raises(DomainError, match="重复"):
        records.insert(township_db, "households", hh(), ("hh_no",))
    with pytest.raises(DomainError, match="不存在"):
        records.insert(
            township_db, "households", {**hh("x"), "village_code": "610526100999"}, ("hh_no",)
        )


def test_village_with_households_cannot_be_deleted(township_db):
    records.insert(township_db, "households", hh(), ("hh_no",))
    with pytest.raises(DomainError, match="户情档案 1 条") as e:
        records.delete(township_db, "villages", {"code": V})
    assert "驻村/兼职安排 2 条" in str(e.value)
    assert records.fetch(township_db, "villages", {"code": V}) is not None


def test_deleting_a_household_takes_its_visits_and_undo_brings_them_back(township_db):
    c = records.insert(township_db, "households", hh(), ("hh_no",))
    township_db["household_visits"].insert(
        {"hh_no": c.key["hh_no"], "day": "2026-05-01", "living": "住房安全"}
    )
    with pytest.raises(DomainError, match="走访记录 1 条"):
        records.delete(township_db, "households", c.key)
    gone = records.delete(township_db, "households", c.key, cascade=("household_visits",))
    assert township_db.execute("SELECT count(*) FROM household_visits").fetchone()[0] == 0
    records.revert(township_db, gone)
    assert township_db.execute("SELECT living FROM household_visits").fetchone()[0] == "住房安全"
    records.reapply(township_db, gone)
    assert records.fetch(township_db, "households", c.key) is None
