"""The month's subsidy sheet printed for the finance office (补助发放表): A4 landscape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm

from app.domain.periods import Month
from app.reports.pdf.layout import Column, Document, PageSpec, spacer

COLUMNS = (
    ("序号", 26, "CENTER"),
    ("干部编号", 50, "CENTER"),
    ("姓名", 54, "CENTER"),
    ("出勤天数", 44, "CENTER"),
    ("生活补助", 60, "RIGHT"),
    ("交通通讯补助", 66, "RIGHT"),
    ("调整", 58, "RIGHT"),
    ("合计", 64, "RIGHT"),
    ("备注", 170, "LEFT"),
)
SIGN_MIN = 45 * mm  # the signature column gets the rest of the line, at least this


def build_subsidy_pdf(data: dict, out_path: Path, printed_on: date | None = None) -> Path:
    """Print ``report subsidy`` data (the JSON form, with ``township`` and ``total_capital``)."""
    month = Month.parse(data["month"])
    approved = data.get("status") == "approved"
    note = "未审批，不作发放依据"
    if approved:
        note = f"审批人：{data['approved_by']}" if data.get("approved_by") else ""
    doc = Document(
        PageSpec(
            title=f"{data['township']} {month.year}年{month.month}月驻村干部补助发放表",
            township=data["township"],
            period=f"{month.year}年{month.month}月",
            landscape=True,
            stamp="已审批" if approved else "草稿",
            stamp_note=note,
            stamp_alert=not approved,
            printed_on=printed_on,
        )
    )
    fixed = sum(w for _, w, _ in COLUMNS)
    columns = [Column(h, w, a) for h, w, a in COLUMNS]
    columns.append(Column("领款人签字", max(SIGN_MIN, doc.frame_width - fixed), sign=True))

    lines = data["lines"]
    rows = [
        [
            i,
            line["cadre_no"],
            line["name"],
            line["present_days"],
            line["living"],
            line["transport"],
            line["adjustment"],
            line["total"],
            "；".join(line.get("notes") or []),  # shrunk or wrapped to fit by the grid
            "",
        ]
        for i, line in enumerate(lines, start=1)
    ]

    def total(key: str) -> str:
        return f"{sum((Decimal(line[key]) for line in lines), Decimal('0')):.2f}"

    footer = [
        [
            "合计",
            "",
            "",
            sum(line["present_days"] for line in lines),
            total("living"),
            total("transport"),
            total("adjustment"),
            data["total"],
            "",
            "",
        ]
    ]
    footer_styles = [
        ("SPAN", (0, 0), (2, 0)),
        *[("ALIGN", (c, 0), (c, 0), "RIGHT") for c in range(4, 8)],
    ]

    capital = data.get("total_capital", "")
    tail = [
        spacer(3),
        doc.para(f"合计金额（大写）：{capital}　　（小写）：¥{data['total']}", "sign"),
    ]
    if approved:
        tail.append(
            doc.para("本表已审批冻结；审批后考勤如有变动，差额列入下一未审批月份的调整栏。", "note")
        )
    else:
        tail.append(doc.para("本表为草稿，审批后方可作为发放依据。", "note"))
    tail += [spacer(2), doc.signature_line()]

    story = doc.grid(
        columns,
        rows,
        row_height=7.5 * mm,
        font_size=8.5,
        footer_rows=footer,
        footer_styles=footer_styles,
        tail=tail,
    )
    return doc.write(story, out_path)
