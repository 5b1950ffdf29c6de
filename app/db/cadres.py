"""The cadre roster (花名册) and assignments (驻村/兼职安排): reads and undo-able edits.

Single edits go through :mod:`app.db.records` and return a :class:`Change`. An edit that
touches several records at once (retiring a cadre ends his open posts; a leave writes its
attendance days) returns a :class:`Batch`: made in one transaction, undone and redone in
one transaction, as one command.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.guard import with_reason
from app.db.lookups import cadre_choices, village_choices
from app.db.records import Change
from app.db.sql import like_pattern
from app.db.store import cadre_rules, require_identity, unexcused_absences
from app.domain.assessment import cap_explanation
from app.domain.errors import DomainError
from app.domain.matching import CadreInfo, Suggestion, suggest
from app.domain.periods import Year

# ---- batches of changes ------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Changes made together, in the order they were made."""

    changes: tuple[Change, ...]

    def of(self, table: str) -> list[Change]:
        return [c for c in self.changes if c.table == table]


def _integrity(e: sqlite3.IntegrityError) -> DomainError:
    """The message of :func:`app.db.records.integrity_error` for a batch's records."""
    return records.integrity_error(e, "干部与安排")


def revert_batch(db: Database, batch: Batch, reason: str | None = None) -> None:
    """Undo a batch: the inverse of each change, last first, in one transaction.

    Every change is checked before any is applied: when one record no longer holds what
    the batch left, the whole undo is refused (DomainError) and nothing changes. A
    record dated in a frozen period needs a ``reason`` (:mod:`app.db.guard`).
    """
    changes = tuple(reversed(batch.changes))
    try:
        with with_reason(db, reason):
            records.check(db, changes, records.UNDO)
            for change in changes:
                records.apply_revert(db, change)
    except sqlite3.IntegrityError as e:
        raise _integrity(e) from e


def reapply_batch(db: Database, batch: Batch, reason: str | None = None) -> None:
    """Redo a batch after it was undone, in one transaction, checked first like an undo."""
    try:
        with with_reason(db, reason):
            records.check(db, batch.changes, records.REDO)
            for change in batch.changes:
                records.apply_reapply(db, change)
    except sqlite3.IntegrityError as e:
        raise _integrity(e) from e


def new_uuid() -> str:
    return str(uuid.uuid4())


# ---- the roster --------------------------------------------------------------------------

CADRE_FIELDS = (
    "cadre_no",
    "name",
    "sex",
    "birth_date",
    "phone",
    "unit",
    "post",
    "political_status",
    "expertise",
    "is_leader",
)


@dataclass(frozen=True, slots=True)
class RosterRow:
    cadre_no: str
    name: str
    unit: str | None
    post: str | None
    expertise: str | None
    is_leader: bool
    retired_on: str | None
    posts: str  # active posts on the day asked about: "驻村干部·东坡村；兼职书记·西沟村"
    unexcused: int  # checks with result 不在岗 in the year
    cap_note: str | None  # 本年度查岗不在岗 1 次，等次最高为称职

    @property
    def retired(self) -> bool:
        return self.retired_on is not None


def roster(
    db: Database, *, today: date, text: str = "", show_retired: bool = False
) -> list[RosterRow]:
    """The cadres by number, with today's posts and this year's failed checks.

    ``text`` filters on number, name, unit, post or expertise; retired cadres (退出 on or
    before today) only with ``show_retired``.
    """
    text = text.strip()
    sql = """
        WITH posts AS (
            SELECT a.cadre_no, a.role || '·' || v.name AS label FROM assignments a
            JOIN villages v ON v.code = a.village_code
            WHERE a.start_date <= :today AND (a.end_date IS NULL OR a.end_date >= :today)
            ORDER BY a.cadre_no, a.start_date, a.village_code
        ),
        post_list AS (
            SELECT cadre_no, group_concat(label, '；') AS labels FROM posts GROUP BY cadre_no
        )
        SELECT c.cadre_no, c.name, c.unit, c.post, c.expertise, c.is_leader,
               CASE WHEN c.retired_on <= :today THEN c.retired_on END AS retired_on,
               coalesce(pl.labels, '') AS posts
        FROM cadres c LEFT JOIN post_list pl ON pl.cadre_no = c.cadre_no
        WHERE (:show_retired OR c.retired_on IS NULL OR c.retired_on > :today)
          AND (:text = '' OR c.cadre_no LIKE :pattern ESCAPE '\\'
               OR c.name LIKE :pattern ESCAPE '\\' OR c.unit LIKE :pattern ESCAPE '\\'
               OR c.post LIKE :pattern ESCAPE '\\' OR c.expertise LIKE :pattern ESCAPE '\\')
        ORDER BY c.cadre_no
    """
    year = Year(today.year)
    counts = unexcused_absences(db, year.first_day, year.last_day)
    rules = cadre_rules(db, year.last_day)
    params = {
        "today": today.isoformat(),
        "show_retired": int(show_retired),
        "text": text,
        "pattern": like_pattern(text),
    }
    out = []
    for r in db.query(sql, params):
        n = counts.get(r["cadre_no"], 0)
        out.append(
            RosterRow(
                **{**r, "is_leader": bool(r["is_leader"])},
                unexcused=n,
                cap_note=cap_explanation(n, rules) if n else None,
            )
        )
    return out


def cadre(db: Database, cadre_no: str) -> dict[str, Any] | None:
    return records.fetch(db, "cadres", {"cadre_no": cadre_no})


def add_cadre(db: Database, values: dict[str, Any]) -> Change:
    ident = require_identity(db)
    if ident.kind == "county" or ident.township_code is None:
        raise DomainError("县级数据库的干部随乡镇上报文件导入，不能在这里新增")
    if cadre(db, str(values["cadre_no"])) is not None:
        raise DomainError(f"干部编号 {values['cadre_no']} 已有", field="cadre_no")
    row = {f: values.get(f) for f in CADRE_FIELDS}
    row["is_leader"] = int(bool(row["is_leader"]))
    return records.insert(
        db, "cadres", {**row, "township_code": ident.township_code}, ("cadre_no",)
    )


def update_cadre(db: Database, cadre_no: str, values: dict[str, Any]) -> Change:
    row = {f: values[f] for f in CADRE_FIELDS if f in values and f != "cadre_no"}
    if "is_leader" in row:
        row["is_leader"] = int(bool(row["is_leader"]))
    return records.update(db, "cadres", {"cadre_no": cadre_no}, row)


def retire(db: Database, cadre_no: str, day: date) -> Batch:
    """The cadre leaves the roster on ``day``; his open posts end that day. One transaction.

    Refused while a post of his starts after ``day`` (change or delete it first).
    """
    row = cadre(db, cadre_no)
    if row is None:
        raise DomainError(f"干部编号 {cadre_no} 不存在")
    if row["retired_on"] is not None:
        raise DomainError(f"{row['name']} 已于 {row['retired_on']} 退出", field="retired_on")
    iso = day.isoformat()
    later = list(
        db.query(
            """SELECT a.role, a.start_date, v.name AS village FROM assignments a
               JOIN villages v ON v.code = a.village_code
               WHERE a.cadre_no = ? AND a.start_date > ? ORDER BY a.start_date""",
            [cadre_no, iso],
        )
    )
    if later:
        first = later[0]
        raise DomainError(
            f"{row['name']} 有 {first['start_date']} 才开始的安排（{first['role']}·"
            f"{first['village']}），晚于退出日期：请先修改或删除该安排",
            field="retired_on",
        )
    open_posts = [
        r["uuid"]
        for r in db.query(
            """SELECT uuid FROM assignments WHERE cadre_no = ? AND start_date <= ?
               AND (end_date IS NULL OR end_date > ?) ORDER BY start_date""",
            [cadre_no, iso, iso],
        )
    ]
    with db.atomic():
        changes = [
            records.update(db, "assignments", {"uuid": u}, {"end_date": iso}) for u in open_posts
        ]
        changes.append(records.update(db, "cadres", {"cadre_no": cadre_no}, {"retired_on": iso}))
    return Batch(tuple(changes))


# ---- assignments -------------------------------------------------------------------------

ASSIGNMENT_FIELDS = ("cadre_no", "village_code", "role", "start_date", "end_date")
CURRENT, FORMER, COMING = "现任", "曾任", "未开始"


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    uuid: str
    cadre_no: str
    cadre_name: str
    village_code: str
    village_name: str
    role: str
    start_date: str
    end_date: str | None
    status: str  # 现任 / 曾任 / 未开始

    @property
    def span(self) -> str:
        return f"{self.start_date} — {self.end_date or '至今'}"


def assignment_rows(
    db: Database,
    *,
    today: date,
    cadre_no: str | None = None,
    village_code: str | None = None,
    current_only: bool = False,
) -> list[AssignmentRow]:
    """Assignments, current first, then by village and start; optionally of one cadre or village."""
    sql = """
        SELECT a.uuid, a.cadre_no, c.name AS cadre_name, a.village_code,
               v.name AS village_name, a.role, a.start_date, a.end_date,
               CASE WHEN a.start_date > :today THEN :coming
                    WHEN a.end_date IS NOT NULL AND a.end_date < :today THEN :former
                    ELSE :current END AS status
        FROM assignments a
        JOIN cadres c ON c.cadre_no = a.cadre_no
        JOIN villages v ON v.code = a.village_code
        WHERE (:cadre IS NULL OR a.cadre_no = :cadre)
          AND (:village IS NULL OR a.village_code = :village)
        ORDER BY CASE status WHEN :current THEN 0 WHEN :coming THEN 1 ELSE 2 END,
                 a.village_code, a.start_date, a.cadre_no
    """
    params = {
        "today": today.isoformat(),
        "current": CURRENT,
        "former": FORMER,
        "coming": COMING,
        "cadre": cadre_no,
        "village": village_code,
    }
    rows = [AssignmentRow(**r) for r in db.query(sql, params)]
    return [r for r in rows if r.status == CURRENT] if current_only else rows


def assignment(db: Database, key: str) -> dict[str, Any] | None:
    return records.fetch(db, "assignments", {"uuid": key})


def _describe(r: dict[str, Any]) -> str:
    until = f"至 {r['end_date']}" if r["end_date"] else "起，仍在任"
    return f"{r['role']}·{r['village_name']}（{r['start_date']} {until}）"


def overlapping(
    db: Database, cadre_no: str, start: str, end: str | None, *, exclude: str | None = None
) -> list[str]:
    """The cadre's other assignments overlapping [start, end] in time, described."""
    rows = db.query(
        """SELECT a.role, a.start_date, a.end_date, v.name AS village_name
           FROM assignments a JOIN villages v ON v.code = a.village_code
           WHERE a.cadre_no = :cadre AND a.uuid IS NOT :exclude
             AND a.start_date <= :end AND (a.end_date IS NULL OR a.end_date >= :start)
           ORDER BY a.start_date""",
        {"cadre": cadre_no, "exclude": exclude, "start": start, "end": end or "9999-12-31"},
    )
    return [_describe(r) for r in rows]


def assignment_problems(
    db: Database, values: dict[str, Any], *, exclude: str | None = None
) -> dict[str, str]:
    """{field: problem} for an assignment: the cadre and village exist, the cadre is not
    retired before the post ends, the end is not before the start, the key is free."""
    problems: dict[str, str] = {}
    row = cadre(db, str(values.get("cadre_no") or ""))
    start, end = values.get("start_date"), values.get("end_date")
    if row is None:
        problems["cadre_no"] = f"干部编号不存在：{values.get('cadre_no')}"
    elif row["retired_on"] is not None and (end is None or end > row["retired_on"]):
        problems["cadre_no"] = f"{row['name']} 已于 {row['retired_on']} 退出，不能安排到那以后"
    village = values.get("village_code")
    if village and not db.execute("SELECT 1 FROM villages WHERE code = ?", [village]).fetchone():
        problems["village_code"] = f"村代码不存在：{village}（请先建立该村的村情档案）"
    if start and end and end < start:
        problems["end_date"] = f"结束日期 {end} 早于开始日期 {start}"
    same = db.execute(
        """SELECT 1 FROM assignments WHERE cadre_no = ? AND village_code = ? AND role = ?
           AND start_date = ? AND uuid IS NOT ?""",
        [values.get("cadre_no"), village, values.get("role"), start, exclude],
    ).fetchone()
    if same and "cadre_no" not in problems:
        problems["start_date"] = "这名干部在这个村的同一岗位已有同一天开始的安排"
    return problems


def _check(db: Database, values: dict[str, Any], exclude: str | None = None) -> None:
    problems = assignment_problems(db, values, exclude=exclude)
    if problems:
        field, problem = next(iter(problems.items()))
        raise DomainError(problem, field=field)


def add_assignment(db: Database, values: dict[str, Any]) -> Change:
    row = {f: values.get(f) for f in ASSIGNMENT_FIELDS}
    _check(db, row)
    return records.insert(db, "assignments", {**row, "uuid": new_uuid()}, ("uuid",))


def update_assignment(db: Database, key: str, values: dict[str, Any]) -> Change:
    before = assignment(db, key)
    if before is None:
        raise DomainError("记录已不存在（可能已被删除）")
    row = {f: values.get(f, before[f]) for f in ASSIGNMENT_FIELDS}
    _check(db, row, exclude=key)
    return records.update(db, "assignments", {"uuid": key}, row)


def end_assignment(db: Database, key: str, day: date) -> Change:
    before = assignment(db, key)
    if before is None:
        raise DomainError("记录已不存在（可能已被删除）")
    if day.isoformat() < before["start_date"]:
        raise DomainError(f"结束日期 {day} 早于开始日期 {before['start_date']}", field="end_date")
    return records.update(db, "assignments", {"uuid": key}, {"end_date": day.isoformat()})


def delete_assignment(db: Database, key: str) -> Change:
    return records.delete(db, "assignments", {"uuid": key})


def villages_on(
    db: Database, cells: Iterable[tuple[str, date | str]]
) -> dict[tuple[str, date], str | None]:
    """The cadre's village on each day of ``cells`` (cadre_no, day), read in one query.

    The village of the cadre's assignment covering the day; with several, the one
    started most recently (a later post is the one the day is more likely spent on);
    none → None. The rule of :func:`village_on`, for many cells at once (the duty grid).
    """
    wanted = {(no, _as_date(day)) for no, day in cells}
    cadres = sorted({no for no, _day in wanted})
    posts: dict[str, list[tuple[date, date | None, str]]] = {}
    for i in range(0, len(cadres), 500):
        chunk = cadres[i : i + 500]
        for no, start, end, village in db.execute(
            f"""SELECT cadre_no, start_date, end_date, village_code FROM assignments
                WHERE cadre_no IN ({",".join("?" * len(chunk))})
                ORDER BY start_date DESC, rowid DESC""",
            chunk,
        ).fetchall():
            posts.setdefault(no, []).append(
                (date.fromisoformat(start), date.fromisoformat(end) if end else None, village)
            )
    return {
        (no, day): next(
            (
                village
                for start, end, village in posts.get(no, ())
                if start <= day and (end is None or day <= end)
            ),
            None,
        )
        for no, day in wanted
    }


def village_on(db: Database, cadre_no: str, day: date | str) -> str | None:
    """The cadre's village on ``day`` (a date or an ISO date): the village of the
    assignment covering that day; with several, the one started most recently; none →
    None. Every attendance row, check and form suggestion takes its village from here."""
    d = _as_date(day)
    return villages_on(db, [(cadre_no, d)])[(cadre_no, d)]


def _as_date(day: date | str) -> date:
    return day if isinstance(day, date) else date.fromisoformat(str(day))


# ---- suggestions -------------------------------------------------------------------------


def cadre_infos(db: Database, *, today: date) -> list[CadreInfo]:
    """What the matching table looks at, for every cadre, as of ``today``."""
    iso = today.isoformat()
    posts: dict[str, list[str]] = {}
    past: dict[str, int] = {}
    for r in db.query(
        """SELECT a.cadre_no, a.role, a.start_date, a.end_date, v.name AS village
           FROM assignments a JOIN villages v ON v.code = a.village_code
           ORDER BY a.start_date""",
    ):
        if r["end_date"] is not None and r["end_date"] < iso:
            past[r["cadre_no"]] = past.get(r["cadre_no"], 0) + 1
        elif r["start_date"] <= iso:
            posts.setdefault(r["cadre_no"], []).append(f"{r['role']}·{r['village']}")
    return [
        CadreInfo(
            cadre_no=r["cadre_no"],
            name=r["name"],
            expertise=r["expertise"],
            is_leader=bool(r["is_leader"]),
            retired=r["retired_on"] is not None and r["retired_on"] <= iso,
            current_posts=tuple(posts.get(r["cadre_no"], ())),
            past_assignments=past.get(r["cadre_no"], 0),
        )
        for r in db.query(
            "SELECT cadre_no, name, expertise, is_leader, retired_on FROM cadres ORDER BY cadre_no"
        )
    ]


def village_situation(db: Database, code: str) -> str | None:
    row = db.execute("SELECT situation FROM villages WHERE code = ?", [code]).fetchone()
    return row[0] if row else None


def suggestions(db: Database, village_code: str, *, today: date) -> list[Suggestion]:
    """Cadres for the village by the seed's matching table (those posted there already left out)."""
    there = {
        r[0]
        for r in db.execute(
            """SELECT cadre_no FROM assignments WHERE village_code = ? AND start_date <= ?
               AND (end_date IS NULL OR end_date >= ?)""",
            [village_code, today.isoformat(), today.isoformat()],
        ).fetchall()
    }
    infos = [c for c in cadre_infos(db, today=today) if c.cadre_no not in there]
    return suggest(village_situation(db, village_code), infos)


__all__ = [
    "COMING",
    "CURRENT",
    "FORMER",
    "AssignmentRow",
    "Batch",
    "RosterRow",
    "add_assignment",
    "add_cadre",
    "assignment",
    "assignment_problems",
    "assignment_rows",
    "cadre",
    "cadre_choices",
    "cadre_infos",
    "delete_assignment",
    "end_assignment",
    "new_uuid",
    "overlapping",
    "reapply_batch",
    "retire",
    "revert_batch",
    "roster",
    "suggestions",
    "update_assignment",
    "update_cadre",
    "village_choices",
    "village_on",
    "villages_on",
    "village_situation",
]
