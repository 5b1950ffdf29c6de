"""Frozen periods: their records change only with a reason, kept in the change log.

Two kinds of period are frozen (issue 9):

* an **approved subsidy month** (a row in ``subsidy_months``): its attendance may still
  change — the difference is carried into the next draft month as 补发/扣回 — but only
  with a reason the clerk gives;
* a **quarter sent to the county** (a row in ``exported_quarters``, written by each
  export): the records dated in it — attendance, leaves, checks, diaries, meetings with
  their attendees, reports, decisions and action items, 办实事 — are inserted, changed or
  deleted only with a reason.

A writer runs its transaction inside :func:`with_reason`. When the block ends, the
change-log rows written since it began (the triggers write one for every insert, update
and delete, so no code path slips past) say which records changed and so which days
(:func:`logged_days`). A frozen day without a reason raises :class:`ReasonRequired` and
the transaction is rolled back: nothing is written. With a reason, the reason is written
on those change-log rows.

Which days a change concerns: the record's ``day`` (attendance, checks, diaries,
meetings, 办实事); a meeting's day for its attendees, reports and decisions, and for its
action items — except that closing or reopening an item (status, result, done_on) is
dated by its ``done_on``; the days of a leave (start to end, or to its 销假 day), and
for a 销假 only the days that stop (or start again) being leave.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from app.domain.errors import DomainError

#: tables whose records are dated, and so frozen with an exported quarter
DATED_TABLES: tuple[str, ...] = (
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
)
#: the one table an approved subsidy month freezes
PAID_TABLE = "attendance"
#: the fields of an action item that closing or reopening it changes
CLOSURE_FIELDS = frozenset({"status", "result", "done_on", "closed_meeting_id", "modified_at"})
#: the fields of a leave that 销假 changes (the days it gives back are in ``replaced``)
CANCEL_FIELDS = frozenset({"cancelled_on", "replaced", "modified_at"})
NEEDS_REASON = "修改需填写原因"

Day = date | str


class ReasonRequired(DomainError):
    """The change touches a frozen period and no reason was given; nothing was written.

    ``why`` says which periods, in plain Chinese (e.g. ``2026年9月的补助已审批``).
    """

    def __init__(self, why: str) -> None:
        super().__init__(f"{why}，{NEEDS_REASON}", field="reason")
        self.why = why


def clean_reason(reason: str | None) -> str | None:
    """The reason as recorded: stripped, None when blank."""
    text = (reason or "").strip()
    return text or None


def _iso(day: Day) -> str:
    return day.isoformat() if isinstance(day, date) else str(day)[:10]


def _quarter_of(iso: str) -> str:
    return f"{iso[:4]}Q{(int(iso[5:7]) - 1) // 3 + 1}"


@dataclass(frozen=True)
class FrozenPeriods:
    """The approved months (``2026-09``) and the exported quarters (``2026Q3`` → the day
    of its latest export), read once for many questions."""

    months: frozenset[str]
    quarters: Mapping[str, str]

    def __bool__(self) -> bool:
        return bool(self.months or self.quarters)

    def hit(self, table: str, days: Iterable[Day]) -> tuple[set[str], set[str]]:
        """(approved months, exported quarters) among ``days`` of a ``table`` record."""
        months: set[str] = set()
        quarters: set[str] = set()
        if table not in DATED_TABLES:
            return months, quarters
        for day in days:
            iso = _iso(day)
            if table == PAID_TABLE and iso[:7] in self.months:
                months.add(iso[:7])
            if _quarter_of(iso) in self.quarters:
                quarters.add(_quarter_of(iso))
        return months, quarters

    def describe(self, months: Iterable[str], quarters: Iterable[str]) -> str | None:
        """``2026年8月、9月的补助已审批；2026年第3季度已上报县里（2026-10-08）``, or None."""
        parts = []
        shown, year = [], None
        for m in sorted(set(months)):
            shown.append(f"{int(m[5:7])}月" if m[:4] == year else f"{m[:4]}年{int(m[5:7])}月")
            year = m[:4]
        if shown:
            parts.append(f"{'、'.join(shown)}的补助已审批")
        for q in sorted(set(quarters)):
            parts.append(f"{q[:4]}年第{q[-1]}季度已上报县里（{self.quarters[q]}）")
        return "；".join(parts) or None

    def why(self, table: str, days: Iterable[Day]) -> str | None:
        return self.describe(*self.hit(table, days))


def frozen_periods(db: Database) -> FrozenPeriods:
    months = frozenset(r[0] for r in db.execute("SELECT month FROM subsidy_months").fetchall())
    quarters = {
        r[0]: str(r[1])[:10]
        for r in db.execute(
            "SELECT quarter, max(exported_at) FROM exported_quarters GROUP BY quarter"
        ).fetchall()
    }
    return FrozenPeriods(months, quarters)


def frozen_why(db: Database, table: str, days: Iterable[Day]) -> str | None:
    """Why changing a ``table`` record dated on ``days`` needs a reason, or None when it
    does not: ``2026年9月的补助已审批`` / ``2026年第3季度已上报县里（2026-10-08）``."""
    return frozen_periods(db).why(table, days)


def require_reason(
    db: Database, reason: str | None, touched: Iterable[tuple[str, Iterable[Day]]]
) -> str | None:
    """Raise :class:`ReasonRequired` when a (table, days) of ``touched`` is frozen and no
    reason is given; else return the reason as recorded."""
    reason = clean_reason(reason)
    if reason is None:
        periods = frozen_periods(db)
        months: set[str] = set()
        quarters: set[str] = set()
        for table, days in touched:
            m, q = periods.hit(table, days)
            months |= m
            quarters |= q
        why = periods.describe(months, quarters)
        if why:
            raise ReasonRequired(why)
    return reason


# ---- the days the change log's rows concern -------------------------------------------------


def _span(row: Mapping[str, Any]) -> set[str]:
    """The days a leave row covers (to its 销假 day when cancelled)."""
    first = date.fromisoformat(row["start_date"])
    last = date.fromisoformat(row["cancelled_on"] or row["end_date"])
    return {(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    return {k for k in {*before, *after} if before.get(k) != after.get(k)}


def _row_days(
    table: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    meeting_days: Mapping[Any, set[str]],
) -> set[str]:
    rows = [r for r in (before, after) if r is not None]
    if table == "leaves":
        if before is not None and after is not None and _changed(before, after) <= CANCEL_FIELDS:
            return _span(before) ^ _span(after)  # 销假: the days no longer (or again) leave
        return set().union(*(_span(r) for r in rows))
    if (
        table == "action_items"
        and before is not None
        and after is not None
        and _changed(before, after) <= CLOSURE_FIELDS
    ):  # closed or reopened: dated by the day it was done
        return {r["done_on"] for r in rows if r.get("done_on")}
    if table in ("meeting_attendees", "meeting_reports", "decisions", "action_items"):
        return set().union(*(meeting_days.get(r.get("meeting_id"), set()) for r in rows))
    return {r["day"] for r in rows if r.get("day")}


def logged_days(db: Database, since: int) -> dict[str, set[str]]:
    """{table: days} of the dated records the change log recorded after row ``since``."""
    logged = [
        (table, json.loads(before) if before else None, json.loads(after) if after else None)
        for table, before, after in db.execute(
            f"""SELECT table_name, before, after FROM change_log
                WHERE id > ? AND action != 'note'
                  AND table_name IN ({",".join("?" * len(DATED_TABLES))})""",
            [since, *DATED_TABLES],
        ).fetchall()
    ]
    meeting_days: dict[Any, set[str]] = {}
    for table, before, after in logged:
        if table == "meetings":
            for r in (before, after):
                if r is not None:
                    meeting_days.setdefault(r["id"], set()).add(r["day"])
    wanted = {
        r.get("meeting_id")
        for table, before, after in logged
        if table in ("meeting_attendees", "meeting_reports", "decisions", "action_items")
        for r in (before, after)
        if r is not None
    } - set(meeting_days)
    if wanted - {None}:
        for meeting_id, day in db.execute(
            "SELECT id, day FROM meetings WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(w for w in wanted if w is not None))],
        ).fetchall():
            meeting_days.setdefault(meeting_id, set()).add(day)
    out: dict[str, set[str]] = {}
    for table, before, after in logged:
        out.setdefault(table, set()).update(_row_days(table, before, after, meeting_days))
    return out


def last_log_id(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]


def logged_why(db: Database, since: int) -> str | None:
    """Why the changes logged after row ``since`` need a reason, or None."""
    periods = frozen_periods(db)
    if not periods:
        return None
    months: set[str] = set()
    quarters: set[str] = set()
    for table, days in logged_days(db, since).items():
        m, q = periods.hit(table, days)
        months |= m
        quarters |= q
    return periods.describe(months, quarters)


@contextmanager
def with_reason(db: Database, reason: str | None) -> Iterator[str | None]:
    """A transaction (a savepoint inside another) for a writer's changes; yields the
    reason as recorded.

    When the block ends: a change touching a frozen period without a reason raises
    :class:`ReasonRequired` and everything the block wrote is rolled back; with a reason,
    the change-log rows the block wrote carry it.
    """
    reason = clean_reason(reason)
    with db.atomic():
        since = last_log_id(db)
        yield reason
        if reason is None:
            why = logged_why(db, since)
            if why:
                raise ReasonRequired(why)
        else:
            db.execute(
                "UPDATE change_log SET reason = ? WHERE id > ? AND reason IS NULL",
                [reason, since],
            )


def undo_reason(reason: str | None, direction: str) -> str | None:
    """The reason an undo (``撤销``) or redo (``重做``) of a change made with ``reason``
    records: ``撤销：补录考勤``."""
    reason = clean_reason(reason)
    return None if reason is None else f"{direction}：{reason}"


__all__ = [
    "DATED_TABLES",
    "FrozenPeriods",
    "ReasonRequired",
    "clean_reason",
    "frozen_periods",
    "frozen_why",
    "last_log_id",
    "logged_days",
    "logged_why",
    "require_reason",
    "undo_reason",
    "with_reason",
]
