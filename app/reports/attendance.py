"""The month's attendance table (考勤表) as report data: one line per cadre.

The JSON data carries everything the printed table shows, so the PDF is drawn from the
data alone (``app.reports.pdf.attendance.build_attendance_pdf``)::

    {"month": "2026-10", "township": "安川县青石镇", "days_in_month": 31,
     "cadres": [{"cadre_no": "GB001", "name": "王建国", "role": "兼职书记",
                 "days": {"2026-10-01": "在村", ...},
                 "present_days": 12, "meeting_days": 1, "leave_days": 0, "absent_days": 0,
                 "requirement": "每周≥2天", "judged_periods": 5, "met_periods": 4,
                 "met": false, "status": "未达标",
                 "shortfalls": ["第42周（10月12日—10月18日）：在村1天，应至少2天"],
                 "periods": [{"period": "2026-W42", "present": 1, "required": 2, ...}]}],
     "totals": {"cadres": 23, "present_days": 310, "leave_days": 4, "absent_days": 2,
                "met": 20, "not_met": 3, "not_judged": 0}}

``present_days`` counts 在村 and 会议培训 (both count as present, DOMAIN.md); ``met`` is
None when nothing was judged (no assignment, or the month has not ended), and
``status`` then says 进行中 or 不考核.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from app.db import store
from app.db.compliance import CadreCompliance, cadre_compliance
from app.domain.attendance import PRESENT_KINDS, Kind, PeriodResult, Requirements
from app.domain.periods import Month
from app.reports.tabular import Table

KIND_MARK = {Kind.PRESENT: "√", Kind.MEETING: "会", Kind.LEAVE: "假", Kind.ABSENT: "×"}
MARK_OF = {k.value: m for k, m in KIND_MARK.items()}
LEGEND = "√ 在村　会 会议培训　假 请假　× 缺勤　空白 未记录"
STATUS = {True: "达标", False: "未达标"}


def _period_label(r: PeriodResult) -> str:
    if "-W" in r.label:
        week = int(r.label.split("-W")[1])
        return f"第{week}周（{r.first.month}月{r.first.day}日—{r.last.month}月{r.last.day}日）"
    return f"{r.first.year}年{r.first.month}月"


def _requirement(results: list[PeriodResult], req: Requirements) -> str:
    """The requirement in words: 每周≥2天 (兼职) or 本月≥N天 (驻村, after leave/proration)."""
    parts: list[str] = []
    weekly = [r for r in results if "-W" in r.label]
    monthly = [r for r in results if "-W" not in r.label]
    if weekly:
        needed = sorted({r.required for r in weekly if r.required is not None})
        days = "/".join(str(x) for x in needed) or str(req.weekly_min_days)
        parts.append(f"每周≥{days}天")
    if monthly:
        needed = sorted({r.required for r in monthly if r.required is not None})
        if needed:
            parts.append("本月≥" + "/".join(str(x) for x in needed) + "天")
        else:
            parts.append(f"每月≥{req.monthly_min_days}天")
    return "；".join(parts)


def _status(met: bool | None, results: list[PeriodResult]) -> str:
    if met is not None:
        return STATUS[met]
    if any("进行中" in r.note for r in results):
        return "进行中"
    return "不考核"


def _shortfall(r: PeriodResult) -> str:
    note = "；".join(part.removeprefix("未达标：") for part in r.note.split("；") if "达标" in part)
    return f"{_period_label(r)}：{note}"


def cadre_line(
    cadre_no: str,
    name: str,
    marks: dict[date, Kind],
    cc: CadreCompliance | None,
    req: Requirements,
) -> dict:
    results = cc.results if cc else []
    judged = [r for r in results if r.judged]
    met = all(r.met for r in judged) if judged else None
    return {
        "cadre_no": cadre_no,
        "name": name,
        "role": cc.role if cc else None,
        "days": {d.isoformat(): k.value for d, k in sorted(marks.items())},
        "present_days": sum(1 for k in marks.values() if k in PRESENT_KINDS),
        "meeting_days": sum(1 for k in marks.values() if k is Kind.MEETING),
        "leave_days": sum(1 for k in marks.values() if k is Kind.LEAVE),
        "absent_days": sum(1 for k in marks.values() if k is Kind.ABSENT),
        "requirement": _requirement(results, req) if results else "",
        "judged_periods": len(judged),
        "met_periods": sum(1 for r in judged if r.met),
        "met": met,
        "status": _status(met, results),
        "shortfalls": [_shortfall(r) for r in judged if not r.met],
        "periods": [
            {
                "period": r.label,
                "present": r.present,
                "required": r.required,
                "judged": r.judged,
                "met": r.met,
                "note": r.note,
            }
            for r in results
        ],
    }


def attendance_data(db: Database, month: Month, as_of: date | None = None) -> dict:
    """The JSON data of ``report attendance`` (see the module docstring)."""
    ident = store.require_identity(db)
    days = store.attendance(db, month.first_day, month.last_day)
    names = store.cadre_names(db)
    comp = cadre_compliance(db, month.first_day, month.last_day, as_of=as_of)
    req = store.requirements(db, month.first_day)
    lines = [
        cadre_line(c, names.get(c, ""), days.get(c, {}), comp.get(c), req)
        for c in sorted(set(comp) | set(days))
    ]
    return {
        "month": str(month),
        "township": ident.display_name,
        "days_in_month": month.num_days,
        "cadres": lines,
        "totals": {
            "cadres": len(lines),
            "present_days": sum(x["present_days"] for x in lines),
            "leave_days": sum(x["leave_days"] for x in lines),
            "absent_days": sum(x["absent_days"] for x in lines),
            "met": sum(1 for x in lines if x["met"] is True),
            "not_met": sum(1 for x in lines if x["met"] is False),
            "not_judged": sum(1 for x in lines if x["met"] is None),
        },
    }


def attendance_table(data: dict) -> Table:
    """The sheet form (CSV/XLSX) of the attendance data."""
    month = Month.parse(data["month"])
    rows = []
    for line in data["cadres"]:
        rows.append(
            [line["cadre_no"], line["name"], line["role"] or ""]
            + [MARK_OF.get(line["days"].get(d.isoformat(), ""), "") for d in month.days()]
            + [line["present_days"], line["requirement"], line["status"]]
        )
    header = (
        ["干部编号", "姓名", "岗位"]
        + [str(d.day) for d in month.days()]
        + ["出勤", "要求", "是否达标"]
    )
    return Table(
        title=f"{data['township']} {month.year}年{month.month}月驻村干部考勤表",
        header=header,
        rows=rows,
        footer=[(f"说明：{LEGEND}",)],
        sheet_name=f"{month}考勤",
    )


def attendance_report(db: Database, month: Month, as_of: date | None = None) -> tuple[dict, Table]:
    """``report attendance --month``: the JSON data and its sheet form."""
    data = attendance_data(db, month, as_of=as_of)
    return data, attendance_table(data)
