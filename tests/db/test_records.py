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


# ---- undo never overwrites a later change -------------------------------------------------


def test_undo_is_refused_when_the_row_was_changed_since(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    edit = records.update(db, "households", c.key, {"head_name": "张三丰"})
    records.update(db, "households", c.key, {"members": 5})  # someone else, later
    with pytest.raises(DomainError) as e:
        records.revert(db, edit)
    assert str(e.value) == (
        "这条记录在此之后已被修改（户情档案 6105261002010001：人口 由空改为“5”），"
        "不能撤销；请直接编辑。"
    )
    row = records.fetch(db, "households", c.key)
    assert (row["head_name"], row["members"]) == ("张三丰", 5)  # nothing overwritten
    with pytest.raises(DomainError, match="不能撤销"):
        records.revert(db, c)  # deleting the new row would lose the later edit too


def test_a_new_modified_at_alone_is_no_change(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    edit = records.update(db, "households", c.key, {"head_name": "张三丰"})
    db.execute("UPDATE households SET modified_at = '2030-01-01T00:00:00Z'")
    records.revert(db, edit)
    assert records.fetch(db, "households", c.key)["head_name"] == "张三"


def test_undoing_a_delete_is_refused_when_the_number_was_used_again(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    gone = records.delete(db, "households", c.key)
    records.insert(db, "households", hh(head_name="李四"), ("hh_no",))
    with pytest.raises(DomainError, match="又建立了相同编号的记录.*不能撤销"):
        records.revert(db, gone)
    assert records.fetch(db, "households", c.key)["head_name"] == "李四"


def test_redo_is_refused_when_the_row_was_changed_after_the_undo(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    edit = records.update(db, "households", c.key, {"head_name": "张三丰"})
    records.revert(db, edit)
    records.update(db, "households", c.key, {"phone": "13800000000"})
    with pytest.raises(DomainError, match="电话 由空改为“13800000000”.*不能重做"):
        records.reapply(db, edit)
    row = records.fetch(db, "households", c.key)
    assert (row["head_name"], row["phone"]) == ("张三", "13800000000")
    # a deleted row that came back and was edited is not deleted again by redo
    gone = records.delete(db, "households", c.key)
    records.revert(db, gone)
    records.update(db, "households", c.key, {"members": 2})
    with pytest.raises(DomainError, match="不能重做"):
        records.reapply(db, gone)
    assert records.fetch(db, "households", c.key)["members"] == 2


def test_redo_of_an_insert_refused_by_the_database_is_a_plain_error(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    records.revert(db, c)
    # another household took the same uuid meanwhile (e.g. from an import)
    db["households"].insert({**hh("6105261002010002"), "uuid": c.after["uuid"]})
    with pytest.raises(DomainError, match="编号重复"):
        records.reapply(db, c)
    assert records.fetch(db, "households", c.key) is None


def test_redo_of_an_edit_that_changed_the_number(township_db):
    db = township_db
    c = records.insert(db, "households", hh(), ("hh_no",))
    renumber = records.update(db, "households", c.key, {"hh_no": "6105261002010009"})
    records.revert(db, renumber)
    assert records.fetch(db, "households", c.key) is not None
    records.reapply(db, renumber)
    assert records.fetch(db, "households", c.key) is None
    assert records.fetch(db, "households", renumber.key)["uuid"] == c.after["uuid"]


def test_integrity_error_is_public(township_db):
    import sqlite3

    e = records.integrity_error(sqlite3.IntegrityError("FOREIGN KEY constraint failed"), "x")
    assert isinstance(e, DomainError) and "引用的记录不存在" in str(e)
    assert records._integrity is records.integrity_error
