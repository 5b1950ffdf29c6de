"""The county's import receipt printed (上报文件导入回执): A4 portrait, for the file cabinet.

The data is :func:`app.exchange.receipt.receipt_document`. Under the title: when the
files were imported and how many came in or were refused; then one block per file — a
ruled header (文件名, 乡镇, 季度, 生成/导入时间, 结果 with the reason of a refusal in red,
签名公钥, 取代的文件), the rows per table (数据 新增 更新 不变 删除 拒绝, only tables with
rows, and a 合计 row) and the rows refused one by one (at most
:data:`~app.exchange.merge.MAX_REFUSED_LISTED`, the rest counted) — and the signature
lines of the clerk and the reviewer at the end. Each block is its own few small tables,
so twenty files print about as fast as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange.merge import ACTION_LABELS, ACTIONS, MAX_REFUSED_LISTED, TABLE_NAMES
from app.reports.pdf.layout import ALERT, HEADER_FILL, Document, PageSpec, _escape

SIGNATURES = ("经办人（签字）", "审核人（签字）", "日期")
COUNTS = (*ACTIONS, "refused")
COUNT_HEADERS = ("数据", *(ACTION_LABELS[a] for a in ACTIONS), "拒绝")
ZERO = colors.Color(0.6, 0.6, 0.6)  # a 0 among the counts, quieter than the figures
RED = ALERT.hexval().replace("0x", "#")  # for <font color=…> in a Paragraph
KEY_NOTES = {
    "首次导入": "首次导入，已登记该乡镇的签名公钥",
    "人工确认更换": "经人工确认，已更换为新的签名公钥",
}
SIZE = 8.5  # table text


def when(text: str) -> str:
    """An ISO time as printed: "2026-11-28T20:36:40+08:00" → "2026-11-28 20:36:40"."""
    if not text:
        return ""
    try:
        return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M:%S}"
    except ValueError:
        return text


def quarter_text(text: str) -> str:
    """ "2026Q3" → "2026年第3季度" (anything else as it is)."""
    try:
        q = Quarter.parse(text)
    except DomainError:
        return text
    return f"{q.year}年第{q.q}季度"


def count(n: int) -> str:
    return f"{n:,}"


def build_receipt_pdf(doc: dict, out_path: Path) -> Path:
    """Print an import receipt (:func:`app.exchange.receipt.receipt_document`)."""
    receipts: list[dict] = doc.get("receipts") or []
    periods = list(dict.fromkeys(quarter_text(r["period"]) for r in receipts if r.get("period")))
    county, code = doc.get("county", ""), doc.get("county_code", "")
    pdf = Document(
        PageSpec(
            title=doc["title"],
            township=f"{county}（{code}）" if code else county,
            period="、".join(periods[:3]) + ("等" if len(periods) > 3 else ""),
            landscape=False,
        )
    )
    printer = _Printer(pdf)

    n_files, n_in, n_out = doc.get("files", 0), doc.get("imported", 0), doc.get("refused", 0)
    refused = f'<font color="{RED}">拒绝 {n_out} 个</font>' if n_out else "拒绝 0 个"
    story: list[Flowable] = [
        Paragraph(
            f"导入时间：{_escape(when(doc.get('at', '')))}<br/>"
            f"文件 {n_files} 个：导入 {n_in} 个，{refused}",
            pdf.styles["r_summary"],
        )
    ]
    signatures = [Spacer(1, 12 * mm), pdf.signature_line(SIGNATURES)]
    if not receipts:
        story += [Spacer(1, 4 * mm), printer.para("本次没有导入任何文件。"), *signatures]
        return pdf.write(story, out_path)

    if len(receipts) > 1:
        story += [Spacer(1, 3 * mm), printer.overview(receipts)]
    for i, r in enumerate(receipts, 1):
        final = i == len(receipts)
        lead, rest = printer.file_block(i, r, final)
        # a block starts where its header and the first few counts fit under it
        need = _height(lead, printer.width) + min(_height(rest[:2], printer.width), 30 * mm)
        story += [Spacer(1, 5 * mm), CondPageBreak(need + 1)]
        if final and not rest:  # the signatures never stand alone on a page
            story.append(KeepTogether([*lead, *signatures]))
        elif final:
            story += [KeepTogether(lead), *rest[:-1], KeepTogether([rest[-1], *signatures])]
        else:
            story += [KeepTogether(lead), *rest]
    return pdf.write(story, out_path)


def _height(flowables: list[Flowable], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] for f in flowables)


class _Printer:
    """The styles and tables of one receipt."""

    def __init__(self, pdf: Document) -> None:
        self.pdf = pdf
        self.width = pdf.frame_width
        body = pdf.styles["body"]
        cell = ParagraphStyle("receipt_cell", parent=body, fontSize=9, leading=12)
        small = ParagraphStyle("receipt_small", parent=cell, fontSize=8, leading=10)
        pdf.styles |= {
            "r_cell": cell,
            "r_label": ParagraphStyle("receipt_label", parent=cell, fontName=pdf.bold),
            "r_alert": ParagraphStyle("receipt_alert", parent=cell, textColor=ALERT),
            "r_small": small,
            "r_small_c": ParagraphStyle("receipt_small_c", parent=small, alignment=TA_CENTER),
            "r_summary": ParagraphStyle("receipt_summary", parent=body, fontSize=10.5, leading=15),
        }

    def overview(self, receipts: list[dict]) -> PdfTable:
        """One line per file (序号, 乡镇, 季度, 结果, rows), before the blocks."""
        head = ["序号", "乡镇", "季度", "结果", "新增", "更新", "删除", "拒绝"]
        rows: list[list[Any]] = [head]
        cmds: list[tuple] = [
            ("ALIGN", (4, 1), (-1, -1), "RIGHT"),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ]
        for i, r in enumerate(receipts, 1):
            counts = r.get("rows") or {}
            ok = r.get("imported")
            rows.append(
                [
                    str(i),
                    self.para(r.get("township_name") or "乡镇不明"),
                    quarter_text(r.get("period") or "") or "—",
                    "已导入" if ok else "已拒绝",
                    *(
                        count(counts.get(k, 0)) if ok else "—"
                        for k in ("new", "updated", "deleted", "refused")
                    ),
                ]
            )
            if not ok:
                cmds.append(("TEXTCOLOR", (3, i), (3, i), ALERT))
        w = self.width
        widths = [10 * mm, 0.0, 30 * mm, 18 * mm, 20 * mm, 18 * mm, 18 * mm, 16 * mm]
        widths[1] = w - sum(widths)
        return self.table(rows, widths, cmds)

    def para(self, text: object, style: str = "r_cell") -> Paragraph:
        raw = _escape("" if text is None else str(text))
        return Paragraph(raw.replace("\n", "<br/>"), self.pdf.styles[style])

    def table(
        self,
        data: list[list[Any]],
        widths: Sequence[float],
        cmds: Sequence[tuple] = (),
        *,
        header: bool = True,
        top: bool = True,
        bottom: bool = True,
    ) -> PdfTable:
        """A ruled table; ``top``/``bottom`` False leave off that heavy rule (a table cut in
        two, its last row kept with the signatures)."""
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.pdf.font),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
            ("LEADING", (0, 0), (-1, -1), SIZE * 1.2),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("LINEBEFORE", (0, 0), (0, -1), 0.9, colors.black),
            ("LINEAFTER", (-1, 0), (-1, -1), 0.9, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if top:
            style.append(("LINEABOVE", (0, 0), (-1, 0), 0.9, colors.black))
        if bottom:
            style.append(("LINEBELOW", (0, -1), (-1, -1), 0.9, colors.black))
        if header:
            style += [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, 0), self.pdf.bold),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ]
        style += cmds
        return PdfTable(
            data, colWidths=list(widths), repeatRows=1 if header else 0, style=TableStyle(style)
        )

    def split(self, make, items: list, final: bool) -> list[Flowable]:
        """``make(items, header, bottom)`` as one table, or (``final``) two: the last row
        alone, small enough to go along with the signatures."""
        if not final or len(items) < 2:
            return [make(items, True, True)]
        return [make(items[:-1], True, False), make(items[-1:], False, True)]

    # ---- one file ------------------------------------------------------------------------

    def file_block(self, i: int, r: dict, final: bool) -> tuple[list[Flowable], list[Flowable]]:
        """One file's receipt: (heading and header, to keep together; counts and refused
        rows). ``final``: the last block, whose last row goes along with the signatures."""
        code, name = r.get("township_code", ""), r.get("township_name", "")
        imported = bool(r.get("imported"))
        heading = _escape(f"{i}. {name or '乡镇不明'}")
        if r.get("period"):
            heading += f"　{_escape(quarter_text(r['period']))}"
        heading += "　已导入" if imported else f'　<font color="{RED}">已拒绝</font>'
        lead: list[Flowable] = [Paragraph(heading, self.pdf.styles["heading"])]

        p = self.para
        if imported:
            result = p(f"已导入（{when(r.get('imported_at', ''))}）", "r_label")
        else:
            result = p(f"已拒绝，数据库未改动。原因：{r.get('message') or '—'}", "r_alert")
        rows: list[list[Any]] = [
            [p("文件名", "r_label"), p(r["file"]), "", ""],
            [
                p("乡镇", "r_label"),
                p(f"{name}（{code}）" if code else name or "—"),
                p("季度", "r_label"),
                p(quarter_text(r.get("period", "")) or "—"),
            ],
            [
                p("生成时间", "r_label"),
                p(when(r.get("created_at", "")) or "—"),
                p("导入时间", "r_label"),
                p(when(r.get("imported_at", "")) or "—"),
            ],
            [p("结果", "r_label"), result, "", ""],
        ]
        pairs = [1, 2]  # rows with a second label, shaded like the first
        if imported:
            key = r.get("key_registered", "")
            rows.append(
                [
                    p("签名公钥", "r_label"),
                    p(KEY_NOTES.get(key, key) or "与本县登记的公钥一致"),
                    p("取代的文件", "r_label"),
                    p(r.get("replaced_file") or "无"),
                ]
            )
            pairs.append(4)
        label_w = 20 * mm
        value_w = (self.width - 2 * label_w) / 2
        cmds = [
            ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
            *(("BACKGROUND", (2, n), (2, n), HEADER_FILL) for n in pairs),
            ("SPAN", (1, 0), (3, 0)),
            ("SPAN", (1, 3), (3, 3)),
        ]
        head = self.table(rows, [label_w, value_w, label_w, value_w], cmds, header=False)
        lead.append(head)
        if not imported:
            return lead, []

        rest: list[Flowable] = [Spacer(1, 2 * mm)]
        refused = r.get("refused_rows") or []
        counts = self.counts(r.get("tables") or {}, final and not refused)
        rest += counts or [self.para("文件中没有数据行。", "note")]
        if refused:
            rest += self.refused(refused, final)
        return lead, rest

    def counts(self, tables: dict[str, dict], final: bool) -> list[Flowable]:
        """The rows per table (only tables with rows) and their 合计."""
        shown = {t: c for t, c in tables.items() if any(c.get(k) for k in COUNTS)}
        if not shown:
            return []
        items = [
            (TABLE_NAMES.get(t, t), [c.get(k, 0) for k in COUNTS], False) for t, c in shown.items()
        ]
        totals = [sum(c.get(k, 0) for c in shown.values()) for k in COUNTS]
        items.append(("合计", totals, True))
        num_w = 24 * mm
        widths = [self.width - 5 * num_w] + [num_w] * 5

        def make(part: list, header: bool, bottom: bool) -> PdfTable:
            data: list[list[Any]] = [list(COUNT_HEADERS)] if header else []
            cmds: list[tuple] = [
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("ALIGN", (1, 1 if header else 0), (-1, -1), "RIGHT"),
                ("RIGHTPADDING", (1, 1 if header else 0), (-1, -1), 8),
            ]
            for label, values, total in part:
                n = len(data)
                data.append([label, *(count(v) for v in values)])
                cmds += [
                    ("TEXTCOLOR", (j, n), (j, n), ZERO) for j, v in enumerate(values, 1) if not v
                ]
                if values[-1]:
                    cmds.append(("TEXTCOLOR", (-1, n), (-1, n), ALERT))
                if total:
                    cmds += [
                        ("FONTNAME", (0, n), (-1, n), self.pdf.bold),
                        ("LINEABOVE", (0, n), (-1, n), 0.8, colors.black),
                    ]
            return self.table(data, widths, cmds, header=header, top=header, bottom=bottom)

        return self.split(make, items, final)

    def refused(self, refused: list, final: bool) -> list[Flowable]:
        """The rows refused one by one (at most MAX_REFUSED_LISTED), the rest counted."""
        listed = refused[:MAX_REFUSED_LISTED]
        more = len(refused) - len(listed)
        items = [(n, TABLE_NAMES.get(t, t), key, why) for n, (t, key, why) in enumerate(listed, 1)]
        widths = [12 * mm, 30 * mm, 62 * mm, self.width - 104 * mm]

        def make(part: list, header: bool, bottom: bool) -> PdfTable:
            data: list[list[Any]] = []
            if header:
                data.append([self.para(h, "r_small_c") for h in ("序号", "表", "编号", "原因")])
            for n, table, key, why in part:
                data.append(
                    [
                        str(n),
                        self.para(table, "r_small"),
                        self.para(key, "r_small"),
                        self.para(why, "r_small"),
                    ]
                )
            cmds = [("ALIGN", (0, 0), (0, -1), "CENTER"), ("FONTSIZE", (0, 0), (0, -1), 8)]
            return self.table(data, widths, cmds, header=header, top=header, bottom=bottom)

        out: list[Flowable] = [
            Spacer(1, 3 * mm),
            self.para(f"拒绝的行（{len(refused)} 行）", "r_label"),
            Spacer(1, 1 * mm),
        ]
        out += self.split(make, items, final and not more)
        if more:
            out += [Spacer(1, 1 * mm), self.para(f"另有 {more} 行，从略。", "note")]
        return out
