"""Printing 民情日记 entries: one boxed block per entry, with every field.

A table row cannot break across pages, so a long field is cut into several rows
(:func:`text_chunks`, each well under a page tall) that run on from page to page; the
label stands on the field's first row only and no rule is drawn between its rows. An
entry that fits on a page is kept together on one; a longer one starts on a fresh page
only when little room is left, and then breaks between its rows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from app.db.diaries import BODY_FIELDS, FIELD_LABELS

#: at most this many characters in one row of a field (about nine lines at 9.5 pt)
CHUNK_CHARS = 400
#: and at most this many lines (a text of many short lines)
CHUNK_LINES = 12
#: where a long line is best cut, best first: after a sentence, a clause, a blank
_CUT_AFTER = (re.compile(r"[。！？!?]"), re.compile(r"[；;，,、.]"), re.compile(r"\s"))


def _cut_at(window: str) -> int:
    """Where to cut ``window`` (a piece as long as allowed): after the last sentence end
    in its last quarter, else the last clause end or blank there, else at its end."""
    start = len(window) * 3 // 4
    for pattern in _CUT_AFTER:
        ends = [m.end() for m in pattern.finditer(window, start)]
        if ends:
            return ends[-1]
    return len(window)


def _cut(line: str, limit: int) -> list[str]:
    """``line`` in pieces of at most ``limit`` characters (see :func:`_cut_at`)."""
    pieces = []
    while len(line) > limit:
        at = _cut_at(line[:limit])
        pieces.append(line[:at])
        line = line[at:]
    pieces.append(line)
    return pieces


def text_chunks(text: str, limit: int = CHUNK_CHARS, max_lines: int = CHUNK_LINES) -> list[str]:
    """``text`` cut into pieces that each fit in one table row far shorter than a page:
    at most ``limit`` characters and ``max_lines`` lines; whole lines kept together where
    they fit, a longer line cut (see :func:`_cut`). Nothing is lost: the pieces hold
    every character of the text, in order (a cut adds a line break, nothing else)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            if current and (size + len(piece) > limit or len(current) >= max_lines):
                chunks.append("\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += len(piece)
    if current:
        chunks.append("\n".join(current))
    return chunks


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
    :func:`app.db.diaries.full_entries` gives them). Fields of any length print: a
    long one runs on over several pages."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from app.reports.pdf.layout import HEADER_FILL, Document, PageSpec

    doc = Document(PageSpec(data["title"], data["township"], data["period"], landscape=False))

    def para(text: object, style: str = "body") -> Paragraph:
        raw = html.escape("" if text is None else str(text), quote=False)
        return Paragraph(raw.replace("\n", "<br/>"), doc.styles[style])

    base = [
        ("FONTNAME", (0, 0), (-1, -1), doc.font),
        ("BOX", (0, 0), (-1, -1), 0.4, colors.black),
        ("LINEAFTER", (0, 0), (0, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    label_w = 20 * mm
    widths = [label_w, doc.frame_width - label_w]
    story: list[Any] = [para(data["filters"], "note"), Spacer(1, 3 * mm)]
    for e in data["entries"]:
        rows: list[list[Any]] = []
        starts: list[int] = []  # the rows a field begins on: a rule above them
        fields = [(FIELD_LABELS[f], "" if e.get(f) is None else str(e.get(f))) for f in BODY_FIELDS]
        for label, text in [*fields, ("评价", diary_evaluation(e))]:
            starts.append(len(rows))
            for i, chunk in enumerate(text_chunks(text)):
                rows.append([para(label) if i == 0 else "", para(chunk)])
        style = base + [("LINEABOVE", (0, r), (-1, r), 0.4, colors.black) for r in starts[1:]]
        style += [("TOPPADDING", (0, r), (-1, r), 3) for r in starts]
        table = PdfTable(rows, colWidths=widths, style=TableStyle(style))
        block = [para(diary_heading(e), "heading"), table, Spacer(1, 5 * mm)]
        height = sum(
            f.wrap(doc.frame_width, doc.frame_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
            for f in block
        )
        if height <= doc.frame_height:
            story.append(KeepTogether(block))
        else:  # taller than a page: it breaks between rows, the heading not left alone
            story.append(CondPageBreak(60 * mm))
            story.extend(block)
    return doc.write(story, out_path)
