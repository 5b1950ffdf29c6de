"""The county file: export of the demo township, read back, and every kind of tampering."""

import json
import shutil
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.connection import open_database
from app.db.store import initialise, meta
from app.demo_setup import make_demo
from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange import MANIFEST, SIGNATURE, SUMMARY
from app.exchange.export import NATURAL_KEYS, TABLES, export_quarter
from app.exchange.keys import ensure_key, public_key_b64
from app.exchange.verify import verify_file
from app.reports.quarterly import quarterly_report

Q = Quarter(2026, 3)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    db = open_database(folder / "t.sqlite", create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    make_demo(db, scale="township", seed=1, today=date(2026, 11, 28))
    out = folder / "东坡镇-2026Q3.zip"
    result = export_quarter(db, Q, out, now=NOW)
    return db, result, folder


def test_export_verifies_and_counts_match_tables(demo):
    db, result, _ = demo
    assert result.path.exists()
    v = verify_file(result.path)
    m = v.manifest
    assert m["format"] == "township-office-county-file" and m["format_version"] == 1
    assert (m["township_code"], m["county_code"], m["period"]) == ("610526100", "610526", "2026Q3")
    assert m["created_at"] == "2026-11-28T10:00:00+00:00"
    assert m["public_key"] == public_key_b64(db)
    for table in TABLES:
        assert m["counts"][table] == db[table].count == len(v.tables[table]), table
    assert m["counts"]["households"] > 0 and m["counts"]["attendance"] > 0
    for table, rows in v.tables.items():
        if table in NATURAL_KEYS:  # the township's rules: known by their natural key
            assert all(all(r[c] for c in NATURAL_KEYS[table]) for r in rows)
            continue
        assert all(r["uuid"] and r["modified_at"] for r in rows), table
    with zipfile.ZipFile(result.path) as zf:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())
        assert set(m["sha256"]) | {MANIFEST, SIGNATURE} == set(zf.namelist())


def test_no_phones_and_no_id_cards(demo):
    db, result, _ = demo
    v = verify_file(result.path)
    assert db.execute("SELECT count(*) FROM households WHERE phone <> ''").fetchone()[0] > 0
    assert all("phone" not in r for r in v.tables["households"])
    assert all("phone" not in r for r in v.tables["cadres"])
    for rows in v.tables.values():
        for r in rows[:5]:
            assert not any("id_card" in k or "身份证" in k for k in r)
    phones = {r["phone"] for r in db.query("SELECT phone FROM households WHERE phone <> ''")}
    with zipfile.ZipFile(result.path) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("data/")).decode()
    assert not any(p in text for p in list(phones)[:50])


def test_summary_workbook_sheets_and_total(demo):
    db, result, folder = demo
    with zipfile.ZipFile(result.path) as zf:
        (folder / "summary.xlsx").write_bytes(zf.read(SUMMARY))
    wb = load_workbook(folder / "summary.xlsx")
    assert wb.sheetnames == ["概况", "村庄", "干部", "补助"]
    data, _ = quarterly_report(db, Q)
    last = list(wb["补助"].iter_rows(values_only=True))[-1]
    assert last[0] == "合计"
    assert Decimal(str(last[2])).quantize(Decimal("0.01")) == Decimal(data["subsidy_total"])
    assert wb["村庄"].max_row - 1 == db["villages"].count
    months = [r[0] for r in wb["补助"].iter_rows(min_row=2, values_only=True)][:3]
    assert months == ["2026-07", "2026-08", "2026-09"]


def test_same_key_on_second_export(demo):
    db, result, folder = demo
    before = meta(db)["public_key"]
    again = export_quarter(db, Q, folder / "again.zip")
    assert verify_file(again.path).manifest["public_key"] == before == public_key_b64(db)
    assert ensure_key(db).public_key() is not None
    assert meta(db)["public_key"] == before


def test_county_database_is_refused(tmp_path):
    db = open_database(tmp_path / "c.sqlite", create=True)
    initialise(db, county_code="610526", county_name="蒲城县")
    with pytest.raises(DomainError, match="县级"):
        export_quarter(db, Q, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


# ---- tampering ------------------------------------------------------------------------


def _copy(demo, tmp_path) -> Path:
    target = tmp_path / "copy.zip"
    shutil.copy(demo[1].path, target)
    return target


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _data_offset(path: Path, name: str) -> tuple[int, int]:
    """Where ``name``'s compressed bytes start in the file, and how many there are."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    h = info.header_offset
    n = int.from_bytes(raw[h + 26 : h + 28], "little")
    e = int.from_bytes(raw[h + 28 : h + 30], "little")
    return h + 30 + n + e, info.compress_size


def _rebuild(src: Path, dst: Path, extra: dict[str, bytes] | None = None, replace=None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename]
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def test_truncated_file(demo, tmp_path):
    p = _copy(demo, tmp_path)
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with pytest.raises(DomainError, match="不是上报文件") as e:
        verify_file(p)
    assert "copy.zip" in str(e.value)


def test_not_a_zip(tmp_path):
    p = tmp_path / "x.zip"
    p.write_text("hello", encoding="utf-8")
    with pytest.raises(DomainError, match="不是上报文件"):
        verify_file(p)


@pytest.mark.parametrize("name", [MANIFEST, "data/attendance.jsonl", SIGNATURE])
def test_flipped_byte_in_a_part(demo, tmp_path, name):
    p = _copy(demo, tmp_path)
    start, size = _data_offset(p, name)
    _flip(p, start + size // 2)
    with pytest.raises(DomainError) as e:
        verify_file(p)
    msg = str(e.value)
    assert "copy.zip" in msg and name in msg
    assert any(w in msg for w in ("损坏", "改动", "不符", "无法"))


def test_changed_data_with_a_good_zip_is_caught_by_the_hash(demo, tmp_path):
    p = tmp_path / "edited.zip"
    with zipfile.ZipFile(demo[1].path) as zf:
        body = zf.read("data/villages.jsonl").replace("一类".encode(), "二类".encode(), 1)
    _rebuild(demo[1].path, p, replace={"data/villages.jsonl": body})
    with pytest.raises(DomainError, match="校验值不符") as e:
        verify_file(p)
    assert "data/villages.jsonl" in str(e.value)


def test_edited_manifest_with_a_good_zip_is_caught_by_the_signature(demo, tmp_path):
    p = tmp_path / "edited.zip"
    with zipfile.ZipFile(demo[1].path) as zf:
        body = zf.read(MANIFEST).replace(b"2026Q3", b"2026Q4")
    _rebuild(demo[1].path, p, replace={MANIFEST: body})
    with pytest.raises(DomainError, match="签名不符"):
        verify_file(p)


def test_flipped_zip_header(demo, tmp_path):
    p = _copy(demo, tmp_path)
    with zipfile.ZipFile(p) as zf:
        first = zf.infolist()[0].filename
    _flip(p, 0)  # the first local file header's signature
    with pytest.raises(DomainError, match="损坏") as e:
        verify_file(p)
    assert first in str(e.value)


def test_flipped_central_directory(demo, tmp_path):
    p = _copy(demo, tmp_path)
    _flip(p, p.stat().st_size - 22)  # the end-of-central-directory signature
    with pytest.raises(DomainError, match="不是上报文件"):
        verify_file(p)


def test_entry_with_dot_dot(demo, tmp_path):
    p = tmp_path / "evil.zip"
    _rebuild(demo[1].path, p, extra={"../evil": b"x"})
    with pytest.raises(DomainError, match="不安全的条目名") as e:
        verify_file(p)
    assert "../evil" in str(e.value)


@pytest.mark.parametrize("name", ["/etc/passwd", "data\\x.jsonl", "C:/x"])
def test_other_unsafe_names(demo, tmp_path, name):
    p = tmp_path / "evil.zip"
    _rebuild(demo[1].path, p, extra={name: b"x"})
    with pytest.raises(DomainError, match="不安全"):
        verify_file(p)


def test_symlink_entry(demo, tmp_path):
    p = tmp_path / "link.zip"
    _rebuild(demo[1].path, p)
    with zipfile.ZipFile(p, "a") as zf:
        info = zipfile.ZipInfo("data/link")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DomainError, match="链接"):
        verify_file(p)


def test_zip_bomb(demo, tmp_path):
    p = tmp_path / "bomb.zip"
    _rebuild(demo[1].path, p, extra={"data/zeros.jsonl": bytes(100 * 1024 * 1024)})
    with pytest.raises(DomainError, match="疑似压缩炸弹") as e:
        verify_file(p)
    assert "data/zeros.jsonl" in str(e.value)


def test_total_size_bound(demo, tmp_path):
    with pytest.raises(DomainError, match="疑似压缩炸弹"):
        verify_file(demo[1].path, max_total=1000)


def test_unlisted_part_is_refused(demo, tmp_path):
    p = tmp_path / "extra.zip"
    _rebuild(demo[1].path, p, extra={"data/more.jsonl": b"{}\n"})
    with pytest.raises(DomainError, match="清单之外"):
        verify_file(p)


def test_newer_format_version(demo, tmp_path):
    db = demo[0]
    p = tmp_path / "newer.zip"
    with zipfile.ZipFile(demo[1].path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    manifest["format_version"] = 2
    body = json.dumps(manifest, ensure_ascii=False).encode()
    _rebuild(demo[1].path, p, replace={MANIFEST: body, SIGNATURE: ensure_key(db).sign(body)})
    with pytest.raises(DomainError, match="由更新版本的程序生成，请升级"):
        verify_file(p)


def test_signed_by_another_key(demo, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    p = tmp_path / "other.zip"
    with zipfile.ZipFile(demo[1].path) as zf:
        body = zf.read(MANIFEST)
    _rebuild(demo[1].path, p, replace={SIGNATURE: Ed25519PrivateKey.generate().sign(body)})
    with pytest.raises(DomainError, match="签名不符"):
        verify_file(p)


def test_failed_read_back_removes_the_file(demo, tmp_path, monkeypatch):
    import app.exchange.export as export

    def broken(path, **kw):
        raise DomainError("坏了")

    monkeypatch.setattr(export, "verify_file", broken)
    out = tmp_path / "x.zip"
    with pytest.raises(DomainError, match="校验失败"):
        export.export_quarter(demo[0], Q, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
