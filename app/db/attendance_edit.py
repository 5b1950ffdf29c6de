"""The duty grid (值班表) over the database: a month of cells in, batches of cell edits out.

:func:`set_cells` writes many attendance cells in one transaction and returns a
:class:`CellBatch` holding each cell's row before and after, so :func:`revert` (undo)
and :func:`reapply` (redo) restore exactly the kinds, villages, sources, notes and uuids
(``modified_at`` becomes the time of the undo or redo: it is a modification too). Every
write goes through the ``attendance`` triggers, so the change log records it and an
approved subsidy month it touches is marked for carrying the difference.

:func:`month_grid` gathers what the grid shows for a month: the cadres on the month's
subsidy sheet (assigned during the month, or with attendance in it), their cells, and
per cadre the month's counts and the requirement judged by
:func:`app.db.compliance.cadre_compliance` — nothing of the rules is computed here or in
the window.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import store
from app.db.cadres import villages_on
from app.db.compliance import cadre_compliance
from app.db.guard import with_reason
from app.db.records import integrity_error
from app.db.subsidy import sheet_cadres
from app.domain.attendance import (
    PRESENT_KINDS,
    Assignment,
    Kind,
    PeriodResult,
    Requirements,
    Role,
    compliance,
)
from app.domain.errors import DomainError
from app.domain.periods import Month, daterange

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
_COLUMNS = ("cadre_no", "day", "village_code", "kind", "source", "note", "uuid")

# ---- batches of cell edits ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell: the attendance row before and after (None = not recorded)."""

    cadre_no: str
    day: date
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    @property
    def kind_before(self) -> Kind | None:
        return None if self.before is None else Kind(self.before["kind"])

    @property
    def kind_after(self) -> Kind | None:
        return None if self.after is None else Kind(self.after["kind"])

    def inverse(self) -> CellChange:
        return CellChange(self.cadre_no, self.day, self.after, self.before)


@dataclass(frozen=True, slots=True)
class CellBatch:
    """The cells one action changed (cells left as they were are not in it)."""

    changes: tuple[CellChange, ...] = ()

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __iter__(self) -> Iterator[CellChange]:
        return iter(self.changes)

    @property
    def months(self) -> list[Month]:
        return sorted({Month.of(c.day) for c in self.changes})

    def inverse(self) -> CellBatch:
        return CellBatch(tuple(c.inverse() for c in self.changes))


Cell = tuple[str, date, "Kind | str | None"]


def _key(cadre_no: str, day: date) -> tuple[str, str]:
    return cadre_no, day.isoformat()


def _rows(db: Database, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The attendance rows of ``keys`` (cadre_no, ISO day), read in a few queries."""
    by_cadre: dict[str, list[str]] = defaultdict(list)
    for cadre_no, day in keys:
        by_cadre[cadre_no].append(day)
    out: dict[tuple[str, str], dict] = {}
    cols = ", ".join(_COLUMNS)
    for cadre_no, days in by_cadre.items():
        for i in range(0, len(days), 500):
            chunk = days[i : i + 500]
            marks = ",".join("?" * len(chunk))
            cur = db.execute(
                f"SELECT {cols} FROM attendance WHERE cadre_no = ? AND day IN ({marks})",
                [cadre_no, *chunk],
            )
            for row in cur.fetchall():
                out[(row[0], row[1])] = dict(zip(_COLUMNS, row, strict=True))
    return out


def _write(db: Database, cadre_no: str, day: date, row: Mapping[str, Any] | None) -> None:
    """Make the cell hold ``row`` (None: delete the record)."""
    key = [cadre_no, day.isoformat()]
    if row is None:
        db.execute("DELETE FROM attendance WHERE cadre_no = ? AND day = ?", key)
        return
    exists = db.execute("SELECT 1 FROM attendance WHERE cadre_no = ? AND day = ?", key).fetchone()
    values = [row["village_code"], row["kind"], row["source"], row["note"], row["uuid"]]
    if exists:
        db.execute(
            f"""UPDATE attendance SET village_code = ?, kind = ?, source = ?, note = ?,
                   uuid = ?, modified_at = {NOW} WHERE cadre_no = ? AND day = ?""",
            [*values, *key],
        )
    else:
        db.execute(
            f"""INSERT INTO attendance (village_code, kind, source, note, uuid, cadre_no, day,
                   modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, {NOW})""",
            [*values, *key],
        )


def set_cells(
    db: Database, cells: Iterable[Cell], source: str = "考勤簿", *, reason: str | None = None
) -> CellBatch:
    """Set many cells in one transaction; ``kind`` None deletes the record (not recorded).

    A cell given twice takes its last kind. A cell already of that kind is not written
    (its source and note stay). A new record, or one without a village, gets the cadre's
    village on the day (:func:`app.db.cadres.village_on`). Raises :class:`DomainError`
    (nothing written) for an unknown kind or cadre, and
    :class:`~app.db.guard.ReasonRequired` for a cell of an approved month or an exported
    quarter without a ``reason`` (which the change log keeps with the cells).
    """
    wanted: dict[tuple[str, date], Kind | None] = {}
    for cadre_no, day, kind in cells:
        wanted[(cadre_no, day)] = None if kind is None else Kind.parse(str(kind))
    if not wanted:
        return CellBatch()
    changes: list[CellChange] = []
    try:
        with with_reason(db, reason):
            current = _rows(db, (_key(c, d) for c, d in wanted))
            villages = villages_on(db, [cell for cell, kind in wanted.items() if kind])
            for (cadre_no, day), kind in wanted.items():
                before = current.get(_key(cadre_no, day))
                if (before["kind"] if before else None) == (kind.value if kind else None):
                    continue
                if kind is None:
                    _write(db, cadre_no, day, None)
                    changes.append(CellChange(cadre_no, day, before, None))
                elif before is not None:
                    village = before["village_code"] or villages[(cadre_no, day)]
                    after = {
                        **before,
                        "kind": kind.value,
                        "source": source,
                        "village_code": village,
                    }
                    _write(db, cadre_no, day, after)
                    changes.append(CellChange(cadre_no, day, before, after))
                else:  # a new record: its uuid comes from the table's default
                    db.execute(
                        """INSERT INTO attendance (cadre_no, day, village_code, kind, source)
                           VALUES (?, ?, ?, ?, ?)""",
                        [
                            cadre_no,
                            day.isoformat(),
                            villages[(cadre_no, day)],
                            kind.value,
                            source,
                        ],
                    )
                    changes.append(CellChange(cadre_no, day, None, None))
            # read back the new records (uuid) so that undo and redo restore them exactly
            fresh = _rows(db, (_key(c.cadre_no, c.day) for c in changes if c.before is None))
    except sqlite3.IntegrityError as e:
        raise integrity_error(e, "attendance") from e
    return CellBatch(
        tuple(
            replace(c, after=fresh[_key(c.cadre_no, c.day)]) if c.before is None else c
            for c in changes
        )
    )


def _apply(db: Database, batch: CellBatch, what: str, reason: str | None) -> CellBatch:
    """Move every cell of ``batch`` from its ``before`` to its ``after``, all or nothing."""
    if not batch:
        return batch
    with with_reason(db, reason):
        current = _rows(db, (_key(c.cadre_no, c.day) for c in batch))
        for c in batch:
            now = current.get(_key(c.cadre_no, c.day))
            was = None if c.before is None else c.before["kind"]
            if (now["kind"] if now else None) != was:
                raise DomainError(
                    f"无法{what}：{c.cadre_no} {c.day.isoformat()} 的考勤已在别处改动"
                    f"（现为“{now['kind'] if now else '未记录'}”），请刷新后重新录入。"
                )
        try:
            for c in batch:
                _write(db, c.cadre_no, c.day, c.after)
        except sqlite3.IntegrityError as e:
            raise integrity_error(e, "attendance") from e
    return batch


def revert(db: Database, batch: CellBatch, reason: str | None = None) -> CellBatch:
    """Undo ``batch``: every cell back to its row before (one transaction).

    Refused (nothing changed) when a cell no longer holds what the batch wrote, or when
    a cell is frozen and no ``reason`` is given (see :func:`set_cells`).
    Returns the batch that was applied (the inverse of ``batch``).
    """
    return _apply(db, batch.inverse(), "撤销", reason)


def reapply(db: Database, batch: CellBatch, reason: str | None = None) -> CellBatch:
    """Redo ``batch`` after :func:`revert` (one transaction)."""
    return _apply(db, batch, "重做", reason)


# ---- the month's grid ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GridRow:
    """One cadre's line of the month.

    ``periods`` are the weeks (兼职) and months (驻村) of the month as judged on the
    grid's ``as_of`` day; a period not ended by then is listed but not judged, and its
    standing so far is in ``running``. ``required_days`` is a stationed cadre's
    requirement for the month (prorated, less leave; also while the month runs),
    ``weekly_min_days`` the weekly requirement of a part-time post.
    """

    cadre_no: str
    name: str
    roles: tuple[str, ...]
    villages: tuple[str, ...]
    assigned: tuple[tuple[date, date], ...]  # the parts of the month the assignments cover
    cells: Mapping[date, Kind]
    present: int  # 在村 + 会议培训 days of the month
    leave: int
    absent: int
    part_time: bool
    stationed: bool
    required_days: int | None
    weekly_min_days: int | None
    periods: tuple[PeriodResult, ...]
    running: tuple[PeriodResult, ...]  # periods not ended yet, judged as if they had
    judged: int
    met: int

    @property
    def ok(self) -> bool | None:
        """True: every judged period met; False: one is not; None: nothing judged yet."""
        return None if self.judged == 0 else self.met == self.judged

    def covers(self, day: date) -> bool:
        """An assignment covers ``day`` (outside, a record counts for pay, not for the rules)."""
        return any(lo <= day <= hi for lo, hi in self.assigned)

    def periods_on(self, day: date) -> list[PeriodResult]:
        """The weeks or months holding ``day``, as judged (a running one as it stands)."""
        running = {(p.label, p.first): p for p in self.running}
        return [
            running.get((p.label, p.first), p) for p in self.periods if p.first <= day <= p.last
        ]


@dataclass(frozen=True, slots=True)
class GridData:
    month: Month
    days: tuple[date, ...]
    rows: tuple[GridRow, ...]
    as_of: date
    approved: bool  # the month's subsidy sheet is approved (frozen)
    requirements: Requirements

    def row_of(self, cadre_no: str) -> GridRow | None:
        return next((r for r in self.rows if r.cadre_no == cadre_no), None)


def _counts(cells: Mapping[date, Kind]) -> tuple[int, int, int]:
    present = sum(1 for k in cells.values() if k in PRESENT_KINDS)
    leave = sum(1 for k in cells.values() if k == Kind.LEAVE)
    absent = sum(1 for k in cells.values() if k == Kind.ABSENT)
    return present, leave, absent


def month_grid(db: Database, month: Month, as_of: date | None = None) -> GridData:
    """The duty grid of ``month``: the cadres on its sheet, their cells and compliance.

    ``as_of`` (default today) decides which weeks and months have ended and are judged.
    """
    as_of = as_of or date.today()
    first, last = month.first_day, month.last_day
    names = store.cadre_names(db)
    village_names = dict(db.execute("SELECT code, name FROM villages").fetchall())
    assignments: dict[str, list[Assignment]] = defaultdict(list)
    for a in store.assignments(db, first, last):
        assignments[a.cadre_no].append(a)
    cells = store.attendance(db, first, last)
    requirements = store.requirements(db, first)
    judged = cadre_compliance(db, first, last, as_of=as_of)
    # the same periods as if they had all ended: where a running week or month stands
    as_if_ended = cadre_compliance(db, first, last, as_of=date.max)
    rows = []
    for cadre_no in sheet_cadres(db, month):
        assigned = assignments.get(cadre_no, [])
        own = dict(cells.get(cadre_no, {}))
        present, leave, absent = _counts(own)
        results = judged[cadre_no].results if cadre_no in judged else []
        ended = as_if_ended[cadre_no].results if cadre_no in as_if_ended else []
        running = tuple(e for r, e in zip(results, ended, strict=True) if e.judged and not r.judged)
        stationed = any(a.role is Role.STATIONED for a in assigned)
        part_time = any(a.role.is_part_time for a in assigned)
        monthly = [
            r.required
            for r in ended
            if (r.first, r.last) == (first, last) and r.required is not None
        ]
        summary = compliance(results)
        rows.append(
            GridRow(
                cadre_no=cadre_no,
                name=names.get(cadre_no, cadre_no),
                roles=tuple(dict.fromkeys(a.role.value for a in assigned)),
                villages=tuple(
                    dict.fromkeys(
                        village_names.get(a.village_code, a.village_code) for a in assigned
                    )
                ),
                assigned=tuple(s for a in assigned if (s := a.overlap(first, last)) is not None),
                cells=own,
                present=present,
                leave=leave,
                absent=absent,
                part_time=part_time,
                stationed=stationed,
                required_days=sum(monthly) if stationed and monthly else None,
                weekly_min_days=requirements.weekly_min_days if part_time else None,
                periods=tuple(results),
                running=running,
                judged=summary.judged,
                met=summary.met,
            )
        )
    approved = db.execute("SELECT 1 FROM subsidy_months WHERE month = ?", [str(month)]).fetchone()
    return GridData(
        month=month,
        days=tuple(daterange(first, last)),
        rows=tuple(rows),
        as_of=as_of,
        approved=approved is not None,
        requirements=requirements,
    )


__all__ = [
    "CellBatch",
    "CellChange",
    "GridData",
    "GridRow",
    "month_grid",
    "reapply",
    "revert",
    "set_cells",
]
