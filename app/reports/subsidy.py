"""The monthly subsidy sheet (补助发放表) and the attendance table as report data."""

from __future__ import annotations

from sqlite_utils import Database

from app.db import store
from app.db.compliance import cadre_compliance
from app.db.subsidy import sheet_for_month
from app.domain.attendance import PRESENT_KINDS, Kind
from app.domain.money import capital_amount, fen_to_decimal
from app.domain.periods import Month
from app.reports.tabular import Table

SUBSIDY_HEADER = (
    "序号",
    "干部编号",
    "姓名",
    "出勤天数",
    "生活补助",
    "交通通讯补助",
    "调整",
    "合计",
    "备注",
    "领款人签字",
)


def subsidy_report(db: Database, month: Month) -> tuple[dict, Table]:
    ident = store.require_identity(db)
    sheet = sheet_for_month(db, month)
    data = sheet.to_json()
    data = {"township": ident.display_name, **data}
    status = "已审批" if sheet.status == "approved" else "草稿"
    rows = [
        (
            i,
            line.cadre_no,
            line.name,
            line.present_days,
            fen_to_decimal(line.living_fen),
            fen_to_decimal(line.transport_fen),
            fen_to_decimal(line.adjustment_fen),
            fen_to_decimal(line.total_fen),
            "；".join(line.notes),
            "",
        )
        for i, line in enumerate(sheet.lines, start=1)
    ]
    living = sum(line.living_fen for line in sheet.lines)
    transport = sum(line.transport_fen for line in sheet.lines)
    adjust = sum(line.adjustment_fen for line in sheet.lines)
    days = sum(line.present_days for line in sheet.lines)
    footer = [
        (
            "合计",
            "",
            "",
            days,
            fen_to_decimal(living),
            fen_to_decimal(transport),
            fen_to_decimal(adjust),
            fen_to_decimal(sheet.total_fen),
            "",
            "",
        ),
        (f"合计金额（大写）：{capital_amount(sheet.total_fen)}",),
        ("制表：", "", "审核：", "", "分管领导：", "", "日期："),
    ]
    table = Table(
        title=f"{ident.display_name} {month.year}年{month.month}月驻村干部补助发放表（{status}）",
        header=SUBSIDY_HEADER,
        rows=rows,
        footer=footer,
        sheet_name=f"{month}补助",
        number_columns=frozenset({3, 4, 5, 6, 7}),
    )
    return data, table


KIND_MARK = {Kind.PRESENT: "√", Kind.MEETING: "会", Kind.LEAVE: "假", Kind.ABSENT: "×"}


def attendance_report(db: Database, month: Month) -> tuple[dict, Table]:
    ident = store.require_identity(db)
    days = store.attendance(db, month.first_day, month.last_day)
    names = store.cadre_names(db)
    comp = cadre_compliance(db, month.first_day, month.last_day)
    cadres = sorted(set(comp) | set(days))
    lines, rows = [], []
    for c in cadres:
        marks = days.get(c, {})
        present = sum(1 for k in marks.values() if k in PRESENT_KINDS)
        cc = comp.get(c)
        judged = [r for r in cc.results if r.judged] if cc else []
        met = all(r.met for r in judged) if judged else None
        required = [f"{r.label}:{r.required}" for r in judged]
        lines.append(
            {
                "cadre_no": c,
                "name": names.get(c, ""),
                "role": cc.role if cc else None,
                "days": {d.isoformat(): k.value for d, k in sorted(marks.items())},
                "present_days": present,
                "leave_days": sum(1 for k in marks.values() if k is Kind.LEAVE),
                "absent_days": sum(1 for k in marks.values() if k is Kind.ABSENT),
                "periods": [
                    {
                        "period": r.label,
                        "present": r.present,
                        "required": r.required,
                        "judged": r.judged,
                        "met": r.met,
                        "note": r.note,
                    }
                    for r in (cc.results if cc else [])
                ],
                "met": met,
            }
        )
        rows.append(
            [c, names.get(c, ""), (cc.role if cc else "") or ""]
            + [KIND_MARK.get(marks.get(d), "") for d in month.days()]
            + [present, "；".join(required), {True: "达标", False: "未达标", None: "不考核"}[met]]
        )
    header = (
        ["干部编号", "姓名", "岗位"]
        + [str(d.day) for d in month.days()]
        + ["出勤", "要求", "是否达标"]
    )
    table = Table(
        title=f"{ident.display_name} {month.year}年{month.month}月驻村干部考勤表",
        header=header,
        rows=rows,
        footer=[("说明：√ 在村  会 会议培训  假 请假  × 缺勤  空白 未记录",)],
        sheet_name=f"{month}考勤",
    )
    return {"month": str(month), "township": ident.display_name, "cadres": lines}, table
