"""Leave (请假/销假): the leave register and the attendance days it writes.

Saving a leave writes the leave row and marks each of its days 请假 in the attendance
book (kind and source 请假): a day not recorded or 缺勤 becomes 请假; a day recorded 在村 or
会议培训 only when the clerk agreed (``overwrite_present``). The leave row keeps what each
day it wrote held before (``replaced``: {day: {kind, source, note, village_code} or null
for not recorded}).

销假 ends a leave early and deleting takes it away. Either gives the days concerned back:
a day that still holds what the leave wrote (kind and source 请假) gets back what it held
before (a 缺勤 from a 查岗 stays a 缺勤), or no record if it had none; a day changed since
is left alone. 销假 shrinks ``replaced`` to the days still on leave. Each of these is one
transaction returning a :class:`~app.db.cadres.Batch` (one undo).

Who may approve: 乡镇党委 up to the setting ``leave_township_max_days`` in force on the
leave's first day, 县委组织部 beyond. A leave ends at the latest on the cadre's 退出 day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.cadres import Batch, cadre, new_uuid, village_on
from app.db.guard import with_reason
from app.db.records import Change
from app.db.store import leave_township_max_days
from app.domain.attendance import PRESENT_KINDS, Kind
from app.domain.errors import DomainError
from app.domain.leave import approval_problem, leave_days
from app.domain.periods import daterange

SOURCE = "请假"
LEAVE_FIELDS = ("cadre_no", "start_date", "end_date", "reason", "approver", "approver_level")
ON_LEAVE, CANCELLED, ENDED, COMING = "在假", "已销假", "已结束", "未开始"
_PRESENT = tuple(sorted(k.value for k in PRESENT_KINDS))
#: what ``leaves.replaced`` keeps of a day's attendance row
REPLACED_FIELDS = ("kind", "source", "note", "village_code")


@dataclass(frozen=True, slots=True)
class LeaveRow:
    uuid: str
    cadre_no: str
    cadre_name: str
    start_date: str
    end_date: str
    reason: str | None
    approver: str | None
    approver_level: str | None
    cancelled_on: str | None
    days: int  # calendar days actually on leave (to 销假 when cancelled)
    status: str  # 在假 / 已销假 / 已结束 / 未开始

    @property
    def last_day(self) -> str:
        return self.cancelled_on or self.end_date


def _day(text: str) -> date:
    return date.fromisoformat(text)


def status_of(start: str, end: str, cancelled_on: str | None, today: date) -> str:
    iso = today.isoformat()
    if cancelled_on is not None:
        return CANCELLED
    if end < iso:
        return ENDED
    if start > iso:
        return COMING
    return ON_LEAVE


def leave_rows(
    db: Database, *, today: date, cadre_no: str | None = None, year: int | None = None
) -> list[LeaveRow]:
    """Leaves, newest first; optionally of one cadre or overlapping one year."""
    sql = """
        SELECT l.uuid, l.cadre_no, c.name AS cadre_name, l.start_date, l.end_date, l.reason,
               l.approver, l.approver_level, l.cancelled_on
        FROM leaves l JOIN cadres c ON c.cadre_no = l.cadre_no
        WHERE (:cadre IS NULL OR l.cadre_no = :cadre)
          AND (:year IS NULL OR (l.start_date <= :year || '-12-31'
                                 AND l.end_date >= :year || '-01-01'))
        ORDER BY l.start_date DESC, l.cadre_no
    """
    out = []
    for r in db.query(sql, {"cadre": cadre_no, "year": None if year is None else str(year)}):
        last = r["cancelled_on"] or r["end_date"]
        # an imported row might be cancelled before it began: no days then
        days = leave_days(_day(r["start_date"]), _day(last)) if last >= r["start_date"] else 0
        out.append(
            LeaveRow(
                **r,
                days=days,
                status=status_of(r["start_date"], r["end_date"], r["cancelled_on"], today),
            )
        )
    return out


def leave(db: Database, key: str) -> dict[str, Any] | None:
    return records.fetch(db, "leaves", {"uuid": key})


def recorded_days(db: Database, cadre_no: str, start: str, end: str) -> dict[str, str]:
    """{day: kind} of the cadre's attendance records in [start, end]."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT day, kind FROM attendance WHERE cadre_no = ? AND day BETWEEN ? AND ?",
            [cadre_no, start, end],
        ).fetchall()
    }


def present_days(db: Database, cadre_no: str, start: str, end: str) -> list[tuple[str, str]]:
    """[(day, kind)] of the days in [start, end] already recorded 在村 or 会议培训: saving a
    leave over them needs the clerk's say."""
    return sorted(
        (d, k) for d, k in recorded_days(db, cadre_no, start, end).items() if k in _PRESENT
    )


def overlapping_leaves(
    db: Database, cadre_no: str, start: str, end: str, *, exclude: str | None = None
) -> list[str]:
    rows = db.query(
        """SELECT start_date, coalesce(cancelled_on, end_date) AS last FROM leaves
           WHERE cadre_no = :cadre AND uuid IS NOT :exclude
             AND start_date <= :end AND coalesce(cancelled_on, end_date) >= :start
           ORDER BY start_date""",
        {"cadre": cadre_no, "exclude": exclude, "start": start, "end": end},
    )
    return [f"{r['start_date']} 至 {r['last']}" for r in rows]


def retirement_problem(row: dict[str, Any] | None, end: str) -> str | None:
    """Why a leave of the cadre ``row`` may not end on ``end``: he retires (退出) before it."""
    if row is None or row["retired_on"] is None or end <= row["retired_on"]:
        return None
    return f"{row['name']} 于 {row['retired_on']} 退出，请假不能晚于这一天"


def leave_problems(db: Database, values: dict[str, Any]) -> dict[str, str]:
    """{field: problem} for a new leave: the cadre is on the roster and not retired before
    the leave ends, the dates are in order, the level may approve that many days (by the
    setting in force on the first day), no other leave overlaps it."""
    problems: dict[str, str] = {}
    row = cadre(db, str(values.get("cadre_no") or ""))
    start, end = values.get("start_date"), values.get("end_date")
    if row is None:
        problems["cadre_no"] = f"干部编号不存在：{values.get('cadre_no')}"
    elif row["retired_on"] is not None and start and start > row["retired_on"]:
        problems["cadre_no"] = f"{row['name']} 已于 {row['retired_on']} 退出"
    if not (start and end):
        return problems
    if end < start:
        problems["end_date"] = f"结束日期 {end} 早于开始日期 {start}"
        return problems
    late = retirement_problem(row, end)
    if late:
        problems["end_date"] = late
    level = values.get("approver_level")
    if level:
        limit = leave_township_max_days(db, _day(start))
        problem = approval_problem(leave_days(_day(start), _day(end)), level, limit)
        if problem:
            problems["approver_level"] = problem
    if row is not None:
        others = overlapping_leaves(db, row["cadre_no"], start, end)
        if others:
            problems["start_date"] = f"与已有的请假（{'、'.join(others)}）重叠"
    return problems


def _rows(db: Database, cadre_no: str, start: str, end: str) -> dict[str, dict[str, Any]]:
    """{day: attendance row} of the cadre in [start, end]."""
    return {
        r["day"]: r
        for r in db.query(
            "SELECT * FROM attendance WHERE cadre_no = ? AND day BETWEEN ? AND ?",
            [cadre_no, start, end],
        )
    }


def add_leave(
    db: Database,
    values: dict[str, Any],
    *,
    overwrite_present: bool = False,
    reason: str | None = None,
) -> Batch:
    """Write the leave and mark its days 请假 (see the module's rules). One transaction.

    A leave in a quarter sent to the county, or marking days of an approved subsidy month,
    needs a ``reason`` (:class:`app.db.guard.ReasonRequired`, nothing written)."""
    row = {f: values.get(f) for f in LEAVE_FIELDS}
    if not row["approver_level"]:
        raise DomainError("请选择批准层级", field="approver_level")
    problems = leave_problems(db, row)
    if problems:
        field, problem = next(iter(problems.items()))
        raise DomainError(problem, field=field)
    cadre_no, start, end = row["cadre_no"], row["start_date"], row["end_date"]
    recorded = _rows(db, cadre_no, start, end)
    replaced: dict[str, dict[str, Any] | None] = {}  # the days the leave writes
    for d in daterange(_day(start), _day(end)):
        now = recorded.get(d.isoformat())
        if now is None:
            replaced[d.isoformat()] = None
        elif now["kind"] == Kind.LEAVE.value or (now["kind"] in _PRESENT and not overwrite_present):
            continue
        else:
            replaced[d.isoformat()] = {f: now[f] for f in REPLACED_FIELDS}
    with with_reason(db, reason):
        leave_row = {**row, "uuid": new_uuid(), "replaced": _dump(replaced)}
        changes = [records.insert(db, "leaves", leave_row, ("uuid",))]
        for day, before in replaced.items():
            key = {"cadre_no": cadre_no, "day": day}
            if before is None:
                values_ = {
                    **key,
                    "village_code": village_on(db, cadre_no, day),
                    "kind": Kind.LEAVE.value,
                    "source": SOURCE,
                }
                changes.append(records.insert(db, "attendance", values_, ("cadre_no", "day")))
            else:
                changes.append(
                    records.update(
                        db, "attendance", key, {"kind": Kind.LEAVE.value, "source": SOURCE}
                    )
                )
    return Batch(tuple(changes))


def _dump(replaced: dict[str, dict[str, Any] | None]) -> str:
    return json.dumps(replaced, ensure_ascii=False, sort_keys=True)


def _replaced(row: dict[str, Any]) -> dict[str, dict[str, Any] | None] | None:
    """What the leave's days held before it, or None for a leave without that record
    (an imported one)."""
    raw = row.get("replaced")
    return None if raw is None else json.loads(raw)


@dataclass(frozen=True, slots=True)
class GiveBack:
    """The attendance days a 销假 or a deletion gives back."""

    #: (day, what it gets back: the row's kind, source, note, village_code; None: no record)
    restored: tuple[tuple[str, dict[str, Any] | None], ...]
    #: days the leave wrote that were changed since: left as they are
    kept: tuple[str, ...]


def give_back(db: Database, row: dict[str, Any], first: str, last: str) -> GiveBack:
    """What taking the leave ``row`` away from the days in [first, last] does.

    A day still holding the leave's 请假 (kind and source 请假) gets back what it held
    before the leave. For a leave without ``replaced`` (imported), such days become not
    recorded.
    """
    now = _rows(db, row["cadre_no"], first, last)

    def still_leave(day: str) -> bool:
        r = now.get(day)
        return r is not None and r["kind"] == Kind.LEAVE.value and r["source"] == SOURCE

    replaced = _replaced(row)
    if replaced is None:
        days = sorted(d for d in now if still_leave(d))
        return GiveBack(tuple((d, None) for d in days), ())
    mine = sorted(d for d in replaced if first <= d <= last)
    return GiveBack(
        tuple((d, replaced[d]) for d in mine if still_leave(d)),
        tuple(d for d in mine if not still_leave(d)),
    )


def _give_back(db: Database, cadre_no: str, plan: GiveBack) -> list[Change]:
    changes = []
    for day, before in plan.restored:
        key = {"cadre_no": cadre_no, "day": day}
        if before is None:
            changes.append(records.delete(db, "attendance", key))
        else:
            changes.append(records.update(db, "attendance", key, dict(before)))
    return changes


def _existing(db: Database, key: str) -> dict[str, Any]:
    row = leave(db, key)
    if row is None:
        raise DomainError("记录已不存在（可能已被删除）")
    return row


def _last_possible(row: dict[str, Any]) -> str:
    return (date.fromisoformat(row["end_date"]) - timedelta(days=1)).isoformat()


def cancel_plan(db: Database, key: str, day: date) -> GiveBack:
    """The days a 销假 on ``day`` gives back (those after it)."""
    row = _existing(db, key)
    after = (day + timedelta(days=1)).isoformat()
    return give_back(db, row, after, row["end_date"])


def cancel_leave(db: Database, key: str, day: date, *, reason: str | None = None) -> Batch:
    """销假: the leave ends on ``day`` (still a leave day); its days after it get back what
    they held before (see the module's rules). Days given back in a frozen period need a
    ``reason``."""
    row = _existing(db, key)
    if row["cancelled_on"] is not None:
        raise DomainError(f"这次请假已于 {row['cancelled_on']} 销假", field="cancelled_on")
    iso = day.isoformat()
    last_possible = _last_possible(row)
    if not row["start_date"] <= iso <= last_possible:
        raise DomainError(
            f"最后请假日应在 {row['start_date']} 到 {last_possible} 之间"
            f"（原定到 {row['end_date']}；整次请假不要了请删除）：{iso}",
            field="cancelled_on",
        )
    plan = cancel_plan(db, key, day)
    values: dict[str, Any] = {"cancelled_on": iso}
    replaced = _replaced(row)
    if replaced is not None:  # the days after it are no longer the leave's
        values["replaced"] = _dump({d: r for d, r in replaced.items() if d <= iso})
    with with_reason(db, reason):
        changes = [records.update(db, "leaves", {"uuid": key}, values)]
        changes += _give_back(db, row["cadre_no"], plan)
    return Batch(tuple(changes))


def delete_plan(db: Database, key: str) -> GiveBack:
    """The days deleting the leave gives back."""
    row = _existing(db, key)
    return give_back(db, row, row["start_date"], row["cancelled_on"] or row["end_date"])


def delete_leave(db: Database, key: str, *, reason: str | None = None) -> Batch:
    """Delete the leave; its days get back what they held before. One transaction.
    A leave in a frozen period needs a ``reason``."""
    row = _existing(db, key)
    plan = delete_plan(db, key)
    with with_reason(db, reason):
        changes = _give_back(db, row["cadre_no"], plan)
        changes.append(records.delete(db, "leaves", {"uuid": key}))
    return Batch(tuple(changes))


__all__ = [
    "CANCELLED",
    "COMING",
    "ENDED",
    "ON_LEAVE",
    "REPLACED_FIELDS",
    "SOURCE",
    "GiveBack",
    "LeaveRow",
    "add_leave",
    "cancel_leave",
    "cancel_plan",
    "delete_leave",
    "delete_plan",
    "give_back",
    "leave",
    "leave_problems",
    "leave_rows",
    "overlapping_leaves",
    "present_days",
    "recorded_days",
    "retirement_problem",
    "status_of",
]
