"""The quarterly summary (季度小结) as report data, township or county scope."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from app.db import store
from app.db.compliance import cadre_compliance
from app.db.subsidy import sheet_for_month
from app.domain.assessment import GRADES, change, change_label
from app.domain.money import format_yuan
from app.domain.periods import Quarter
from app.reports.tabular import Table


def grades_as_of(db: Database, year: int) -> dict[str, str]:
    """Each village's grade: its latest assessed year ≤ ``year``, else its register grade."""
    out = {
        r["code"]: r["register_grade"]
        for r in db.query("SELECT code, register_grade FROM villages")
    }
    for r in db.query(
        """SELECT va.village_code, va.grade FROM village_assessments va
           JOIN (SELECT village_code, max(year) AS y FROM village_assessments WHERE year <= ?
                 GROUP BY village_code) latest
             ON latest.village_code = va.village_code AND latest.y = va.year""",
        [year],
    ):
        out[r["village_code"]] = r["grade"]
    return out


def grade_changes(db: Database, year: int, direction: str) -> dict[str, int]:
    """Villages that moved (``升级`` or ``降级``) between ``year - 1`` and ``year``.

    As {"三类→二类": n, ...}.
    """
    counts: dict[str, int] = {}
    for r in db.query(
        """SELECT p.grade AS prev, c.grade AS cur FROM village_assessments c
           JOIN village_assessments p ON p.village_code = c.village_code AND p.year = c.year - 1
           WHERE c.year = ?""",
        [year],
    ):
        if change(r["prev"], r["cur"]) == direction:
            label = change_label(r["prev"], r["cur"])
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def quarterly_report(db: Database, quarter: Quarter) -> tuple[dict, Table]:
    """The quarterly summary; in a county database with imported files, the county's."""
    ident = store.require_identity(db)
    if ident.kind == "county":
        from app.exchange.county import county_quarterly, has_imports

        if has_imports(db):
            return county_quarterly(db, quarter)
    return direct_quarterly_report(db, quarter)


def direct_quarterly_report(
    db: Database, quarter: Quarter, as_of: date | None = None
) -> tuple[dict, Table]:
    """The quarterly summary over the rows kept in this database itself.

    ``as_of`` (default today): weeks and months not over by then are not judged yet.
    """
    ident = store.require_identity(db)
    first, last = quarter.first_day.isoformat(), quarter.last_day.isoformat()

    def scalar(sql: str, params: list | None = None) -> int:
        return db.execute(sql, params or []).fetchone()[0] or 0

    grades = grades_as_of(db, quarter.year)
    by_grade = {g: 0 for g in GRADES}
    for g in grades.values():
        if g in by_grade:
            by_grade[g] += 1
    n_villages = len(grades)
    comp = cadre_compliance(db, quarter.first_day, quarter.last_day, as_of)
    judged = sum(c.summary.judged for c in comp.values())
    met = sum(c.summary.met for c in comp.values())
    short = sorted(
        c.cadre_no for c in comp.values() if c.summary.judged and c.summary.met < c.summary.judged
    )
    sheets = [sheet_for_month(db, m) for m in quarter.months()]
    subsidy_total = sum(s.total_fen for s in sheets)
    expected_weeks = len(
        {
            (d.isocalendar()[0], d.isocalendar()[1])
            for m in quarter.months()
            for d in m.days()
            if d.weekday() == 3
        }
    )
    data = {
        "quarter": str(quarter),
        "scope": ident.kind,
        "name": ident.display_name,
        "townships": scalar("SELECT count(*) FROM townships"),
        "villages": n_villages,
        "villages_by_grade": by_grade,
        "villages_by_grade_share": {
            g: f"{(200 * n + n_villages) // (2 * n_villages) if n_villages else 0}%"  # 四舍五入
            for g, n in by_grade.items()
        },
        "upgrades": grade_changes(db, quarter.year, "升级"),
        "downgrades": grade_changes(db, quarter.year, "降级"),
        "cadres": len(comp),
        "cadres_by_role": {
            role: sum(1 for c in comp.values() if c.role == role)
            for role in ("驻村干部", "兼职书记", "兼职第一书记")
        },
        "present_days": scalar(
            "SELECT count(*) FROM attendance WHERE kind IN ('在村','会议培训') AND day BETWEEN ? AND ?",
            [first, last],
        ),
        "leave_days": scalar(
            "SELECT count(*) FROM attendance WHERE kind = '请假' AND day BETWEEN ? AND ?",
            [first, last],
        ),
        "judged_periods": judged,
        "met_periods": met,
        "cadres_short": short,
        "checks": scalar("SELECT count(*) FROM checks WHERE day BETWEEN ? AND ?", [first, last]),
        "unexcused_absences": scalar(
            "SELECT count(*) FROM checks WHERE result = '不在岗' AND day BETWEEN ? AND ?",
            [first, last],
        ),
        "subsidy_total": format_yuan(subsidy_total),
        "subsidy_by_month": {
            str(s.month): {"status": s.status, "total": format_yuan(s.total_fen)} for s in sheets
        },
        "meetings": scalar(
            "SELECT count(*) FROM meetings WHERE day BETWEEN ? AND ?", [first, last]
        ),
        "meetings_by_kind": {
            r["kind"]: r["n"]
            for r in db.query(
                "SELECT kind, count(*) AS n FROM meetings WHERE day BETWEEN ? AND ? GROUP BY kind",
                [first, last],
            )
        },
        "weekly_meetings_expected": expected_weeks,
        "diaries": scalar("SELECT count(*) FROM diaries WHERE day BETWEEN ? AND ?", [first, last]),
        "practical_matters": scalar(
            "SELECT count(*) FROM practical_matters WHERE day BETWEEN ? AND ?", [first, last]
        ),
        "practical_matters_funds": format_yuan(
            scalar(
                "SELECT sum(funds_fen) FROM practical_matters WHERE day BETWEEN ? AND ?",
                [first, last],
            )
        ),
        "action_items_open": scalar("SELECT count(*) FROM action_items WHERE status = 'open'"),
        "action_items_overdue": scalar(
            "SELECT count(*) FROM action_items WHERE status = 'open' AND due_date < ?", [last]
        ),
    }
    return data, summary_table(ident.display_name, quarter, data)


def summary_table(display_name: str, quarter: Quarter, data: dict) -> Table:
    """The summary as a two-column table (项目, 数值), township or county."""
    rows = [
        ("乡镇数", data["townships"]),
        ("行政村", data["villages"]),
        *[
            (f"{g}村", f"{n}（{data['villages_by_grade_share'][g]}）")
            for g, n in data["villages_by_grade"].items()
        ],
        *[(f"升级 {k}", v) for k, v in data["upgrades"].items()],
        *[(f"降级 {k}", v) for k, v in data["downgrades"].items()],
        ("驻村/兼职干部", data["cadres"]),
        ("出勤天数", data["present_days"]),
        ("达标周期/考核周期", f"{data['met_periods']}/{data['judged_periods']}"),
        ("查岗次数", data["checks"]),
        ("查岗不在岗", data["unexcused_absences"]),
        ("补助合计（元）", data["subsidy_total"]),
        ("会议（召开/应开周例会）", f"{data['meetings']}/{data['weekly_meetings_expected']}"),
        ("民情日记", data["diaries"]),
        ("办实事（件）", data["practical_matters"]),
        ("办实事投入资金（元）", data["practical_matters_funds"]),
        ("未办结督办事项", data["action_items_open"]),
        ("逾期督办事项", data["action_items_overdue"]),
    ]
    return Table(
        title=f"{display_name} {quarter.year}年第{quarter.q}季度工作小结",
        header=("项目", "数值"),
        rows=rows,
        sheet_name=f"{quarter}小结",
    )
