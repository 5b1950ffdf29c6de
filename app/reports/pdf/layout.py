"""The A4 machinery every printed form shares.

A :class:`Document` is one PDF: A4 portrait or landscape, a title block on every page
(title, township, period, an optional status stamp such as 草稿/已审批), a footer with
the print date and "第 N 页 共 M 页", and the Chinese font embedded. Its helpers:

* :meth:`Document.grid` lays out a big table as ONE TABLE PER PAGE (reportlab splitting
  one long table is quadratic), rows per page computed from the fixed row height, the
  header repeated on every page, footer rows (totals) and a tail (legend, signatures)
  kept on the last page;
* :meth:`Document.signature_line` draws "制表：____  审核：____  分管领导：____  日期：____";
* :class:`Column` with ``sign=True`` is a blank column wide and tall enough to sign in
  (领款人签字);
* :attr:`Document.styles` are Paragraph styles in the Chinese font (``wordWrap='CJK'``).

Usage::

    doc = Document(PageSpec(title="…", township="…", period="2026年10月"))
    story = doc.grid(columns, rows, footer_rows=[totals], tail=[legend, doc.signature_line()])
    doc.write(story, out_path)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.reports.pdf.fonts import bold_name, has_real_bold, register_fonts
from app.reports.tabular import _atomic_write

PROGRAM = "乡镇驻村工作台"
MARGIN_X = 10 * mm
TITLE_AREA = 25 * mm  # from the top edge down to the frame
FOOTER_AREA = 13 * mm  # from the bottom edge up to the frame
HEADER_FILL = colors.Color(0.88, 0.88, 0.88)
SHADE = colors.Color(0.93, 0.93, 0.93)  # weekends and the like
ALERT = colors.Color(0.75, 0.0, 0.0)
ALERT_FILL = colors.Color(1.0, 0.88, 0.88)
SIGN_ROW_HEIGHT = 7.5 * mm
PAD = 1.5  # cell padding, points
PAD_SIDE = 3.5  # left/right padding of left- or right-aligned columns


@dataclass
class PageSpec:
    """What the title block and footer of every page say."""

    title: str
    township: str = ""
    period: str = ""
    landscape: bool = True
    stamp: str = ""  # e.g. 草稿 / 已审批, boxed in the top right corner
    stamp_note: str = ""  # a small line under the stamp
    stamp_alert: bool = False  # red stamp (a draft) instead of a dark one
    printed_on: date | None = None  # default: today


@dataclass
class Column:
    header: str
    width: float  # points
    align: str = "CENTER"  # LEFT / CENTER / RIGHT
    sign: bool = False  # a blank column for handwritten signatures (领款人签字)


def make_styles(font: str) -> dict[str, ParagraphStyle]:
    bold = bold_name(font)

    def style(name: str, size: float, align=TA_LEFT, face: str = font, **kw) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=face,
            fontSize=size,
            leading=kw.pop("leading", size * 1.3),
            alignment=align,
            wordWrap="CJK",
            **kw,
        )

    return {
        "title": style("title", 16, TA_CENTER, bold),
        "heading": style("heading", 11, TA_LEFT, bold, spaceBefore=4, spaceAfter=2),
        "body": style("body", 9.5),
        "note": style("note", 8.5, leading=11.5),
        "small": style("small", 7.5),
        "cell": style("cell", 7.5, TA_CENTER),
        "cell_left": style("cell_left", 7.5, TA_LEFT),
        "cell_right": style("cell_right", 7.5, TA_RIGHT),
        "sign": style("sign", 10.5, leading=14),
    }


class Document:
    """One PDF being put together (see the module docstring)."""

    def __init__(self, spec: PageSpec) -> None:
        self.spec = spec
        self.font = register_fonts()
        self.bold = bold_name(self.font)
        self.styles = make_styles(self.font)
        self.pagesize = landscape(A4) if spec.landscape else A4
        self.frame_width = self.pagesize[0] - 2 * MARGIN_X
        self.frame_height = self.pagesize[1] - TITLE_AREA - FOOTER_AREA
        self.printed_on = spec.printed_on or date.today()

    # ---- text helpers ------------------------------------------------------------------

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return stringWidth(text, self.bold if bold else self.font, size)

    def fit(
        self, text: str, width: float, size: float = 7.5, align: str = "CENTER", bold=False
    ) -> str | Paragraph:
        """``text`` as it fits in a cell ``width`` wide: kept as is, shrunk (down to 5.5 pt),
        or wrapped at 5.5 pt. A plain string is returned when it fits at ``size``."""
        room = width - 2 * (PAD if align == "CENTER" else PAD_SIDE) - 0.5
        natural = self.text_width(text, size, bold)
        if natural <= room:
            return text
        shrunk = max(5.5, size * room / natural)
        style = ParagraphStyle(
            "fit",
            parent=self.styles["cell"],
            fontName=self.bold if bold else self.font,
            fontSize=shrunk,
            leading=shrunk * 1.15,
            alignment={"LEFT": TA_LEFT, "RIGHT": TA_RIGHT}.get(align, TA_CENTER),
        )
        return Paragraph(_escape(text), style)

    def para(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped) in one of :attr:`styles`."""
        return Paragraph(_escape(text), self.styles[style])

    # ---- tables, one per page -------------------------------------------------------------

    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        *,
        header_rows: Sequence[Sequence[Any]] | None = None,
        header_heights: Sequence[float] | None = None,
        row_height: float = 15,
        font_size: float = 7.5,
        footer_rows: Sequence[Sequence[Any]] = (),
        styles: Iterable[tuple] = (),
        row_styles: Callable[[int, Sequence[Any]], Iterable[tuple]] | None = None,
        footer_styles: Iterable[tuple] = (),
        before: Sequence[Flowable] = (),
        tail: Sequence[Flowable] = (),
    ) -> list[Flowable]:
        """The flowables of a table laid out one table per page.

        ``styles`` are TableStyle commands applied to every page's table as given (use
        header row numbers or whole columns, e.g. ``("BACKGROUND", (5, 0), (5, -1), c)``).
        ``row_styles(i, row)`` gives commands for data row ``i`` as ``(cmd, col0, col1,
        *args)``; ``footer_styles`` are ``(cmd, (col0, f0), (col1, f1), *args)`` with
        ``f`` counted within the footer rows. ``before`` goes above the table on the first
        page, ``tail`` (legend, signatures) below it on the last page (room is kept for it
        there, so signatures never stand alone on a page of their own).
        """
        if any(c.sign for c in columns):
            row_height = max(row_height, SIGN_ROW_HEIGHT)
        if header_rows is None:
            header_rows = [[c.header for c in columns]]
        if header_heights is None:
            header_heights = [max(18.0, row_height)] * len(header_rows)
        header_h = sum(header_heights)
        footer_h = row_height * len(footer_rows)
        widths = [c.width for c in columns]
        before_h = _height(before, self.frame_width, self.frame_height)
        tail_h = _height(tail, self.frame_width, self.frame_height)
        if tail_h + footer_h + header_h + row_height > self.frame_height:
            tail_h = 0.0  # a tail taller than a page cannot be kept with the rows anyway

        base = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), font_size),
            ("LEADING", (0, 0), (-1, -1), font_size * 1.15),
            ("FONTNAME", (0, 0), (-1, len(header_rows) - 1), self.bold),
            ("BACKGROUND", (0, 0), (-1, len(header_rows) - 1), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BOX", (0, 0), (-1, -1), 0.9, colors.black),
            ("LINEBELOW", (0, len(header_rows) - 1), (-1, len(header_rows) - 1), 0.8, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
        for i, c in enumerate(columns):
            if c.align != "CENTER":  # text against a rule: keep it off the line
                base.append(("ALIGN", (i, len(header_rows)), (i, -1), c.align))
                base.append(("LEFTPADDING", (i, len(header_rows)), (i, -1), PAD_SIDE))
                base.append(("RIGHTPADDING", (i, len(header_rows)), (i, -1), PAD_SIDE))
        base.extend(styles)
        header_cells = [
            [self._cell(v, w, font_size, "CENTER", True) for v, w in zip(r, widths, strict=False)]
            for r in header_rows
        ]

        story: list[Flowable] = list(before)
        available = self.frame_height - before_h
        for first, last, final in _chunks(
            len(rows), row_height, header_h, footer_h + tail_h, available, self.frame_height
        ):
            if first is None:  # what came before left no room for a row: start afresh
                story.append(PageBreak())
                continue
            body = [
                [
                    self._cell(v, w, font_size, c.align)
                    for v, w, c in zip(rows[i], widths, columns, strict=False)
                ]
                for i in range(first, last)
            ]
            cmds = list(base)
            h0 = len(header_rows)
            if row_styles is not None:
                for i in range(first, last):
                    r = h0 + i - first
                    for cmd, c0, c1, *args in row_styles(i, rows[i]):
                        cmds.append((cmd, (c0, r), (c1, r), *args))
            data = header_cells + body
            heights = list(header_heights) + [row_height] * len(body)
            if final and footer_rows:
                f0 = len(data)
                data += [
                    [self._cell(v, w, font_size, "CENTER") for v, w in zip(r, widths, strict=False)]
                    for r in footer_rows
                ]
                heights += [row_height] * len(footer_rows)
                cmds.append(("FONTNAME", (0, f0), (-1, -1), self.bold))
                cmds.append(("LINEABOVE", (0, f0), (-1, f0), 0.8, colors.black))
                for cmd, (c0, r0), (c1, r1), *args in footer_styles:
                    cmds.append((cmd, (c0, f0 + r0), (c1, f0 + r1), *args))
            table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=h0)
            table.setStyle(TableStyle(cmds))
            story.append(table)
            if not final:
                story.append(PageBreak())
        story.extend(tail)
        return story

    def _cell(self, value: Any, width: float, size: float, align: str, bold: bool = False):
        if value is None:
            return ""
        if isinstance(value, Flowable):
            return value
        return self.fit(str(value), width, size, align, bold)

    # ---- signatures ------------------------------------------------------------------------

    def signature_line(
        self, labels: Sequence[str] = ("制表", "审核", "分管领导", "日期"), size: float = 10.5
    ) -> Table:
        """One line of labels, each followed by a ruled blank to sign or write on."""
        label_w = [self.text_width(f"{x}：", size) + 4 for x in labels]
        gap = 8 * mm
        blank = (self.frame_width - sum(label_w) - gap * (len(labels) - 1)) / len(labels)
        blank = min(blank, 60 * mm)
        cells, widths, cmds = [], [], []
        for i, (label, w) in enumerate(zip(labels, label_w, strict=True)):
            if i:
                cells.append("")
                widths.append(gap)
            cells += [f"{label}：", ""]
            widths += [w, blank]
            col = len(cells) - 1
            cmds.append(("LINEBELOW", (col, 0), (col, 0), 0.6, colors.black))
        table = Table([cells], colWidths=widths, rowHeights=[9 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.font),
                    ("FONTSIZE", (0, 0), (-1, -1), size),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    *cmds,
                ]
            )
        )
        return table

    # ---- the document ------------------------------------------------------------------------

    def write(self, story: Sequence[Flowable], out_path: Path) -> Path:
        """Build the PDF through a temporary file in the same folder, then rename."""

        def build(tmp: Path) -> None:
            doc = BaseDocTemplate(
                str(tmp),
                pagesize=self.pagesize,
                leftMargin=MARGIN_X,
                rightMargin=MARGIN_X,
                topMargin=TITLE_AREA,
                bottomMargin=FOOTER_AREA,
                title=self.spec.title,
                author=PROGRAM,
                subject=" ".join(x for x in (self.spec.township, self.spec.period) if x),
                creator=PROGRAM,
                initialFontName=self.font,  # else every page names Helvetica, not embedded
            )
            frame = Frame(
                MARGIN_X,
                FOOTER_AREA,
                self.frame_width,
                self.frame_height,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id="body",
            )
            doc.addPageTemplates([PageTemplate("page", [frame], onPage=self._draw_title_block)])
            doc.build(list(story), canvasmaker=self._canvas_maker())

        return _atomic_write(Path(out_path), build)

    def _draw_title_block(self, canv: Canvas, _doc) -> None:
        spec, (pw, ph) = self.spec, self.pagesize
        canv.saveState()
        size = 16
        y = ph - 13 * mm
        width = self.text_width(spec.title, size, bold=True)
        text = canv.beginText((pw - width) / 2, y)
        text.setFont(self.bold, size)
        if not has_real_bold(self.font):  # thicken the only face we have
            canv.setLineWidth(0.35)
            text.setTextRenderMode(2)
        text.textOut(spec.title)
        text.setTextRenderMode(0)  # the mode outlives the text object: back to plain fill
        canv.drawText(text)
        canv.setFont(self.font, 9)
        y2 = ph - 20.5 * mm
        if spec.township:
            canv.drawString(MARGIN_X, y2, f"单位：{spec.township}")
        if spec.period:
            canv.drawCentredString(pw / 2, y2, f"期间：{spec.period}")
        if spec.stamp:
            self._draw_stamp(canv, pw - MARGIN_X, ph - 7 * mm)
        canv.restoreState()

    def _draw_stamp(self, canv: Canvas, right: float, top: float) -> None:
        spec = self.spec
        color = ALERT if spec.stamp_alert else colors.Color(0.1, 0.25, 0.55)
        size = 13
        w = max(self.text_width(spec.stamp, size), self.text_width(spec.stamp_note, 7.5)) + 8
        h = 11 * mm if spec.stamp_note else 8 * mm
        canv.setStrokeColor(color)
        canv.setFillColor(color)
        canv.setLineWidth(1.2)
        canv.roundRect(right - w, top - h, w, h, 2, stroke=1, fill=0)
        canv.setFont(self.bold, size)
        canv.drawCentredString(right - w / 2, top - 5.5 * mm, spec.stamp)
        if spec.stamp_note:
            canv.setFont(self.font, 7.5)
            canv.drawCentredString(right - w / 2, top - h + 1.8 * mm, spec.stamp_note)

    def _draw_footer(self, canv: Canvas, page: int, pages: int) -> None:
        pw = self.pagesize[0]
        canv.saveState()
        canv.setFont(self.font, 8.5)
        y = 6 * mm
        d = self.printed_on
        canv.drawString(MARGIN_X, y, f"打印日期：{d.year}年{d.month}月{d.day}日")
        canv.drawCentredString(pw / 2, y, f"第 {page} 页 共 {pages} 页")
        canv.drawRightString(pw - MARGIN_X, y, PROGRAM)
        canv.restoreState()

    def _canvas_maker(self):
        document, font = self, self.font

        class NumberedCanvas(Canvas):
            """Keeps every page until the end so the footer can say how many there are."""

            def __init__(self, *args, **kwargs) -> None:
                kwargs["initialFontName"] = kwargs.get("initialFontName") or font  # no Helvetica
                super().__init__(*args, **kwargs)
                self._pages: list[dict] = []

            def showPage(self) -> None:  # noqa: N802 (reportlab's name)
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                for state in self._pages:
                    self.__dict__.update(state)
                    document._draw_footer(self, self._pageNumber, len(self._pages))
                    Canvas.showPage(self)
                Canvas.save(self)

        return NumberedCanvas


def _chunks(
    n: int, row_h: float, header_h: float, last_extra: float, first_avail: float, page_h: float
):
    """(first, last, final) row ranges, one per page; (None, None, False) = break first.

    The last page keeps at least one data row with ``last_extra`` (footer rows and tail)
    whenever there are rows to move.
    """
    slack = 0.5  # reportlab compares heights with a little rounding
    avail, i = first_avail - slack, 0
    while True:
        capacity = int((avail - header_h) // row_h)
        if capacity < 1:
            if avail >= page_h - slack - 1e-6:
                raise ValueError("页面放不下表头和一行数据")
            yield None, None, False
            avail = page_h - slack
            continue
        remaining = n - i
        if header_h + remaining * row_h + last_extra <= avail:
            yield i, n, True
            return
        if remaining <= capacity:
            take = remaining - 1 if remaining > 1 else remaining
        else:
            take = capacity
        if take == remaining:  # a single row left that cannot take its footer along
            yield i, n, True
            return
        yield i, i + take, False
        i += take
        avail = page_h - slack


def _height(flowables: Sequence[Flowable], width: float, height: float) -> float:
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, height)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
