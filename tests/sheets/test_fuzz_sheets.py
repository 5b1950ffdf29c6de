"""Fuzzing the register-sheet import (issue 9): never a traceback, never a partial write.

Hypothesis makes sheet files — CSV in UTF-8, UTF-8 with BOM, GB18030 or a mix of them,
``.xlsx`` written by openpyxl or by hand (shared strings, styles, every cell type, odd
cell references), then damaged (truncated, bytes flipped or inserted, parts replaced) —
with headers taken from the real kinds' headers plus junk, and cells holding real codes,
impossible dates (2026-02-30), huge or non-finite numbers, control characters, formulas,
very long text. Each file is loaded the way ``township-office import-sheet KIND FILE``
loads it (``app.cli.run`` on a database file). Asserted for every file: the exit code is
0 or 1, no unexpected exception (the CLI's crash log, "程序未能完成") and no traceback;
after exit 1 the database is exactly as before (``snapshot``: every table's count and
the whole change log); after exit 0 it passes ``consistency_problems``.
"""

from __future__ import annotations

import csv
import io
import os
import random
import traceback
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import run
from app.db.backup import consistency_problems
from app.db.connection import open_database
from app.db.store import initialise
from app.sheets import KINDS, SheetError, load_sheet

from .conftest import HEADERS, TOWNSHIP, V1, V2, sample, scores_headers, snapshot

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100")),  # longer runs: FUZZ_EXAMPLES=2000
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: exceptions the sheet reader lets escape today (findings; strict xfails below). The
#: CLI turns them into 程序未能完成 + a crash log; the database stays unchanged. Remove
#: an entry when its xfail starts passing.
KNOWN_ESCAPES: tuple[str, ...] = ()  # none left: each is now refused plainly

VALUES = [
    V1,
    V2,
    "610526100299",
    "6105261002O1",
    "61052610020",
    "GB001",
    "GB002",
    "GB999",
    "2026-03-02",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2026/3/2",
    "2026年3月2日",
    "20260302",
    "0000-00-00",
    "9999-12-31",
    "45000",
    "0",
    "-1",
    "-0",
    "1e308",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "9" * 30,
    "9" * 5000,
    "6.005",
    "0.1",
    "１２",
    "٣",
    "²",
    "在村",
    "会议培训",
    "请假",
    "缺勤",
    "驻村干部",
    "兼职书记",
    "兼职第一书记",
    "电话查岗",
    "进村抽查",
    "在岗",
    "不在岗",
    "生活补助",
    "交通通讯补助",
    "一类",
    "三类",
    "五类",
    "是",
    "否",
    "男",
    "女",
    "\x00",
    "\x07响铃",
    "a\r\nb",
    "\u2028",
    "\ufeff村",
    "\u200b",
    " ",
    "\u3000",
    "=1+1",
    "=SUM(A1:A9)",
    "'0123",
    "NULL",
    "'; DROP TABLE villages; --",
    "𠀀𠀁",
    "东" * 3000,
    "38.5",
    "100",
    "101",
    "-5",
    "2026",
    "1899",
    "30000",
]


def _all_headers(db_path: Path) -> dict[str, list[str]]:
    db = open_database(db_path)
    try:
        headers = {**HEADERS, "scores": scores_headers(db)}
    finally:
        db.conn.close()
    assert set(headers) == set(KINDS)
    return headers


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A township database file with two villages and two cadres (as ``seeded``)."""
    folder = tmp_path_factory.mktemp("fuzz-sheets")
    path = folder / "township.sqlite"
    db = open_database(path, create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code=TOWNSHIP,
        township_name="东坡镇",
    )
    db["villages"].insert_all(
        [
            {"code": V1, "township_code": TOWNSHIP, "name": "东坡村", "register_grade": "三类"},
            {"code": V2, "township_code": TOWNSHIP, "name": "西坡村", "register_grade": "四类"},
        ]
    )
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": TOWNSHIP, "name": "王建国", "is_leader": 1},
            {"cadre_no": "GB002", "township_code": TOWNSHIP, "name": "李红", "is_leader": 0},
        ]
    )
    samples = {kind: sample(db, kind) for kind in KINDS}
    db.conn.close()
    headers = _all_headers(path)
    return {"folder": folder, "db": path, "headers": headers, "samples": samples, "n": [0]}


def _file(world, suffix: str) -> Path:
    world["n"][0] += 1
    return world["folder"] / f"sheet-{world['n'][0]}{suffix}"


def _snapshot(path: Path) -> dict:
    db = open_database(path)
    try:
        return snapshot(db)
    finally:
        db.conn.close()


def import_sheet(world, kind: str, file: Path) -> None:
    """``township-office --db DB import-sheet KIND FILE`` and the assertions of this module."""
    before = _snapshot(world["db"])
    crashes: list[str] = []

    def crash_log(exc: BaseException):
        crashes.append("".join(traceback.format_exception(exc)))
        return None

    out, err = io.StringIO(), io.StringIO()
    with mock.patch("app.cli._crash_log", crash_log), redirect_stdout(out), redirect_stderr(err):
        code = run(["--db", str(world["db"]), "import-sheet", kind, str(file)])
    text = out.getvalue() + err.getvalue()
    unknown = [c for c in crashes if not any(k in c for k in KNOWN_ESCAPES)]
    assert unknown == [], f"{file.name} ({kind}): unexpected exception\n{unknown[0]}"
    assert code in (0, 1), (code, text)
    assert "Traceback" not in text, text
    assert crashes or "程序未能完成" not in text, text
    if code == 1:
        assert _snapshot(world["db"]) == before, f"{file.name}: refused but the database changed"
        assert text.strip(), "refused without a message"
    else:
        db = open_database(world["db"])
        try:
            assert consistency_problems(db) == []
        finally:
            db.conn.close()


# ---- strategies ----------------------------------------------------------------------------

cell_text = st.one_of(
    st.sampled_from(VALUES),
    st.text(max_size=20),
    st.from_regex(r"-?[0-9]{1,22}(\.[0-9]{0,8})?", fullmatch=True),
    st.dates().map(lambda d: d.isoformat()),
    st.just(""),
)


@st.composite
def table(draw, world, kind: str):
    """Headers and rows: the kind's own (shuffled, some cells changed) or anything at all."""
    real = world["headers"][kind]
    others = sorted({h for hs in world["headers"].values() for h in hs})
    sample_headers, sample_rows = world["samples"][kind]
    if draw(st.booleans()):  # close to a real sheet: most rows load, some cells are odd
        order = draw(st.permutations(range(len(real))))
        headers = [real[i] for i in order]
        rows = []
        picked = draw(st.permutations(range(len(sample_rows))))[: draw(st.integers(0, 2))]
        for i in picked:
            base = list(sample_rows[i])
            for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
                base[draw(st.integers(0, len(base) - 1))] = draw(cell_text)
            rows.append([base[i] for i in order])
        extra = []
        if draw(st.integers(0, 3)) == 0:
            extra = draw(st.lists(st.sampled_from([*others, "备注2", " 村代码 ", ""]), max_size=2))
        headers += extra
        rows = [r + [draw(cell_text) for _ in extra] for r in rows]
    else:
        headers = draw(
            st.lists(
                st.one_of(st.sampled_from(real), st.sampled_from(others), cell_text), max_size=12
            )
        )
        rows = draw(st.lists(st.lists(cell_text, max_size=len(headers) + 2), max_size=6))
    assert sample_headers == real or kind == "scores"
    return headers, rows


def _csv_bytes(headers, rows, encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    text = buf.getvalue()
    if encoding == "mixed":  # header and first rows in UTF-8, the rest in GB18030
        lines = text.splitlines(keepends=True)
        cut = max(1, len(lines) // 2)
        return "".join(lines[:cut]).encode("utf-8") + "".join(lines[cut:]).encode("gb18030")
    return text.encode(encoding)


def _mutate(data: bytes, draw) -> bytes:
    """Truncate, flip, insert or delete bytes (or nothing)."""
    how = draw(st.sampled_from(["none"] * 5 + ["truncate", "flip", "insert", "delete"]))
    if not data or how == "none":
        return data
    # a position as a fraction of the length: the length of a workbook varies (openpyxl
    # stamps the time), and hypothesis wants the same draws on a replay
    at = draw(st.integers(0, 9999)) * len(data) // 10000
    if how == "truncate":
        return data[:at]
    if how == "flip":
        b = bytearray(data)
        b[at] ^= draw(st.integers(1, 255))
        return bytes(b)
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data[:at] + data[at + draw(st.integers(1, 64)) :]


# ---- CSV -----------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_fuzzed_csv(world, data):
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    headers, rows = data.draw(table(world, kind), label="table")
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "mixed"]))
    try:
        raw = _csv_bytes(headers, rows, encoding)
    except (UnicodeEncodeError, csv.Error):
        raw = _csv_bytes([h.encode("utf-8", "replace").decode() for h in headers], [], "utf-8")
    raw = _mutate(raw, data.draw)
    path = _file(world, ".csv")
    path.write_bytes(raw)
    import_sheet(world, kind, path)


# ---- xlsx written by openpyxl --------------------------------------------------------------

xlsx_cell = st.one_of(
    cell_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.booleans(),
    st.none(),
)


def _openpyxl_bytes(headers, rows) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(v):
        return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([clean(h) for h in headers])
    for r in rows:
        ws.append([clean(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@FUZZ
@given(data=st.data())
def test_fuzzed_xlsx(world, data):
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    headers, rows = data.draw(table(world, kind), label="table")
    if data.draw(st.booleans()):  # typed cells: numbers, dates, booleans instead of text
        rows = [[data.draw(xlsx_cell) if data.draw(st.booleans()) else v for v in r] for r in rows]
    raw = _openpyxl_bytes(headers, rows)
    raw = _mutate(raw, data.draw)
    path = _file(world, ".xlsx")
    path.write_bytes(raw)
    import_sheet(world, kind, path)


# ---- xlsx written by hand: shared strings, styles, every cell type, damaged parts --------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
        '<workbookPr date1904="{date1904}"/><sheets><sheet name="登记表" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><numFmts count="1">'
        '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '</numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/>'
        '<xf numFmtId="20"/><xf numFmtId="31"/></cellXfs></styleSheet>'
    ),
}


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20))


@st.composite
def raw_cell(draw, shared: list[str]) -> str:
    ref = draw(
        st.one_of(
            st.none(),
            st.sampled_from(["A1", "B7", "XFD3", "XFE1", "ZZZZ9", "a1", "A0", "1", "", "AA"]),
        )
    )
    kind = draw(st.sampled_from(["s", "s", "str", "inlineStr", "n", "n", "b", "d", "e", "x", None]))
    style = draw(st.sampled_from([None, "0", "1", "2", "3", "4", "99", "-1", "x"]))
    if kind == "s":
        value = str(draw(st.one_of(st.integers(0, len(shared) - 1), st.integers(-3, 10**6))))
    elif kind == "n":
        value = draw(
            st.one_of(
                st.sampled_from(
                    ["45000", "1e309", "-1", "nan", "2958466", "0", "  7 ", "1,5", "²"]
                ),
                st.floats().map(repr),
                st.integers(-(10**30), 10**30).map(str),
            )
        )
    elif kind == "b":
        value = draw(st.sampled_from(["0", "1", "true", "2", ""]))
    elif kind == "d":
        value = draw(st.sampled_from(["2026-03-02T00:00:00Z", "2026-02-30", "x", "99999-01-01"]))
    else:
        value = draw(cell_text)
    attrs = "".join(
        f' {k}="{_escape(v)}"' for k, v in (("r", ref), ("t", kind), ("s", style)) if v is not None
    )
    body = draw(st.sampled_from(["v", "v", "is", "f", "none"]))
    if body == "is":
        inner = f"<is><t>{_escape(value)}</t></is>"
    elif body == "f":
        inner = f"<f>SUM(A1:A2)</f><v>{_escape(value)}</v>" if draw(st.booleans()) else "<f>A1</f>"
    elif body == "none":
        inner = ""
    else:
        inner = f"<v>{_escape(value)}</v>"
    return f"<c{attrs}>{inner}</c>"


@st.composite
def handmade_xlsx(draw, world, kind: str) -> bytes:
    headers, rows = draw(table(world, kind))
    shared = [str(h) for h in headers] + [str(v) for r in rows for v in r] + ["x"]
    index = {s: i for i, s in reversed(list(enumerate(shared)))}
    lines = []
    for number, cells in enumerate([headers, *rows], start=1):
        if draw(st.integers(0, 7)) == 0:  # a row of fuzzed cells instead
            xml = "".join(draw(st.lists(raw_cell(shared), max_size=6)))
        else:
            xml = "".join(f'<c t="s"><v>{index[str(v)]}</v></c>' for v in cells)
        r = str(number)
        if draw(st.integers(0, 7)) == 0:
            r = draw(st.sampled_from(["", "0", "x", "-1", "²", str(number + 5), "9" * 20]))
        lines.append(f'<row r="{r}">{xml}</row>' if r else f"<row>{xml}</row>")
    parts = dict(PARTS)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "{date1904}", draw(st.sampled_from(["0", "1", "true"]))
    )
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'
        + "".join(f"<si><t>{_escape(s)}</t></si>" for s in shared)
        + "</sst>"
    )
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        + "".join(lines)
        + "</sheetData></worksheet>"
    )
    damage = draw(st.sampled_from(["none"] * 6 + ["part", "drop", "junk part", "dtd", "zip"]))
    if damage in ("part", "junk part", "drop", "dtd"):
        name = draw(st.sampled_from(sorted(parts)))
        if damage == "drop":
            del parts[name]
        elif damage == "junk part":
            parts[name] = draw(st.binary(max_size=200)).decode("latin-1")
        elif damage == "dtd":
            parts[name] = (
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
                + parts[name].split("?>", 1)[-1]
            )
        else:
            data = parts[name].encode("utf-8")
            parts[name] = _mutate(data, draw).decode("utf-8", "surrogateescape")
    buf = io.BytesIO()
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8", "surrogateescape"))
    raw = buf.getvalue()
    return _mutate(raw, draw) if damage == "zip" else raw


@FUZZ
@given(data=st.data())
def test_fuzzed_handmade_xlsx(world, data):
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    raw = data.draw(handmade_xlsx(world, kind), label="workbook")
    path = _file(world, ".xlsx")
    path.write_bytes(raw)
    import_sheet(world, kind, path)


def test_a_good_handmade_workbook_loads(world):
    """The hand-made workbook is a real one: its rows load (so the fuzz reaches the rows)."""
    headers, rows = world["samples"]["villages"]
    shared = headers + [v for r in rows for v in r]
    sheet = "".join(
        f'<row r="{n}">'
        + "".join(f'<c t="s"><v>{shared.index(v)}</v></c>' for v in cells)
        + "</row>"
        for n, cells in enumerate([headers, *rows], start=1)
    )
    parts = dict(PARTS)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("{date1904}", "0")
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{NS}">' + "".join(f"<si><t>{_escape(s)}</t></si>" for s in shared) + "</sst>"
    )
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{NS}"><sheetData>{sheet}</sheetData></worksheet>'
    )
    path = _file(world, ".xlsx")
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    db = open_database(world["db"])
    try:
        from app.sheets import check_sheet

        preview = check_sheet(db, "villages", path)
    finally:
        db.conn.close()
    assert len(preview.rows) == 2


# ---- findings (strict xfails: they pass once the reader refuses these plainly) -----------


def _good_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS["villages"])
    wb.active.append(["610526100203", "南坡村"])
    path = tmp_path / "good.xlsx"
    wb.save(path)
    return path


def test_damaged_compressed_data_in_xlsx_is_a_sheet_error(tmp_path, township_db):
    good = _good_xlsx(tmp_path)
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    h = info.header_offset
    start = (
        h
        + 30
        + int.from_bytes(raw[h + 26 : h + 28], "little")
        + int.from_bytes(raw[h + 28 : h + 30], "little")
    )
    for k in range(5):
        raw[start + k] ^= 0xFF
    bad = tmp_path / "villages.xlsx"
    bad.write_bytes(bytes(raw))
    before = snapshot(township_db)
    try:
        with pytest.raises(SheetError):
            load_sheet(township_db, "villages", bad)
    finally:
        assert snapshot(township_db) == before


def test_damaged_shared_strings_is_a_sheet_error(tmp_path, township_db):
    parts = dict(PARTS)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("{date1904}", "0")
    parts["xl/sharedStrings.xml"] = "<sst><si><t>broken"
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c t="s"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    )
    path = tmp_path / "villages.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    before = snapshot(township_db)
    try:
        with pytest.raises(SheetError):
            load_sheet(township_db, "villages", path)
    finally:
        assert snapshot(township_db) == before


def test_a_count_of_five_thousand_digits_is_a_sheet_error(tmp_path, township_db):
    path = tmp_path / "villages.csv"
    row = ["610526100203", "南坡村", "", "9" * 5000, "", "", "", "", "", ""]
    path.write_text(",".join(HEADERS["villages"]) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    before = snapshot(township_db)
    try:
        with pytest.raises(SheetError, match="户数"):
            load_sheet(township_db, "villages", path)
    finally:
        assert snapshot(township_db) == before


def test_known_escapes_are_only_these(tmp_path):
    """Keep KNOWN_ESCAPES honest: a quick seeded sweep of damaged workbooks raises nothing else."""
    good = _good_xlsx(tmp_path).read_bytes()
    rng = random.Random(4)
    from app.db.connection import memory_database

    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code=TOWNSHIP,
        township_name="东坡镇",
    )
    seen = set()
    for i in range(150):
        b = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] ^= rng.randrange(1, 256)
        path = tmp_path / f"d{i}.xlsx"
        path.write_bytes(bytes(b))
        try:
            load_sheet(db, "villages", path)
        except SheetError:
            pass
        except Exception as e:  # noqa: BLE001
            seen.add(f"{type(e).__module__}.{type(e).__qualname__}")
    assert not seen, seen  # every damaged workbook is refused plainly
