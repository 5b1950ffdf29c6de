"""Read-only queries behind the main window's tables.

Every list the window shows is filtered and sorted here, in SQL, so a view never holds
more than it shows and never sorts in Python. Functions take a ``sqlite_utils.Database``
and return small frozen rows; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from app.db.sql import like_pattern
from app.domain.assessment import GRADES, change
from app.domain.attendance import PRESENT_KINDS, Role

#: The kinds of meeting in the management cycle (周例会 … 年终总评), as in the schema.
MEETING_KINDS: tuple[str, ...] = ("周例会", "月汇报", "季小结", "半年初评", "年终总评")

_PART_TIME_ROLES = tuple(r.value for r in Role if r.is_part_time)
_PRESENT = tuple(sorted(k.value for k in PRESENT_KINDS))


def _names(prefix: str, values: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """Named placeholders for ``IN (...)``: ``(":p0, :p1", {"p0": …, "p1": …})``."""
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return ", ".join(f":{k}" for k in params), params


_GRADE_RANK_SQL = (
    "CASE {col} " + " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(GRADES, start=1)) + " END"
)

# ---- villages (村情档案) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VillageRow:
    code: str
    name: str
    grade: str | None  # the latest assessed year's grade, else the register's
    previous_grade: str | None  # the grade of the year before the latest assessed one
    households: int | None
    population: int | None
    party_members: int | None
    industry: str | None
    stationed: str  # names of cadres stationed there today, "、"-separated
    part_time: str  # part-time secretaries today (first secretaries marked)


#: Sort keys accepted by :func:`villages`, mapped to their ORDER BY expression.
VILLAGE_SORTS: dict[str, str] = {
    "code": "code",
    "name": "name",
    "grade": _GRADE_RANK_SQL.format(col="grade"),
    "previous_grade": _GRADE_RANK_SQL.format(col="previous_grade"),
    "households": "households",
    "population": "population",
    "party_members": "party_members",
    "industry": "industry",
    "stationed": "stationed",
    "part_time": "part_time",
}


def villages(
    db: Database,
    *,
    today: date,
    text: str = "",
    grade: str | None = None,
    cadre: str | None = None,
    sort: str = "code",
    descending: bool = False,
) -> list[VillageRow]:
    """The villages, filtered by ``text`` (code, name or industry), current ``grade`` and
    ``cadre`` (a cadre_no: villages where that cadre is or was assigned).

    Cadre names are those of assignments active on ``today``.
    """
    if sort not in VILLAGE_SORTS:
        raise ValueError(f"unknown sort key: {sort}")
    order = f"{VILLAGE_SORTS[sort]} {'DESC' if descending else 'ASC'}"
    text = text.strip()
    roles, role_params = _names("role", _PART_TIME_ROLES)
    sql = f"""
        WITH latest AS (
            SELECT village_code, max(year) AS year FROM village_assessments GROUP BY village_code
        ),
        active AS (
            SELECT a.village_code, a.role, c.name FROM assignments a
            JOIN cadres c ON c.cadre_no = a.cadre_no
            WHERE a.start_date <= :today AND (a.end_date IS NULL OR a.end_date >= :today)
            ORDER BY a.village_code, a.start_date, c.cadre_no
        ),
        stationed AS (
            SELECT village_code, group_concat(name, '、') AS names FROM active
            WHERE role = :stationed GROUP BY village_code
        ),
        part_time AS (
            SELECT village_code,
                   group_concat(name || CASE role WHEN :first THEN '（第一书记）' ELSE '' END, '、')
                   AS names
            FROM active WHERE role IN ({roles}) GROUP BY village_code
        ),
        listed AS (
            SELECT v.code, v.name,
                   coalesce(cur.grade, v.register_grade) AS grade,
                   prev.grade AS previous_grade,
                   v.households, v.population, v.party_members,
                   v.leading_industry AS industry,
                   coalesce(s.names, '') AS stationed,
                   coalesce(p.names, '') AS part_time
            FROM villages v
            LEFT JOIN latest l ON l.village_code = v.code
            LEFT JOIN village_assessments cur
                ON cur.village_code = v.code AND cur.year = l.year
            LEFT JOIN village_assessments prev
                ON prev.village_code = v.code AND prev.year = l.year - 1
            LEFT JOIN stationed s ON s.village_code = v.code
            LEFT JOIN part_time p ON p.village_code = v.code
            WHERE (:text = '' OR v.code LIKE :pattern ESCAPE '\\'
                   OR v.name LIKE :pattern ESCAPE '\\'
                   OR v.leading_industry LIKE :pattern ESCAPE '\\')
              AND (:cadre IS NULL OR EXISTS (
                   SELECT 1 FROM assignments ca
                   WHERE ca.village_code = v.code AND ca.cadre_no = :cadre))
        )
        SELECT * FROM listed
        WHERE (:grade IS NULL OR grade = :grade)
        ORDER BY {order}, code
    """
    params: dict[str, object] = {
        "today": today.isoformat(),
        "stationed": Role.STATIONED.value,
        "first": Role.FIRST_SECRETARY.value,
        "text": text,
        "pattern": like_pattern(text),
        "grade": grade,
        "cadre": cadre,
        **role_params,
    }
    return [VillageRow(**r) for r in db.query(sql, params)]


@dataclass(frozen=True, slots=True)
class AssignedCadre:
    cadre_no: str
    name: str
    current: bool  # holds an assignment on the day asked about


def assigned_cadres(db: Database, *, today: date) -> list[AssignedCadre]:
    """Cadres with at least one assignment (now or before), current ones first, by number."""
    sql = """
        SELECT c.cadre_no, c.name,
               max(a.start_date <= :today AND (a.end_date IS NULL OR a.end_date >= :today))
               AS current
        FROM cadres c JOIN assignments a ON a.cadre_no = c.cadre_no
        GROUP BY c.cadre_no
        ORDER BY current DESC, c.cadre_no
    """
    return [
        AssignedCadre(r["cadre_no"], r["name"], bool(r["current"]))
        for r in db.query(sql, {"today": today.isoformat()})
    ]


# ---- village assessments (考核) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    code: str
    name: str
    total_tenths: int
    grade: str
    previous_grade: str | None  # the grade of the year before, if assessed
    change: str | None  # 升级 / 降级 / 持平, None without a previous grade


def assessment_years(db: Database) -> list[int]:
    """Years with at least one village assessment, newest first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT year FROM village_assessments ORDER BY year DESC"
        ).fetchall()
    ]


def village_assessments(db: Database, year: int) -> list[AssessmentRow]:
    """The village assessments of ``year`` with the previous year's grade, by village code."""
    sql = """
        SELECT va.village_code AS code, v.name, va.total_tenths, va.grade,
               prev.grade AS previous_grade
        FROM village_assessments va
        JOIN villages v ON v.code = va.village_code
        LEFT JOIN village_assessments prev
            ON prev.village_code = va.village_code AND prev.year = va.year - 1
        WHERE va.year = ?
        ORDER BY va.village_code
    """
    return [
        AssessmentRow(**r, change=change(r["previous_grade"], r["grade"]))
        for r in db.query(sql, [year])
    ]


__all__ = [
    "MEETING_KINDS",
    "VILLAGE_SORTS",
    "AssignedCadre",
    "AssessmentRow",
    "VillageRow",
    "assessment_years",
    "assigned_cadres",
    "village_assessments",
    "villages",
]
