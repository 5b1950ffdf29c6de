"""Byte flips in the database file (issue 9): detected, or provably harmless; never a crash.

A small township database (villages — one with a long 村情 text on overflow pages —
cadres, attendance, households of which most were deleted again, so that the file has
freeblocks and freelist pages) is checkpointed into its main file. Then one byte at a
time is damaged (every byte of the 100-byte header, and a seeded sample over every kind
of region of every page: ``bench.crash.sample_flips``) and, in a child process,
``open_database``, ``quick_check``, ``integrity_check``, ``consistency_problems`` and a
logical dump of schema and data are run (``bench.crash.flip_campaign``).

SQLite keeps no checksum of a page, so a flipped byte inside a stored value (a name, a
date) passes every check: those flips are counted as *undetected data changes*, not
hidden. What must hold, and is asserted: the interpreter never dies; nothing but
``DatabaseFileError``/``sqlite3.DatabaseError`` escapes (one known exception, below);
damage to the structure of the file (page headers, cell pointers, freeblock and freelist
chains, overflow links, the header fields SQLite relies on) is detected; a flip in free
space is harmless (same schema, same data); and the file is never written to when a
check failed. The figures are printed (``bench/crash.py --flips`` runs the same over the
demo township; bench/README.md).

Findings are kept as strict xfails at the end, each with its reproducer.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db.backup import consistency_problems
from app.db.connection import DatabaseFileError, open_database
from app.db.store import initialise
from bench.crash import (
    TOWNSHIP,
    VERDICTS,
    Flip,
    flip_campaign,
    flip_summary,
    print_flip_summary,
    regions,
    sample_flips,
    weighted_estimate,
)

SAMPLE = 260  # flips beyond the 100 header bytes (≈ 6 s in all)
#: flips aimed at header fields with a known meaning (offset, xor)
TARGETED = [
    (16, 0x01),  # page size
    (18, 0x03),  # write version 2 (WAL) -> 1 (rollback journal)
    (19, 0x03),  # read version 2 -> 1: open_database sets WAL again (a repair)
    (20, 0x08),  # reserved bytes per page
    (28, 0x01),  # database size in pages
    (31, 0x01),
    (32, 0x01),  # first freelist trunk page
    (36, 0x01),  # freelist page count
    (39, 0x01),
    (47, 0x02),  # schema format 4 -> 6 (unsupported)
    (59, 0x02),  # text encoding UTF-8 -> UTF-16le
    (59, 0x03),  # -> UTF-16be
    (63, 0x04),  # user_version 3 -> 7 (newer than the program)
    (67, 0x01),  # incremental vacuum
    (71, 0x01),  # application_id
]
STRUCTURE = {
    "page header",
    "cell pointers",
    "freeblock header",
    "overflow header",
    "freelist trunk",
}
FREE_SPACE = {"unallocated", "freeblock", "freelist leaf", "freelist trunk unused"}
# header bytes with a documented finding (strict xfails below): 18 makes the file
# read-only to SQLite (unnoticed until the first save), 60–63 a lower user_version
KNOWN_HEADER = {18: "write error only", 60: None, 61: None, 62: None, 63: None}


def build_small(path: Path) -> Path:
    """A small township file with overflow pages, freeblocks and freelist pages."""
    from app.db.attendance_edit import set_cells

    db = open_database(path, create=True)
    initialise(db, **TOWNSHIP)
    db["villages"].insert_all(
        {
            "code": f"610526100{i:03d}",
            "township_code": TOWNSHIP["township_code"],
            "name": f"坡{i}村",
            "register_grade": "三类",
            "situation": ("村情：苹果种植，劳务输出。" * 300) if i == 201 else None,
        }
        for i in range(201, 207)
    )
    db["cadres"].insert_all(
        {"cadre_no": f"GB{i:03d}", "township_code": TOWNSHIP["township_code"], "name": f"干部{i}"}
        for i in range(1, 7)
    )
    start = date(2026, 3, 1)
    set_cells(
        db,
        [(f"GB{c:03d}", start + timedelta(days=d), "在村") for c in range(1, 7) for d in range(30)],
    )
    db["households"].insert_all(
        {
            "hh_no": f"H{i:05d}",
            "village_code": f"610526100{201 + i % 6:03d}",
            "head_name": f"户主{i}",
            "members": 3,
        }
        for i in range(240)
    )
    db.execute("DELETE FROM households WHERE hh_no > 'H00040' AND hh_no NOT LIKE '%7'")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return build_small(tmp_path_factory.mktemp("flips") / "small.sqlite")


@pytest.fixture(scope="module")
def flips(small_file) -> list[Flip]:
    path, folder = small_file, small_file.parent
    assert not Path(str(path) + "-wal").exists()  # everything is in the main file
    kinds = {r.kind for r in regions(path)}
    assert {"overflow", "freelist leaf", "freeblock", "unallocated"} <= kinds, kinds
    chosen = sample_flips(path, SAMPLE, seed=1) + TARGETED
    return flip_campaign(path, chosen, folder / "work")


def _show(flips: list[Flip], path: Path, capsys, title: str) -> None:
    with capsys.disabled():
        print(f"\n{title}")
        print_flip_summary(flip_summary(flips), log=lambda line: print("  " + line))
        estimate = weighted_estimate(flips, path)
        print(
            "  one flip at a random offset (weighted by region size): "
            + ", ".join(f"{v} {p * 100:.1f} %" for v, p in estimate.items())
        )
        for f in flips:
            if f.verdict not in ("detected", "harmless"):
                print("    " + f.line())


def test_flip_figures(flips, small_file, capsys):
    """The counts, printed: tried, detected, harmless, undetected changes."""
    title = "byte flips in a small township database (tests/db/test_byte_flips.py)"
    _show(flips, small_file, capsys, title)
    summary = flip_summary(flips)
    assert summary["tried"] == 100 + SAMPLE + 5 + len(TARGETED)
    assert sum(summary[v] for v in VERDICTS) == summary["tried"]
    assert summary["detected"] > summary["tried"] / 3


def test_the_interpreter_never_dies(flips):
    assert [f.line() for f in flips if f.verdict == "crash"] == []


def test_only_database_errors_escape(flips):
    """Anything but DatabaseFileError/sqlite3.DatabaseError escaping is a finding.

    Known: a flip that leaves invalid UTF-8 in the SQL text of sqlite_master makes
    ``open_database`` raise ``UnicodeDecodeError`` (see the strict xfail below).
    """
    errors = [f for f in flips if f.verdict == "error"]
    unknown = [f.line() for f in errors if "UnicodeDecodeError" not in f.message]
    assert unknown == []


def test_the_file_is_not_written_when_a_check_failed(flips):
    assert [f.line() for f in flips if f.written and f.verdict != "harmless"] == []


def test_damage_to_the_structure_is_detected(flips):
    structural = [f for f in flips if f.region.kind in STRUCTURE]
    assert len(structural) >= 40
    assert [f.line() for f in structural if f.verdict != "detected"] == []


def test_flips_in_free_space_are_harmless(flips):
    free = [f for f in flips if f.region.kind in FREE_SPACE]
    assert len(free) >= 40
    assert [f.line() for f in free if f.verdict != "harmless"] == []


def test_header_flips_are_detected_or_harmless(flips):
    """Each of the 100 header bytes (and the targeted fields): refused, a failed check,
    or no effect at all (unused and informational bytes: change counter, cache size …)."""
    header = [f for f in flips if f.offset < 100]
    assert len(header) == 100 + len(TARGETED)

    def expected(f: Flip) -> bool:
        if f.verdict in ("detected", "harmless"):
            return True
        if f.offset in KNOWN_HEADER:  # the findings below
            want = KNOWN_HEADER[f.offset]
            return want is None or f.verdict == want
        return False

    assert [f.line() for f in header if not expected(f)] == []
    # the fields that must never pass unnoticed
    for offset in (*range(0, 17), 47, 68, 69, 70, 71):
        assert all(f.verdict == "detected" for f in header if f.offset == offset), offset


def test_undetected_changes_are_confined_to_stored_values(flips):
    """What no check notices lies inside record payloads (values, or SQL text in the schema),
    never in the b-tree structure or free space."""
    silent = [
        f for f in flips if f.verdict.startswith("undetected") or f.verdict == "read error only"
    ]
    allowed = {"cell content", "overflow", "file header"}
    assert [f.line() for f in silent if f.region.kind not in allowed] == []
    assert [f.line() for f in silent if f.region.kind == "file header" and f.offset < 60] == []


# ---- findings (strict xfails: they pass once the program notices) ----------------------


def _small_township(path: Path) -> Path:
    db = open_database(path, create=True)
    initialise(db, **TOWNSHIP)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def _replace_once(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` (in the schema, and in free pages still holding an older copy)."""
    data = path.read_bytes()
    assert data.count(old) >= 1, old
    path.write_bytes(data.replace(old, new))


def test_invalid_utf8_in_the_schema_is_refused_plainly(tmp_path):
    path = _small_township(tmp_path / "t.sqlite")
    _replace_once(path, b"AFTER DELETE ON household_visits", b"AFTER DELETE \xaaN household_visits")
    with pytest.raises(DatabaseFileError):
        open_database(path)


def test_a_damaged_trigger_is_noticed_at_open(tmp_path):
    path = _small_township(tmp_path / "t.sqlite")
    _replace_once(
        path, b"'name', NEW.\"name\", 'groups_count'", b"'name', NEW.\"nbme\", 'groups_count'"
    )
    try:
        db = open_database(path)
    except DatabaseFileError:
        return
    try:
        problems = consistency_problems(db)
        if not problems:  # what the clerk meets later
            with pytest.raises(sqlite3.OperationalError, match="nbme"):
                db["villages"].insert(
                    {"code": "610526100201", "township_code": "610526100", "name": "东坡村"}
                )
        assert problems, "the damaged trigger was not noticed"
    finally:
        db.conn.close()


def test_a_header_that_makes_the_file_read_only_is_noticed_at_open(tmp_path):
    path = _small_township(tmp_path / "t.sqlite")
    data = bytearray(path.read_bytes())
    data[18] ^= 0x01  # 2 -> 3
    path.write_bytes(bytes(data))
    try:
        db = open_database(path)
    except DatabaseFileError:
        return
    try:
        assert consistency_problems(db) == []
        with db.atomic():  # raises: attempt to write a readonly database
            db.execute("UPDATE log_control SET enabled = enabled")
    finally:
        db.conn.close()


def test_a_lowered_user_version_is_repaired_or_refused(tmp_path):
    from app.db.schema import SCHEMA_VERSION

    path = _small_township(tmp_path / "t.sqlite")
    data = bytearray(path.read_bytes())
    data[60:64] = (SCHEMA_VERSION - 1).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    for _ in range(2):
        try:
            db = open_database(path)
        except DatabaseFileError:
            return
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.conn.close()
    copies = list((tmp_path / "backups").glob("*")) if (tmp_path / "backups").exists() else []
    assert version == SCHEMA_VERSION and len(copies) <= 1, (version, copies)
