"""查岗 (presence checks): the list, edits, and marking an unexcused absence in the book.

A check with result 不在岗 is an unexcused absence: it counts against the cadre's year
grade (``app.db.store.unexcused_absences``). When the attendance book has nothing for
that day, the clerk may mark it 缺勤 together with the check (one transaction, one undo).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.cadres import Batch, cadre, new_uuid, village_on
from app.db.guard import with_reason
from app.db.records import Change
from app.db.store import cadre_rules, unexcused_absences
from app.domain.assessment import cap_explanation
from app.domain.attendance import Kind
from app.domain.errors import DomainError
from app.domain.periods import Year

ABSENT = "不在岗"
SOURCE = "查岗"
CHECK_FIELDS = ("cadre_no", "day", "method", "result", "checker", "note")


@dataclass(frozen=True, slots=True)
class CheckRow:
    uuid: str
    day: str
    cadre_no: str
    cadre_name: str
    method: str
    result: str
    checker: str | None
    note: str | None

    @property
    def absent(self) -> bool:
        return self.result == ABSENT


def check_rows(
    db: Database,
    *,
    month: str | None = None,
    cadre_no: str | None = None,
    result: str | None = None,
) -> list[CheckRow]:
    """Checks, newest first, filtered by month (``2026-05``), cadre and result."""
    sql = """
        SELECT k.uuid, k.day, k.cadre_no, c.name AS cadre_name, k.method, k.result,
               k.checker, k.note
        FROM checks k JOIN cadres c ON c.cadre_no = k.cadre_no
        WHERE (:month IS NULL OR k.day BETWEEN :month || '-01' AND :month || '-31')
          AND (:cadre IS NULL OR k.cadre_no = :cadre)
          AND (:result IS NULL OR k.result = :result)
        ORDER BY k.day DESC, k.cadre_no, k.method
    """
    return [
        CheckRow(**r) for r in db.query(sql, {"month": month, "cadre": cadre_no, "result": result})
    ]


def check_months(db: Database) -> list[str]:
    """Months with at least one check, newest first (``2026-05``)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT substr(day, 1, 7) AS m FROM checks ORDER BY m DESC"
        ).fetchall()
    ]


def check(db: Database, key: str) -> dict[str, Any] | None:
    return records.fetch(db, "checks", {"uuid": key})


def check_problems(
    db: Database, values: dict[str, Any], *, exclude: str | None = None
) -> dict[str, str]:
    """{field: problem}: the cadre is on the roster; one check per cadre, day and method."""
    problems: dict[str, str] = {}
    if cadre(db, str(values.get("cadre_no") or "")) is None:
        problems["cadre_no"] = f"干部编号不存在：{values.get('cadre_no')}"
        return problems
    same = db.execute(
        "SELECT 1 FROM checks WHERE cadre_no = ? AND day = ? AND method = ? AND uuid IS NOT ?",
        [values.get("cadre_no"), values.get("day"), values.get("method"), exclude],
    ).fetchone()
    if same:
        problems["method"] = "这名干部这一天已有一条同样方式的查岗记录"
    return problems


def attendance_kind(db: Database, cadre_no: str, day: str) -> str | None:
    """The attendance book's kind for the cadre on ``day``; None when not recorded."""
    row = db.execute(
        "SELECT kind FROM attendance WHERE cadre_no = ? AND day = ?", [cadre_no, day]
    ).fetchone()
    return row[0] if row else None


def needs_absence_mark(db: Database, values: dict[str, Any]) -> bool:
    """A 不在岗 check on a day the attendance book has nothing for."""
    return values.get("result") == ABSENT and (
        attendance_kind(db, str(values["cadre_no"]), str(values["day"])) is None
    )


def _raise(problems: dict[str, str]) -> None:
    if problems:
        field, problem = next(iter(problems.items()))
        raise DomainError(problem, field=field)


def _mark_absent(db: Database, row: dict[str, Any]) -> Change:
    day, cadre_no = str(row["day"]), str(row["cadre_no"])
    return records.insert(
        db,
        "attendance",
        {
            "cadre_no": cadre_no,
            "day": day,
            "village_code": village_on(db, cadre_no, day),
            "kind": Kind.ABSENT.value,
            "source": SOURCE,
            "note": f"{row['method']}不在岗",
        },
        ("cadre_no", "day"),
    )


def add_check(
    db: Database,
    values: dict[str, Any],
    *,
    mark_absent: bool = False,
    reason: str | None = None,
) -> Batch:
    """Record a check; with ``mark_absent`` also mark a not-recorded day 缺勤. One transaction.

    A check dated in a quarter sent to the county (or marking a day of an approved
    subsidy month) needs a ``reason`` (:class:`app.db.guard.ReasonRequired`)."""
    row = {f: values.get(f) for f in CHECK_FIELDS}
    _raise(check_problems(db, row))
    mark = mark_absent and needs_absence_mark(db, row)
    with with_reason(db, reason):
        changes = [records.insert(db, "checks", {**row, "uuid": new_uuid()}, ("uuid",))]
        if mark:
            changes.append(_mark_absent(db, row))
    return Batch(tuple(changes))


def update_check(
    db: Database,
    key: str,
    values: dict[str, Any],
    *,
    mark_absent: bool = False,
    reason: str | None = None,
) -> Batch:
    """Change a check (as :func:`add_check`); the old and the new day may need a ``reason``."""
    before = check(db, key)
    if before is None:
        raise DomainError("记录已不存在（可能已被删除）")
    row = {f: values.get(f, before[f]) for f in CHECK_FIELDS}
    _raise(check_problems(db, row, exclude=key))
    mark = mark_absent and needs_absence_mark(db, row)
    with with_reason(db, reason):
        changes = [records.update(db, "checks", {"uuid": key}, row)]
        if mark:
            changes.append(_mark_absent(db, row))
    return Batch(tuple(changes))


def delete_check(db: Database, key: str, *, reason: str | None = None) -> Change:
    """Delete the check (a 缺勤 day it marked stays: the book is the clerk's to change).
    A check in a quarter sent to the county needs a ``reason``."""
    with with_reason(db, reason):
        return records.delete(db, "checks", {"uuid": key})


@dataclass(frozen=True, slots=True)
class YearAbsences:
    year: int
    count: int
    cap_note: str | None  # 本年度查岗不在岗 1 次，等次最高为称职


def year_absences(db: Database, cadre_no: str, year: int) -> YearAbsences:
    """The cadre's 不在岗 checks in ``year`` and the grade cap they set."""
    span = Year(year)
    n = unexcused_absences(db, span.first_day, span.last_day).get(cadre_no, 0)
    rules = cadre_rules(db, span.last_day)
    return YearAbsences(year, n, cap_explanation(n, rules) if n else None)


def year_of(day: str) -> int:
    return date.fromisoformat(day).year


__all__ = [
    "ABSENT",
    "SOURCE",
    "CheckRow",
    "YearAbsences",
    "add_check",
    "attendance_kind",
    "check",
    "check_months",
    "check_problems",
    "check_rows",
    "delete_check",
    "needs_absence_mark",
    "update_check",
    "year_absences",
    "year_of",
]
