"""例会统计: the management cycle's meetings expected against those held.

The cycle (seed): 周例会 weekly, 月汇报 monthly, 季小结 quarterly, 半年初评 at half
year, 年终总评 at year end.

* **Weekly meetings.** One is expected in every ISO week whose Thursday falls in the
  period (the rule of :func:`app.domain.periods.weeks_in`, as the quarterly summary
  counts them); a week is held when a 周例会 is dated Monday to Sunday of it.
* **Reviews.** :func:`due_reviews` says which reviews a quarter owes (the due rule) and
  :func:`covered_period` which period a review held on a given day covers: reviews are
  often held just after the period they look back on (the 季小结 in the first days of
  the next quarter, the 年终总评 in January). Each review meeting covers exactly one
  period, so nothing is counted twice. A review is 未开 (missing) once its deadline has
  passed with none held; before that it is not yet due.

The deadlines and the look-back windows are defaults (see :data:`REVIEW_RULES`).

The two pure functions :func:`weekly_status` and :func:`review_status` do the matching;
:func:`cycle` queries the meeting days and calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from app.domain.periods import HalfYear, IsoWeek, Month, Quarter, Year, weeks_in

WEEKLY = "周例会"
REVIEW_KINDS: tuple[str, ...] = ("月汇报", "季小结", "半年初评", "年终总评")
HELD, MISSING, NOT_DUE = "held", "missing", "not_due"
STATUS_LABELS = {HELD: "已开", MISSING: "未开", NOT_DUE: "未到期"}
_QUARTER_NAMES = "一二三四"

#: (default) how reviews are attributed and when they are due:
#: kind -> (days into the next period still looking back, deadline: days after the period)
REVIEW_RULES: dict[str, dict[str, int]] = {
    # a 月汇报 held on the 1st–10th reports on the month before; due by the 10th
    "月汇报": {"look_back_days": 10, "deadline_days": 10},
    # a 季小结 held in the first month of a quarter sums up the quarter before; due by the 15th
    "季小结": {"look_back_months": 1, "deadline_days": 15},
    # 半年初评: the first half of the year it is held in; due by the end of July
    "半年初评": {"deadline_days": 31},
    # a 年终总评 held in January–March evaluates the year before; due by the end of January
    "年终总评": {"look_back_months": 3, "deadline_days": 31},
}


@dataclass(frozen=True, order=True, slots=True)
class DueReview:
    """A review a period owes: its kind, the period it covers and its deadline."""

    kind: str
    period: str  # "2026-10", "2026Q4", "2026H1", "2026"
    label: str  # "2026年10月", "2026年第四季度", "2026年上半年", "2026年度"
    deadline: date  # held by this day at the latest


@dataclass(frozen=True, slots=True)
class WeekStatus:
    week: IsoWeek
    held_on: tuple[date, ...]
    status: str  # held / missing / not_due

    @property
    def label(self) -> str:
        """``第40周（9月28日—10月4日）``."""
        a, b = self.week.monday, self.week.sunday
        return f"第{self.week.week}周（{a.month}月{a.day}日—{b.month}月{b.day}日）"


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    due: DueReview
    held_on: tuple[date, ...]
    status: str  # held / missing / not_due

    @property
    def text(self) -> str:
        """``已开（2026-10-30）``, ``未开``, ``未到期（应于 2026-12-10 前召开）``."""
        if self.status == HELD:
            return f"已开（{'、'.join(d.isoformat() for d in self.held_on)}）"
        if self.status == MISSING:
            return "未开"
        return f"未到期（应于 {self.due.deadline.isoformat()} 前召开）"


@dataclass(frozen=True, slots=True)
class Cycle:
    period: str  # "2026Q4" or "2026"
    title: str  # "2026年第四季度" or "2026年"
    as_of: date
    weeks: tuple[WeekStatus, ...]
    reviews: tuple[ReviewStatus, ...]

    def _weeks(self, status: str) -> list[WeekStatus]:
        return [w for w in self.weeks if w.status == status]

    @property
    def expected(self) -> int:
        return len(self.weeks)

    @property
    def held(self) -> int:
        return len(self._weeks(HELD))

    @property
    def missing_weeks(self) -> list[WeekStatus]:
        return self._weeks(MISSING)

    @property
    def not_due_weeks(self) -> list[WeekStatus]:
        return self._weeks(NOT_DUE)

    @property
    def missing_reviews(self) -> list[ReviewStatus]:
        return [r for r in self.reviews if r.status == MISSING]


# ---- the rules (pure) --------------------------------------------------------------------


def _add_days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def due_reviews(quarter: Quarter) -> list[DueReview]:
    """The reviews a quarter owes: a 月汇报 for each of its months, its 季小结, the
    半年初评 when it is the second quarter and the 年终总评 when it is the fourth."""
    out = [
        DueReview(
            "月汇报",
            str(m),
            f"{m.year}年{m.month}月",
            _add_days(m.last_day, REVIEW_RULES["月汇报"]["deadline_days"]),
        )
        for m in quarter.months()
    ]
    out.append(
        DueReview(
            "季小结",
            str(quarter),
            f"{quarter.year}年第{_QUARTER_NAMES[quarter.q - 1]}季度",
            _add_days(quarter.last_day, REVIEW_RULES["季小结"]["deadline_days"]),
        )
    )
    if quarter.q == 2:
        half = HalfYear(quarter.year, 1)
        out.append(
            DueReview(
                "半年初评",
                str(half),
                f"{quarter.year}年上半年",
                _add_days(half.last_day, REVIEW_RULES["半年初评"]["deadline_days"]),
            )
        )
    if quarter.q == 4:
        year = Year(quarter.year)
        out.append(
            DueReview(
                "年终总评",
                str(year),
                f"{quarter.year}年度",
                _add_days(year.last_day, REVIEW_RULES["年终总评"]["deadline_days"]),
            )
        )
    return out


def covered_period(kind: str, day: date) -> str:
    """The period a review of ``kind`` held on ``day`` covers (see :data:`REVIEW_RULES`)."""
    if kind == "月汇报":
        month = Month.of(day)
        back = day.day <= REVIEW_RULES["月汇报"]["look_back_days"]
        return str(month.prev() if back else month)
    if kind == "季小结":
        quarter = Quarter.of(day)
        month_in_quarter = (day.month - 1) % 3 + 1
        back = month_in_quarter <= REVIEW_RULES["季小结"]["look_back_months"]
        return str(quarter.prev() if back else quarter)
    if kind == "半年初评":
        return str(HalfYear(day.year, 1))
    if kind == "年终总评":
        back = day.month <= REVIEW_RULES["年终总评"]["look_back_months"]
        return str(day.year - 1 if back else day.year)
    raise ValueError(f"not a review: {kind}")


def weekly_status(
    weeks: Sequence[IsoWeek], meeting_days: Iterable[date], as_of: date
) -> list[WeekStatus]:
    """Each expected week: held (a 周例会 on one of its days), missing (none, and the week
    is over by ``as_of``) or not yet due."""
    by_week: dict[IsoWeek, list[date]] = {}
    for day in sorted(meeting_days):
        by_week.setdefault(IsoWeek.of(day), []).append(day)
    out = []
    for week in weeks:
        held = tuple(by_week.get(week, ()))
        status = HELD if held else MISSING if week.sunday <= as_of else NOT_DUE
        out.append(WeekStatus(week, held, status))
    return out


def review_status(
    dues: Sequence[DueReview], held: Iterable[tuple[str, date]], as_of: date
) -> list[ReviewStatus]:
    """Each due review with the days it was held (reviews whose covered period is its
    period): held, missing (deadline passed, none held) or not yet due."""
    by_due: dict[tuple[str, str], list[date]] = {}
    for kind, day in sorted(held, key=lambda kd: kd[1]):
        by_due.setdefault((kind, covered_period(kind, day)), []).append(day)
    out = []
    for due in dues:
        days = tuple(by_due.get((due.kind, due.period), ()))
        status = HELD if days else MISSING if due.deadline < as_of else NOT_DUE
        out.append(ReviewStatus(due, days, status))
    return out


# ---- the query ---------------------------------------------------------------------------


def meeting_days(
    db: Database, kinds: Sequence[str], first: date, last: date
) -> list[tuple[str, date]]:
    """(kind, day) of the meetings of ``kinds`` held from ``first`` to ``last``."""
    marks = ", ".join("?" for _ in kinds)
    rows = db.execute(
        f"""SELECT kind, day FROM meetings WHERE kind IN ({marks}) AND day BETWEEN ? AND ?
            ORDER BY day""",
        [*kinds, first.isoformat(), last.isoformat()],
    ).fetchall()
    return [(k, date.fromisoformat(d)) for k, d in rows]


def cycle(db: Database, period: Quarter | Year, *, as_of: date) -> Cycle:
    """Weekly meetings and reviews of a quarter or a year, as of ``as_of``."""
    quarters = [period] if isinstance(period, Quarter) else period.quarters()
    weeks = weeks_in(period.first_day, period.last_day)
    weekly = meeting_days(db, (WEEKLY,), weeks[0].monday, weeks[-1].sunday) if weeks else []
    dues = [d for q in quarters for d in due_reviews(q)]
    # reviews are held up to a few months after the period they cover
    reviews = meeting_days(
        db, REVIEW_KINDS, Year(period.year).first_day, _add_days(period.last_day, 100)
    )
    if isinstance(period, Quarter):
        title = f"{period.year}年第{_QUARTER_NAMES[period.q - 1]}季度"
    else:
        title = f"{period.year}年"
    return Cycle(
        period=str(period),
        title=title,
        as_of=as_of,
        weeks=tuple(weekly_status(weeks, (d for _k, d in weekly), as_of)),
        reviews=tuple(review_status(dues, reviews, as_of)),
    )
