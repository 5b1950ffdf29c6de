"""Demo database set-up: generated records, approved past months and late corrections.

The corrections show what the subsidy rules do with attendance changed after approval:
the next draft month carries a 补发 (one day added) and a 扣回 (one day taken back). They
are made with a reason, as every change of an approved month is (the change log keeps it).
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from app.db.guard import with_reason
from app.db.subsidy import approve_month
from app.demo import build_demo
from app.domain.periods import Month

APPROVER = "演示审批人"
LATE_REASON = "补录考勤（演示）"


def approve_until(db: Database, last: Month, by: str = APPROVER) -> int:
    """Approve every month with attendance from the first one up to ``last``."""
    first = db.execute("SELECT min(day) FROM attendance").fetchone()[0]
    if first is None:
        return 0
    month, n = Month.of(date.fromisoformat(first)), 0
    while month <= last:
        approve_month(db, month, by)
        month, n = month.next(), n + 1
    return n


def late_corrections(db: Database, month: Month) -> None:
    """One unrecorded weekday becomes 在村 for one cadre, one 在村 day becomes 缺勤 for another."""
    first, last = month.first_day.isoformat(), month.last_day.isoformat()
    cadres = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT cadre_no FROM subsidy_lines WHERE month = ? AND present_days > 0 ORDER BY cadre_no",
            [str(month)],
        ).fetchall()
    ]
    if len(cadres) < 2:
        return
    recorded = {
        r[0]
        for r in db.execute(
            "SELECT day FROM attendance WHERE cadre_no = ? AND day BETWEEN ? AND ?",
            [cadres[0], first, last],
        )
    }
    missing = next(
        (d for d in month.days() if d.weekday() < 5 and d.isoformat() not in recorded), None
    )
    taken = db.execute(
        "SELECT day FROM attendance WHERE cadre_no = ? AND kind = '在村' AND day BETWEEN ? AND ? ORDER BY day",
        [cadres[1], first, last],
    ).fetchone()
    with with_reason(db, LATE_REASON):  # an approved month changes only with a reason
        if missing is not None:
            db["attendance"].insert(
                {
                    "cadre_no": cadres[0],
                    "day": missing.isoformat(),
                    "kind": "在村",
                    "source": "考勤簿",
                    "note": "审批后补录",
                }
            )
        if taken is not None:
            db.execute(
                "UPDATE attendance SET kind = '缺勤', note = '核实后更正', "
                "modified_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE cadre_no = ? AND day = ?",
                [cadres[1], taken[0]],
            )


def make_demo(
    db: Database, scale: str = "township", seed: int = 1, today: date | None = None
) -> str:
    today = today or date.today()
    summary = build_demo(db, scale=scale, seed=seed, today=today)
    last_approved = Month.of(today).prev().prev()
    n = approve_until(db, last_approved)
    if n:
        late_corrections(db, last_approved)
    return f"{summary.text()}已审批补助月份 {n} 个（至 {last_approved}），{last_approved.next()} 为草稿。"
