"""民情日记: the diary entries of stationed and part-time cadres, and the township's
evaluation of them.

The list is filtered and sorted in SQL (cadre, village, date span, and words searched
with ``LIKE`` over every text field: a township keeps a few thousand entries). Edits go
through :mod:`app.db.records`, so each returns an undo-able :class:`Change`; an entry is
identified by its ``uuid``. An entry dated in a quarter sent to the county changes only
with a reason (``reason``; :mod:`app.db.guard`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import lookups, records
from app.db.cadres import village_on
from app.db.guard import with_reason
from app.db.records import Change
from app.db.sql import like_pattern
from app.domain.errors import DomainError

#: the township's evaluation of an entry (评价等次), best first
EVAL_GRADES: tuple[str, ...] = ("优秀", "良好", "一般", "较差")

#: the fields of an entry the clerk fills in, in the order of the paper diary
FIELDS: tuple[str, ...] = (
    "day",
    "cadre_no",
    "village_code",
    "place",
    "people",
    "situation",
    "difficulties",
    "requests",
    "reflections",
    "plan",
    "eval_grade",
    "evaluator",
)
#: the headings of the paper diary, field by field
FIELD_LABELS: dict[str, str] = {
    "day": "日期",
    "cadre_no": "干部",
    "village_code": "村",
    "place": "地点",
    "people": "走访对象",
    "situation": "基本情况",
    "difficulties": "存在困难",
    "requests": "群众诉求",
    "reflections": "心得体会",
    "plan": "下步打算",
    "eval_grade": "评价等次",
    "evaluator": "评价人",
}
#: what an entry says, in the order it is printed
BODY_FIELDS: tuple[str, ...] = (
    "place",
    "people",
    "situation",
    "difficulties",
    "requests",
    "reflections",
    "plan",
)
#: the free-text fields searched by :func:`entries`
TEXT_FIELDS: tuple[str, ...] = (
    "place",
    "people",
    "situation",
    "difficulties",
    "requests",
    "reflections",
    "plan",
    "evaluator",
)
#: at most this many rows are listed (the count says how many match)
LIST_LIMIT = 5000


_GRADE_RANK = (
    "CASE d.eval_grade "
    + " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(EVAL_GRADES, start=1))
    + f" ELSE {len(EVAL_GRADES) + 1} END"  # other words (older entries) after 较差
)

#: sort keys accepted by :func:`entries`, mapped to their ORDER BY expression
SORTS: dict[str, str] = {
    "day": "d.day",
    "cadre_name": "c.name",
    "village_name": "v.name",
    "place": "d.place",
    "people": "d.people",
    "situation": "d.situation",
    "eval_grade": _GRADE_RANK,
    "evaluator": "d.evaluator",
}


@dataclass(frozen=True, slots=True)
class DiaryFilter:
    """What the clerk asked for; ``text``: every word (split on blanks) must appear in
    one of the text fields, the cadre's name or the village's name."""

    cadre_no: str | None = None
    village_code: str | None = None
    first: date | None = None
    last: date | None = None
    text: str = ""

    def words(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True, slots=True)
class DiaryRow:
    uuid: str
    day: str
    cadre_no: str
    cadre_name: str | None
    village_code: str | None
    village_name: str | None
    place: str | None
    people: str | None
    situation: str | None
    eval_grade: str | None
    evaluator: str | None


_FROM = """FROM diaries d
    LEFT JOIN cadres c ON c.cadre_no = d.cadre_no
    LEFT JOIN villages v ON v.code = d.village_code"""


def _where(flt: DiaryFilter) -> tuple[str, dict[str, Any]]:
    terms: list[str] = []
    params: dict[str, Any] = {}
    if flt.cadre_no:
        terms.append("d.cadre_no = :cadre")
        params["cadre"] = flt.cadre_no
    if flt.village_code:
        terms.append("d.village_code = :village")
        params["village"] = flt.village_code
    if flt.first:
        terms.append("d.day >= :first")
        params["first"] = flt.first.isoformat()
    if flt.last:
        terms.append("d.day <= :last")
        params["last"] = flt.last.isoformat()
    columns = [f"d.{f}" for f in TEXT_FIELDS] + ["c.name", "v.name"]
    for i, word in enumerate(flt.words()):
        params[f"w{i}"] = like_pattern(word)
        terms.append("(" + " OR ".join(f"{col} LIKE :w{i} ESCAPE '\\'" for col in columns) + ")")
    return (" WHERE " + " AND ".join(terms)) if terms else "", params


def count(db: Database, flt: DiaryFilter) -> int:
    where, params = _where(flt)
    return db.execute(f"SELECT count(*) {_FROM}{where}", params).fetchone()[0]


def entries(
    db: Database,
    flt: DiaryFilter,
    *,
    sort: str = "day",
    descending: bool = True,
    limit: int = LIST_LIMIT,
) -> list[DiaryRow]:
    """The entries matching ``flt``, sorted by ``sort`` (newest first within a key)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort key: {sort}")
    where, params = _where(flt)
    direction = "DESC" if descending else "ASC"
    order = f"{SORTS[sort]} IS NULL, {SORTS[sort]} {direction}, d.day DESC, d.id DESC"
    sql = f"""SELECT d.uuid, d.day, d.cadre_no, c.name AS cadre_name, d.village_code,
                     v.name AS village_name, d.place, d.people, d.situation,
                     d.eval_grade, d.evaluator
              {_FROM}{where} ORDER BY {order} LIMIT :limit"""
    return [DiaryRow(*r) for r in db.execute(sql, {**params, "limit": limit}).fetchall()]


def entry(db: Database, diary_uuid: str) -> dict[str, Any] | None:
    """The whole entry (all columns), or None."""
    return records.fetch(db, "diaries", {"uuid": diary_uuid})


def full_entries(
    db: Database, *, uuids: Sequence[str] | None = None, flt: DiaryFilter | None = None
) -> list[dict[str, Any]]:
    """Whole entries with the cadre's and the village's names, oldest first (printing):
    those named by ``uuids``, else those matching ``flt``."""
    if uuids is not None:
        where = " WHERE d.uuid IN (SELECT value FROM json_each(:uuids))"
        params: dict[str, Any] = {"uuids": json.dumps(list(uuids))}
    else:
        where, params = _where(flt or DiaryFilter())
    return list(
        db.query(
            f"""SELECT d.*, c.name AS cadre_name, v.name AS village_name {_FROM}{where}
                ORDER BY d.day, d.id""",
            params,
        )
    )


def cadres(db: Database) -> list[tuple[str, str]]:
    """(cadre_no, name) of the roster: serving cadres first, then by number."""
    return lookups.serving_first(db)


def villages(db: Database) -> list[tuple[str, str]]:
    """(code, name) of the villages, by code."""
    return lookups.village_names(db)


def assigned_village(db: Database, cadre_no: str, day: date) -> str | None:
    """The village to suggest for the cadre's entry of ``day``:
    :func:`app.db.cadres.village_on`."""
    return village_on(db, cadre_no, day)


def last_evaluator(db: Database) -> str | None:
    """Who evaluated the latest evaluated entry (to fill in the evaluation form)."""
    row = db.execute(
        """SELECT evaluator FROM diaries WHERE evaluator IS NOT NULL AND evaluator != ''
           ORDER BY modified_at DESC, id DESC LIMIT 1"""
    ).fetchone()
    return row[0] if row else None


def counts_by_cadre(db: Database, first: date, last: date) -> dict[str, int]:
    """cadre_no -> number of entries dated in [first, last]."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT cadre_no, count(*) FROM diaries WHERE day BETWEEN ? AND ? GROUP BY cadre_no",
            [first.isoformat(), last.isoformat()],
        ).fetchall()
    }


# ---- edits (each returns an undoable Change) ---------------------------------------------


def _row(values: dict[str, Any]) -> dict[str, Any]:
    """The entry's fields among ``values``; blank text is stored as NULL."""
    row = {f: values[f] for f in FIELDS if f in values}
    return {f: (None if isinstance(v, str) and not v.strip() else v) for f, v in row.items()}


def add_entry(db: Database, values: dict[str, Any], *, reason: str | None = None) -> Change:
    row = {f: None for f in FIELDS} | _row(values)
    if not row["day"] or not row["cadre_no"]:
        raise DomainError("民情日记须有日期和干部")
    with with_reason(db, reason):
        return records.insert(db, "diaries", {**row, "uuid": str(uuid.uuid4())}, ("uuid",))


def update_entry(
    db: Database, diary_uuid: str, values: dict[str, Any], *, reason: str | None = None
) -> Change:
    with with_reason(db, reason):
        return records.update(db, "diaries", {"uuid": diary_uuid}, _row(values))


def set_evaluation(
    db: Database,
    diary_uuid: str,
    grade: str | None,
    evaluator: str | None,
    *,
    reason: str | None = None,
) -> Change:
    values = {"eval_grade": grade, "evaluator": evaluator}
    return update_entry(db, diary_uuid, values, reason=reason)


def delete_entry(db: Database, diary_uuid: str, *, reason: str | None = None) -> Change:
    """Refused (``DomainError``) while a 办实事 record names the entry as its source."""
    row = entry(db, diary_uuid)
    if row is None:
        raise DomainError("记录已不存在（可能已被删除）")
    n = db.execute(
        "SELECT count(*) FROM practical_matters WHERE diary_id = ?", [row["id"]]
    ).fetchone()[0]
    if n:
        raise DomainError(
            f"不能删除：有 {n} 件办实事记录出自这篇日记，请先修改或删除这些办实事记录。"
        )
    with with_reason(db, reason):
        return records.delete(db, "diaries", {"uuid": diary_uuid})
