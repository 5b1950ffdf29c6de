"""The assessment form of the cadres (驻村干部年度考核表): A4 portrait, one page per cadre.

The three parts of the score — 驻村时限 (30, from attendance: 达标 N/M 周期), 工作业绩
(40, entered by the assessment group) and 群众满意度 (30, from the votes) — the total,
the checks found absent (查岗不在岗), the grade before the cap, the grade, the cap
explained in words, the outstanding flag (副科级待遇 / 优先提拔), and the signature lines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from app.reports.pdf.layout import ALERT, HEADER_FILL, Document, PageSpec

SIZE = 10.5
OUTSTANDING = "考核等次为优秀，按规定可享受副科级待遇、优先提拔。"


def title_of(data: dict) -> str:
    return f"{data['township']}{data['year']}年度驻村干部考核表"


def _votes(c: dict) -> str:
    v = c.get("votes")
    if not v:
        return "未录入测评票"
    total = v["satisfied"] + v["basic"] + v["unsatisfied"]
    return f"满意 {v['satisfied']} 票、基本满意 {v['basic']} 票、不满意 {v['unsatisfied']} 票（共 {total} 票）"


def _time_basis(c: dict) -> str:
    if not c.get("judged_periods"):
        return "本年度无可考核周期"
    met, judged = c["met_periods"], c["judged_periods"]
    return f"在村时间达标 {met}/{judged} 个周期（{100 * met / judged:.1f}%）"


def _cap_text(c: dict) -> str:
    if c.get("cap_note"):
        return c["cap_note"]
    n = c.get("unexcused_absences") or 0
    if n:
        return f"本年度查岗不在岗 {n} 次，未影响等次"
    return "本年度查岗无不在岗记录，等次不受限制"


def build_cadre_assessment_pdf(data: dict, out_path: Path, printed_on: date | None = None) -> Path:
    """Print ``report cadre-assessment`` data, one page per cadre."""
    doc = Document(
        PageSpec(
            title=title_of(data),
            township=data["township"],
            period=f"{data['year']}年度",
            landscape=False,
            printed_on=printed_on,
        )
    )
    widths = [w * mm for w in (34, 20, 22, 114)]
    info_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
            *[("BACKGROUND", (i, 0), (i, 0), HEADER_FILL) for i in (0, 2, 4)],
        ]
    )
    info_widths = [w * mm for w in (20, 34, 22, 34, 20, 60)]
    signature = doc.signature_line(("考核组（签字）", "本人（签字）", "日期"))

    story: list = []
    for k, c in enumerate(data["cadres"]):
        if k:
            story.append(PageBreak())
        info = Table(
            [["姓名", c["name"], "干部编号", c["cadre_no"], "岗位", c.get("role") or "—"]],
            colWidths=info_widths,
            rowHeights=[10 * mm],
            style=info_style,
        )
        rows = [
            ["考核项目", "满分", "得分", "依据"],
            ["驻村时限", "30", c.get("time_score") or "", doc.para(_time_basis(c))],
            ["工作业绩", "40", c.get("performance_score") or "", doc.para("考核组评定")],
            ["群众满意度", "30", c.get("satisfaction_score") or "", doc.para(_votes(c))],
            ["总分", "100", c.get("total") or "", ""],
            ["查岗不在岗", "", f"{c.get('unexcused_absences') or 0} 次", ""],
            ["封顶前等次", "", c.get("grade_before_cap") or "", doc.para("按总分评定")],
            ["等次", "", c.get("grade") or "", doc.para(_cap_text(c))],
        ]
        cmds = [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
            ("ALIGN", (0, 0), (2, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
            ("FONTNAME", (0, 0), (-1, 0), doc.bold),
            ("ALIGN", (3, 0), (3, 0), "CENTER"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("BACKGROUND", (0, 1), (0, -1), colors.Color(0.95, 0.95, 0.95)),
            ("LINEABOVE", (0, 4), (-1, 4), 0.9, colors.black),
            ("FONTNAME", (0, 4), (2, 4), doc.bold),
            ("FONTNAME", (0, 7), (2, 7), doc.bold),
            ("LEFTPADDING", (3, 1), (3, -1), 6),
            ("SPAN", (1, 5), (1, 7)),
        ]
        if c.get("cap_note"):
            cmds.append(("TEXTCOLOR", (2, 7), (3, 7), ALERT))
        grid = Table(
            rows,
            colWidths=widths,
            rowHeights=[9 * mm] + [12 * mm] * (len(rows) - 1),
            style=TableStyle(cmds),
        )
        story += [info, Spacer(1, 5 * mm), grid, Spacer(1, 5 * mm)]
        if c.get("outstanding"):
            story.append(doc.para(f"★ {OUTSTANDING}", "sign"))
        else:
            story.append(
                doc.para("优秀等次可享受副科级待遇、优先提拔；本人本年度未获优秀。", "note")
            )
        story += [
            Spacer(1, 4 * mm),
            doc.para(
                "说明：总分 = 驻村时限（30）+ 工作业绩（40）+ 群众满意度（30）；"
                "查岗不在岗达到规定次数的，等次按规定封顶。",
                "note",
            ),
            Spacer(1, 8 * mm),
            doc.para("考核组意见：", "sign"),
            Spacer(1, 22 * mm),
            signature,
        ]
    if not data["cadres"]:
        story.append(doc.para("本年度没有需考核的驻村干部。"))
    return doc.write(story, out_path)
