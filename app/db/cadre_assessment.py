"""A cadre's entered assessment figures of a year (工作业绩, votes, scores by hand).

:func:`save_cadre_scores` checks the values against the year's rules and upserts one
``cadre_assessments`` row through :mod:`app.db.records`, so the edit can be undone.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from app.db import records, store
from app.db.compliance import cadre_compliance
from app.db.records import Change
from app.domain.assessment import CadreRules, format_tenths
from app.domain.errors import DomainError
from app.domain.periods import Year

TABLE = "cadre_assessments"
FIELDS = (
    "performance_tenths",
    "votes_satisfied",
    "votes_basic",
    "votes_unsatisfied",
    "satisfaction_manual_tenths",
    "time_manual_tenths",
)
VOTE_FIELDS = ("votes_satisfied", "votes_basic", "votes_unsatisfied")
LABELS = {
    "performance_tenths": "工作业绩",
    "votes_satisfied": "满意票",
    "votes_basic": "基本满意票",
    "votes_unsatisfied": "不满意票",
    "satisfaction_manual_tenths": "群众满意度",
    "time_manual_tenths": "驻村时限",
}


def rules_for_year(db: Database, year: int) -> CadreRules:
    """The cadre rules judging ``year`` (those in force on its last day, as the report)."""
    return store.cadre_rules(db, Year(year).last_day)


def cadre_scores(db: Database, cadre_no: str, year: int) -> dict[str, Any] | None:
    """The stored row of the cadre's year, or None when nothing was entered."""
    return records.fetch(db, TABLE, {"cadre_no": cadre_no, "year": year})


def judged_periods(db: Database, cadre_no: str, year: int) -> int:
    """How many weeks or months of the year were judged for the cadre (0: none)."""
    period = Year(year)
    cc = cadre_compliance(db, period.first_day, period.last_day).get(cadre_no)
    return cc.summary.judged if cc is not None else 0


def _tenths(values: dict[str, Any], field: str, maximum: int) -> int | None:
    value = values.get(field)
    if value is None:
        return None
    label = LABELS[field]
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(f"{label}应为以 0.1 分为单位的整数：{value}", field=field)
    if not 0 <= value <= maximum * 10:
        raise DomainError(f"{label}应在 0 到 {maximum} 之间：{format_tenths(value)}", field=field)
    return value


def check_values(
    values: dict[str, Any], rules: CadreRules, *, judged: int | None = None
) -> dict[str, Any]:
    """The values to store (every field of :data:`FIELDS`); DomainError naming the field.

    Satisfaction by hand only when there are no votes; 驻村时限 by hand only when no
    week or month was judged (``judged``; None: not checked).
    """
    out: dict[str, Any] = {
        "performance_tenths": _tenths(values, "performance_tenths", rules.performance_max)
    }
    for field in VOTE_FIELDS:
        n = values.get(field) or 0
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise DomainError(f"{LABELS[field]}应为不小于 0 的整数：{n}", field=field)
        out[field] = n
    out["satisfaction_manual_tenths"] = _tenths(
        values, "satisfaction_manual_tenths", rules.satisfaction_max
    )
    if out["satisfaction_manual_tenths"] is not None and any(out[f] for f in VOTE_FIELDS):
        raise DomainError(
            "已有投票时群众满意度按票数计算，不能手填", field="satisfaction_manual_tenths"
        )
    out["time_manual_tenths"] = _tenths(values, "time_manual_tenths", rules.time_max)
    if out["time_manual_tenths"] is not None and judged:
        raise DomainError(
            f"本年度已有 {judged} 个考核周期，驻村时限按考勤计算，不能手填",
            field="time_manual_tenths",
        )
    return out


def save_cadre_scores(db: Database, cadre_no: str, year: int, values: dict[str, Any]) -> Change:
    """Insert or update the cadre's row of ``year`` with ``values`` (fields of :data:`FIELDS`;
    missing ones are blank, votes 0). Returns the change for undo."""
    rules = rules_for_year(db, year)
    judged = judged_periods(db, cadre_no, year) if values.get("time_manual_tenths") else None
    checked = check_values(values, rules, judged=judged)
    key = {"cadre_no": cadre_no, "year": year}
    if records.fetch(db, TABLE, key) is None:
        return records.insert(db, TABLE, key | checked, ("cadre_no", "year"))
    return records.update(db, TABLE, key, checked)


__all__ = [
    "FIELDS",
    "LABELS",
    "cadre_scores",
    "check_values",
    "judged_periods",
    "rules_for_year",
    "save_cadre_scores",
]
