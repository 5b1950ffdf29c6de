"""The monthly subsidy sheet (补助发放表) as report data.

``attendance_report`` lives in :mod:`app.reports.attendance`; it is re-exported here for
the callers that import it from this module.
"""

from __future__ import annotations

from sqlite_utils import Database

from app.db import store
from app.db.subsidy import approval_info, sheet_for_month
from app.domain.money import capital_amount, fen_to_decimal
from app.domain.periods import Month
from app.reports.attendance import KIND_MARK, attendance_report
from app.reports.tabular import Table

__all__ = ["KIND_MARK", "SUBSIDY_HEADER", "attendance_report", "subsidy_report"]

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
    info = approval_info(db, month)
    if info is not None:
        data["approved_by"], data["approved_at"] = info.approved_by, info.approved_at
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
