"""Leave (请假): its length and who must approve it.

乡镇党委 approves a leave of up to ``township_max_days`` calendar days, 县委组织部 a
longer one. The limit is a setting with an effective date (``leave_township_max_days``,
read by :func:`app.db.store.leave_township_max_days`); DOMAIN.md's default is 3.
"""

from __future__ import annotations

from datetime import date

from app.domain.errors import DomainError

TOWNSHIP = "乡镇党委"
COUNTY = "县委组织部"
#: approval levels, lowest first
APPROVAL_LEVELS: tuple[str, ...] = (TOWNSHIP, COUNTY)
#: the default of the setting; the program passes the setting in force
DEFAULT_TOWNSHIP_MAX_DAYS = 3


def leave_days(start: date, end: date) -> int:
    """Calendar days of a leave, both ends counted (05-11 to 05-12 → 2)."""
    if end < start:
        raise DomainError(f"结束日期 {end} 早于开始日期 {start}", field="end_date")
    return (end - start).days + 1


def approval_level(days: int, township_max_days: int = DEFAULT_TOWNSHIP_MAX_DAYS) -> str:
    """Who must approve a leave of ``days`` calendar days: 乡镇党委 up to
    ``township_max_days``, else 县委组织部."""
    if days < 1:
        raise DomainError(f"请假天数应至少为 1 天：{days}")
    return TOWNSHIP if days <= township_max_days else COUNTY


def approval_problem(
    days: int, chosen: str, township_max_days: int = DEFAULT_TOWNSHIP_MAX_DAYS
) -> str | None:
    """Why ``chosen`` may not approve a leave of ``days`` days, or None when it may."""
    if chosen not in APPROVAL_LEVELS:
        return f"批准层级应为 {'/'.join(APPROVAL_LEVELS)}：{chosen}"
    required = approval_level(days, township_max_days)
    if APPROVAL_LEVELS.index(chosen) < APPROVAL_LEVELS.index(required):
        return f"请假 {days} 天须由{required}批准（{TOWNSHIP}只能批准 {township_max_days} 天以内）"
    return None
