"""Opening files: refuse what is not ours and leave it untouched; migrate with a copy aside."""

import hashlib
import sqlite3

import pytest

from app.db import connection, schema
from app.db.connection import DatabaseFileError, memory_database, open_database
from app.db.store import identity, initialise


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_gets_application_id_user_version_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    assert db.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db["households"].insert({"hh_no": "1", "village_code": "610526100999", "head_name": "王"})


def test_missing_file_is_not_created_without_create(tmp_path):
    with pytest.raises(DatabaseFileError, match="不存在"):
        open_database(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is a text file, not a database\n" * 10, "不是本程序的数据库"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "不是本程序的数据库"),
    ],
)
def test_not_a_database_is_refused_untouched(tmp_path, content, message):
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(DatabaseFileError, match=message):
        open_database(path)
    assert path.read_bytes() == content


def test_other_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseFileError, match="其他程序"):
        open_database(path)
    assert digest(path) == before


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    db.conn.close()
    before = digest(path)
    with pytest.raises(DatabaseFileError, match="更新版本"):
        open_database(path)
    assert digest(path) == before


def test_damaged_file_is_refused(tmp_path):
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    data = bytearray(path.read_bytes())
    data[16:24] = b"\xff" * 8  # page size and format bytes of the header
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseFileError):
        open_database(path)


def test_a_pending_migration_copies_the_file_aside_first(tmp_path, monkeypatch):
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db.conn.close()

    @schema.migrations(name="9999_test_column")
    def _add(db):
        db.execute("ALTER TABLE villages ADD COLUMN test_col TEXT")

    try:
        monkeypatch.setattr(connection, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
        db = open_database(path)
        assert "test_col" in db["villages"].columns_dict
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION + 1
        copies = list((tmp_path / "backups").glob("t.before-v*.sqlite"))
        assert len(copies) == 1
        old = sqlite3.connect(copies[0])
        assert "test_col" not in [r[1] for r in old.execute("PRAGMA table_info(villages)")]
        assert (
            old.execute("SELECT value FROM meta WHERE key='township_name'").fetchone()[0]
            == "东坡镇"
        )
        old.close()
    finally:
        schema.migrations._migrations.pop()


def test_every_edit_is_in_the_change_log():
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert({"code": "610526100201", "township_code": "610526100", "name": "东坡村"})
    db.execute("UPDATE villages SET name = '东坡新村' WHERE code = '610526100201'")
    db.execute("UPDATE villages SET name = '东坡新村' WHERE code = '610526100201'")  # no change
    db.execute("DELETE FROM villages WHERE code = '610526100201'")
    log = list(
        db.query("SELECT action, record, before, after FROM change_log WHERE table_name='villages'")
    )
    assert [r["action"] for r in log] == ["insert", "update", "delete"]
    assert all(r["record"] == "610526100201" for r in log)
    assert "东坡村" in log[1]["before"] and "东坡新村" in log[1]["after"]


def test_identity_of_a_county_database():
    db = memory_database()
    ident = initialise(db, county_code="610526", county_name="蒲城县")
    assert ident.kind == "county" and identity(db).county_name == "蒲城县"


def test_records_for_the_county_carry_uuid_and_modification_time():
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    row = db["townships"].get("610526100")
    assert len(row["uuid"]) == 36 and row["uuid"][14] == "4"
    assert row["modified_at"].endswith("Z")
    for table in schema.LOGGED_TABLES:
        if table in ("meta", "rule_settings", "exported_quarters") or table.startswith("county_"):
            continue  # kept at home: identity, rules, county_* and what was sent
        cols = db[table].columns_dict
        assert "uuid" in cols and "modified_at" in cols, table
