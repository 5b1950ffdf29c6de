"""What the county pages show, gathered from ``app.exchange.county`` (no Qt here).

:func:`load_view` runs in the background (``run_task``): the latest file of every
township, each township's figures for the quarter (computed once, then kept by the
back end) and the county's quarterly summary. The ``*_rows`` functions turn them into
the rows of the pages' tables. Money stays integer fen (``parse_yuan``); shares and
rates are ``Decimal``, never floats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database

from app.domain.assessment import GRADES
from app.domain.money import parse_yuan
from app.domain.periods import Quarter
from app.exchange.county import county_quarterly, latest_files, township_figures
from app.exchange.merge import Receipt, TableCount, fingerprint

DIRECT_NAME = "县级库直接录入"  # the part county_quarterly adds for the county's own rows
QUARTERS_BACK = 12  # quarters offered before the current one


@dataclass
class CountyView:
    quarter: Quarter
    files: list[dict]  # latest_files()
    figures: dict[str, dict]  # township_figures(): by township code
    county: dict  # county_quarterly()'s data (also what 打印季度小结 prints)


@dataclass(frozen=True)
class FileRow:
    township_code: str
    township_name: str
    period: str
    created_at: str
    imported_at: str
    file_name: str
    files: int
    rows_new: int
    rows_updated: int
    rows_deleted: int
    rows_refused: int
    public_key: str
    fingerprint: str
    key_how: str
    registered_at: str
    receipt: str = ""  # the latest file's import receipt, as text


@dataclass(frozen=True)
class GradeRow:
    """One township's villages by grade (or the county's, ``total``)."""

    code: str
    name: str
    villages: int
    by_grade: dict[str, int]
    upgrades: int
    downgrades: int
    total: bool = False


@dataclass(frozen=True)
class VillageRow:
    township_code: str
    township_name: str
    code: str
    name: str
    grade: str | None
    previous: str | None
    assessed: str | None
    change: str | None  # 升级 / 降级 / 持平 / None (no grade last year or this year)


@dataclass(frozen=True)
class DutyRow:
    """One township's duty and subsidy figures for the quarter (or the county's)."""

    code: str
    name: str
    cadres: int
    present_days: int
    met: int
    judged: int
    unexcused: int
    subsidy_fen: int
    meetings: int
    practical_matters: int
    total: bool = False


@dataclass(frozen=True)
class CadreRow:
    cadre_no: str
    name: str
    role: str | None
    judged: int
    met: int
    present_days: int
    unexcused: int
    subsidy_fen: int


@dataclass
class Upgrades:
    """Grade changes in the county, as {"三类→二类": n}."""

    up: dict[str, int] = field(default_factory=dict)
    down: dict[str, int] = field(default_factory=dict)


# ---- loading --------------------------------------------------------------------------
def load_view(
    db: Database, quarter: Quarter, progress: Callable[[int, int, str], None] | None = None
) -> CountyView:
    """Everything the pages show for ``quarter`` (slow the first time: run in a worker)."""
    files = latest_files(db)
    figures = township_figures(db, quarter, progress)
    data, _table = county_quarterly(db, quarter)  # the figures are kept now: quick
    return CountyView(quarter, files, figures, data)


def default_quarter(files: list[dict], today: date) -> Quarter:
    """The latest period among the imported files; the last ended quarter without any."""
    periods = [Quarter.parse(f["period"]) for f in files if f.get("period")]
    return max(periods) if periods else Quarter.of(today).prev()


def offered_quarters(files: list[dict], today: date) -> list[Quarter]:
    """The current quarter and the :data:`QUARTERS_BACK` before it, with every imported
    period; latest first."""
    q, out = Quarter.of(today), set()
    for _ in range(QUARTERS_BACK + 1):
        out.add(q)
        q = q.prev()
    out |= {Quarter.parse(f["period"]) for f in files if f.get("period")}
    return sorted(out, reverse=True)


def quarter_label(q: Quarter) -> str:
    return f"{q.year}年第{q.q}季度"


# ---- shown values ---------------------------------------------------------------------
def local_time(text: str | None) -> str:
    """An ISO time as the clerk's local ``2026-10-08 09:30`` (blank if missing)."""
    if not text:
        return ""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%Y-%m-%d %H:%M")


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in per cent, one decimal, rounded half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def share(part: int, whole: int) -> str:
    """Whole per cent, rounded half up, as the quarterly report prints it (``9%``)."""
    if not whole:
        return "0%"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP)}%"


# ---- rows -----------------------------------------------------------------------------
def file_rows(files: list[dict]) -> list[FileRow]:
    return [
        FileRow(
            township_code=f["township_code"],
            township_name=f["township_name"],
            period=f["period"],
            created_at=f["created_at"],
            imported_at=f["imported_at"],
            file_name=f["file_name"],
            files=int(f["files"]),
            rows_new=int(f["rows_new"] or 0),
            rows_updated=int(f["rows_updated"] or 0),
            rows_deleted=int(f["rows_deleted"] or 0),
            rows_refused=int(f["rows_refused"] or 0),
            public_key=f.get("public_key") or "",
            fingerprint=fingerprint(f["public_key"]) if f.get("public_key") else "",
            key_how=f.get("key_how") or "",
            registered_at=f.get("registered_at") or "",
            receipt=receipt_text(f),
        )
        for f in files
    ]


def receipt_text(file: dict) -> str:
    """The receipt kept with an imported file (``latest_files()``'s ``receipt``), as text."""
    try:
        d = json.loads(file.get("receipt") or "")
        d.pop("rows", None)
        d["tables"] = {t: TableCount(**c) for t, c in (d.get("tables") or {}).items()}
        d["refused_rows"] = [tuple(r) for r in d.get("refused_rows") or []]
        d["imported"] = True  # only imported files are kept
        return Receipt(**d).text()
    except (ValueError, TypeError, AttributeError):
        return ""


def _names(view: CountyView) -> dict[str, str]:
    return {f["township_code"]: f["township_name"] for f in view.files}


def _changes(report: dict, key: str) -> int:
    return sum(int(n) for n in (report.get(key) or {}).values())


def grade_rows(view: CountyView) -> list[GradeRow]:
    """Per township (and the county database's own rows, if any), villages by grade."""
    rows = []
    ups = downs = 0
    for t in view.county["by_township"]:
        by_grade = {g: int((t.get("villages_by_grade") or {}).get(g, 0)) for g in GRADES}
        report = view.figures.get(t["code"], {}).get("report")
        if report is not None:
            up, down = _changes(report, "upgrades"), _changes(report, "downgrades")
        else:  # the direct part: what the county's totals hold beyond the townships'
            up = _changes(view.county, "upgrades") - ups
            down = _changes(view.county, "downgrades") - downs
        ups, downs = ups + up, downs + down
        rows.append(
            GradeRow(
                code=t["code"],
                name=t["name"] if t["code"] else DIRECT_NAME,
                villages=int(t.get("villages") or 0),
                by_grade=by_grade,
                upgrades=up,
                downgrades=down,
            )
        )
    return rows


def grade_total(view: CountyView) -> GradeRow:
    c = view.county
    return GradeRow(
        code="",
        name="全县合计",
        villages=int(c["villages"]),
        by_grade={g: int(c["villages_by_grade"].get(g, 0)) for g in GRADES},
        upgrades=_changes(c, "upgrades"),
        downgrades=_changes(c, "downgrades"),
        total=True,
    )


def upgrades(view: CountyView) -> Upgrades:
    return Upgrades(
        dict(view.county.get("upgrades") or {}), dict(view.county.get("downgrades") or {})
    )


def village_rows(view: CountyView) -> list[VillageRow]:
    """Every village of the imported townships, by township and code."""
    names = _names(view)
    rows = []
    for code in sorted(view.figures):
        for v in view.figures[code].get("villages") or []:
            rows.append(
                VillageRow(
                    township_code=code,
                    township_name=names.get(code, code),
                    code=v["code"],
                    name=v["name"],
                    grade=v.get("grade"),
                    previous=v.get("previous"),
                    assessed=v.get("assessed"),
                    change=v.get("change"),
                )
            )
    return rows


def direct_villages(view: CountyView) -> int:
    """Villages entered in the county database itself (counted, not listed here)."""
    return sum(int(t.get("villages") or 0) for t in view.county["by_township"] if not t["code"])


def duty_rows(view: CountyView) -> list[DutyRow]:
    return [
        DutyRow(
            code=t["code"],
            name=t["name"] if t["code"] else DIRECT_NAME,
            cadres=int(t.get("cadres") or 0),
            present_days=int(t.get("present_days") or 0),
            met=int(t.get("met_periods") or 0),
            judged=int(t.get("judged_periods") or 0),
            unexcused=int(t.get("unexcused_absences") or 0),
            subsidy_fen=parse_yuan(t.get("subsidy_total") or "0.00", field="补助合计"),
            meetings=int(t.get("meetings") or 0),
            practical_matters=int(t.get("practical_matters") or 0),
        )
        for t in view.county["by_township"]
    ]


def duty_total(view: CountyView) -> DutyRow:
    c = view.county
    return DutyRow(
        code="",
        name="全县合计",
        cadres=int(c["cadres"]),
        present_days=int(c["present_days"]),
        met=int(c["met_periods"]),
        judged=int(c["judged_periods"]),
        unexcused=int(c["unexcused_absences"]),
        subsidy_fen=parse_yuan(c["subsidy_total"], field="补助合计"),
        meetings=int(c["meetings"]),
        practical_matters=int(c["practical_matters"]),
        total=True,
    )


def cadre_rows(view: CountyView, township_code: str) -> list[CadreRow]:
    figures = view.figures.get(township_code) or {}
    return [
        CadreRow(
            cadre_no=c["cadre_no"],
            name=c["name"],
            role=c.get("role"),
            judged=int(c.get("judged") or 0),
            met=int(c.get("met") or 0),
            present_days=int(c.get("present_days") or 0),
            unexcused=int(c.get("unexcused_absences") or 0),
            subsidy_fen=parse_yuan(c.get("subsidy") or "0.00", field="补助"),
        )
        for c in figures.get("cadres") or []
    ]


def period_unit(role: str | None) -> str:
    """兼职 cadres are judged by the week, 驻村干部 by the month."""
    if role is None:
        return ""
    return "周" if role.startswith("兼职") else "月"
