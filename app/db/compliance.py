"""Time-requirement compliance of cadres over a period, by the rules in force then."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from app.db import store
from app.domain.attendance import Assignment, Compliance, PeriodResult, compliance, results_for
from app.domain.periods import Month


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


def cadre_compliance(db: Database, first: date, last: date) -> dict[str, CadreCompliance]:
    """Per cadre: the judged weeks (兼职) or months (驻村) in [first, last].

    The period is walked month by month so that each week or month is judged by the
    requirements in force on the first day of its month (weeks belong to the month
    holding their Thursday).
    """
    out: dict[str, CadreCompliance] = {}
    days = store.attendance(db, first, last)
    by_cadre: dict[str, list[Assignment]] = defaultdict(list)
    for a in store.assignments(db, first, last):
        by_cadre[a.cadre_no].append(a)
    months = months_between(first, last)
    reqs = {m: store.requirements(db, m.first_day) for m in months}
    for cadre_no, assigned in by_cadre.items():
        cc = out.setdefault(cadre_no, CadreCompliance(cadre_no, assigned))
        cadre_days = days.get(cadre_no, {})
        for a in assigned:
            for m in months:
                lo, hi = max(first, m.first_day), min(last, m.last_day)
                cc.results.extend(results_for(a, cadre_days, lo, hi, reqs[m]))
    return out
