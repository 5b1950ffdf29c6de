"""村级考核 in the program: the grid of a year, undoable saves, template versions.

A village's year is saved as one :class:`app.db.cadres.Batch` (the assessment, its indicator
scores and, the first time a year is scored, the pin of its template in
``assessment_years``), made in one transaction and undone with
:func:`app.db.cadres.revert_batch`. Totals and grades come from
:func:`app.domain.assessment.assess_village` on the year's template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from app.db import records, store
from app.db.cadres import Batch
from app.db.records import Change
from app.domain.assessment import Template, assess_village, change
from app.domain.errors import DomainError

# ---- the grid of a year ------------------------------------------------------------------


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    scores: dict[str, int]  # stored scores (tenths) by indicator
    total_tenths: int | None
    grade: str | None
    previous_grade: str | None
    assessor: str | None
    assessed_on: str | None


@dataclass(frozen=True)
class YearGrid:
    year: int
    template_id: int
    template: Template
    rows: list[GridRow]


def scored_template_id(db: Database, year: int) -> int | None:
    """The template a year's stored assessments were scored with (None if none yet)."""
    row = db.execute(
        "SELECT template_id FROM village_assessments WHERE year = ? LIMIT 1", [year]
    ).fetchone()
    return row[0] if row else None


def year_template(db: Database, year: int) -> tuple[int, Template]:
    """The template a year uses: the one it was scored with, else the chosen, else the newest."""
    tid = scored_template_id(db, year)
    if tid is None:
        return store.template_for_year(db, year)
    return tid, store.load_template(db, tid)


def year_grid(db: Database, year: int) -> YearGrid:
    tid, template = year_template(db, year)
    assessed = {
        r["village_code"]: r
        for r in db.query("SELECT * FROM village_assessments WHERE year = ?", [year])
    }
    previous = {
        r["village_code"]: r["grade"]
        for r in db.query(
            "SELECT village_code, grade FROM village_assessments WHERE year = ?", [year - 1]
        )
    }
    scores: dict[str, dict[str, int]] = {}
    for r in db.query(
        "SELECT village_code, indicator, score_tenths FROM village_scores WHERE year = ?", [year]
    ):
        scores.setdefault(r["village_code"], {})[r["indicator"]] = r["score_tenths"]
    rows = []
    for v in db.query("SELECT code, name FROM villages ORDER BY code"):
        a = assessed.get(v["code"])
        rows.append(
            GridRow(
                code=v["code"],
                name=v["name"],
                scores=scores.get(v["code"], {}),
                total_tenths=a["total_tenths"] if a else None,
                grade=a["grade"] if a else None,
                previous_grade=previous.get(v["code"]),
                assessor=a["assessor"] if a else None,
                assessed_on=a["assessed_on"] if a else None,
            )
        )
    return YearGrid(year, tid, template, rows)


def grid_years(db: Database, today: date) -> list[int]:
    """Years to offer, newest first: this year, last year and every year with data."""
    years = {today.year, today.year - 1}
    for table in ("village_assessments", "assessment_years"):
        years |= {r[0] for r in db.execute(f"SELECT DISTINCT year FROM {table}").fetchall()}
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class HistoryRow:
    year: int
    total_tenths: int
    grade: str
    change: str | None


def village_history(db: Database, code: str) -> list[HistoryRow]:
    """A village's assessments over the years, oldest first, with the change from the year before."""
    rows = list(
        db.query(
            "SELECT year, total_tenths, grade FROM village_assessments "
            "WHERE village_code = ? ORDER BY year",
            [code],
        )
    )
    by_year = {r["year"]: r["grade"] for r in rows}
    return [
        HistoryRow(
            r["year"], r["total_tenths"], r["grade"], change(by_year.get(r["year"] - 1), r["grade"])
        )
        for r in rows
    ]


# ---- saving scores -----------------------------------------------------------------------


def _save_one(
    db: Database,
    code: str,
    year: int,
    scores_tenths: dict[str, int],
    assessor: str | None,
    assessed_on: str | None,
    pinned: set[int],
) -> list[Change]:
    if db.execute("SELECT 1 FROM villages WHERE code = ?", [code]).fetchone() is None:
        raise DomainError(f"村代码 {code} 不存在", field="village_code")
    tid, template = year_template(db, year)
    previous = db.execute(
        "SELECT grade FROM village_assessments WHERE village_code = ? AND year = ?",
        [code, year - 1],
    ).fetchone()
    result = assess_village(scores_tenths, template, previous[0] if previous else None)
    changes: list[Change] = []
    if year not in pinned and records.fetch(db, "assessment_years", {"year": year}) is None:
        changes.append(
            records.insert(db, "assessment_years", {"year": year, "template_id": tid}, ("year",))
        )
        pinned.add(year)
    key = {"village_code": code, "year": year}
    values = {
        "template_id": tid,
        "assessor": assessor or None,
        "assessed_on": assessed_on or None,
        "total_tenths": result.total_tenths,
        "grade": result.grade,
    }
    if records.fetch(db, "village_assessments", key) is None:
        changes.append(records.insert(db, "village_assessments", key | values, tuple(key)))
    else:
        c = records.update(db, "village_assessments", key, values)
        if c.before != c.after:
            changes.append(c)
    stored = {
        r["indicator"]: r["score_tenths"]
        for r in db.query(
            "SELECT indicator, score_tenths FROM village_scores WHERE village_code = ? AND year = ?",
            [code, year],
        )
    }
    for indicator in template.indicators:
        name, tenths = indicator.name, scores_tenths[indicator.name]
        skey = key | {"indicator": name}
        if name not in stored:
            changes.append(
                records.insert(db, "village_scores", skey | {"score_tenths": tenths}, tuple(skey))
            )
        elif stored[name] != tenths:
            changes.append(records.update(db, "village_scores", skey, {"score_tenths": tenths}))
    for name in stored:
        if name not in scores_tenths:
            changes.append(records.delete(db, "village_scores", key | {"indicator": name}))
    return changes


def save_village_scores(
    db: Database,
    code: str,
    year: int,
    scores_tenths: dict[str, int],
    assessor: str | None,
    assessed_on: date | str | None,
) -> Batch:
    """Write a village's year (assessment + indicator scores) in one transaction; undoable."""
    return save_many(db, year, {code: scores_tenths}, assessor, assessed_on)


def save_many(
    db: Database,
    year: int,
    scores: dict[str, dict[str, int]],
    assessor: str | None,
    assessed_on: date | str | None,
) -> Batch:
    """Several villages of one year, in one transaction, as one batch."""
    on = assessed_on.isoformat() if isinstance(assessed_on, date) else assessed_on
    changes: list[Change] = []
    pinned: set[int] = set()
    with db.atomic():
        for code, village_scores in scores.items():
            changes += _save_one(db, code, year, village_scores, assessor, on, pinned)
    return Batch(tuple(changes))


# ---- template versions -------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    template_id: int
    label: str
    created_at: str
    years: list[int]  # years that use it (chosen or scored)


def versions(db: Database) -> list[VersionRow]:
    used: dict[int, set[int]] = {}
    for r in db.query(
        "SELECT template_id, year FROM assessment_years "
        "UNION SELECT DISTINCT template_id, year FROM village_assessments"
    ):
        used.setdefault(r["template_id"], set()).add(r["year"])
    return [
        VersionRow(
            r["id"], f"{r['name']} v{r['version']}", r["created_at"], sorted(used.get(r["id"], ()))
        )
        for r in db.query("SELECT id, name, version, created_at FROM templates ORDER BY id")
    ]


def next_version(db: Database, name: str) -> int:
    row = db.execute("SELECT MAX(version) FROM templates WHERE name = ?", [name]).fetchone()
    return (row[0] or 0) + 1


def save_version(db: Database, template: Template) -> int:
    """Store a new version (validated first: nothing is written if it is refused)."""
    template.validate()
    if db.execute(
        "SELECT 1 FROM templates WHERE name = ? AND version = ?", [template.name, template.version]
    ).fetchone():
        raise DomainError(f"已有模板 {template.label}")
    return store.save_template(db, template)


def choose_template(db: Database, year: int, template_id: int) -> Change | None:
    """Make ``year`` use a template; refused when the year already has scores (it keeps its
    version). None when nothing changes."""
    if db.execute("SELECT 1 FROM templates WHERE id = ?", [template_id]).fetchone() is None:
        raise DomainError("模板不存在")
    scored = scored_template_id(db, year)
    if scored is not None and scored != template_id:
        label = store.load_template(db, scored).label
        raise DomainError(f"{year} 年已有考核评分，按 {label} 评定，不能更换指标模板")
    row = records.fetch(db, "assessment_years", {"year": year})
    if row is None:
        return records.insert(
            db, "assessment_years", {"year": year, "template_id": template_id}, ("year",)
        )
    if row["template_id"] == template_id:
        return None
    return records.update(db, "assessment_years", {"year": year}, {"template_id": template_id})


__all__ = [
    "GridRow",
    "HistoryRow",
    "VersionRow",
    "YearGrid",
    "choose_template",
    "grid_years",
    "next_version",
    "save_many",
    "save_version",
    "save_village_scores",
    "scored_template_id",
    "versions",
    "village_history",
    "year_grid",
    "year_template",
]
