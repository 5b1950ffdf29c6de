"""Fuzzing the county import (issue 9): never an exception, never a partial write.

A real small county file — township 东坡镇 made with ``township-office init``, a few
villages, cadres, posts, attendance, checks and a meeting, exported for 2026Q3 with
``export_quarter`` — is damaged by hypothesis and imported into a county database that
already holds another township's file (``import_files``). Damage of two sorts:

* **raw**: bytes flipped, inserted or deleted, the file truncated, the zip rebuilt with
  an entry dropped, added, renamed or replaced by junk (the signature no longer fits);
* **well signed**: data lines changed (values of any JSON type, fields dropped or added,
  lines that are not objects or not JSON or not UTF-8, duplicated or dropped lines,
  another township's ids, villages and codes, lines moved to another table) and manifest
  fields changed (period, creation time, codes, format version, counts), then the
  manifest's SHA-256 and counts fixed (mostly) and the manifest signed again with the
  township's own key (``ensure_key``), as a township program with a bug would.

Asserted for every file: no exception escapes ``import_files``; one receipt; a refused
file leaves the county database exactly as it was (a digest of every table); an
accepted one changes nothing of the other township's (its rows, files, key, figures)
and leaves the database passing ``consistency_problems``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import traceback
import warnings
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import run
from app.db.backup import consistency_problems
from app.db.connection import open_database
from app.db.store import initialise
from app.domain.periods import Quarter
from app.exchange import MANIFEST, SIGNATURE
from app.exchange.export import export_quarter
from app.exchange.keys import ensure_key
from app.exchange.merge import import_files

Q = Quarter(2026, 3)
NOW = datetime(2026, 10, 8, 9, 30, tzinfo=timezone.utc)
COUNTY = ("610526", "蒲城县")
MINE = ("610526100", "东坡镇")
OTHER = ("610526101", "西坡镇")
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "70")),  # longer runs: FUZZ_EXAMPLES=2000
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OTHER_TABLES = ("county_rows", "county_files", "county_keys", "county_figures")


def _township(folder: Path, code: str, name: str) -> Path:
    """A township database made by ``township-office init`` and a few rows of each kind."""
    path = folder / f"{code}.sqlite"
    assert (
        run(
            [
                "--db",
                str(path),
                "init",
                "--county-code",
                COUNTY[0],
                "--county-name",
                COUNTY[1],
                "--township-code",
                code,
                "--township-name",
                name,
            ]
        )
        == 0
    )
    db = open_database(path)
    v1, v2 = f"{code}201", f"{code}202"
    c1, c2 = f"GB{code[-3:]}1", f"GB{code[-3:]}2"
    with db.atomic():
        db["villages"].insert_all(
            [
                {"code": v1, "township_code": code, "name": "东村", "register_grade": "三类"},
                {"code": v2, "township_code": code, "name": "西村", "register_grade": "一类"},
            ]
        )
        db["cadres"].insert_all(
            [
                {"cadre_no": c1, "township_code": code, "name": "王建国", "phone": "13800000001"},
                {"cadre_no": c2, "township_code": code, "name": "李秀英"},
            ]
        )
        db["assignments"].insert_all(
            [
                {
                    "cadre_no": c1,
                    "village_code": v1,
                    "role": "兼职书记",
                    "start_date": "2026-01-01",
                },
                {
                    "cadre_no": c2,
                    "village_code": v2,
                    "role": "驻村干部",
                    "start_date": "2026-01-01",
                },
            ]
        )
        db["attendance"].insert_all(
            {"cadre_no": c, "day": f"2026-07-{d:02d}", "village_code": v, "kind": "在村"}
            for c, v in ((c1, v1), (c2, v2))
            for d in range(1, 11)
        )
        db["subsidy_rates"].insert_all(
            [
                {"kind": "生活补助", "effective_from": "2026-01-01", "amount_fen": 600},
                {"kind": "交通通讯补助", "effective_from": "2026-01-01", "amount_fen": 4000},
            ]
        )
        db["checks"].insert(
            {"cadre_no": c2, "day": "2026-07-03", "method": "电话查岗", "result": "在岗"}
        )
        db["households"].insert(
            {"hh_no": f"{code}-H1", "village_code": v1, "head_name": "张三", "phone": "1390000"}
        )
        mid = (
            db["meetings"]
            .insert({"kind": "周例会", "day": "2026-07-06", "place": "镇政府"})
            .last_pk
        )
        db["meeting_attendees"].insert({"meeting_id": mid, "cadre_no": c1})
    db.conn.close()
    return path


def _digest(path: Path, where: str = "") -> str:
    """SHA-256 of every table's rows (``where`` limits the county tables to one township)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    h = hashlib.sha256()
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        for name in names if not where else OTHER_TABLES:
            h.update(name.encode())
            sql = f'SELECT * FROM "{name}"' + (f" WHERE {where}" if where else "")
            for text in sorted(repr(r) for r in conn.execute(sql)):
                h.update(text.encode())
    finally:
        conn.close()
    return h.hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-county")
    mine = _township(folder, *MINE)
    other = _township(folder, *OTHER)
    db = open_database(mine)
    file = export_quarter(db, Q, folder / "东坡镇-2026Q3.zip", now=NOW).path
    key = ensure_key(db)
    db.conn.close()
    db = open_database(other)
    other_file = export_quarter(db, Q, folder / "西坡镇-2026Q3.zip", now=NOW).path
    other_ids = {
        "uuid": db.execute("SELECT uuid FROM villages ORDER BY code LIMIT 1").fetchone()[0],
        "village": db.execute("SELECT code FROM villages ORDER BY code LIMIT 1").fetchone()[0],
        "cadre": db.execute("SELECT cadre_no FROM cadres ORDER BY 1 LIMIT 1").fetchone()[0],
    }
    db.conn.close()
    base = folder / "county.sqlite"
    cdb = open_database(base, create=True)
    initialise(cdb, county_code=COUNTY[0], county_name=COUNTY[1])
    (receipt,) = import_files(cdb, [other_file])
    assert receipt.imported, receipt.message
    cdb.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cdb.conn.close()
    with zipfile.ZipFile(file) as z:
        entries = {info.filename: z.read(info) for info in z.infolist()}
    return {
        "folder": folder,
        "file": file,
        "entries": entries,
        "key": key,
        "base": base,
        "other": other_ids,
        "n": [0],
    }


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def import_into_county(world, raw: bytes, name: str = "东坡镇-2026Q3.zip"):
    """Import ``raw`` as a file into a fresh copy of the base county; the assertions."""
    world["n"][0] += 1
    folder = world["folder"] / f"case-{world['n'][0]}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(raw)
    county = folder / "county.sqlite"
    shutil.copyfile(world["base"], county)
    before = _digest(county)
    other_where = f"township_code = '{OTHER[0]}'"
    other_before = _digest(county, other_where)
    db = open_database(county)
    try:
        try:
            receipts = import_files(db, [path])
        except Exception as e:  # noqa: BLE001 — reported with its traceback
            pytest.fail(
                "an exception escaped import_files:\n" + "".join(traceback.format_exception(e))
            )
        assert len(receipts) == 1
        receipt = receipts[0]
        if receipt.imported:
            assert consistency_problems(db) == []
    finally:
        db.conn.close()
    if receipt.imported:
        assert _digest(county, other_where) == other_before, "another township's data changed"
    else:
        assert receipt.message, "refused without a reason"
        assert _digest(county) == before, f"refused ({receipt.message}) but the database changed"
    shutil.rmtree(folder)
    return receipt


def test_the_untouched_file_is_accepted(world):
    receipt = import_into_county(world, world["file"].read_bytes())
    assert receipt.imported, receipt.message
    assert receipt.total("new") > 20


# ---- raw damage --------------------------------------------------------------------------


@st.composite
def raw_damage(draw, world) -> bytes:
    data = world["file"].read_bytes()
    how = draw(st.sampled_from(["flip", "flips", "truncate", "insert", "delete", "rezip"]))
    if how in ("flip", "flips"):
        b = bytearray(data)
        for _ in range(1 if how == "flip" else draw(st.integers(2, 20))):
            b[draw(st.integers(0, len(b) - 1))] ^= draw(st.integers(1, 255))
        return bytes(b)
    at = draw(st.integers(0, len(data) - 1))
    if how == "truncate":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if how == "delete":
        return data[:at] + data[at + draw(st.integers(1, 512)) :]
    entries = dict(world["entries"])
    names = sorted(entries)
    what = draw(st.sampled_from(["drop", "add", "rename", "junk", "empty", "dup", "stored"]))
    name = draw(st.sampled_from(names))
    if what == "drop":
        del entries[name]
    elif what == "add":
        extra = draw(st.sampled_from(["data/extra.jsonl", "notes.txt", "data/villages.jsonl/x"]))
        entries[extra] = draw(st.binary(max_size=100))
    elif what == "rename":
        entries[name + draw(st.sampled_from([".bak", "/", "2"]))] = entries.pop(name)
    elif what == "junk":
        entries[name] = draw(st.binary(max_size=300))
    elif what == "empty":
        entries[name] = b""
    elif what == "dup":
        buf = io.BytesIO()
        with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
            warnings.simplefilter("ignore")  # "Duplicate name": what this case is about
            for n, d in entries.items():
                z.writestr(n, d)
            z.writestr(name, entries[name])  # the same name twice
        return buf.getvalue()
    method = zipfile.ZIP_STORED if what == "stored" else zipfile.ZIP_DEFLATED
    return _zip(entries, method)


@FUZZ
@given(data=st.data())
def test_damaged_file(world, data):
    raw = data.draw(raw_damage(world), label="file")
    receipt = import_into_county(world, raw)
    if raw != world["file"].read_bytes():
        # a damaged file that still verifies would be a hole in the checks
        assert not receipt.imported or _same_entries(raw, world["entries"]), receipt.text()


def _same_entries(raw: bytes, entries: dict[str, bytes]) -> bool:
    """The zip holds exactly the original parts (re-zipped or with harmless byte changes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return {i.filename: z.read(i) for i in z.infolist()} == entries
    except Exception:  # noqa: BLE001
        return False


# ---- well-signed damage ------------------------------------------------------------------

json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
        st.sampled_from(
            [
                "2026-02-30",
                "2026Q5",
                "610526101201",
                "610526100999",
                "GB1011",
                "在村",
                "",
                "x" * 5000,
            ]
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def line_change(draw, world, lines: list[bytes]) -> list[bytes]:
    """The lines of one data part with one change."""
    lines = list(lines)
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    what = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "drop field",
                "add field",
                "not object",
                "not json",
                "bad utf8",
                "duplicate",
                "drop line",
                "other's id",
                "other's village",
                "other's cadre",
                "township",
                "empty line",
                "huge",
            ]
        )
    )
    if not lines:
        return [b"{}"]
    if what == "drop line":
        del lines[i]
        return lines
    if what == "duplicate":
        return [*lines, lines[i]]
    if what == "empty line":
        return [*lines[:i], b"", *lines[i:]]
    if what == "not json":
        lines[i] = draw(
            st.sampled_from([b"{broken", b"null", b"[1,2]", b'"x"', b"1e999", b'{"a":}'])
        )
        return lines
    if what == "bad utf8":
        lines[i] = lines[i][:10] + b"\xff\xfe" + lines[i][10:]
        return lines
    try:
        row = json.loads(lines[i])
    except ValueError:  # damaged by an earlier change of this part
        row = None
    if not isinstance(row, dict) or not row:
        lines[i] = b"{}"
        return lines
    if what == "not object":
        lines[i] = json.dumps([row]).encode()
        return lines
    keys = sorted(row)
    if what == "value":
        row[draw(st.sampled_from(keys))] = draw(json_value)
    elif what == "drop field":
        row.pop(draw(st.sampled_from(keys)))
    elif what == "add field":
        row[draw(st.sampled_from(["extra", "township_code", "uuid2", ""]))] = draw(json_value)
    elif what == "other's id":
        row["uuid"] = world["other"]["uuid"]
    elif what == "other's village":
        for k in ("village_code", "code"):
            if k in row:
                row[k] = world["other"]["village"]
    elif what == "other's cadre":
        if "cadre_no" in row:
            row["cadre_no"] = world["other"]["cadre"]
    elif what == "township":
        row["township_code"] = draw(st.sampled_from([OTHER[0], "612701101", "", None, 610526100]))
    elif what == "huge":
        row[draw(st.sampled_from(keys))] = "东" * 20_000
    lines[i] = json.dumps(row, ensure_ascii=draw(st.booleans())).encode()
    return lines


@st.composite
def signed_damage(draw, world) -> bytes:
    entries = dict(world["entries"])
    manifest = json.loads(entries[MANIFEST])
    data_parts = sorted(n for n in entries if n.startswith("data/") and entries[n])
    for _ in range(draw(st.integers(1, 3))):
        what = draw(st.sampled_from(["lines", "lines", "lines", "move", "manifest"]))
        if what == "lines":
            name = draw(st.sampled_from(data_parts))
            lines = entries[name].split(b"\n")[:-1]
            entries[name] = b"".join(x + b"\n" for x in draw(line_change(world, lines)))
        elif what == "move":  # a line put into another table's part
            src, dst = draw(st.sampled_from(data_parts)), draw(st.sampled_from(data_parts))
            line = entries[src].split(b"\n")[0]
            entries[dst] = entries[dst] + line + b"\n"
        else:
            field = draw(
                st.sampled_from(
                    [
                        "period",
                        "created_at",
                        "township_code",
                        "county_code",
                        "township_name",
                        "format_version",
                        "counts",
                        "program_version",
                    ]
                )
            )
            manifest[field] = draw(
                st.one_of(
                    json_value,
                    st.sampled_from(
                        [
                            "2026Q5",
                            "2026Q2",
                            "2027Q1",
                            "2026-10-08T09:30:00",
                            "2099-01-01T00:00:00+00:00",
                            "1999-01-01T00:00:00+00:00",
                            OTHER[0],
                            "612701101",
                            "610527",
                            1,
                            2,
                            0,
                        ]
                    ),
                )
            )
    fix_counts = draw(st.integers(0, 5)) > 0
    if isinstance(manifest.get("counts"), dict) and fix_counts:
        for name in data_parts:
            table = name[len("data/") : -len(".jsonl")]
            manifest["counts"][table] = entries[name].count(b"\n")
    if isinstance(manifest.get("sha256"), dict):
        for name in manifest["sha256"]:
            if name in entries:
                manifest["sha256"][name] = hashlib.sha256(entries[name]).hexdigest()
    body = json.dumps(manifest, ensure_ascii=False).encode()
    entries[MANIFEST] = body
    entries[SIGNATURE] = world["key"].sign(body)
    return _zip(entries)


@FUZZ
@given(data=st.data())
def test_well_signed_but_wrong_file(world, data):
    raw = data.draw(signed_damage(world), label="file")
    import_into_county(world, raw)


def test_a_well_signed_row_of_another_township_is_refused_not_applied(world):
    """One of the deterministic cases the fuzz draws: a village of the other township."""
    entries = dict(world["entries"])
    lines = entries["data/villages.jsonl"].split(b"\n")[:-1]
    row = json.loads(lines[0])
    row["code"] = world["other"]["village"]
    row["uuid"] = world["other"]["uuid"]
    lines[0] = json.dumps(row, ensure_ascii=False).encode()
    entries["data/villages.jsonl"] = b"".join(x + b"\n" for x in lines)
    manifest = json.loads(entries[MANIFEST])
    manifest["sha256"]["data/villages.jsonl"] = hashlib.sha256(
        entries["data/villages.jsonl"]
    ).hexdigest()
    body = json.dumps(manifest, ensure_ascii=False).encode()
    entries[MANIFEST], entries[SIGNATURE] = body, world["key"].sign(body)
    receipt = import_into_county(world, _zip(entries))
    if receipt.imported:
        assert any(t == "villages" for t, _, _ in receipt.refused_rows), receipt.text()
