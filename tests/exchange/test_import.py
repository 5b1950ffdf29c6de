"""``township-office import``: the county merges township files.

Round trip: demo townships → export → county import reproduces each township's figures
exactly. Merging: the same file twice changes nothing, a newer file replaces what an
older one said, an older one after a newer one is refused, a township changes only its
own rows. Bad input: a clear message, exit 1, the county database unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import run
from app.db.connection import open_database
from app.db.store import initialise
from app.demo_setup import make_demo
from app.domain.periods import Quarter
from app.exchange import MANIFEST, SIGNATURE
from app.exchange.county import compute_figures, materialise, township_figures
from app.exchange.export import TABLES, export_quarter
from app.exchange.keys import ensure_key
from app.exchange.merge import import_files
from app.reports.quarterly import direct_quarterly_report

Q = Quarter(2026, 3)
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 28, 15, 0, tzinfo=timezone.utc)
COUNTY = ("612701", "安川县")
TOWNSHIPS = (("612701101", "青石镇", 1), ("612701102", "柳河镇", 2))


def _township(folder: Path, code: str, name: str, seed: int, county=COUNTY):
    db = open_database(folder / f"{code}.sqlite", create=True)
    initialise(
        db,
        county_code=county[0],
        county_name=county[1],
        township_code=code,
        township_name=name,
    )
    make_demo(db, scale="township", seed=seed, today=TODAY)
    return db


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exchange")
    dbs, files = {}, {}
    for code, name, seed in TOWNSHIPS:
        dbs[code] = _township(folder, code, name, seed)
        files[code] = export_quarter(dbs[code], Q, folder / f"{name}-{Q}.zip", now=NOW).path
    # the first township changes things and sends a newer file
    t1 = dbs["612701101"]
    with t1.atomic():
        village = t1.execute("SELECT code FROM villages ORDER BY code LIMIT 1").fetchone()[0]
        t1["practical_matters"].insert(
            {
                "village_code": village,
                "day": "2026-09-15",
                "category": "路",
                "description": "修通组道路 1.2 公里",
                "funds_fen": 1234500,
                "households": 40,
            }
        )
        gone = t1.execute(
            "SELECT id FROM checks WHERE day BETWEEN '2026-07-01' AND '2026-09-30' "
            "AND result = '不在岗' ORDER BY id LIMIT 1"
        ).fetchone()
        t1.execute("DELETE FROM checks WHERE id = ?", [gone[0]])
        t1.execute(
            "UPDATE villages SET name = name || '（新）', "
            "modified_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE code = ?",
            [village],
        )
    newer = export_quarter(t1, Q, folder / f"青石镇-{Q}-更正.zip", now=LATER).path
    # the base county database: the older files of both townships imported
    base = folder / "county.sqlite"
    cdb = open_database(base, create=True)
    initialise(cdb, county_code=COUNTY[0], county_name=COUNTY[1])
    receipts = import_files(cdb, [files["612701101"], files["612701102"]])
    assert all(r.imported for r in receipts), [r.message for r in receipts]
    cdb.conn.close()
    return {"folder": folder, "dbs": dbs, "files": files, "newer": newer, "base": base}


def _county_copy(world, tmp_path) -> Path:
    target = tmp_path / "county.sqlite"
    shutil.copy(world["base"], target)
    return target


def content_digest(path: Path) -> str:
    db = open_database(path)
    h = hashlib.sha256()
    try:
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall():
            h.update(name.encode())
            for text in sorted(repr(r) for r in db.execute(f"SELECT * FROM [{name}]")):
                h.update(text.encode())
    finally:
        db.conn.close()
    return h.hexdigest()


def cli(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def _strip(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("scope", "name")}


# ---- the round trip --------------------------------------------------------------------


def test_round_trip_reproduces_each_townships_figures(world, tmp_path, capsys):
    county = tmp_path / "fresh.sqlite"
    assert cli(county, "init", "--county-code", *COUNTY[:1], "--county-name", COUNTY[1]) == 0
    files = [str(world["files"][code]) for code, _, _ in TOWNSHIPS]
    capsys.readouterr()
    assert cli(county, "import", *files) == 0
    out = capsys.readouterr().out
    assert "青石镇（612701101）" in out and "柳河镇（612701102）" in out and "已导入" in out

    db = open_database(county)
    figures = township_figures(db, Q)
    county_json = tmp_path / "q.json"
    assert cli(county, "report", "quarterly", "--quarter", str(Q), "-o", str(county_json)) == 0
    total = json.loads(county_json.read_text(encoding="utf-8"))
    assert total["scope"] == "county" and total["townships"] == 2
    for code, _, _ in TOWNSHIPS:
        tdb = open_database(world["folder"] / f"{code}.sqlite")
        # the township's own figures, as the township prints them (before the newer edit
        # for 101: compare with the file's rows, which the fixture exported first)
        mine = direct_quarterly_report(tdb, Q)[0] if code != "612701101" else None
        county_side = figures[code]["report"]
        if mine is not None:
            assert _strip(county_side) == _strip(mine)
    # every figure of the county adds up the townships'
    reports = [figures[c]["report"] for c, _, _ in TOWNSHIPS]
    for key in ("villages", "cadres", "present_days", "unexcused_absences", "meetings"):
        assert total[key] == sum(r[key] for r in reports), key
    for grade in ("一类", "二类", "三类", "四类"):
        assert total["villages_by_grade"][grade] == sum(
            r["villages_by_grade"][grade] for r in reports
        )
    assert Decimal(total["subsidy_total"]) == sum(Decimal(r["subsidy_total"]) for r in reports)
    db.conn.close()


def test_round_trip_reproduces_sheets_and_compliance_line_by_line(world, tmp_path):
    """The county's copy of a township computes every subsidy line and verdict alike."""
    from app.db.compliance import cadre_compliance
    from app.db.subsidy import sheet_for_month

    code = "612701102"
    county = _county_copy(world, tmp_path)
    cdb = open_database(county)
    copy = materialise(cdb, code)
    own = open_database(world["folder"] / f"{code}.sqlite")
    for month in [*Q.months(), Q.next().months()[0], Q.next().months()[1]]:
        a, b = sheet_for_month(own, month), sheet_for_month(copy, month)
        assert (a.status, a.total_fen) == (b.status, b.total_fen), month
        assert [(x.cadre_no, x.total_fen, x.adjustment_fen) for x in a.lines] == [
            (x.cadre_no, x.total_fen, x.adjustment_fen) for x in b.lines
        ], month
    mine = cadre_compliance(own, Q.first_day, Q.last_day, TODAY)
    theirs = cadre_compliance(copy, Q.first_day, Q.last_day, TODAY)
    assert {c: (v.summary.judged, v.summary.met) for c, v in mine.items()} == {
        c: (v.summary.judged, v.summary.met) for c, v in theirs.items()
    }
    assert compute_figures(copy, Q, TODAY)["cadres"] == compute_figures(own, Q, TODAY)["cadres"]
    # nothing personal reached the county
    assert (
        copy.execute("SELECT count(*) FROM households WHERE phone IS NOT NULL").fetchone()[0] == 0
    )
    cdb.conn.close()


# ---- merging -----------------------------------------------------------------------------


def test_newer_file_replaces_what_the_older_said(world, tmp_path, capsys):
    county = _county_copy(world, tmp_path)
    capsys.readouterr()
    assert cli(county, "import", str(world["newer"])) == 0
    out = capsys.readouterr().out
    assert "取代此前导入的文件：青石镇-2026Q3.zip" in out
    db = open_database(county)
    row = db.execute(
        "SELECT rows_new, rows_updated, rows_deleted, rows_refused FROM county_files "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row[0] >= 1 and row[1] >= 1 and row[2] >= 1 and row[3] == 0
    figures = township_figures(db, Q)["612701101"]["report"]
    t1 = open_database(world["folder"] / "612701101.sqlite")
    assert _strip(figures) == _strip(direct_quarterly_report(t1, Q)[0])
    assert any(
        v["name"].endswith("（新）") for v in township_figures(db, Q)["612701101"]["villages"]
    )
    db.conn.close()


def test_files_of_one_township_given_newest_first_are_taken_oldest_first(world, tmp_path):
    county = tmp_path / "c.sqlite"
    db = open_database(county, create=True)
    initialise(db, county_code=COUNTY[0], county_name=COUNTY[1])
    receipts = import_files(db, [world["newer"], world["files"]["612701101"]])
    by_file = {r.file: r for r in receipts}
    # the older one first, then the newer replaces it: both come in, the newest wins
    assert by_file["青石镇-2026Q3.zip"].imported and by_file["青石镇-2026Q3-更正.zip"].imported
    latest = db.execute(
        "SELECT file_name FROM county_files ORDER BY created_at DESC LIMIT 1"
    ).fetchone()[0]
    assert latest == "青石镇-2026Q3-更正.zip"


def test_a_township_changes_only_its_own_rows(world, tmp_path):
    """A file carrying another township's ids or villages: the other township's rows stay
    as they were, and rows naming its villages are refused."""
    folder = tmp_path / "t3"
    folder.mkdir()
    t3 = _township(folder, "612701103", "白杨乡", 3)
    stolen_uuid = (
        open_database(world["folder"] / "612701102.sqlite")
        .execute("SELECT uuid FROM cadres ORDER BY cadre_no LIMIT 1")
        .fetchone()[0]
    )
    with t3.atomic():
        cadre = t3.execute("SELECT cadre_no FROM cadres ORDER BY cadre_no LIMIT 1").fetchone()[0]
        t3.execute("UPDATE cadres SET uuid = ? WHERE cadre_no = ?", [stolen_uuid, cadre])
        t3.execute("PRAGMA foreign_keys = OFF")
        t3["villages"].insert(
            {"code": "612701102299", "township_code": "612701103", "name": "越界村"}
        )
        t3.execute("PRAGMA foreign_keys = ON")
    path = export_quarter(t3, Q, folder / "白杨乡.zip", now=NOW).path
    county = _county_copy(world, tmp_path)
    db = open_database(county)
    theirs = "SELECT data FROM county_rows WHERE township_code = '612701102' ORDER BY id"
    before = db.execute(theirs).fetchall()
    (receipt,) = import_files(db, [path])
    assert receipt.imported, receipt.message
    why = {(t, k): w for t, k, w in receipt.refused_rows}
    assert any(t == "villages" and "612701102299" in w for (t, _), w in why.items())
    assert "拒绝的行" in receipt.text()
    assert db.execute(theirs).fetchall() == before  # 柳河镇's rows untouched
    owners = db.execute(
        "SELECT township_code FROM county_rows WHERE row_key = ? ORDER BY 1", [stolen_uuid]
    ).fetchall()
    assert owners == [("612701102",), ("612701103",)]  # each township's row its own
    names = [
        json.loads(d)["name"]
        for (d,) in db.execute("SELECT data FROM county_rows WHERE table_name = 'villages'")
    ]
    assert "越界村" not in names


def _rebuild_signed(world, tmp, name: str, edit) -> Path:
    """The newer file with ``name``'s lines edited by ``edit`` and signed again by the
    township's own key (a buggy or crafted export the signature cannot catch)."""
    import hashlib as h

    with zipfile.ZipFile(world["newer"]) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        lines = zf.read(name).decode().splitlines()
    lines = edit(lines)
    body = ("\n".join(lines) + "\n").encode()
    table = name[len("data/") : -len(".jsonl")]
    manifest["sha256"][name] = h.sha256(body).hexdigest()
    manifest["counts"][table] = len(lines)
    mbytes = json.dumps(manifest, ensure_ascii=False).encode()
    key = ensure_key(world["dbs"]["612701101"])
    replace = {name: body, MANIFEST: mbytes, SIGNATURE: key.sign(mbytes)}
    return _rebuild(world["newer"], tmp / f"signed-{table}.zip", replace=replace)


def _set_first(field: str, value):
    def edit(lines):
        row = json.loads(lines[0])
        row[field] = value
        return [json.dumps(row), *lines[1:]]  # escaped: a lone surrogate stays text

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        ("data/checks.jsonl", _set_first("result", "无此结果"), "不符合乡镇数据库的规则"),
        ("data/practical_matters.jsonl", _set_first("funds_fen", 12.5), "不符合乡镇数据库的规则"),
        ("data/attendance.jsonl", _set_first("day", "2026-08-xx"), "不符合乡镇数据库的规则"),
        ("data/households.jsonl", _set_first("phone", "13800000000"), "个人信息"),
        ("data/cadres.jsonl", _set_first("name", "\ud800x"), "无效字符"),
    ],
)
def test_well_signed_rows_the_township_would_not_take_refuse_the_file(
    world, tmp_path, name, edit, expected
):
    county = _county_copy(world, tmp_path)
    path = _rebuild_signed(world, tmp_path, name, edit)
    before = content_digest(county)
    db = open_database(county)
    (receipt,) = import_files(db, [path])
    db.conn.close()
    assert not receipt.imported and expected in receipt.message, receipt.message
    assert content_digest(county) == before
    js = tmp_path / "q.json"  # and the county's report still works
    assert cli(county, "report", "quarterly", "--quarter", str(Q), "-o", str(js)) == 0


def test_a_file_from_a_clock_in_the_future_is_refused(world, tmp_path):
    folder = tmp_path / "future"
    folder.mkdir()
    t = _township(folder, "612701104", "龙泉乡", 4)
    path = export_quarter(
        t, Q, folder / "龙泉乡.zip", now=datetime(2027, 11, 28, tzinfo=timezone.utc)
    ).path
    db = open_database(_county_copy(world, tmp_path))
    (receipt,) = import_files(
        db, [path], now=lambda: datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
    )
    assert not receipt.imported and "晚于本机时间" in receipt.message


def test_files_are_ordered_by_instant_not_by_clock_text(world, tmp_path):
    """18:30 in Beijing is before 11:00 UTC the same day: that file is the older one."""
    from datetime import timedelta as td

    folder = tmp_path / "tz"
    folder.mkdir()
    t = _township(folder, "612701105", "双河镇", 5)
    bj = timezone(td(hours=8))
    early = export_quarter(
        t, Q, folder / "a.zip", now=datetime(2026, 11, 28, 18, 30, tzinfo=bj)
    ).path
    late = export_quarter(
        t, Q, folder / "b.zip", now=datetime(2026, 11, 28, 11, 0, tzinfo=timezone.utc)
    ).path
    db = open_database(_county_copy(world, tmp_path))
    assert import_files(db, [late])[0].imported
    (receipt,) = import_files(db, [early])
    assert not receipt.imported and "比已导入的文件旧" in receipt.message


def test_first_file_registers_the_key_and_another_key_needs_a_person(world, tmp_path, capsys):
    folder = tmp_path / "rekey"
    folder.mkdir()
    # the same township, its database lost and made again: a new key
    t1b = _township(folder, "612701101", "青石镇", 7)
    path = export_quarter(t1b, Q, folder / "青石镇-新电脑.zip", now=LATER).path
    county = _county_copy(world, tmp_path)
    before = content_digest(county)
    capsys.readouterr()
    assert cli(county, "import", str(path)) == 1
    captured = capsys.readouterr()
    assert "签名公钥与本县登记的不同" in captured.out and "--accept-key" not in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert content_digest(county) == before
    assert cli(county, "import", "--accept-key", str(path)) == 0
    db = open_database(county)
    assert (
        db.execute("SELECT how FROM county_keys WHERE township_code = '612701101'").fetchone()[0]
        == "人工确认更换"
    )
    assert (
        db.execute("SELECT count(*) FROM change_log WHERE table_name = 'county_keys'").fetchone()[0]
        >= 2
    )  # registered, then replaced: both in the change log


def test_import_into_a_township_database_is_refused(world, tmp_path, capsys):
    t = tmp_path / "t.sqlite"
    shutil.copy(world["folder"] / "612701102.sqlite", t)
    assert cli(t, "import", str(world["files"]["612701101"])) == 1
    assert "只有县级汇总数据库" in capsys.readouterr().err


# ---- bad input: a clear message, exit 1, the county database unchanged -----------------


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _data_offset(path: Path, name: str) -> tuple[int, int]:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    h = info.header_offset
    n = int.from_bytes(raw[h + 26 : h + 28], "little")
    e = int.from_bytes(raw[h + 28 : h + 30], "little")
    return h + 30 + n + e, info.compress_size


def _rebuild(src: Path, dst: Path, extra=None, replace=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename]
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _bad_truncated(world, tmp):
    p = tmp / "truncated.zip"
    raw = world["newer"].read_bytes()
    p.write_bytes(raw[: len(raw) * 2 // 3])
    return p, "不是上报文件"


def _bad_flip(name):
    def make(world, tmp):
        p = tmp / "flipped.zip"
        shutil.copy(world["newer"], p)
        if name == "header":
            _flip(p, 0)
        else:
            start, size = _data_offset(p, name)
            _flip(p, start + size // 2)
        return p, "flipped.zip"

    return make


def _bad_newer_version(world, tmp):
    with zipfile.ZipFile(world["newer"]) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    manifest["format_version"] = 99
    body = json.dumps(manifest, ensure_ascii=False).encode()
    key = ensure_key(world["dbs"]["612701101"])
    p = _rebuild(
        world["newer"], tmp / "v99.zip", replace={MANIFEST: body, SIGNATURE: key.sign(body)}
    )
    return p, "请升级"


def _bad_other_key(world, tmp):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with zipfile.ZipFile(world["newer"]) as zf:
        body = zf.read(MANIFEST)
    p = _rebuild(
        world["newer"],
        tmp / "forged.zip",
        replace={SIGNATURE: Ed25519PrivateKey.generate().sign(body)},
    )
    return p, "签名不符"


def _bad_malformed_rows(world, tmp):
    """Well signed by the township's own key, but a data line is not JSON."""
    import hashlib as h

    name = "data/checks.jsonl"
    with zipfile.ZipFile(world["newer"]) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        body = zf.read(name) + b'{"uuid": "x", broken\n'
    manifest["sha256"][name] = h.sha256(body).hexdigest()
    manifest["counts"]["checks"] += 1
    mbytes = json.dumps(manifest, ensure_ascii=False).encode()
    key = ensure_key(world["dbs"]["612701101"])
    replace = {name: body, MANIFEST: mbytes, SIGNATURE: key.sign(mbytes)}
    return _rebuild(world["newer"], tmp / "malformed.zip", replace=replace), "无法解析"


def _bad_dot_dot(world, tmp):
    return _rebuild(world["newer"], tmp / "evil.zip", extra={"../../evil.txt": b"x"}), "不安全"


def _bad_bomb(world, tmp):
    p = _rebuild(world["newer"], tmp / "bomb.zip", extra={"data/zeros.jsonl": bytes(60 << 20)})
    return p, "压缩炸弹"


def _bad_same_twice(world, tmp):
    return world["files"]["612701102"], "导入过"


def _bad_older_after_newer(world, tmp):
    return None, "比已导入的文件旧"  # set up in the test: newer first


def _bad_other_county(world, tmp):
    folder = tmp / "other"
    folder.mkdir()
    db = _township(folder, "610526100", "东坡镇", 4, county=("610526", "蒲城县"))
    return export_quarter(db, Q, folder / "东坡镇.zip", now=NOW).path, "不属于本县"


BAD = {
    "truncated": _bad_truncated,
    "flipped zip header": _bad_flip("header"),
    "flipped manifest": _bad_flip(MANIFEST),
    "flipped data": _bad_flip("data/attendance.jsonl"),
    "flipped signature": _bad_flip(SIGNATURE),
    "newer format version": _bad_newer_version,
    "signed by another key": _bad_other_key,
    "entry with ../": _bad_dot_dot,
    "malformed rows, well signed": _bad_malformed_rows,
    "zip bomb": _bad_bomb,
    "same file twice": _bad_same_twice,
    "older after newer": _bad_older_after_newer,
    "township not in this county": _bad_other_county,
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exit_1_message_and_county_unchanged(world, tmp_path, capsys, case):
    county = _county_copy(world, tmp_path)
    path, expected = BAD[case](world, tmp_path)
    if case == "older after newer":  # a county that has the newer file only
        county = tmp_path / "newer-first.sqlite"
        db = open_database(county, create=True)
        initialise(db, county_code=COUNTY[0], county_name=COUNTY[1])
        assert all(r.imported for r in import_files(db, [world["newer"]]))
        db.conn.close()
        path = world["files"]["612701101"]
    before = content_digest(county)
    capsys.readouterr()
    assert cli(county, "import", str(path)) == 1
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert expected in text, text
    assert "已拒绝" in captured.out and "Traceback" not in text
    assert content_digest(county) == before


def test_one_bad_file_and_the_command_imports_none(world, tmp_path, capsys):
    """The command line is all or nothing (exit 1: nothing changed); the window imports
    the good files and refuses the bad one."""
    county = _county_copy(world, tmp_path)
    bad, _ = _bad_truncated(world, tmp_path)
    before = content_digest(county)
    assert cli(county, "import", str(bad), str(world["newer"])) == 1
    out = capsys.readouterr().out
    assert "文件 2 个：导入 0 个，拒绝 2 个" in out and "本批文件均未导入" in out
    assert content_digest(county) == before
    db = open_database(county)
    receipts = import_files(db, [bad, world["newer"]])
    assert [r.imported for r in receipts] == [False, True]
    assert db.execute("SELECT count(*) FROM county_files").fetchone()[0] == 3


def test_receipt_files(world, tmp_path):
    county = _county_copy(world, tmp_path)
    txt, js = tmp_path / "回执.txt", tmp_path / "回执.json"
    assert cli(county, "import", str(world["newer"]), "--receipt", str(txt)) == 0
    assert "青石镇" in txt.read_text(encoding="utf-8")
    assert cli(county, "import", str(world["newer"]), "--receipt", str(js)) == 1
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["refused"] == 1 and "导入过" in data["receipts"][0]["message"]
    assert cli(county, "import", str(world["newer"]), "--receipt", str(tmp_path / "x.doc")) == 2


def test_every_exported_table_is_merged(world, tmp_path):
    db = open_database(_county_copy(world, tmp_path))
    tables = {t for (t,) in db.execute("SELECT DISTINCT table_name FROM county_rows").fetchall()}
    own = open_database(world["folder"] / "612701102.sqlite")
    assert tables == {t for t in TABLES if own[t].count}


def test_county_quarterly_pdf_lists_each_township(world, tmp_path):
    import subprocess

    county = _county_copy(world, tmp_path)
    pdf, js = tmp_path / "县季度小结.pdf", tmp_path / "q.json"
    assert cli(county, "report", "quarterly", "--quarter", str(Q), "-o", str(pdf)) == 0
    assert cli(county, "report", "quarterly", "--quarter", str(Q), "-o", str(js)) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "全县" in text and "分乡镇情况" in text
    for t in data["by_township"]:
        assert t["name"] in text
        assert f"{Decimal(t['subsidy_total']):,.2f}" in text
    assert f"{Decimal(data['subsidy_total']):,.2f}" in text


def test_county_demo_imports_demo_townships(tmp_path):
    from app.__main__ import make_county_demo

    db = make_county_demo(tmp_path / "demo-county.sqlite", townships=2)
    files = db.execute("SELECT township_name, rows_refused FROM county_files").fetchall()
    assert sorted(files) == [("柳河镇", 0), ("青石镇", 0)]
    assert db.execute("SELECT count(*) FROM county_keys").fetchone()[0] == 2


def test_county_demo_is_refused_where_files_were_imported(world, tmp_path, capsys):
    county = _county_copy(world, tmp_path)
    before = content_digest(county)
    assert cli(county, "demo", "--scale", "county") == 1
    assert "已有导入的乡镇上报文件" in capsys.readouterr().err
    assert content_digest(county) == before
