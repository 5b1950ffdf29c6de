"""Importing township county files into a county database (``import FILE...``).

Each file is verified completely (``verify_file``) before the database is touched, then
checked against the county: the township belongs to this county, the file is signed by
the key registered for the township (the first file registers it; another key is refused
until a person accepts it with ``accept_key``), and it is newer than every file already
imported from that township (the same file again changes nothing and is reported). Then
its rows are merged in one transaction by their stable id: new rows are added, changed
rows replaced, rows the township no longer has removed; a row that belongs to another
township is refused and named in the receipt. Last, the township's figures for the
file's quarter are computed from the merged rows (``county.township_figures``).

Each file is its own transaction: a refused file leaves the database as it was and the
others still come in. The receipt (``Receipt``) says what came in and what was refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlite_utils import Database

from app.db import store
from app.db.records import TABLE_LABELS
from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange import MANIFEST, SUMMARY
from app.exchange.county import (
    FIGURE_TABLES,
    figures_from_lines,
    file_day,
    forget_figures,
    latest_file,
    store_figures,
    township_lines,
)
from app.exchange.export import NATURAL_KEYS, TABLES
from app.exchange.verify import Verified, verify_file

ACTIONS = ("new", "updated", "unchanged", "deleted")
ACTION_LABELS = {"new": "新增", "updated": "更新", "unchanged": "不变", "deleted": "删除"}
MAX_REFUSED_LISTED = 50  # rows named one by one in a receipt; the rest are counted


@dataclass
class TableCount:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    refused: int = 0


@dataclass
class Receipt:
    """What one file did to the county database (or why it was refused)."""

    file: str
    imported: bool = False
    message: str = ""  # why the whole file was refused
    township_code: str = ""
    township_name: str = ""
    period: str = ""
    created_at: str = ""
    imported_at: str = ""
    key_registered: str = ""  # "" | "首次导入" | "人工确认更换"
    offered_key: str = ""  # refused: the file's key differs from the one registered
    replaced_file: str = ""  # the file whose rows this one replaced
    tables: dict[str, TableCount] = field(default_factory=dict)
    refused_rows: list[tuple[str, str, str]] = field(default_factory=list)  # table, key, why

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.tables.values())

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "imported": self.imported,
            "message": self.message,
            "township_code": self.township_code,
            "township_name": self.township_name,
            "period": self.period,
            "created_at": self.created_at,
            "imported_at": self.imported_at,
            "key_registered": self.key_registered,
            "offered_key": self.offered_key,
            "replaced_file": self.replaced_file,
            "rows": {what: self.total(what) for what in (*ACTIONS, "refused")},
            "tables": {t: vars(c) for t, c in self.tables.items()},
            "refused_rows": [list(r) for r in self.refused_rows],
        }

    def text(self) -> str:
        lines = [f"文件：{self.file}"]
        if self.township_code:
            lines.append(f"乡镇：{self.township_name}（{self.township_code}）")
        if self.period:
            lines.append(f"季度：{self.period}　生成时间：{shown_time(self.created_at)}")
        if not self.imported:
            lines.append(f"结果：已拒绝，数据库未改动。原因：{self.message}")
            return "\n".join(lines)
        lines.append(f"结果：已导入（{shown_time(self.imported_at)}）")
        if self.key_registered == "首次导入":
            lines.append("签名公钥：首次导入，已登记该乡镇的公钥")
        elif self.key_registered:
            lines.append("签名公钥：经人工确认，已更换为新的公钥")
        if self.replaced_file:
            lines.append(f"取代此前导入的文件：{self.replaced_file}")
        lines.append(
            "行数："
            + "，".join(f"{ACTION_LABELS[a]} {self.total(a)}" for a in ACTIONS)
            + f"，拒绝 {self.total('refused')}"
        )
        for table, c in self.tables.items():
            if c.new or c.updated or c.deleted or c.refused:
                lines.append(
                    f"  {TABLE_NAMES.get(table, table)}：新增 {c.new}，更新 {c.updated}，"
                    f"不变 {c.unchanged}，删除 {c.deleted}"
                    + (f"，拒绝 {c.refused}" if c.refused else "")
                )
        if self.refused_rows:
            lines.append("拒绝的行：")
            for table, key, why in self.refused_rows[:MAX_REFUSED_LISTED]:
                lines.append(f"  {TABLE_NAMES.get(table, table)} {key}：{why}")
            more = len(self.refused_rows) - MAX_REFUSED_LISTED
            if more > 0:
                lines.append(f"  另有 {more} 行，从略")
        return "\n".join(lines)


TABLE_NAMES = TABLE_LABELS  # the one map of the tables' Chinese names


def shown_time(text: str) -> str:
    """An ISO time as people read it: 2026-11-28 10:00 (local time of the writer)."""
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(text)


class _Refused(DomainError):
    pass


def county_identity(db: Database) -> store.Identity:
    ident = store.require_identity(db)
    if ident.kind != "county":
        raise DomainError(
            "这是乡镇数据库：只有县级汇总数据库（init --county-code）才能导入上报文件。"
        )
    return ident


def import_files(
    db: Database,
    paths: Iterable[Path],
    *,
    accept_key: bool = False,
    all_or_nothing: bool = False,
    now: Callable[[], datetime] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Receipt]:
    """Import every file of ``paths``; one receipt each.

    Each file is merged in a transaction of its own (a refused one leaves the database as
    it was); with ``all_or_nothing`` (the command line) one refused file means none is
    imported. Files of one township are taken oldest first, whatever order they were
    given in. ``accept_key`` registers a changed key (a person has confirmed it).
    """
    ident = county_identity(db)
    now = now or (lambda: datetime.now().astimezone())
    paths = [Path(p) for p in paths]
    # first the manifests, to take each township's files oldest first; each file is then
    # verified completely just before it is merged (one file's data in memory at a time)
    checked: list[tuple[Path, Receipt, dict]] = []
    for path in paths:
        receipt = Receipt(file=path.name)
        m = peek_manifest(path)
        _describe(receipt, m)
        checked.append((path, receipt, m))
    order = sorted(
        range(len(checked)),
        key=lambda i: (checked[i][1].township_code, _utc(checked[i][1].created_at), i),
    )
    # a checkpoint after each file would copy its pages twice: one at the end instead
    auto = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            if all_or_nothing:
                try:
                    with db.atomic():
                        _import_in_order(db, ident, checked, order, accept_key, now, progress, pool)
                        if any(not c[1].imported for c in checked):
                            raise _BatchRefused
                except _BatchRefused:
                    for _, r, _ in checked:
                        if r.imported:
                            r.imported = False
                            r.message = (
                                "本次有文件被拒绝，为保持一致，本批文件均未导入（数据库未改动）"
                            )
                            r.tables, r.refused_rows = {}, []
            else:
                _import_in_order(db, ident, checked, order, accept_key, now, progress, pool)
    finally:
        db.execute("DROP TABLE IF EXISTS temp.staging")
        db.execute(f"PRAGMA wal_autocheckpoint = {int(auto)}")
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError:  # busy: the next automatic one will do it
            pass
    if progress:
        progress(len(order), len(order), "")
    return [c[1] for c in checked]


class _BatchRefused(Exception):
    pass


def _describe(receipt: Receipt, m: dict) -> None:
    def text(key: str, limit: int = 40) -> str:
        value = m.get(key)
        return value[:limit] if isinstance(value, str) else ""

    receipt.township_code = text("township_code")
    receipt.township_name = text("township_name")
    receipt.period = text("period")
    receipt.created_at = text("created_at")


def _utc(text: str) -> str:
    """An ISO time as a UTC instant, sortable as text ("" when unreadable)."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return ""
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def _import_in_order(db, ident, checked, order, accept_key, now, progress, pool) -> None:
    for done, i in enumerate(order):
        path, receipt, peeked = checked[i]
        if progress:
            progress(done, len(order), path.name)
        try:
            verified = verify_file(path, rows=False)
            if verified.manifest != peeked:
                raise _Refused(f"上报文件「{path.name}」在导入过程中被改动，已拒绝")
            _describe(receipt, verified.manifest)
            with db.atomic():
                _import_one(db, ident, path, verified, receipt, accept_key, now(), pool)
            receipt.imported = True
        except (DomainError, sqlite3.Error, ValueError, TypeError, OverflowError) as e:
            message = str(e) if isinstance(e, DomainError) else f"无法读取或合并（{e}）"
            receipt.message, receipt.imported = message[:500], False
            receipt.tables, receipt.refused_rows = {}, []
        finally:
            db.execute("DROP TABLE IF EXISTS temp.staging")


def peek_manifest(path: Path) -> dict:
    """The manifest as written, unchecked ({} when unreadable): for ordering only."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(MANIFEST)
            if info.file_size > 1 << 20:
                return {}
            data = json.loads(zf.read(info).decode("utf-8"))
    except Exception:  # noqa: BLE001 — unreadable: the full verification says why
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_sha(verified: Verified) -> str:
    return hashlib.sha256(verified.manifest_bytes).hexdigest()


def _import_one(
    db: Database,
    ident: store.Identity,
    path: Path,
    verified: Verified,
    receipt: Receipt,
    accept_key: bool,
    now: datetime,
    pool: ThreadPoolExecutor,
) -> None:
    """Merge one verified file and compute its quarter's figures (inside the caller's
    transaction: rows that the township's own database would not take refuse the file)."""
    m = verified.manifest
    township = receipt.township_code
    if (
        len(township) != 9
        or not township.isdigit()
        or m.get("county_code") != ident.county_code
        or not township.startswith(ident.county_code)
    ):
        raise _Refused(
            f"乡镇 {receipt.township_name}（{township}，县代码 {m.get('county_code')}）"
            f"不属于本县（{ident.county_name}，{ident.county_code}）"
        )
    try:
        quarter = Quarter.parse(receipt.period)
        created = _utc(receipt.created_at)
        if not created:
            raise ValueError
    except (DomainError, ValueError):
        raise _Refused("清单中的季度或生成时间无效") from None
    if created > (now + timedelta(days=1)).astimezone(timezone.utc).isoformat(timespec="seconds"):
        raise _Refused(
            f"文件的生成时间 {shown_time(receipt.created_at)} 晚于本机时间 {now:%Y-%m-%d %H:%M}："
            "请核对乡镇电脑的日期和时间后重新导出"
        )
    missing = [k for k in ("program_version", "counts", "sha256") if k not in m]
    if missing or SUMMARY not in (m.get("sha256") or {}):
        raise _Refused("清单不完整（缺少汇总工作簿或必需的项目），不是本程序导出的上报文件")
    if db.execute("SELECT 1 FROM villages WHERE township_code = ? LIMIT 1", [township]).fetchone():
        raise _Refused(
            f"本县级数据库中已直接录入乡镇 {township} 的数据（如演示数据），不能再导入其上报文件"
        )

    sha = _manifest_sha(verified)
    same = db.execute(
        "SELECT file_name, imported_at FROM county_files WHERE manifest_sha256 = ?", [sha]
    ).fetchone()
    if same:
        raise _Refused(f"该文件已于 {shown_time(same[1])} 导入过（{same[0]}），本次未作改动")
    latest = latest_file(db, township)
    if latest and created <= latest["created_utc"]:
        raise _Refused(
            f"比已导入的文件旧：已导入 {latest['file_name']}（{latest['period']}，生成于 {shown_time(latest['created_at'])}），"
            f"本文件生成于 {shown_time(receipt.created_at)}；较旧的文件不能覆盖较新的数据"
        )

    registered = db.execute(
        "SELECT public_key FROM county_keys WHERE township_code = ?", [township]
    ).fetchone()
    stamp = now.isoformat(timespec="seconds")
    if registered is None:
        receipt.key_registered = "首次导入"
    elif registered[0] != verified.public_key:
        if not accept_key:
            receipt.offered_key = verified.public_key
            raise _Refused(
                f"签名公钥与本县登记的不同（登记 {fingerprint(registered[0])}，"
                f"本文件 {fingerprint(verified.public_key)}）。如已向乡镇核实其更换了密钥，"
                "请确认接受新公钥后重新导入"
            )
        receipt.key_registered = "人工确认更换"
    if receipt.key_registered:
        db["county_keys"].upsert(
            {
                "township_code": township,
                "township_name": receipt.township_name,
                "public_key": verified.public_key,
                "registered_at": stamp,
                "how": receipt.key_registered,
            },
            pk="township_code",
        )
    if latest:
        receipt.replaced_file = latest["file_name"]
    receipt.imported_at = stamp
    receipt.imported = True  # as stored in county_files (the transaction may still fail)
    future = _merge_rows(db, path, township, verified, receipt, pool, ident, quarter)
    file_id = (
        db["county_files"]
        .insert(
            {
                "township_code": township,
                "township_name": receipt.township_name,
                "period": receipt.period,
                "created_at": receipt.created_at,
                "created_utc": created,
                "program_version": str(m.get("program_version") or ""),
                "format_version": int(m["format_version"]),
                "file_name": path.name,
                "manifest_sha256": sha,
                "imported_at": stamp,
                "rows_new": receipt.total("new"),
                "rows_updated": receipt.total("updated"),
                "rows_unchanged": receipt.total("unchanged"),
                "rows_deleted": receipt.total("deleted"),
                "rows_refused": receipt.total("refused"),
                "receipt": json.dumps(receipt.as_json(), ensure_ascii=False),
            }
        )
        .last_pk
    )
    changed = any(receipt.total(what) for what in ("new", "updated", "deleted"))
    forget_figures(db, township, int(file_id), changed=changed)
    if future is not None:
        try:
            figures = future.result()
        except Exception as e:  # noqa: BLE001 — the rows break the township's own rules
            raise _Refused(
                "文件中的数据不符合乡镇数据库的规则，无法算出该乡镇的统计数据"
                f"（{type(e).__name__}: {str(e)[:200]}），已拒绝"
            ) from None
        store_figures(db, township, int(file_id), quarter, figures)


def fingerprint(public_key: str) -> str:
    """A short, readable form of a public key (to read out on the phone)."""
    digest = hashlib.sha256(public_key.encode("ascii", "replace")).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


# tables whose rows name a village: the village must be the township's
_VILLAGE_TABLES = (
    "village_years",
    "households",
    "assignments",
    "attendance",
    "diaries",
    "meeting_reports",
    "action_items",
    "practical_matters",
    "village_assessments",
    "village_scores",
)


# words naming personal data (phones, ID-card numbers): no field of a county file has them
_PERSONAL_WORDS = (
    "idcard",
    "id_card",
    "idno",
    "身份证",
    "sfz",
    "phone",
    "mobile",
    "tel",
    "电话",
    "手机",
)


def _personal_key(body: str, lines: list[str]) -> str | None:
    """A field name in ``lines`` naming personal data (values may say 电话查岗: fine)."""
    low = body.lower()
    words = [w for w in _PERSONAL_WORDS if w in low]
    if not words:
        return None
    for line in lines:
        low_line = line.lower()
        if not any(w in low_line for w in words):
            continue
        try:
            row = json.loads(line)
        except ValueError:
            continue  # not JSON: refused when staged
        if isinstance(row, dict):
            for key in row:
                if any(w in str(key).lower() for w in _PERSONAL_WORDS):
                    return str(key)
    return None


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _valid_text(line: str) -> bool:
    """The line's strings are all real characters (no lone surrogate escapes)."""
    try:
        json.dumps(json.loads(line), ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False
    return True


def _stage(db: Database, path: Path, township: str, verified: Verified) -> None:
    """The file's lines in ``temp.staging`` with their keys and owners, parsed by SQLite.

    ``code``/``tcode``/``village`` hold what says whose a row is: a township's or a
    village's code, the township code of a village or a cadre, the village a row names.
    """
    for table in TABLES:
        lines = verified.lines.get(table) or []
        body = "\n".join(lines)  # one look over the part; the lines only when it hits
        key = _personal_key(body, lines)
        if key:
            raise _Refused(
                f"上报文件「{path.name}」含有个人信息字段「{key[:30]}」（data/{table}.jsonl），"
                "电话、身份证号等不得上报，已拒绝"
            )
        escaped = ("\\ud" in body or "\\uD" in body) and _SURROGATE.search(body)
        if escaped and not all(map(_valid_text, lines)):
            raise _Refused(f"上报文件「{path.name}」的数据含有无效字符（data/{table}.jsonl）")
    db.execute("DROP TABLE IF EXISTS temp.staging")
    db.execute(
        """CREATE TEMP TABLE staging (
            id INTEGER PRIMARY KEY, table_name TEXT NOT NULL, line TEXT NOT NULL,
            row_key TEXT, code TEXT, tcode TEXT, village TEXT, why TEXT)"""
    )
    try:
        for table in TABLES:
            lines = verified.lines.get(table) or []
            if not lines:
                continue
            if table in NATURAL_KEYS:  # kept per township: its code makes the key its own
                key = "?3 || '/' || " + " || '@' || ".join(
                    f"json_extract(?2, '$.{c}')" for c in NATURAL_KEYS[table]
                )
            else:
                key = "json_extract(?2, '$.uuid')"
            code = "json_extract(?2, '$.code')" if table in ("townships", "villages") else "NULL"
            tcode = (
                "json_extract(?2, '$.township_code')" if table in ("villages", "cadres") else "NULL"
            )
            village = "json_extract(?2, '$.village_code')" if table in _VILLAGE_TABLES else "NULL"
            db.conn.executemany(
                f"""INSERT INTO temp.staging (table_name, line, row_key, code, tcode, village)
                    VALUES (?1, ?2, {key}, {code}, {tcode}, {village})""",
                [(table, line, township) for line in lines]
                if table in NATURAL_KEYS
                else [(table, line) for line in lines],
            )
    except sqlite3.OperationalError:  # malformed JSON
        raise _Refused(f"上报文件「{path.name}」的数据无法解析") from None
    # a line that is JSON but not an object has no key: it is refused as such below
    db.execute("CREATE INDEX temp.staging_key ON staging(table_name, row_key)")


def _merge_rows(
    db: Database,
    path: Path,
    township: str,
    verified: Verified,
    receipt: Receipt,
    pool: ThreadPoolExecutor,
    ident: store.Identity,
    quarter: Quarter,
) -> Future | None:
    """Merge the file's rows into ``county_rows`` (all in SQL); count into ``receipt``.

    Returns the figures being computed (on ``pool``, while the rows are written) from the
    township's rows as they now stand, or None when the figures kept still hold.
    """
    _stage(db, path, township, verified)
    tc = township

    def refuse(why_sql: str, where: str, params: list) -> None:
        db.execute(
            f"UPDATE temp.staging SET why = {why_sql} WHERE why IS NULL AND ({where})", params
        )

    refuse(
        "'缺少稳定编号（uuid）'",
        "row_key IS NULL OR typeof(row_key) <> 'text' OR length(row_key) NOT BETWEEN 1 AND 64",
        [],
    )
    refuse(
        "'乡镇代码 ' || substr(coalesce(code, ''), 1, 20) || ' 不是本文件的乡镇'",
        "table_name = 'townships' AND coalesce(code, '') <> ?",
        [tc],
    )
    refuse(
        "'村代码 ' || substr(coalesce(code, ''), 1, 20) || ' 不属于乡镇 ' || ?1",
        """table_name = 'villages'
           AND (substr(coalesce(code, ''), 1, 9) <> ?1 OR coalesce(tcode, '') <> ?1)""",
        [tc],
    )
    refuse(
        "'干部属于乡镇 ' || substr(coalesce(tcode, ''), 1, 20)",
        "table_name = 'cadres' AND coalesce(tcode, '') <> ?",
        [tc],
    )
    refuse(
        "'村代码 ' || substr(village, 1, 20) || ' 不属于乡镇 ' || ?1",
        "village IS NOT NULL AND substr(village, 1, 9) <> ?1",
        [tc],
    )
    if db.execute(
        """SELECT 1 FROM temp.staging WHERE why IS NULL
           GROUP BY table_name, row_key HAVING count(*) > 1 LIMIT 1"""
    ).fetchone():
        refuse(
            "'同一文件中编号重复'",
            """id NOT IN (SELECT min(id) FROM temp.staging WHERE why IS NULL
                          GROUP BY table_name, row_key)""",
            [],
        )

    counts = receipt.tables
    for table in TABLES:
        counts.setdefault(table, TableCount())
    first = not db.execute(
        "SELECT 1 FROM county_rows WHERE township_code = ? LIMIT 1", [tc]
    ).fetchone()
    if first:  # nothing of the township's yet: every row accepted is new
        for table, refused, n in db.execute(
            "SELECT table_name, why IS NOT NULL, count(*) FROM temp.staging GROUP BY 1, 2"
        ).fetchall():
            setattr(counts.setdefault(table, TableCount()), "refused" if refused else "new", n)
    for table, action, n in (
        []
        if first
        else db.execute(
            """SELECT s.table_name,
                  CASE WHEN s.why IS NOT NULL THEN 'refused'
                       WHEN c.id IS NULL THEN 'new'
                       WHEN c.data = s.line THEN 'unchanged'
                       ELSE 'updated' END AS action,
                  count(*)
           FROM temp.staging s
           LEFT JOIN county_rows c
             ON c.township_code = ? AND c.table_name = s.table_name AND c.row_key = s.row_key
           GROUP BY 1, 2""",
            [tc],
        ).fetchall()
    ):
        setattr(counts.setdefault(table, TableCount()), action, n)
    gone = """FROM county_rows WHERE township_code = ? AND NOT EXISTS (
                SELECT 1 FROM temp.staging s WHERE s.why IS NULL
                AND s.table_name = county_rows.table_name AND s.row_key = county_rows.row_key)"""
    if not first:
        for table, n in db.execute(
            f"SELECT table_name, count(*) {gone} GROUP BY 1", [tc]
        ).fetchall():
            counts.setdefault(table, TableCount()).deleted = n
    receipt.refused_rows = [
        (t, k or "?", w)
        for t, k, w in db.execute(
            """SELECT table_name, substr(row_key, 1, 64), why FROM temp.staging
               WHERE why IS NOT NULL ORDER BY id"""
        ).fetchall()
    ]
    changed = any(receipt.total(what) for what in ("new", "updated", "deleted"))
    kept = db.execute(
        "SELECT 1 FROM county_figures WHERE township_code = ? AND quarter = ?",
        [tc, str(quarter)],
    ).fetchone()
    future = None
    if changed or not kept:  # computed on the pool while the rows are written
        lines = township_lines(db, tc, FIGURE_TABLES, staged=True)
        future = pool.submit(
            figures_from_lines,
            ident,
            tc,
            receipt.township_name,
            lines,
            quarter,
            file_day(receipt.created_at),
        )
    if not first:
        db.execute(f"DELETE {gone}", [tc])
    db.execute(
        """INSERT INTO county_rows (township_code, table_name, row_key, data)
           SELECT ?, table_name, row_key, line FROM temp.staging WHERE why IS NULL
           ON CONFLICT (township_code, table_name, row_key)
           DO UPDATE SET data = excluded.data WHERE data <> excluded.data""",
        [tc],
    )
    return future
