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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from app.db import store
from app.domain.errors import DomainError
from app.domain.periods import Quarter
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


TABLE_NAMES = {
    "townships": "乡镇",
    "villages": "村",
    "village_years": "村年度数据",
    "cadres": "干部",
    "assignments": "驻村/兼职安排",
    "attendance": "考勤",
    "leaves": "请假",
    "checks": "查岗",
    "diaries": "民情日记",
    "meetings": "会议",
    "meeting_attendees": "参会人员",
    "meeting_reports": "会议汇报",
    "decisions": "会议决定",
    "action_items": "督办事项",
    "practical_matters": "办实事",
    "subsidy_rates": "补助标准",
    "subsidy_months": "已审批补助月份",
    "subsidy_lines": "补助明细",
    "subsidy_adjustments": "补助调整",
    "templates": "指标模板",
    "template_indicators": "模板指标",
    "template_bands": "模板等次线",
    "assessment_years": "考核年度",
    "village_assessments": "村级考核",
    "village_scores": "村级考核得分",
    "cadre_assessments": "干部考核",
    "households": "户情档案",
    "rule_settings": "规则设置",
}


def shown_time(text: str) -> str:
    """An ISO time as people read it: 2026-11-28 10:00 (local time of the writer)."""
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(text)


def canonical(row: dict) -> str:
    """The text a row is written as in the file (and stored and compared as)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_key(table: str, row: dict) -> str | None:
    cols = NATURAL_KEYS.get(table)
    if cols:
        values = [row.get(c) for c in cols]
        if not all(isinstance(v, str) and v for v in values):
            return None
        return "@".join(values)  # type: ignore[arg-type]
    value = row.get("uuid")
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _ownership(table: str, row: dict, township: str) -> str | None:
    """Why ``row`` is not the township's own, or None."""
    if table == "townships" and row.get("code") != township:
        return f"乡镇代码 {row.get('code')} 不是本文件的乡镇"
    if table == "villages":
        code = str(row.get("code") or "")
        if not code.startswith(township) or row.get("township_code") != township:
            return f"村代码 {code} 不属于乡镇 {township}"
    if table == "cadres" and row.get("township_code") != township:
        return f"干部属于乡镇 {row.get('township_code')}"
    village = row.get("village_code")
    if table != "villages" and village is not None and not str(village).startswith(township):
        return f"村代码 {village} 不属于乡镇 {township}"
    return None


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
    now: Callable[[], datetime] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Receipt]:
    """Import every file of ``paths``, each in its own transaction; one receipt each.

    Files of one township are taken oldest first, whatever order they were given in.
    ``accept_key`` registers a changed key (a person has confirmed the township's new key).
    """
    ident = county_identity(db)
    now = now or (lambda: datetime.now().astimezone())
    paths = [Path(p) for p in paths]
    checked: list[tuple[Path, Verified | None, Receipt]] = []
    for path in paths:
        receipt = Receipt(file=path.name)
        try:
            verified = verify_file(path)
        except DomainError as e:
            receipt.message = str(e)
            checked.append((path, None, receipt))
            continue
        m = verified.manifest
        receipt.township_code = str(m.get("township_code") or "")
        receipt.township_name = str(m.get("township_name") or "")
        receipt.period = str(m.get("period") or "")
        receipt.created_at = str(m.get("created_at") or "")
        checked.append((path, verified, receipt))
    order = sorted(
        range(len(checked)),
        key=lambda i: (checked[i][2].township_code, checked[i][2].created_at, i),
    )
    for done, i in enumerate(order):
        path, verified, receipt = checked[i]
        if progress:
            progress(done, len(order), path.name)
        if verified is None:
            continue
        try:
            with db.atomic():
                _import_one(db, ident, path, verified, receipt, accept_key, now())
            receipt.imported = True
        except _Refused as e:
            receipt.message = str(e)
            receipt.tables, receipt.refused_rows = {}, []
    if progress:
        progress(len(order), len(order), "")
    return [c[2] for c in checked]


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
) -> None:
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
        Quarter.parse(receipt.period)
        datetime.fromisoformat(receipt.created_at)
    except (DomainError, ValueError):
        raise _Refused("清单中的季度或生成时间无效") from None
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
    latest = db.execute(
        """SELECT file_name, period, created_at FROM county_files WHERE township_code = ?
           ORDER BY created_at DESC, id DESC LIMIT 1""",
        [township],
    ).fetchone()
    if latest and _instant(receipt.created_at) <= _instant(latest[2]):
        raise _Refused(
            f"比已导入的文件旧：已导入 {latest[0]}（{latest[1]}，生成于 {shown_time(latest[2])}），"
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
        receipt.replaced_file = latest[0]
    receipt.imported_at = stamp
    rows = _merge_rows(db, township, verified, receipt)
    file_id = (
        db["county_files"]
        .insert(
            {
                "township_code": township,
                "township_name": receipt.township_name,
                "period": receipt.period,
                "created_at": receipt.created_at,
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
    from app.exchange.county import refresh_figures

    refresh_figures(db, township, int(file_id), Quarter.parse(receipt.period), rows)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.astimezone()


def fingerprint(public_key: str) -> str:
    """A short, readable form of a public key (to read out on the phone)."""
    digest = hashlib.sha256(public_key.encode("ascii", "replace")).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def _merge_rows(
    db: Database, township: str, verified: Verified, receipt: Receipt
) -> dict[str, list[dict]]:
    """Merge the file's rows; return the township's rows as they now stand, by table."""
    existing: dict[tuple[str, str], str] = {
        (t, k): d
        for t, k, d in db.execute(
            "SELECT table_name, row_key, data FROM county_rows WHERE township_code = ?",
            [township],
        ).fetchall()
    }
    incoming: dict[tuple[str, str], str] = {}
    accepted: dict[tuple[str, str], dict] = {}
    for table in TABLES:
        count = receipt.tables.setdefault(table, TableCount())
        texts = verified.lines.get(table) or []
        for n, row in enumerate(verified.tables.get(table, [])):
            key = row_key(table, row)
            if key is None:
                count.refused += 1
                receipt.refused_rows.append((table, "?", "缺少稳定编号（uuid）"))
                continue
            why = _ownership(table, row, township)
            if why:
                count.refused += 1
                receipt.refused_rows.append((table, key, why))
                continue
            if (table, key) in incoming:
                count.refused += 1
                receipt.refused_rows.append((table, key, "同一文件中编号重复"))
                continue
            incoming[(table, key)] = texts[n] if n < len(texts) else canonical(row)
            accepted[(table, key)] = row

    # ids already used by another township are not this township's to change (the
    # rules are kept per township by their natural key: the same key is no conflict)
    fresh = [k for k in incoming if k not in existing and k[0] not in NATURAL_KEYS]
    if fresh:
        db.execute("DROP TABLE IF EXISTS temp.incoming_keys")
        db.execute("CREATE TEMP TABLE incoming_keys (table_name TEXT, row_key TEXT)")
        db.conn.executemany("INSERT INTO temp.incoming_keys VALUES (?, ?)", fresh)
        for table, key, other in db.execute(
            """SELECT i.table_name, i.row_key, c.township_code FROM temp.incoming_keys i
               JOIN county_rows c ON c.table_name = i.table_name AND c.row_key = i.row_key
               WHERE c.township_code <> ?""",
            [township],
        ).fetchall():
            del incoming[(table, key)], accepted[(table, key)]
            receipt.tables[table].refused += 1
            receipt.refused_rows.append((table, key, f"该编号的记录属于乡镇 {other}"))
        db.execute("DROP TABLE temp.incoming_keys")

    write: list[tuple[str, str, str, str]] = []
    for (table, key), data in incoming.items():
        before = existing.get((table, key))
        count = receipt.tables[table]
        if before is None:
            count.new += 1
        elif before == data:
            count.unchanged += 1
            continue
        else:
            count.updated += 1
        write.append((township, table, key, data))
    gone = [(township, t, k) for (t, k) in existing if (t, k) not in incoming]
    for _, table, _ in gone:
        receipt.tables.setdefault(table, TableCount()).deleted += 1
    db.conn.executemany(
        "DELETE FROM county_rows WHERE township_code = ? AND table_name = ? AND row_key = ?",
        gone,
    )
    db.conn.executemany("INSERT OR REPLACE INTO county_rows VALUES (?, ?, ?, ?)", write)
    rows: dict[str, list[dict]] = {}
    for (table, _), row in accepted.items():
        rows.setdefault(table, []).append(row)
    return rows
