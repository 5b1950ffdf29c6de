"""办实事 ledger: the practical things cadres did for villagers, with totals.

The list, the totals and the breakdowns (by village, category, month or quarter) are
all filtered the same way and computed in SQL over integer fen, so a total never passes
through a float; money becomes text (``format_yuan``) or ``Decimal`` only at the edge.
Edits go through :mod:`app.db.records` (undo-able :class:`Change`); a record is
identified by its ``uuid``. A record dated in a quarter sent to the county changes only
with a reason (``reason``; :mod:`app.db.guard`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.guard import with_reason
from app.db.records import Change
from app.db.sql import like_pattern
from app.domain.errors import DomainError

#: the categories of the schema's CHECK, in the order the county lists them
CATEGORIES: tuple[str, ...] = (
    "水",
    "电",
    "路",
    "讯",
    "医疗",
    "文化",
    "卫生",
    "资金",
    "技术",
    "管理",
    "其他",
)
STATUSES: tuple[str, ...] = ("已办结", "办理中")
#: the fields the clerk fills in
FIELDS: tuple[str, ...] = (
    "day",
    "village_code",
    "cadre_no",
    "category",
    "description",
    "funds_fen",
    "households",
    "status",
    "meeting_id",
    "diary_id",
)
FIELD_LABELS: dict[str, str] = {
    "day": "日期",
    "village_code": "村",
    "cadre_no": "干部",
    "category": "类别",
    "description": "事项",
    "funds_fen": "投入资金",
    "households": "受益户数",
    "status": "状态",
    "meeting_id": "出自会议",
    "diary_id": "出自民情日记",
}
#: breakdowns offered by :func:`breakdown`
GROUPINGS: tuple[str, ...] = ("village", "category", "month", "quarter")
LIST_LIMIT = 5000

_CATEGORY_RANK = (
    "CASE p.category "
    + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CATEGORIES))
    + f" ELSE {len(CATEGORIES)} END"
)
#: sort keys accepted by :func:`matters` → ORDER BY expression
SORTS: dict[str, str] = {
    "day": "p.day",
    "village": "v.name",
    "cadre": "c.name",
    "category": _CATEGORY_RANK,
    "description": "p.description",
    "funds": "p.funds_fen",
    "households": "p.households",
    "status": "p.status",
    "source": "coalesce(m.day, d.day)",
}


@dataclass(frozen=True, slots=True)
class PracticalFilter:
    """What the clerk asked for; ``text``: every word must appear in the description,
    the village's or the cadre's name."""

    first: date | None = None
    last: date | None = None
    village_code: str | None = None
    category: str | None = None
    status: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class MatterRow:
    uuid: str
    day: str
    village_code: str
    village_name: str | None
    cadre_no: str | None
    cadre_name: str | None
    category: str
    description: str
    funds_fen: int
    households: int
    status: str
    meeting_id: int | None
    meeting_day: str | None
    meeting_kind: str | None
    diary_id: int | None
    diary_day: str | None
    diary_cadre: str | None

    @property
    def source(self) -> str:
        """Where it was raised: ``周例会 2026-11-23``, ``民情日记 2026-11-20（王建国）``."""
        parts = []
        if self.meeting_id is not None:
            parts.append(f"{self.meeting_kind or '会议'} {self.meeting_day or ''}".strip())
        if self.diary_id is not None:
            who = f"（{self.diary_cadre}）" if self.diary_cadre else ""
            parts.append(f"民情日记 {self.diary_day or ''}{who}")
        return "；".join(parts)


@dataclass(frozen=True, slots=True)
class Totals:
    count: int
    funds_fen: int
    households: int


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: str
    count: int
    funds_fen: int
    households: int


_FROM = """FROM practical_matters p
    LEFT JOIN villages v ON v.code = p.village_code
    LEFT JOIN cadres c ON c.cadre_no = p.cadre_no
    LEFT JOIN meetings m ON m.id = p.meeting_id
    LEFT JOIN diaries d ON d.id = p.diary_id
    LEFT JOIN cadres dc ON dc.cadre_no = d.cadre_no"""


def _where(flt: PracticalFilter) -> tuple[str, dict[str, Any]]:
    terms: list[str] = []
    params: dict[str, Any] = {}
    for name, column, value in (
        ("first", "p.day >=", flt.first.isoformat() if flt.first else None),
        ("last", "p.day <=", flt.last.isoformat() if flt.last else None),
        ("village", "p.village_code =", flt.village_code),
        ("category", "p.category =", flt.category),
        ("status", "p.status =", flt.status),
    ):
        if value:
            terms.append(f"{column} :{name}")
            params[name] = value
    for i, word in enumerate(flt.text.split()):
        params[f"w{i}"] = like_pattern(word)
        terms.append(
            "("
            + " OR ".join(
                f"{col} LIKE :w{i} ESCAPE '\\'" for col in ("p.description", "v.name", "c.name")
            )
            + ")"
        )
    return (" WHERE " + " AND ".join(terms)) if terms else "", params


def matters(
    db: Database,
    flt: PracticalFilter,
    *,
    sort: str = "day",
    descending: bool = True,
    limit: int = LIST_LIMIT,
) -> list[MatterRow]:
    """The records matching ``flt``, sorted by ``sort`` (then newest first)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort key: {sort}")
    where, params = _where(flt)
    direction = "DESC" if descending else "ASC"
    order = f"{SORTS[sort]} IS NULL, {SORTS[sort]} {direction}, p.day DESC, p.id DESC"
    sql = f"""SELECT p.uuid, p.day, p.village_code, v.name, p.cadre_no, c.name, p.category,
                     p.description, p.funds_fen, p.households, p.status,
                     p.meeting_id, m.day, m.kind, p.diary_id, d.day, dc.name
              {_FROM}{where} ORDER BY {order} LIMIT :limit"""
    return [MatterRow(*r) for r in db.execute(sql, {**params, "limit": limit}).fetchall()]


def totals(db: Database, flt: PracticalFilter) -> Totals:
    """Count, funds (fen) and households of the records matching ``flt``."""
    where, params = _where(flt)
    row = db.execute(
        f"""SELECT count(*), coalesce(sum(p.funds_fen), 0), coalesce(sum(p.households), 0)
            {_FROM}{where}""",
        params,
    ).fetchone()
    return Totals(*row)


_GROUP_KEYS = {
    "village": ("p.village_code", "coalesce(v.name, p.village_code)", "p.village_code"),
    "category": ("p.category", "p.category", _CATEGORY_RANK),
    "month": ("substr(p.day, 1, 7)", "substr(p.day, 1, 7)", "1"),
    "quarter": (
        "substr(p.day, 1, 4) || 'Q' || ((CAST(substr(p.day, 6, 2) AS INTEGER) + 2) / 3)",
        "''",
        "1",
    ),
}


def breakdown(db: Database, flt: PracticalFilter, by: str) -> list[Group]:
    """Count, funds and households of the matching records grouped ``by`` village,
    category, month (``2026-10``) or quarter (``2026Q4``), in that natural order."""
    if by not in _GROUP_KEYS:
        raise ValueError(f"unknown grouping: {by}")
    key, label, rank = _GROUP_KEYS[by]
    where, params = _where(flt)
    sql = f"""SELECT {key} AS k, min({label}), count(*), sum(p.funds_fen), sum(p.households)
              {_FROM}{where} GROUP BY k ORDER BY min({rank}), k"""
    out = []
    for k, name, n, funds, households in db.execute(sql, params).fetchall():
        if by == "month":
            name = f"{k[:4]}年{int(k[5:7])}月"
        elif by == "quarter":
            name = f"{k[:4]}年第{'一二三四'[int(k[-1]) - 1]}季度"
        out.append(Group(k, name, n, funds, households))
    return out


# ---- choices for the form ----------------------------------------------------------------


def meeting_choices(
    db: Database, *, since: date, include: int | None = None
) -> list[tuple[int, str]]:
    """(id, ``2026-11-23 周例会``) of the meetings since ``since`` (newest first), with
    ``include`` (the record's own meeting) even when older."""
    rows = db.execute(
        """SELECT id, day, kind FROM meetings WHERE day >= ? OR id = ?
           ORDER BY day DESC, id DESC""",
        [since.isoformat(), include],
    ).fetchall()
    return _unique([(r[0], f"{r[1]} {r[2]}") for r in rows])


def diary_choices(
    db: Database, *, since: date, include: int | None = None
) -> list[tuple[int, str, str | None]]:
    """(id, ``2026-11-20 王建国·东坡村``, village code) of the diary entries since
    ``since`` (newest first), with ``include`` even when older."""
    rows = db.execute(
        """SELECT d.id, d.day, coalesce(c.name, d.cadre_no), v.name, d.village_code
           FROM diaries d LEFT JOIN cadres c ON c.cadre_no = d.cadre_no
           LEFT JOIN villages v ON v.code = d.village_code
           WHERE d.day >= ? OR d.id = ? ORDER BY d.day DESC, d.id DESC""",
        [since.isoformat(), include],
    ).fetchall()
    labelled = _unique([(r[0], f"{r[1]} {r[2]}·{r[3] or '—'}") for r in rows])
    return [(i, label, r[4]) for (i, label), r in zip(labelled, rows, strict=True)]


def _unique(options: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Labels made unique (a second entry of the same day and cadre gets ``（2）``)."""
    seen: dict[str, int] = {}
    out = []
    for key, label in options:
        seen[label] = seen.get(label, 0) + 1
        out.append((key, label if seen[label] == 1 else f"{label}（{seen[label]}）"))
    return out


# ---- edits (each returns an undoable Change) ---------------------------------------------


def matter(db: Database, matter_uuid: str) -> dict[str, Any] | None:
    return records.fetch(db, "practical_matters", {"uuid": matter_uuid})


def problems(db: Database, values: dict[str, Any]) -> dict[str, str]:
    """{field: problem} for what the schema would refuse with a less helpful message."""
    out: dict[str, str] = {}
    if values.get("category") not in CATEGORIES:
        out["category"] = f"应为 {'/'.join(CATEGORIES)}"
    if values.get("status") not in STATUSES:
        out["status"] = f"应为 {'/'.join(STATUSES)}"
    for field in ("funds_fen", "households"):
        value = values.get(field)
        if not isinstance(value, int) or value < 0:
            out[field] = "不能为负数"
    if not (values.get("description") or "").strip():
        out["description"] = "必填"
    for field, table, column in (
        ("village_code", "villages", "code"),
        ("cadre_no", "cadres", "cadre_no"),
        ("meeting_id", "meetings", "id"),
        ("diary_id", "diaries", "id"),
    ):
        value = values.get(field)
        if value is None:
            continue
        if not db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", [value]).fetchone():
            out[field] = f"{value} 不存在（可能已被删除）"
    return out


def _row(values: dict[str, Any]) -> dict[str, Any]:
    row = {f: values.get(f) for f in FIELDS}
    row["description"] = (row["description"] or "").strip()
    row["funds_fen"] = row["funds_fen"] if row["funds_fen"] is not None else 0
    row["households"] = row["households"] if row["households"] is not None else 0
    return row


def _check(db: Database, row: dict[str, Any]) -> None:
    found = problems(db, row)
    if found:
        text = "；".join(f"{FIELD_LABELS[k]}：{v}" for k, v in found.items())
        raise DomainError(f"办实事记录有误：{text}", field=next(iter(found)))


def add_matter(db: Database, values: dict[str, Any], *, reason: str | None = None) -> Change:
    row = _row(values)
    if not row["day"] or not row["village_code"]:
        raise DomainError("办实事须有日期和村")
    _check(db, row)
    with with_reason(db, reason):
        return records.insert(
            db, "practical_matters", {**row, "uuid": str(uuid.uuid4())}, ("uuid",)
        )


def update_matter(
    db: Database, matter_uuid: str, values: dict[str, Any], *, reason: str | None = None
) -> Change:
    row = _row(values)
    _check(db, row)
    with with_reason(db, reason):
        return records.update(db, "practical_matters", {"uuid": matter_uuid}, row)


def delete_matter(db: Database, matter_uuid: str, *, reason: str | None = None) -> Change:
    with with_reason(db, reason):
        return records.delete(db, "practical_matters", {"uuid": matter_uuid})
