"""The minutes of one meeting printed (会议纪要): A4 portrait, for the file cabinet.

A header block (时间 地点 主持人 记录人 出席 缺席), then the sections under numbered
headings — agenda, reports per village, minutes, decisions, action items raised and
those closed at this meeting — with long texts wrapped the Chinese way, and the
signature lines of the chair and the recorder at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from app.reports.meeting import FORMER_MARK, shown_name
from app.reports.pdf.layout import ALERT, HEADER_FILL, Document, PageSpec, _escape

SECTION_NUMBERS = "一二三四五六七八九十"
SIGNATURES = ("主持人（签字）", "记录人（签字）", "日期")


def _names(people: list[dict[str, Any]], with_reason: bool = False) -> str:
    parts = []
    for p in people:
        text = shown_name(p)
        if with_reason and p.get("reason"):
            text += f"（{p['reason']}）"
        parts.append(text)
    return "、".join(parts) or "无"


def build_meeting_pdf(data: dict, out_path: Path) -> Path:
    """Print ``report meeting`` data (:func:`app.reports.meeting.meeting_report`)."""
    doc = Document(
        PageSpec(
            title=data["title"],
            township=f"{data.get('county', '')}{data['township']}",
            landscape=False,
        )
    )
    width = doc.frame_width
    cell = ParagraphStyle("minutes_cell", parent=doc.styles["body"], fontSize=9, leading=12)
    centred = ParagraphStyle("minutes_centred", parent=cell, alignment=TA_CENTER)
    alert = ParagraphStyle("minutes_alert", parent=cell, textColor=ALERT)
    doc.styles |= {"m_cell": cell, "m_centred": centred, "m_alert": alert}

    def para(text: object, style: str = "body") -> Paragraph:
        raw = _escape("" if text is None else str(text))
        return Paragraph(raw.replace("\n", "<br/>"), doc.styles[style])

    def grid_style(header: bool = True, box: bool = True) -> list[tuple]:
        cmds: list[tuple] = [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if box:
            cmds.append(("BOX", (0, 0), (-1, -1), 0.9, colors.black))
        if header:
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        return cmds

    # ---- the header block ----------------------------------------------------------------
    label_w, value_w = 22 * mm, (width - 44 * mm) / 2
    present, absent = data["attendees"], data["absentees"]
    head_rows = [
        [para("时间"), para(data["date_text"]), para("地点"), para(data["place"])],
        [para("主持人"), para(data["chair"]), para("记录人"), para(data["recorder"])],
        [para(f"出席（{len(present)}人）"), para(_names(present)), "", ""],
        [para(f"缺席（{len(absent)}人）"), para(_names(absent, with_reason=True)), "", ""],
    ]
    head_style = grid_style(header=False) + [
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
        ("BACKGROUND", (2, 0), (2, 1), HEADER_FILL),
        ("SPAN", (1, 2), (3, 2)),
        ("SPAN", (1, 3), (3, 3)),
    ]
    header = PdfTable(
        head_rows,
        colWidths=[label_w, value_w, label_w, value_w],
        style=TableStyle(head_style),
    )
    story: list[Any] = [header]
    notes = []
    if data["expected"]:
        notes.append(f"应到 {data['expected']} 人，实到 {len(present)} 人")
    if any(p.get("former") for p in present + absent):
        notes.append(f"姓名后注“{FORMER_MARK}”者现已不在驻村（兼职）岗位")
    if notes:
        story += [Spacer(1, 1.5 * mm), para("；".join(notes) + "。", "note")]

    # ---- the sections --------------------------------------------------------------------
    sections: list[tuple[str, list[Any]]] = []

    def table(headers: list[str], widths_mm: list[float], rows: list[list[Any]]) -> list[Any]:
        """A ruled table of wrapped cells (the column of width 0 takes the rest); its last
        row comes as a table of its own, so that the signatures can keep it company."""
        fixed = sum(w for w in widths_mm if w) * mm
        widths = [w * mm if w else width - fixed for w in widths_mm]
        head = [para(h, "m_centred") for h in headers]
        body = [  # the number centred, the rest left
            [
                c if isinstance(c, Paragraph) else para(c, "m_cell" if j else "m_centred")
                for j, c in enumerate(r)
            ]
            for r in rows
        ]
        sides = [
            ("LINEBEFORE", (0, 0), (0, -1), 0.9, colors.black),
            ("LINEAFTER", (-1, 0), (-1, -1), 0.9, colors.black),
        ]
        main = grid_style(box=False) + sides + [("LINEABOVE", (0, 0), (-1, 0), 0.9, colors.black)]
        last = grid_style(header=False, box=False) + sides
        last.append(("LINEBELOW", (0, -1), (-1, -1), 0.9, colors.black))
        if len(body) == 1:
            main.append(("LINEBELOW", (0, -1), (-1, -1), 0.9, colors.black))
            return [PdfTable([head, *body], colWidths=widths, repeatRows=1, style=TableStyle(main))]
        return [
            PdfTable([head, *body[:-1]], colWidths=widths, repeatRows=1, style=TableStyle(main)),
            PdfTable(body[-1:], colWidths=widths, style=TableStyle(last)),
        ]

    sections.append(("会议议程", [para(data["agenda"] or "（未记录）")]))
    if data["reports"]:
        rows = [
            [str(i), shown_name(r), r["village"], r["content"]]
            for i, r in enumerate(data["reports"], 1)
        ]
        head = ["序号", "汇报人", "村", "汇报内容"]
        sections.append(("工作汇报", table(head, [11, 24, 22, 0], rows)))
    sections.append(("会议纪要", [para(data["minutes"] or "（未记录）")]))
    decisions = [para(f"{i}. {text}") for i, text in enumerate(data["decisions"], 1)]
    sections.append(("会议决定", decisions or [para("（无）")]))
    items = data["action_items"]
    if items:
        rows = []
        for i, a in enumerate(items, 1):
            status = a["status_label"] + (f"\n{a['done_on']}" if a.get("done_on") else "")
            style = "m_alert" if a["status"] == "overdue" else "m_cell"
            owner = a["owner"] + (FORMER_MARK if a.get("owner_former") else "")
            rows.append(
                [str(i), a["task"], owner, a["village"], a["due_date"] or "", para(status, style)]
            )
        head = ["序号", "督办事项", "责任人", "村", "完成期限", "状态"]
        sections.append(("督办事项", table(head, [11, 0, 24, 22, 24, 20], rows)))
    else:
        sections.append(("督办事项", [para("本次会议未提出督办事项。")]))
    closed = data["closed_items"]
    if closed:
        rows = [
            [
                str(i),
                a["task"],
                a["owner"] + (FORMER_MARK if a.get("owner_former") else ""),
                f"{a['raised_on'] or ''} {a['raised_kind'] or ''}".strip(),
                a["done_on"] or "",
                a["result"] or "",
            ]
            for i, a in enumerate(closed, 1)
        ]
        head = ["序号", "督办事项", "责任人", "提出会议", "办结日期", "办理结果"]
        sections.append(("本次会议办结的督办事项", table(head, [11, 0, 22, 32, 24, 32], rows)))

    signatures = [Spacer(1, 10 * mm), doc.signature_line(SIGNATURES)]
    for n, (heading, flowables) in enumerate(sections):
        title = para(f"{SECTION_NUMBERS[n]}、{heading}", "heading")
        story.append(Spacer(1, 3 * mm))
        if n < len(sections) - 1:  # a heading never ends a page
            story += [CondPageBreak(30 * mm), title, *flowables]
        else:  # the signatures never stand alone: the last section (or its end) goes along
            whole = [title, *flowables, *signatures]
            if sum(f.wrap(width, doc.frame_height)[1] for f in whole) < doc.frame_height / 2:
                story.append(KeepTogether(whole))
            else:
                tail = KeepTogether([flowables[-1], *signatures])
                story += [CondPageBreak(30 * mm), title, *flowables[:-1], tail]
    return doc.write(story, out_path)
