"""One village's file (村情档案): base data, yearly figures, grade history, cadres and
how complete its household files are; and the edits the village page makes.

Reads return small frozen rows; edits go through :mod:`app.db.records`, so each returns
an undo-able :class:`~app.db.records.Change` and the change log is written by triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.lookups import village_name as village_name
from app.db.records import Change
from app.db.sql import group_sort_key
from app.db.store import require_identity
from app.domain.assessment import change, change_label
from app.domain.errors import DomainError

VILLAGE_KEY = ("code",)
YEAR_KEY = ("village_code", "year")

#: the figures kept per village per year, in the order the page shows them
FIGURES: tuple[str, ...] = (
    "population",
    "households",
    "party_members",
    "income_per_capita_fen",
    "collective_income_fen",
)
MONEY_FIGURES = frozenset({"income_per_capita_fen", "collective_income_fen"})


# ---- base data -------------------------------------------------------------------------


def village(db: Database, code: str) -> dict[str, Any] | None:
    """The village's register row (all columns), or None."""
    return records.fetch(db, "villages", {"code": code})


def township_for(db: Database, code: str) -> str:
    """The township a new village belongs to: this township, or (county) its code's first 9."""
    ident = require_identity(db)
    if ident.kind != "county":
        assert ident.township_code is not None
        return ident.township_code
    township = code[:9]
    if not db.execute("SELECT 1 FROM townships WHERE code = ?", [township]).fetchone():
        raise DomainError(
            f"所属乡镇 {township} 不在本县数据库中（县级数据库的乡镇随上报文件导入）",
            field="code",
        )
    return township


def add_village(db: Database, values: dict[str, Any]) -> Change:
    row = {**values, "township_code": township_for(db, str(values["code"]))}
    return records.insert(db, "villages", row, VILLAGE_KEY)


def update_village(db: Database, code: str, values: dict[str, Any]) -> Change:
    return records.update(
        db, "villages", {"code": code}, {k: v for k, v in values.items() if k != "code"}
    )


def delete_village(db: Database, code: str) -> Change:
    """Refused (``DomainError`` naming them) while any record points at the village."""
    return records.delete(db, "villages", {"code": code})


def dependents(db: Database, code: str) -> list[tuple[str, int]]:
    return records.dependents(db, "villages", {"code": code})


# ---- yearly figures --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delta:
    """The change of a figure from the year before."""

    amount: int  # in the figure's unit (people, households, fen)
    percent_tenths: int | None  # percent × 10, rounded half up; None when the base was 0


def _round_half_up(x: Fraction) -> int:
    sign = -1 if x < 0 else 1
    return sign * int(abs(x) + Fraction(1, 2))


def delta(previous: int | None, current: int | None) -> Delta | None:
    if previous is None or current is None:
        return None
    amount = current - previous
    percent = None if previous == 0 else _round_half_up(Fraction(amount * 1000, previous))
    return Delta(amount, percent)


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    population: int | None
    households: int | None
    party_members: int | None
    income_per_capita_fen: int | None
    collective_income_fen: int | None
    notes: str | None
    #: figure -> change from the year before (only when that year is recorded)
    changes: dict[str, Delta | None]

    def value(self, figure: str) -> int | None:
        return getattr(self, figure)


def village_years(db: Database, code: str) -> list[YearFigures]:
    """The yearly figures, newest first, each with its change from the year before."""
    rows = list(
        db.query(
            f"SELECT year, {', '.join(FIGURES)}, notes FROM village_years "
            "WHERE village_code = ? ORDER BY year",
            [code],
        )
    )
    by_year = {r["year"]: r for r in rows}
    out = []
    for r in rows:
        before = by_year.get(r["year"] - 1)
        changes = {f: delta(before[f], r[f]) if before else None for f in FIGURES}
        out.append(YearFigures(**r, changes=changes))
    return out[::-1]


def year_record(db: Database, code: str, year: int) -> dict[str, Any] | None:
    return records.fetch(db, "village_years", {"village_code": code, "year": year})


def add_year(db: Database, code: str, values: dict[str, Any]) -> Change:
    return records.insert(db, "village_years", {**values, "village_code": code}, YEAR_KEY)


def update_year(db: Database, code: str, year: int, values: dict[str, Any]) -> Change:
    return records.update(
        db,
        "village_years",
        {"village_code": code, "year": year},
        {k: v for k, v in values.items() if k not in YEAR_KEY},
    )


def delete_year(db: Database, code: str, year: int) -> Change:
    return records.delete(db, "village_years", {"village_code": code, "year": year})


# ---- grades ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GradeYear:
    year: int
    total_tenths: int
    grade: str
    previous_grade: str | None  # the year before's assessed grade
    change: str | None  # 升级 / 降级 / 持平
    label: str | None  # 三类→二类


def grade_history(db: Database, code: str) -> list[GradeYear]:
    """The village's assessments, newest first, with the move from the year before."""
    sql = """
        SELECT va.year, va.total_tenths, va.grade, prev.grade AS previous_grade
        FROM village_assessments va
        LEFT JOIN village_assessments prev
            ON prev.village_code = va.village_code AND prev.year = va.year - 1
        WHERE va.village_code = ?
        ORDER BY va.year DESC
    """
    return [
        GradeYear(
            **r,
            change=change(r["previous_grade"], r["grade"]),
            label=change_label(r["previous_grade"], r["grade"]),
        )
        for r in db.query(sql, [code])
    ]


# ---- cadres ----------------------------------------------------------------------------

CURRENT, FORMER, COMING = "现任", "曾任", "待任"


@dataclass(frozen=True, slots=True)
class VillageCadre:
    cadre_no: str
    name: str
    post: str | None  # the cadre's township post (职务)
    role: str  # 驻村干部 / 兼职书记 / 兼职第一书记
    start_date: str
    end_date: str | None
    status: str  # 现任 / 曾任 / 待任 on the given day


def village_cadres(db: Database, code: str, *, today: date) -> list[VillageCadre]:
    """Everyone assigned to the village, now and before: current first, then newest."""
    day = today.isoformat()
    sql = """
        SELECT a.cadre_no, c.name, c.post, a.role, a.start_date, a.end_date,
               CASE WHEN a.start_date > :day THEN :coming
                    WHEN a.end_date IS NOT NULL AND a.end_date < :day THEN :former
                    ELSE :current END AS status
        FROM assignments a JOIN cadres c ON c.cadre_no = a.cadre_no
        WHERE a.village_code = :code
        ORDER BY status = :former, a.start_date DESC, a.cadre_no
    """
    params = {"day": day, "code": code, "current": CURRENT, "former": FORMER, "coming": COMING}
    return [VillageCadre(**r) for r in db.query(sql, params)]


# ---- household files (户情档案) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFiles:
    group_name: str | None
    entered: int  # household rows
    filed: int  # of which visited at least once (三深入三查看)


@dataclass(frozen=True, slots=True)
class Completeness:
    """How complete the household files are, counted as the seed counts them.

    Filed = households with at least one visit record; the base is the register's
    household count (``villages.households``), or the rows entered when it is empty.
    """

    register: int | None
    entered: int
    filed: int
    groups: tuple[GroupFiles, ...] = ()

    @property
    def base(self) -> int:
        return self.register if self.register else self.entered

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded half up; None when there is nothing to count."""
        if not self.base:
            return None
        return _round_half_up(Fraction(self.filed * 100, self.base))

    @property
    def unvisited(self) -> int:
        """Entered households without any visit record."""
        return self.entered - self.filed

    @property
    def not_entered(self) -> int:
        """Register households with no row at all (尚未建档)."""
        return max(0, (self.register or 0) - self.entered)

    @property
    def register_short(self) -> bool:
        """More households entered than the register counts: the register needs a look."""
        return bool(self.register) and self.entered > (self.register or 0)


def completeness(db: Database, code: str) -> Completeness:
    register = db.execute("SELECT households FROM villages WHERE code = ?", [code]).fetchone()
    sql = """
        SELECT h.group_name, count(*) AS entered,
               sum(EXISTS (SELECT 1 FROM household_visits hv WHERE hv.hh_no = h.hh_no)) AS filed
        FROM households h WHERE h.village_code = ?
        GROUP BY h.group_name
    """
    groups = sorted(
        (GroupFiles(r["group_name"], r["entered"], r["filed"] or 0) for r in db.query(sql, [code])),
        key=lambda g: (g.group_name is None, group_sort_key(g.group_name)),
    )
    return Completeness(
        register[0] if register else None,
        sum(g.entered for g in groups),
        sum(g.filed for g in groups),
        tuple(groups),
    )


@dataclass(frozen=True, slots=True)
class MissingHousehold:
    hh_no: str
    head_name: str
    group_name: str | None
    phone: str | None
    low_income: bool


def unvisited_households(db: Database, code: str) -> list[MissingHousehold]:
    """The village's households without any visit record, by group and 户编号."""
    sql = """
        SELECT h.hh_no, h.head_name, h.group_name, h.phone, h.low_income
        FROM households h
        WHERE h.village_code = ?
          AND NOT EXISTS (SELECT 1 FROM household_visits hv WHERE hv.hh_no = h.hh_no)
        ORDER BY h.hh_no
    """
    rows = [
        MissingHousehold(**{**r, "low_income": bool(r["low_income"])})
        for r in db.query(sql, [code])
    ]
    rows.sort(key=lambda m: (m.group_name is None, group_sort_key(m.group_name), m.hh_no))
    return rows
