"""Writing the county file for one quarter (township databases only).

The zip holds ``manifest.json`` (format, codes, period, counts, SHA-256 of every other
part, the public key), ``data/<table>.jsonl`` (every row with its uuid and modified_at,
personal data left out), ``summary.xlsx`` (for people) and ``signature.sig`` (Ed25519
over the exact bytes of the manifest). It is written to a temporary file in the target
folder, flushed to disk, renamed, then read back and verified.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

from app import __version__
from app.db import store
from app.db.compliance import cadre_compliance
from app.db.schema import SCHEMA_VERSION
from app.db.subsidy import sheet_for_month
from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange import (
    DATA_PREFIX,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURE,
    SUMMARY,
)
from app.exchange.keys import ensure_key, public_bytes
from app.exchange.verify import verify_file
from app.reports.quarterly import grades_as_of, quarterly_report

# the tables the county needs, in an order that respects references
TABLES = (
    "townships",
    "villages",
    "village_years",
    "cadres",
    "assignments",
    "attendance",
    "leaves",
    "checks",
    "diaries",
    "meetings",
    "meeting_attendees",
    "meeting_reports",
    "decisions",
    "action_items",
    "practical_matters",
    "subsidy_rates",
    "subsidy_months",
    "subsidy_lines",
    "subsidy_adjustments",
    "templates",
    "template_indicators",
    "template_bands",
    "assessment_years",
    "village_assessments",
    "village_scores",
    "cadre_assessments",
    "households",
    "rule_settings",
)
# tables without a uuid: their rows are known by these columns (per township)
NATURAL_KEYS: dict[str, tuple[str, ...]] = {"rule_settings": ("key", "effective_from")}
# personal data never leaves the township: villagers' phones; cadres' phones to be safe
OMITTED: dict[str, frozenset[str]] = {
    "households": frozenset({"phone"}),
    "cadres": frozenset({"phone"}),
}
# any column looking like an ID-card number or a phone is left out wherever it appears
_PERSONAL = re.compile(r"(id_?card|idno|身份证|sfz|phone|mobile|tel|电话|手机)", re.IGNORECASE)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    counts: dict[str, int]


def exported_columns(db: Database, table: str) -> list[str]:
    """The columns of ``table`` that go to the county (personal data left out)."""
    return [
        c.name
        for c in db[table].columns
        if c.name not in OMITTED.get(table, frozenset()) and not _PERSONAL.search(c.name)
    ]


def _jsonl(db: Database, table: str) -> tuple[bytes, int]:
    cols = exported_columns(db, table)
    if table in NATURAL_KEYS:
        order = ", ".join(NATURAL_KEYS[table])
    elif "uuid" not in cols or "modified_at" not in cols:
        raise DomainError(f"数据表 {table} 缺少 uuid 或 modified_at，无法导出")
    else:
        order = "uuid"
    select = ", ".join(f'"{c}"' for c in cols)
    lines = []
    for row in db.query(f'SELECT {select} FROM "{table}" ORDER BY {order}'):
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    body = "".join(line + "\n" for line in lines)
    return body.encode("utf-8"), len(lines)


def _summary_workbook(db: Database, quarter: Quarter) -> tuple[bytes, dict]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data, table = quarterly_report(db, quarter)
    wb = Workbook()

    def sheet(title: str, header: tuple[str, ...], rows: list, first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([None] * len(row))
            for cell, value in zip(ws[ws.max_row], row, strict=True):
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, never a formula
                elif isinstance(value, Decimal):
                    cell.number_format = "0.00"
        for col, width in zip("ABCDE", (22, 24, 14, 14, 14), strict=False):
            ws.column_dimensions[col].width = width
        return ws

    sheet("概况", ("项目", "数值"), [list(r) for r in table.rows], first=True)
    grades = grades_as_of(db, quarter.year)
    sheet(
        "村庄",
        ("村代码", "村名", "党组织类别"),
        [
            [r["code"], r["name"], grades.get(r["code"]) or ""]
            for r in db.query("SELECT code, name FROM villages ORDER BY code")
        ],
    )
    comp = cadre_compliance(db, quarter.first_day, quarter.last_day)
    cadre_rows = []
    for r in db.query("SELECT cadre_no, name FROM cadres ORDER BY cadre_no"):
        c = comp.get(r["cadre_no"])
        if c is None:
            continue
        s = c.summary
        cadre_rows.append(
            [r["cadre_no"], r["name"], c.role or "", f"{s.met}/{s.judged}" if s.judged else "—"]
        )
    sheet("干部", ("干部编号", "姓名", "岗位", "达标/考核周期"), cadre_rows)
    sheets = [sheet_for_month(db, m) for m in quarter.months()]
    status = {"approved": "已审批", "draft": "草稿"}
    rows = [
        [str(s.month), status.get(s.status, s.status), Decimal(s.total_fen) / 100] for s in sheets
    ]
    rows.append(["合计", "", Decimal(sum(s.total_fen for s in sheets)) / 100])
    sheet("补助", ("月份", "状态", "合计（元）"), rows)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), data


def _entry(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16  # a regular file
    return info


def build_parts(
    db: Database, quarter: Quarter, *, now: datetime | None = None
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every part of the county file, manifest and signature included, by entry name."""
    ident = store.require_identity(db)
    if ident.kind != "township":
        raise DomainError("这是县级汇总数据库：上报文件只能由乡镇数据库导出。")
    now = now or datetime.now().astimezone()
    key = ensure_key(db)
    parts: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for table in TABLES:
        body, n = _jsonl(db, table)
        parts[f"{DATA_PREFIX}{table}.jsonl"] = body
        counts[table] = n
    parts[SUMMARY], _ = _summary_workbook(db, quarter)
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "township_code": ident.township_code,
        "township_name": ident.township_name,
        "county_code": ident.county_code,
        "county_name": ident.county_name,
        "period": str(quarter),
        "created_at": now.isoformat(timespec="seconds"),
        "program_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "counts": counts,
        "omitted_columns": {t: sorted(c) for t, c in OMITTED.items()},
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()},
        "public_key": base64.b64encode(public_bytes(key)).decode("ascii"),
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    parts = {MANIFEST: manifest_bytes, **parts, SIGNATURE: key.sign(manifest_bytes)}
    return parts, counts


def write_zip(parts: dict[str, bytes], out: Path, *, now: datetime | None = None) -> Path:
    """Write ``parts`` as a zip through a temporary file in ``out``'s folder, fsync, rename."""
    out = Path(out)
    if not out.parent.exists():
        raise DomainError(f"输出文件夹不存在：{out.parent}")
    now = now or datetime.now()
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, data in parts.items():
                    zf.writestr(_entry(name, now), data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(out.parent)
    return out


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def export_quarter(
    db: Database, quarter: Quarter, out: Path, *, now: datetime | None = None
) -> ExportResult:
    """Write the county file of ``quarter`` to ``out``, read it back and verify it."""
    out = Path(out)
    parts, counts = build_parts(db, quarter, now=now)
    write_zip(parts, out, now=now)
    try:
        verify_file(out)
    except DomainError as e:
        out.unlink(missing_ok=True)
        raise DomainError(f"上报文件写出后校验失败，已删除：{e}") from None
    return ExportResult(path=out, counts=counts)
