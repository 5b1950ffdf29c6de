"""Time-requirement compliance of cadres over a period, by the rules in force then."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlite_utils import Database

from app.db import store
from app.domain.attendance import (
    Assignment,
    Compliance,
    Kind,
    PeriodResult,
    Requirements,
    compliance,
    results_for,
)
from app.domain.periods import IsoWeek, Month


@dataclass
class CadreCompliance:
    cadre_no: str
    assignments: list[Assignment] = field(default_factory=list)
    results: list[PeriodResult] = field(default_factory=list)

    @property
    def summary(self) -> Compliance:
        return compliance(self.results)

    @property
    def role(self) -> str | None:
        """The role of the cadre's latest assignment in the period."""
        return self.assignments[-1].role.value if self.assignments else None


def months_between(first: date, last: date) -> list[Month]:
    out, m = [], Month.of(first)
    while m.first_day <= last:
        out.append(m)
        m = m.next()
    return out


def _not_yet_ended(result: PeriodResult, as_of: date) -> PeriodResult:
    if result.last < as_of or not result.judged:
        return result
    return replace(result, judged=False, met=None, required=None, note="进行中，暂不考核")


def attendance_with_villages(
    db: Database, first: date, last: date
) -> dict[str, dict[date, tuple[Kind, str | None]]]:
    """cadre_no -> {day: (kind, village_code)} for days in [first, last], in one query
    (``village_code`` None: the village was not recorded)."""
    out: dict[str, dict[date, tuple[Kind, str | None]]] = defaultdict(dict)
    kinds = {k.value: k for k in Kind}
    for cadre_no, day, kind, village in db.execute(
        "SELECT cadre_no, day, kind, village_code FROM attendance WHERE day BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ).fetchall():
        out[cadre_no][date.fromisoformat(day)] = (kinds[kind], village)
    return out


def days_for_posts(
    assigned: list[Assignment], days: Mapping[date, tuple[Kind, str | None]]
) -> dict[str, dict[date, Kind]]:
    """village_code -> the days that count toward the cadre's post(s) in that village.

    A present day counts toward the post in the village where it was recorded: when
    the cadre holds posts in more than one village, a village's posts get the days
    recorded there and the days whose village is unknown (they count for any post). A
    cadre with posts in one village keeps all his days.
    """
    villages = list(dict.fromkeys(a.village_code for a in assigned))
    if len(villages) == 1:
        return {villages[0]: {d: k for d, (k, _v) in days.items()}}
    return {
        code: {d: k for d, (k, v) in days.items() if v is None or v == code} for code in villages
    }


def cadre_compliance(
    db: Database, first: date, last: date, as_of: date | None = None
) -> dict[str, CadreCompliance]:
    """Per cadre: the judged weeks (兼职) or months (驻村) in [first, last].

    The period is walked month by month so that each week or month is judged by the
    requirements in force on the first day of its month (weeks belong to the month
    holding their Thursday). A week or month that has not ended before ``as_of``
    (default: today) is listed but not judged yet. A cadre posted in several villages
    is judged per post on the days recorded in its village (:func:`days_for_posts`).
    """
    as_of = as_of or date.today()
    out: dict[str, CadreCompliance] = {}
    # weeks run Monday–Sunday and months are judged whole: read the days around the edges
    days = attendance_with_villages(
        db,
        min(IsoWeek.of(first).monday, Month.of(first).first_day),
        max(IsoWeek.of(last).sunday, Month.of(last).last_day),
    )
    by_cadre: dict[str, list[Assignment]] = defaultdict(list)
    for a in store.assignments(db, first, last):
        by_cadre[a.cadre_no].append(a)
    months = months_between(first, last)
    reqs = {m: store.requirements(db, m.first_day) for m in months}
    for cadre_no, assigned in by_cadre.items():
        cc = out.setdefault(cadre_no, CadreCompliance(cadre_no, assigned))
        per_village = days_for_posts(assigned, days.get(cadre_no, {}))
        for a in assigned:
            for m in months:
                lo, hi = max(first, m.first_day), min(last, m.last_day)
                results = results_for(a, per_village[a.village_code], lo, hi, reqs[m])
                cc.results.extend(_not_yet_ended(r, as_of) for r in results)
    return out


def requirements_in(db: Database, first: date, last: date) -> list[Requirements]:
    """The requirements judging the months of [first, last] (each by its first day),
    each different one once, in the order they come into force."""
    return list(
        dict.fromkeys(store.requirements(db, m.first_day) for m in months_between(first, last))
    )
