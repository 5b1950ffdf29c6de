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
import queue
import re
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

from app import __version__
from app.db import store
from app.db.compliance import cadre_compliance
from app.db.schema import SCHEMA_VERSION
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

COMPRESS_LEVEL = 1  # deflate: 20 % larger than level 6, three times faster

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


# columns holding codes, keys, dates or fixed choices: never free text
_STRUCTURAL = frozenset(
    {
        "uuid", "modified_at", "code", "township_code", "village_code", "hh_no", "cadre_no",
        "owner_cadre_no", "day", "start_date", "end_date", "due_date", "done_on",
        "effective_from", "month", "corrects_month", "created_at", "approved_at",
        "assessed_on", "birth_date", "retired_on", "cancelled_on", "key", "value", "kind",
        "role", "method", "result", "status", "category", "grade", "register_grade",
        "approver_level", "source", "sex", "eval_grade", "aspect", "indicator", "replaced",
    }
)  # fmt: skip
_ELEVEN_DIGITS = "*" + "[0-9]" * 11 + "*"
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_ID_CARD = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_personal(text: object) -> object:
    """Free text as it goes to the county: mobile numbers 138****5678, ID-card numbers
    610526********1234 (a clerk may have typed a villager's number into a note)."""
    if not isinstance(text, str):
        return text
    text = _ID_CARD.sub(lambda m: m.group()[:6] + "*" * 8 + m.group()[-4:], text)
    return _MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], text)


def free_text_columns(db: Database, table: str) -> frozenset[str]:
    """The table's text columns that people write in (notes, minutes, diaries ...)."""
    return frozenset(
        c.name for c in db[table].columns if c.type.upper() == "TEXT" and c.name not in _STRUCTURAL
    )


def _storage_order(db: Database, table: str) -> str:
    """ORDER BY the table's storage key: rowid, or a WITHOUT ROWID table's primary key."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    if "WITHOUT ROWID" not in sql.upper():
        return "rowid"
    pk = sorted((r[5], r[1]) for r in db.execute(f'PRAGMA table_info("{table}")') if r[5])
    return ", ".join(f'"{name}"' for _, name in pk)


def _jsonl(db: Database, table: str) -> tuple[bytes, int]:
    cols = exported_columns(db, table)
    if table in NATURAL_KEYS:
        order = ", ".join(NATURAL_KEYS[table])
    elif "uuid" not in cols or "modified_at" not in cols:
        raise DomainError(f"数据表 {table} 缺少 uuid 或 modified_at，无法导出")
    else:
        order = _storage_order(db, table)  # a plain scan, no sorting
    # SQLite writes each row as compact JSON, keys sorted (as json.dumps(sort_keys=True));
    # free text with a long run of digits goes through mask_personal (phones, ID cards)
    db.conn.create_function("mask_personal", 1, mask_personal, deterministic=True)
    free = free_text_columns(db, table)

    def value(c: str) -> str:
        if c not in free:
            return f'"{c}"'
        return (
            f"""CASE WHEN "{c}" GLOB '{_ELEVEN_DIGITS}' THEN mask_personal("{c}") ELSE "{c}" END"""
        )

    pairs = ", ".join(f"'{c}', {value(c)}" for c in sorted(cols))
    lines = [
        r[0]
        for r in db.execute(
            f'SELECT json_object({pairs}) FROM "{table}" ORDER BY {order}'
        ).fetchall()
    ]
    body = "\n".join(lines) + ("\n" if lines else "")
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
    status = {"approved": "已审批", "draft": "草稿"}
    rows = [  # the quarterly report has computed the three sheets already
        [month, status.get(m["status"], m["status"]), Decimal(m["total"])]
        for month, m in data["subsidy_by_month"].items()
    ]
    rows.append(["合计", "", Decimal(data["subsidy_total"])])
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
    db: Database,
    quarter: Quarter,
    emit: Callable[[str, bytes], None],
    *,
    now: datetime | None = None,
) -> dict[str, int]:
    """Every part of the county file, handed to ``emit`` one by one; the row counts.

    The data and the summary come first, then the manifest (with their hashes) and the
    signature over the manifest's exact bytes.
    """
    ident = store.require_identity(db)
    if ident.kind != "township":
        raise DomainError("这是县级汇总数据库：上报文件只能由乡镇数据库导出。")
    now = now or datetime.now().astimezone()
    key = ensure_key(db)
    hashes: dict[str, str] = {}
    counts: dict[str, int] = {}

    def part(name: str, data: bytes) -> None:
        hashes[name] = hashlib.sha256(data).hexdigest()
        emit(name, data)

    for table in TABLES:
        body, n = _jsonl(db, table)
        part(f"{DATA_PREFIX}{table}.jsonl", body)
        counts[table] = n
    part(SUMMARY, _summary_workbook(db, quarter)[0])
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
        "sha256": hashes,
        "public_key": base64.b64encode(public_bytes(key)).decode("ascii"),
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    emit(MANIFEST, manifest_bytes)
    emit(SIGNATURE, key.sign(manifest_bytes))
    return counts


class ZipWriter:
    """Writes entries into a temporary zip beside ``out`` on a background thread, so
    compressing one part overlaps reading the next (zlib and SQLite let go of the GIL);
    ``finish`` flushes it to disk and renames it into place, ``abandon`` removes it."""

    def __init__(self, out: Path, now: datetime | None = None) -> None:
        self.out = Path(out)
        if not self.out.parent.exists():
            raise DomainError(f"输出文件夹不存在：{self.out.parent}")
        self.now = now or datetime.now()
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=self.out.parent)
        self.tmp = Path(name)
        self.file = os.fdopen(fd, "wb")
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED)
        self.queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="zip-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.zip.writestr(
                        _entry(item[0], self.now), item[1], compresslevel=COMPRESS_LEVEL
                    )
                except BaseException as e:  # noqa: BLE001 — raised again by finish()
                    self.error = e

    def add(self, name: str, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((name, data))

    def _stop(self) -> None:
        self.queue.put(None)
        self.thread.join()

    def finish(self) -> Path:
        self._stop()
        try:
            if self.error is not None:
                raise self.error
            self.zip.close()
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.tmp, self.out)
        except BaseException:
            self.abandon()
            raise
        _fsync_dir(self.out.parent)
        return self.out

    def abandon(self) -> None:
        if self.thread.is_alive():
            self._stop()
        for closing in (self.zip.close, self.file.close):
            try:
                closing()
            except (OSError, ValueError):
                pass
        self.tmp.unlink(missing_ok=True)


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


def integrity_check_started(db: Database) -> Callable[[], list[str]]:
    """Start SQLite's full integrity check of ``db``'s file on a thread of its own (its own
    read-only connection); the returned function waits for the problems found."""
    from app.db.backup import integrity_problems

    files = [r[2] for r in db.execute("PRAGMA database_list").fetchall() if r[1] == "main"]
    if not files or not files[0]:  # in memory: check here
        problems = integrity_problems(db.conn)
        return lambda: problems
    result: list[list[str]] = []

    def run() -> None:
        try:
            conn = sqlite3.connect(f"{Path(files[0]).resolve().as_uri()}?mode=ro", uri=True)
            try:
                result.append(integrity_problems(conn))
            finally:
                conn.close()
        except sqlite3.DatabaseError as e:
            result.append([str(e)])

    thread = threading.Thread(target=run, name="integrity-check", daemon=True)
    thread.start()

    def wait() -> list[str]:
        thread.join()
        return result[0] if result else ["完整性检查未能完成"]

    return wait


def export_quarter(
    db: Database, quarter: Quarter, out: Path, *, now: datetime | None = None
) -> ExportResult:
    """Write the county file of ``quarter`` to ``out``, read it back and verify it."""
    out = Path(out)
    if store.require_identity(db).kind != "township":
        raise DomainError("这是县级汇总数据库：上报文件只能由乡镇数据库导出。")
    checked = integrity_check_started(db)  # the full check runs while the file is written
    writer = ZipWriter(out, now)
    manifest: list[bytes] = []

    def emit(name: str, data: bytes) -> None:
        if name == MANIFEST:
            manifest.append(data)
        writer.add(name, data)

    try:
        counts = build_parts(db, quarter, emit, now=now)
        problems = checked()
        if problems:
            raise DomainError(
                "数据库完整性检查未通过，已停止导出（"
                + "；".join(problems[:3])
                + "）。请先用 check 命令或“备份与恢复”处理。"
            )
    except BaseException:
        writer.abandon()
        raise
    writer.finish()
    try:
        verify_file(out, rows=False, lines=False)  # read back: every hash, the signature
    except DomainError as e:
        out.unlink(missing_ok=True)
        raise DomainError(f"上报文件写出后校验失败，已删除：{e}") from None
    with db.atomic():  # the quarter is now the county's too: its records change with a reason
        db["exported_quarters"].insert(
            {
                "quarter": str(quarter),
                "exported_at": (now or datetime.now().astimezone()).isoformat(timespec="seconds"),
                "file_name": out.name,
                "manifest_sha256": hashlib.sha256(manifest[0]).hexdigest(),
            },
            replace=True,
        )
    return ExportResult(path=out, counts=counts)
