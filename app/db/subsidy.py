"""Monthly subsidy sheets from the database: draft computation, frozen months, approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from app.db import store
from app.domain.attendance import PRESENT_KINDS, Kind
from app.domain.errors import DomainError
from app.domain.periods import Month, Year
from app.domain.subsidy import (
    Adjustment,
    BaseLine,
    FrozenMonth,
    RateKind,
    Sheet,
    base_line,
    build_sheet,
    first_unapproved_after,
    pending_adjustments,
)


def approved_months(db: Database) -> dict[Month, FrozenMonth]:
    lines: dict[str, dict[str, BaseLine]] = {}
    for r in db.query(
        "SELECT month, cadre_no, present_days, living_fen, transport_fen FROM subsidy_lines"
    ):
        lines.setdefault(r["month"], {})[r["cadre_no"]] = BaseLine(
            r["cadre_no"], r["present_days"], r["living_fen"], r["transport_fen"]
        )
    adjustments: dict[str, list[Adjustment]] = {}
    for r in db.query(
        "SELECT month, cadre_no, corrects_month, amount_fen FROM subsidy_adjustments"
        " ORDER BY cadre_no, corrects_month"
    ):
        adjustments.setdefault(r["month"], []).append(
            Adjustment(r["cadre_no"], Month.parse(r["corrects_month"]), r["amount_fen"])
        )
    return {
        Month.parse(m): FrozenMonth(Month.parse(m), lines.get(m, {}), tuple(adjustments.get(m, ())))
        for (m,) in db.execute("SELECT month FROM subsidy_months").fetchall()
    }


def changed_months(db: Database) -> set[Month]:
    """Approved months whose attendance or rates changed since their last carry-over.

    Kept by triggers on ``attendance`` and ``subsidy_rates`` (table ``subsidy_dirty``),
    so every writer marks them; cleared when the difference has been frozen into a
    later approved month.
    """
    return {Month.parse(m) for (m,) in db.execute("SELECT month FROM subsidy_dirty").fetchall()}


def sheet_cadres(db: Database, month: Month) -> list[str]:
    """Cadres on a month's sheet: assigned during the month, or with attendance in it."""
    first, last = month.first_day.isoformat(), month.last_day.isoformat()
    return [
        r[0]
        for r in db.execute(
            """SELECT cadre_no FROM assignments
                 WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?)
               UNION
               SELECT DISTINCT cadre_no FROM attendance WHERE day BETWEEN ? AND ?
               ORDER BY 1""",
            [last, first, first, last],
        ).fetchall()
    ]


def base_lines(db: Database, month: Month) -> dict[str, BaseLine]:
    """What the month pays now, from today's attendance and rates (before adjustments)."""
    rates = store.rate_table(db)
    days = store.attendance(db, month.first_day, month.last_day)
    return {c: base_line(c, month, days.get(c, {}), rates) for c in sheet_cadres(db, month)}


def sheet_for_month(db: Database, month: Month) -> Sheet:
    """The month's sheet: the frozen one if approved, else a draft with carried adjustments."""
    approved = approved_months(db)
    names = store.cadre_names(db)
    if month in approved:
        frozen = approved[month]
        frozen_names = {
            r[0]: r[1]
            for r in db.execute(
                "SELECT cadre_no, name FROM subsidy_lines WHERE month = ?", [str(month)]
            ).fetchall()
        }
        sheet = build_sheet(month, {**names, **frozen_names}, frozen.lines, frozen.adjustments)
        return _with_status(sheet, "approved")
    adjustments = pending_adjustments(
        month, approved, lambda m: base_lines(db, m), changed=changed_months(db)
    )
    return _with_status(build_sheet(month, names, base_lines(db, month), adjustments), "draft")


def _with_status(sheet: Sheet, status: str) -> Sheet:
    if sheet.status == status:
        return sheet
    from dataclasses import replace

    return replace(sheet, status=status)


def approve_month(db: Database, month: Month, approved_by: str) -> Sheet:
    """Freeze the month's draft sheet (审批). Refuses a month already approved."""
    if not approved_by.strip():
        raise DomainError("审批人不能为空", field="审批人")
    with db.atomic():
        if db.execute("SELECT 1 FROM subsidy_months WHERE month = ?", [str(month)]).fetchone():
            raise DomainError(f"{month} 的补助表已经审批，不能重复审批。")
        approved = approved_months(db)
        sheet = sheet_for_month(db, month)
        db["subsidy_months"].insert(
            {
                "month": str(month),
                "status": "approved",
                "approved_by": approved_by.strip(),
                "approved_at": datetime.now().isoformat(timespec="seconds"),
                "total_fen": sheet.total_fen,
            }
        )
        db["subsidy_lines"].insert_all(
            {
                "month": str(month),
                "cadre_no": line.cadre_no,
                "name": line.name,
                "present_days": line.present_days,
                "living_fen": line.living_fen,
                "transport_fen": line.transport_fen,
                "adjustment_fen": line.adjustment_fen,
                "total_fen": line.total_fen,
            }
            for line in sheet.lines
        )
        # the differences of these months are now frozen into this one
        carried = [
            m
            for m in changed_months(db)
            if m < month and first_unapproved_after(m, approved) == month
        ]
        db.execute(
            f"DELETE FROM subsidy_dirty WHERE month IN ({','.join('?' * len(carried))})",
            [str(m) for m in carried],
        )
        db["subsidy_adjustments"].insert_all(
            {
                "month": str(month),
                "cadre_no": a.cadre_no,
                "corrects_month": str(a.corrects),
                "amount_fen": a.amount_fen,
            }
            for line in sheet.lines
            for a in line.adjustments
        )
    return sheet_for_month(db, month)


@dataclass(frozen=True)
class ApprovalInfo:
    month: Month
    approved_by: str
    approved_at: str
    total_fen: int


def approval_info(db: Database, month: Month) -> ApprovalInfo | None:
    row = db.execute(
        "SELECT approved_by, approved_at, total_fen FROM subsidy_months WHERE month = ?",
        [str(month)],
    ).fetchone()
    return None if row is None else ApprovalInfo(month, row[0], row[1], row[2])


def unapprove_month(db: Database, month: Month, reason: str, by: str) -> None:
    """Withdraw the approval of the latest approved month, keeping the reason in the log.

    Only the latest approved month can be withdrawn: a later approved sheet may already
    carry corrections of this one. The corrections this month carried for earlier
    months are no longer paid, so those months are marked to be carried again.
    """
    if not reason.strip():
        raise DomainError("撤销审批须写明原因", field="原因")
    with db.atomic():
        if approval_info(db, month) is None:
            raise DomainError(f"{month} 的补助表尚未审批，无需撤销。")
        later = db.execute(
            "SELECT min(month) FROM subsidy_months WHERE month > ?", [str(month)]
        ).fetchone()[0]
        if later is not None:
            raise DomainError(f"{later} 已审批：请先撤销 {later} 的审批，再撤销 {month}。")
        db.execute(
            """INSERT OR IGNORE INTO subsidy_dirty
               SELECT DISTINCT corrects_month FROM subsidy_adjustments
               WHERE month = ? AND corrects_month IN (SELECT month FROM subsidy_months)""",
            [str(month)],
        )
        db.execute("DELETE FROM subsidy_months WHERE month = ?", [str(month)])
        store.log_note(
            db,
            "subsidy_months",
            str(month),
            f"撤销审批（{by.strip() or '未署名'}）：{reason.strip()}",
        )


@dataclass(frozen=True)
class LineDay:
    day: date
    kind: Kind
    rate_fen: int  # the daily 生活补助 in force that day


def line_days(db: Database, month: Month, cadre_no: str) -> list[LineDay]:
    """The present days a line of the month's sheet counts, each with its daily rate.

    For an approved month these are today's records: the frozen line may differ, and
    the difference is what the next draft month carries.
    """
    rates = store.rate_table(db)
    days = store.attendance(db, month.first_day, month.last_day).get(cadre_no, {})
    return [
        LineDay(d, k, rates.in_force(RateKind.LIVING, d))
        for d, k in sorted(days.items())
        if k in PRESENT_KINDS
    ]


@dataclass(frozen=True)
class YearRow:
    cadre_no: str
    name: str
    totals: dict[Month, int]
    total_fen: int


@dataclass(frozen=True)
class YearView:
    year: int
    months: list[Month]
    statuses: dict[Month, str]
    rows: list[YearRow]
    month_totals: dict[Month, int]
    total_fen: int


def year_view(db: Database, year: int, *, last: Month | None = None) -> YearView:
    """Each cadre's sheet total for every month of ``year`` (up to ``last``, default the
    current month) and the year's; approved months as frozen, the others as drafts."""
    last = last or Month.of(date.today())
    months = [m for m in Year(year).months() if m <= last]
    sheets = {m: sheet_for_month(db, m) for m in months}
    names: dict[str, str] = {}
    totals: dict[str, dict[Month, int]] = {}
    for m, sheet in sheets.items():
        for line in sheet.lines:
            names.setdefault(line.cadre_no, line.name)
            totals.setdefault(line.cadre_no, {})[m] = line.total_fen
    rows = [YearRow(c, names[c], totals[c], sum(totals[c].values())) for c in sorted(totals)]
    month_totals = {m: s.total_fen for m, s in sheets.items()}
    return YearView(
        year,
        months,
        {m: s.status for m, s in sheets.items()},
        rows,
        month_totals,
        sum(month_totals.values()),
    )
