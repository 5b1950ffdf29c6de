"""履职情况: how each cadre met the time requirement over a month, quarter or year.

Per cadre on the subsidy sheet of a month of the period (posted, or with attendance: the
cadres of the duty grid and of the attendance table, so the totals agree): the days
required (the sum of the judged weeks' or months' requirements, from
:func:`app.db.compliance.cadre_compliance`), the days present, on leave and absent
(every attendance day in the period), the weeks or months met of those judged,
unexcused absences found by checks, and the diary entries written. A cadre without a
post is listed with role "—" and not judged. Each cadre also carries the judged weeks or
months with their notes. Pure data: a JSON-able dict and
a :class:`Table` for xlsx/csv, used by the window and the command line alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import diaries, lookups, store
from app.db.compliance import CadreCompliance, cadre_compliance, months_between
from app.db.subsidy import sheet_cadres
from app.domain.attendance import PRESENT_KINDS, Kind, PeriodResult
from app.domain.periods import HalfYear, Month, Period, Quarter, Year
from app.reports.tabular import Table

HEADER: tuple[str, ...] = (
    "干部编号",
    "姓名",
    "岗位",
    "村",
    "应在村（天）",
    "实际在村（天）",
    "达标周期/考核周期",
    "达标率",
    "请假天数",
    "缺勤天数",
    "查岗不在岗",
    "民情日记（篇）",
)
NUMBER_COLUMNS = frozenset({4, 5, 8, 9, 10, 11})
NOT_JUDGED = "不考核"
_QUARTERS = "一二三四"


def period_kind(period: Period) -> str:
    if isinstance(period, Month):
        return "month"
    if isinstance(period, Quarter):
        return "quarter"
    if isinstance(period, HalfYear):
        return "half"
    return "year"


def period_title(period: Period) -> str:
    """``2026年2月``, ``2026年第一季度``, ``2026年上半年``, ``2026年``."""
    if isinstance(period, Month):
        return f"{period.year}年{period.month}月"
    if isinstance(period, Quarter):
        return f"{period.year}年第{_QUARTERS[period.q - 1]}季度"
    if isinstance(period, HalfYear):
        return f"{period.year}年{'上' if period.half == 1 else '下'}半年"
    assert isinstance(period, Year)
    return f"{period.year}年"


def percent(met: int, judged: int) -> str | None:
    """``met / judged`` as a percentage with one decimal, rounded half up; None if 0 judged."""
    if not judged:
        return None
    tenths = (2000 * met + judged) // (2 * judged)
    return f"{tenths // 10}.{tenths % 10}%"


def unit_of(result: PeriodResult) -> str:
    return "周" if result.is_week else "月"


def periods_label(results: Iterable[PeriodResult]) -> str:
    """Met of judged per unit, e.g. ``11/13周`` or ``2/3月`` (``不考核`` if none judged)."""
    counts: dict[str, list[int]] = {}
    for r in results:
        if r.judged:
            met_judged = counts.setdefault(unit_of(r), [0, 0])
            met_judged[0] += 1 if r.met else 0
            met_judged[1] += 1
    if not counts:
        return NOT_JUDGED
    return "，".join(f"{m}/{j}{unit}" for unit, (m, j) in counts.items())


def _result(r: PeriodResult) -> dict[str, Any]:
    return {
        "label": r.label,
        "unit": unit_of(r),
        "first": r.first.isoformat(),
        "last": r.last.isoformat(),
        "present": r.present,
        "leave": r.leave,
        "absent": r.absent,
        "required": r.required,
        "judged": r.judged,
        "met": r.met,
        "excused": r.excused,
        "note": r.note,
    }


def _cadre(
    cc: CadreCompliance,
    name: str,
    village_names: dict[str, str],
    days: dict[date, Kind],
    unexcused: int,
    written: int,
) -> dict[str, Any]:
    summary = cc.summary
    codes = list(dict.fromkeys(a.village_code for a in cc.assignments))
    kinds = list(days.values())
    return {
        "cadre_no": cc.cadre_no,
        "name": name,
        "role": cc.role,
        "village_codes": codes,
        "villages": [village_names.get(c, c) for c in codes],
        "required_days": sum(r.required or 0 for r in cc.results if r.judged),
        "present_days": sum(1 for k in kinds if k in PRESENT_KINDS),
        "leave_days": sum(1 for k in kinds if k == Kind.LEAVE),
        "absent_days": sum(1 for k in kinds if k == Kind.ABSENT),
        "met": summary.met,
        "judged": summary.judged,
        "periods_label": periods_label(cc.results),
        "ratio": percent(summary.met, summary.judged),
        "compliant": None if not summary.judged else summary.met == summary.judged,
        "unexcused_absences": unexcused,
        "diaries": written,
        "periods": [_result(r) for r in sorted(cc.results, key=lambda r: (r.first, r.label))],
    }


def compliance_report(
    db: Database, period: Period, *, as_of: date | None = None
) -> tuple[dict, Table]:
    """Every cadre on the subsidy sheet of a month of ``period`` (posted, or with
    attendance: :func:`app.db.subsidy.sheet_cadres`), by cadre number; a cadre without a
    post is not judged. Weeks or months that have not ended before ``as_of`` (default:
    today) are listed but not judged yet."""
    ident = store.require_identity(db)
    as_of = as_of or date.today()
    first, last = period.first_day, period.last_day
    comp = cadre_compliance(db, first, last, as_of)
    names = store.cadre_names(db)
    village_names = dict(lookups.village_names(db))
    attendance = store.attendance(db, first, last)
    absences = store.unexcused_absences(db, first, last)
    written = diaries.counts_by_cadre(db, first, last)
    listed = {no for m in months_between(first, last) for no in sheet_cadres(db, m)}
    cadres = [
        _cadre(
            comp.get(no) or CadreCompliance(no),
            names.get(no, no),
            village_names,
            attendance.get(no, {}),
            absences.get(no, 0),
            written.get(no, 0),
        )
        for no in sorted(listed | set(comp))
    ]
    data = {
        "period": str(period),
        "kind": period_kind(period),
        "title": period_title(period),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "as_of": as_of.isoformat(),
        "name": ident.display_name,
        "summary": {
            "cadres": len(cadres),
            "not_compliant": sum(1 for c in cadres if c["compliant"] is False),
            "judged": sum(c["judged"] for c in cadres),
            "met": sum(c["met"] for c in cadres),
        },
        "cadres": cadres,
    }
    return data, compliance_table(data)


def table_row(c: dict[str, Any]) -> list[object]:
    """One cadre's line, as the page and the xlsx show it."""
    return [
        c["cadre_no"],
        c["name"],
        c["role"] or "—",
        "、".join(c["villages"]),
        c["required_days"],
        c["present_days"],
        c["periods_label"],
        c["ratio"] or "—",
        c["leave_days"],
        c["absent_days"],
        c["unexcused_absences"],
        c["diaries"],
    ]


def compliance_table(data: dict, cadres: Sequence[dict[str, Any]] | None = None) -> Table:
    """The report as a table; ``cadres`` (default: all, by number) in the order wanted."""
    rows = list(data["cadres"] if cadres is None else cadres)

    def total(key: str) -> int:
        return sum(int(c[key]) for c in rows)

    short = sum(1 for c in rows if c["compliant"] is False)
    footer: list[Sequence[object]] = [
        [
            "合计",
            f"{len(rows)} 人",
            "",
            "",
            total("required_days"),
            total("present_days"),
            "",
            f"未全部达标 {short} 人",
            total("leave_days"),
            total("absent_days"),
            total("unexcused_absences"),
            total("diaries"),
        ],
        [
            f"统计至 {data['as_of']}；实际在村含会议培训；兼职按周（每周归入其星期四所在月份）、"
            "驻村按月考核，未结束的周或月暂不考核。"
        ],
    ]
    return Table(
        title=f"{data['name']} 驻村干部履职情况（{data['title']}）",
        header=HEADER,
        rows=[table_row(c) for c in rows],
        footer=footer,
        sheet_name=f"履职情况{data['period']}",
        number_columns=NUMBER_COLUMNS,
    )
