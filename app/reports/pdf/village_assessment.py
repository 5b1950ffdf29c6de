"""The 100-point assessment form of the villages (村党组织百分制考核表): A4 portrait.

ONE PAGE PER VILLAGE: the village's name and code, a ruled table of the indicators
grouped by aspect (生产发展 … 管理民主) with 满分 and 得分, the 合计 row, the grade
block (类别, 上年类别, 变化), and the lines for the assessors and the date. Blank forms
(``--blank``) leave every score, the total and the grade empty, to be filled by hand.

Fast by construction (266 forms in well under 2 s): plain strings in every cell (no
Paragraphs), one small table per page, the table styles shared between pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from app.reports.pdf.layout import HEADER_FILL, Document, PageSpec

# 考核方面, 序号, 考核指标, 满分, 得分, 备注
WIDTHS_MM = (30, 12, 76, 22, 22, 28)
ROW_H = 8.6 * mm
HEAD_H = 9 * mm
SIZE = 10.5


def title_of(data: dict) -> str:
    return f"{data['township']}{data['year']}年度村党组织百分制考核表"


def _max_total(data: dict) -> str:
    return str(sum((Decimal(i["max"]) for i in data["indicators"]), Decimal("0.0")))


def build_village_assessment_pdf(
    data: dict, out_path: Path, printed_on: date | None = None
) -> Path:
    """Print ``report village-assessment`` data, one page per village."""
    doc = Document(
        PageSpec(
            title=title_of(data),
            township=data["township"],
            period=f"{data['year']}年度",
            landscape=False,
            printed_on=printed_on,
        )
    )
    widths = [w * mm for w in WIDTHS_MM]
    indicators = data["indicators"]
    n = len(indicators)
    max_total = _max_total(data)

    # the shared style of the indicators table: header, aspect spans, 合计 row
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), doc.font),
        ("FONTSIZE", (0, 0), (-1, -1), SIZE),
        ("LEADING", (0, 0), (-1, -1), SIZE * 1.2),
        ("FONTNAME", (0, 0), (-1, 0), doc.bold),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("ALIGN", (2, 1), (2, n), "LEFT"),
        ("LEFTPADDING", (2, 1), (2, n), 6),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.black),
        ("LINEABOVE", (0, n + 1), (-1, n + 1), 0.9, colors.black),
        ("FONTNAME", (0, n + 1), (-1, n + 1), doc.bold),
        ("SPAN", (0, n + 1), (2, n + 1)),
        ("BACKGROUND", (0, 1), (0, n), colors.Color(0.95, 0.95, 0.95)),
    ]
    start = 0
    for i in range(1, n + 1):  # span the aspect column over each run of one aspect
        if i == n or indicators[i]["aspect"] != indicators[start]["aspect"]:
            if i - start > 1:
                cmds.append(("SPAN", (0, start + 1), (0, i)))
            start = i
    table_style = TableStyle(cmds)
    heights = [HEAD_H] + [ROW_H] * (n + 1)

    grade_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
            ("BACKGROUND", (0, 0), (0, 0), HEADER_FILL),
            ("BACKGROUND", (2, 0), (2, 0), HEADER_FILL),
            ("BACKGROUND", (4, 0), (4, 0), HEADER_FILL),
            ("FONTNAME", (1, 0), (1, 0), doc.bold),
        ]
    )
    head_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("FONTSIZE", (0, 0), (-1, -1), 11),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("FONTNAME", (1, 0), (1, 0), doc.bold),
            ("FONTNAME", (3, 0), (3, 0), doc.bold),
            ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
            ("LINEBELOW", (3, 0), (3, 0), 0.5, colors.black),
        ]
    )
    head_widths = [14 * mm, 52 * mm, 20 * mm, 50 * mm, 54 * mm]
    grade_widths = [28 * mm, 35 * mm, 28 * mm, 35 * mm, 28 * mm, 36 * mm]
    note = doc.para(
        f"说明：本表按“{data['template']}”考核，满分 {max_total} 分；各项得分保留一位小数，"
        "不得超过该项满分。",
        "note",
    )
    signature = doc.signature_line(("考核人（签字）", "复核人（签字）", "日期"), size=10.5)

    story: list = []
    for k, v in enumerate(data["villages"]):
        if k:
            story.append(PageBreak())
        scores = v.get("scores") or {}
        head = Table(
            [["村名：", v["name"], "村代码：", v["code"], f"考核年度：{data['year']}年"]],
            colWidths=head_widths,
            rowHeights=[8 * mm],
            hAlign="LEFT",
            style=head_style,
        )
        rows = [["考核方面", "序号", "考核指标", "满分", "得分", "备注"]]
        previous_aspect = None
        for j, ind in enumerate(indicators, 1):
            aspect = ind["aspect"] if ind["aspect"] != previous_aspect else ""
            previous_aspect = ind["aspect"]
            rows.append([aspect, j, ind["name"], ind["max"], scores.get(ind["name"]) or "", ""])
        rows.append(["合计", "", "", max_total, v.get("total") or "", ""])
        grid = Table(rows, colWidths=widths, rowHeights=heights, style=table_style)
        grades = Table(
            [
                [
                    "本年类别",
                    v.get("grade") or "",
                    "上年类别",
                    v.get("previous_grade") or "—",
                    "变化",
                    v.get("change") or "",
                ]
            ],
            colWidths=grade_widths,
            rowHeights=[10 * mm],
            style=grade_style,
        )
        assessor = v.get("assessor") or "________________________________"
        story += [
            head,
            Spacer(1, 3 * mm),
            grid,
            Spacer(1, 4 * mm),
            grades,
            Spacer(1, 3 * mm),
            note,
            Spacer(1, 5 * mm),
            doc.para(f"考核单位：{assessor}", "sign"),
            Spacer(1, 6 * mm),
            signature,
        ]
    if not data["villages"]:
        story.append(doc.para("没有村。"))
    return doc.write(story, out_path)
