"""The quarterly summary printed (季度工作小结): A4 portrait, township or county scope.

Villages by grade (counts and shares, as the seed writes them: "一类村党组织 N 个，占全镇
总数的 X%") with a bar chart (reportlab graphics), upgrades and downgrades, cadres and
compliance, checks, subsidies paid per month, meetings held against the weekly meetings
expected, 办实事, and a short 主要成效 paragraph built only from these figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.domain.periods import Quarter
from app.reports.pdf.layout import HEADER_FILL, Document, PageSpec

SIZE = 9.5
GRADE_COLORS = (
    colors.Color(0.16, 0.45, 0.25),
    colors.Color(0.30, 0.55, 0.80),
    colors.Color(0.95, 0.65, 0.20),
    colors.Color(0.80, 0.25, 0.20),
)


def scope_word(data: dict) -> str:
    """全县 for a county database, else 全乡 or 全镇 after the township's name."""
    if data.get("scope") == "county":
        return "全县"
    return "全乡" if str(data.get("name", "")).endswith("乡") else "全镇"


def yuan(text: str) -> str:
    """Money with thousands separators: "1119700.00" → "1,119,700.00"."""
    return f"{Decimal(text):,.2f}"


def count(n: int) -> str:
    return f"{n:,}"


def grade_sentences(data: dict) -> list[str]:
    total = data["villages"]
    where = scope_word(data)
    return [
        f"{g}村党组织 {count(n)} 个，占{where}总数的{data['villages_by_grade_share'][g]}"
        for g, n in data["villages_by_grade"].items()
    ] + [f"{where}共有村党组织 {count(total)} 个"]


def _moves(moves: dict[str, int]) -> str:
    return "、".join(f"{k} {n} 个" for k, n in moves.items())


def narrative(data: dict) -> str:
    """The 主要成效 paragraph, only from the figures of the report."""
    where = scope_word(data)
    q = Quarter.parse(data["quarter"])
    by_grade = data["villages_by_grade"]
    grades = "、".join(f"{g}村 {count(n)} 个" for g, n in by_grade.items())
    parts = [f"本季度，{where} {count(data['villages'])} 个村中{grades}"]
    up = sum(data.get("upgrades", {}).values())
    down = sum(data.get("downgrades", {}).values())
    if up or down:
        moved = f"，{q.year}年度考核升级 {up} 个"
        if down:
            moved += f"、降级 {down} 个"
        parts[-1] += moved
    parts[-1] += "。"
    judged, met = data.get("judged_periods", 0), data.get("met_periods", 0)
    line = f"{count(data['cadres'])} 名驻村（兼职）干部共在村 {count(data['present_days'])} 天"
    if judged:
        line += f"，在村时间达标 {met}/{judged} 个周期（{100 * met / judged:.1f}%）"
    line += (
        f"；开展查岗 {count(data['checks'])} 次，"
        f"查出无故不在岗 {count(data['unexcused_absences'])} 次。"
    )
    parts.append(line)
    parts.append(f"发放驻村补助 {yuan(data['subsidy_total'])} 元。")
    expected = data.get("weekly_meetings_expected")
    weekly = data.get("meetings_by_kind", {}).get("周例会")
    meet = f"召开各类会议 {count(data['meetings'])} 次"
    if expected is not None and weekly is not None:
        meet += f"，其中周例会 {weekly} 次（应开 {expected} 次）"
    parts.append(meet + "。")
    parts.append(
        f"为群众办实事 {count(data['practical_matters'])} 件，"
        f"投入资金 {yuan(data['practical_matters_funds'])} 元。"
    )
    return "".join(parts)


def grade_chart(data: dict, font: str, width: float) -> Drawing:
    """Villages by grade as a bar chart, the count above each bar."""
    height = 55 * mm
    d = Drawing(width, height, initialFontName=font)  # else the page names Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 10 * mm
    chart.width, chart.height = width - 20 * mm, height - 20 * mm
    values = list(data["villages_by_grade"].values())
    chart.data = [values]
    chart.categoryAxis.categoryNames = [f"{g}村" for g in data["villages_by_grade"]]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max(values + [1])
    step = max(1, -(-top // 5))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (-(-top // step) + 1)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 9
    chart.barLabels.nudge = 6
    chart.bars.strokeColor = None
    for i, c in enumerate(GRADE_COLORS[: len(values)]):
        chart.bars[(0, i)].fillColor = c
    d.add(chart)
    d.add(String(width / 2, height - 6 * mm, "村党组织分类情况（个）", fontName=font,
                 fontSize=10, textAnchor="middle"))  # fmt: skip
    return d


def build_quarterly_pdf(data: dict, out_path: Path, printed_on: date | None = None) -> Path:
    """Print ``report quarterly`` data."""
    q = Quarter.parse(data["quarter"])
    doc = Document(
        PageSpec(
            title=f"{data['name']}{q.year}年第{q.q}季度驻村工作小结",
            township=data["name"],
            period=f"{q.year}年第{q.q}季度",
            landscape=False,
            printed_on=printed_on,
        )
    )
    width = doc.frame_width

    def grid(rows: list[list], widths_mm: list[float], header: bool = True) -> Table:
        fixed = sum(w for w in widths_mm if w) * mm
        rest = (width - fixed) / max(1, sum(1 for w in widths_mm if not w))
        widths = [w * mm if w else rest for w in widths_mm]
        cmds = [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BOX", (0, 0), (-1, -1), 0.9, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            cmds += [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, 0), doc.bold),
            ]
        return Table(rows, colWidths=widths, hAlign="LEFT", style=TableStyle(cmds))

    story: list = []

    def section(n: str, title: str) -> None:
        story.append(Spacer(1, 3 * mm))
        story.append(doc.para(f"{n}、{title}", "heading"))

    # 一、村党组织分类
    section("一", "村党组织分类情况")
    rows = [["类别", "个数", "占比"]]
    for g, n in data["villages_by_grade"].items():
        rows.append([f"{g}村", count(n), data["villages_by_grade_share"][g]])
    rows.append(["合计", count(data["villages"]), "100%" if data["villages"] else "0%"])
    table = grid(rows, [22, 18, 18])
    chart = grade_chart(data, doc.font, width - 64 * mm)
    side = Table([[table, chart]], colWidths=[62 * mm, width - 62 * mm], hAlign="LEFT")
    side.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), doc.font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(side)
    story.append(doc.para("；".join(grade_sentences(data)) + "。"))
    moves = []
    if data.get("upgrades"):
        moves.append(f"{q.year}年度考核升级：{_moves(data['upgrades'])}")
    if data.get("downgrades"):
        moves.append(f"降级：{_moves(data['downgrades'])}")
    story.append(doc.para(("；".join(moves) or f"{q.year}年度考核无升降级") + "。"))

    # 二、驻村干部
    section("二", "驻村干部在岗情况")
    roles = "、".join(f"{r} {n} 名" for r, n in data.get("cadres_by_role", {}).items() if n)
    judged, met = data.get("judged_periods", 0), data.get("met_periods", 0)
    rate = f"{100 * met / judged:.1f}%" if judged else "—"
    rows = [
        [
            "驻村（兼职）干部",
            f"{count(data['cadres'])} 名",
            "在村天数",
            f"{count(data['present_days'])} 天",
        ],
        [
            "请假天数",
            f"{count(data.get('leave_days', 0))} 天",
            "达标周期/考核周期",
            f"{met}/{judged}（{rate}）",
        ],
        [
            "查岗次数",
            f"{count(data['checks'])} 次",
            "无故不在岗",
            f"{count(data['unexcused_absences'])} 次",
        ],
    ]
    story.append(grid(rows, [36, 0, 40, 0], header=False))
    short = data.get("cadres_short") or []
    text = f"其中{roles}。" if roles else ""
    if data.get("scope") == "county":
        text += f"在村时间未全部达标的干部 {len(short)} 名（分乡镇情况见第六部分）。"
    else:
        text += f"在村时间未全部达标的干部 {len(short)} 名" + (
            f"（{'、'.join(short)}）。" if short else "。"
        )
    story.append(doc.para(text, "note"))

    # 三、补助
    section("三", "驻村补助发放情况")
    rows = [["月份", "状态", "金额（元）"]]
    for m, s in data.get("subsidy_by_month", {}).items():
        rows.append([m, "已审批" if s["status"] == "approved" else "草稿", yuan(s["total"])])
    rows.append(["合计", "", yuan(data["subsidy_total"])])
    story.append(grid(rows, [40, 30, 50]))

    # 四、会议与办实事
    section("四", "会议与为民办实事")
    kinds = "、".join(f"{k} {n} 次" for k, n in data.get("meetings_by_kind", {}).items())
    weekly = data.get("meetings_by_kind", {}).get("周例会", 0)
    rows = [
        ["召开会议", f"{count(data['meetings'])} 次", "周例会（召开/应开）", f"{weekly}/{data.get('weekly_meetings_expected', 0)}"],
        ["办实事", f"{count(data['practical_matters'])} 件", "投入资金", f"{yuan(data['practical_matters_funds'])} 元"],
        ["民情日记", f"{count(data.get('diaries', 0))} 篇", "未办结督办事项（逾期）", f"{data.get('action_items_open', 0)}（{data.get('action_items_overdue', 0)}）"],
    ]  # fmt: skip
    story.append(grid(rows, [30, 0, 48, 0], header=False))
    if kinds:
        story.append(doc.para(f"会议：{kinds}。", "note"))

    # 五、主要成效
    section("五", "主要成效")
    story.append(doc.para(narrative(data)))
    closing = [Spacer(1, 10 * mm), doc.signature_line(("制表", "审核", "分管领导", "日期"))]
    if data.get("by_township"):
        # the last section keeps the signature line company, never alone on a page
        story.append(Spacer(1, 3 * mm))
        story.append(
            KeepTogether(
                [
                    doc.para("六、分乡镇情况", "heading"),
                    township_table(data, grid),
                    doc.para(
                        "各乡镇数据取自其最新导入的上报文件，由本程序按乡镇原始记录重新计算。",
                        "note",
                    ),
                    *closing,
                ]
            )
        )
    else:
        story += closing
    return doc.write(story, out_path)


def township_table(data: dict, grid) -> Table:
    """One row per township (county scope) and a 合计 row."""
    rows = [
        ["乡镇", "村", "一二类村", "干部", "在村天数", "达标率", "不在岗", "补助（元）", "会议"]
    ]

    def rate(met: int, judged: int) -> str:
        return f"{100 * met / judged:.1f}%" if judged else "—"

    for t in data["by_township"]:
        grades = t.get("villages_by_grade") or {}
        rows.append(
            [
                t["name"],
                count(t.get("villages") or 0),
                count(grades.get("一类", 0) + grades.get("二类", 0)),
                count(t.get("cadres") or 0),
                count(t.get("present_days") or 0),
                rate(t.get("met_periods") or 0, t.get("judged_periods") or 0),
                count(t.get("unexcused_absences") or 0),
                yuan(t.get("subsidy_total") or "0.00"),
                count(t.get("meetings") or 0),
            ]
        )
    by_grade = data["villages_by_grade"]
    rows.append(
        [
            "合计",
            count(data["villages"]),
            count(by_grade.get("一类", 0) + by_grade.get("二类", 0)),
            count(data["cadres"]),
            count(data["present_days"]),
            rate(data.get("met_periods", 0), data.get("judged_periods", 0)),
            count(data["unexcused_absences"]),
            yuan(data["subsidy_total"]),
            count(data["meetings"]),
        ]
    )
    return grid(rows, [0, 12, 18, 14, 20, 18, 16, 28, 14])
