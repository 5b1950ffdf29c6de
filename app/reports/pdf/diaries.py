"""Printing 民情日记 entries: one boxed block per entry, with every field."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from app.db.diaries import BODY_FIELDS, FIELD_LABELS


def diary_heading(entry: dict[str, Any]) -> str:
    """``2026-05-14　王建国（GB001）　东坡村``."""
    name = entry.get("cadre_name") or ""
    return f"{entry['day']}　{name}（{entry['cadre_no']}）　{entry.get('village_name') or ''}"


def diary_evaluation(entry: dict[str, Any]) -> str:
    if not entry.get("eval_grade"):
        return "未评价"
    return f"{entry['eval_grade']}　评价人：{entry.get('evaluator') or ''}"


def build_diaries_pdf(data: dict[str, Any], out_path: Path) -> Path:
    """Diary entries on A4 pages, one block each with every field, the Chinese font
    embedded. ``data``: title, township, period, filters (a line of text) and entries
    (whole rows with ``cadre_name`` and ``village_name``, as
    :func:`app.db.diaries.full_entries` gives them)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from app.reports.pdf.layout import HEADER_FILL, Document, PageSpec

    doc = Document(PageSpec(data["title"], data["township"], data["period"], landscape=False))

    def para(text: object, style: str = "body") -> Paragraph:
        raw = html.escape("" if text is None else str(text), quote=False)
        return Paragraph(raw.replace("\n", "<br/>"), doc.styles[style])

    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), doc.font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    label_w = 20 * mm
    story: list[Any] = [para(data["filters"], "note"), Spacer(1, 3 * mm)]
    for e in data["entries"]:
        rows = [[para(FIELD_LABELS[f]), para(e.get(f))] for f in BODY_FIELDS]
        rows.append([para("评价"), para(diary_evaluation(e))])
        table = PdfTable(rows, colWidths=[label_w, doc.frame_width - label_w], style=style)
        story.append(KeepTogether([para(diary_heading(e), "heading"), table, Spacer(1, 5 * mm)]))
    return doc.write(story, out_path)
