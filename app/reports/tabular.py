"""Writing a report as JSON, CSV or XLSX: one function per format, chosen by suffix.

A report is given as its JSON data (``data``) and a table view of it (``Table``): a
title, header, rows and footer lines. CSV is written in UTF-8 with BOM so that Excel
and WPS open it with the right characters.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app.domain.errors import DomainError

FORMATS = (".json", ".csv", ".xlsx", ".pdf")


@dataclass
class Table:
    title: str
    header: Sequence[str]
    rows: list[Sequence[object]]
    footer: list[Sequence[object]] = field(default_factory=list)
    sheet_name: str = "报表"
    number_columns: frozenset[int] = frozenset()


def suffix_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DomainError(
            f"不支持的输出格式「{path.suffix or '无后缀'}」：请用 .json、.csv、.xlsx 或 .pdf 结尾的文件名"
        )
    return suffix


def _atomic_write(path: Path, write) -> Path:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    path = Path(path)
    if not path.parent.exists():
        raise DomainError(f"输出文件夹不存在：{path.parent}")
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(data: object, path: Path) -> Path:
    def w(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    return _atomic_write(path, w)


def write_csv(table: Table, path: Path) -> Path:
    def w(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(table.header)
            out.writerows(table.rows)
            out.writerows(table.footer)

    return _atomic_write(path, w)


def write_xlsx(table: Table, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    def w(tmp: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = table.sheet_name[:31]
        width = max(len(table.header), 1)
        ws.append([table.title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(list(table.header))
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for row in table.rows:
            _append(ws, row)
            for i, cell in enumerate(ws[ws.max_row]):
                cell.border = border
                if i in table.number_columns:
                    cell.alignment = Alignment(horizontal="right")
        for row in table.footer:
            _append(ws, row)
        for i, name in enumerate(table.header, start=1):
            longest = max(
                [len(str(name))] + [len(str(r[i - 1])) for r in table.rows[:200] if len(r) >= i]
            )
            ws.column_dimensions[get_column_letter(i)].width = min(40, max(6, longest * 1.6 + 2))
        ws.freeze_panes = "A3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_title_rows = "2:2"
        wb.save(tmp)

    return _atomic_write(path, w)


def _append(ws, row: Sequence[object]) -> None:
    """Append a row: text stays text (never a formula), money stays a number (0.00)."""
    ws.append([None] * len(row))
    for cell, value in zip(ws[ws.max_row], row, strict=False):
        if isinstance(value, Decimal):
            cell.value = value
            cell.number_format = "0.00"
        elif isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
        else:
            cell.value = value


def write_report(data: object, table: Table, path: Path) -> Path:
    """Write ``data`` (JSON) or ``table`` (CSV/XLSX) to ``path`` by its suffix."""
    suffix = suffix_of(Path(path))
    if suffix == ".json":
        return write_json(data, path)
    if suffix == ".csv":
        return write_csv(table, path)
    if suffix == ".xlsx":
        return write_xlsx(table, path)
    raise NotAvailable("PDF 打印")


class NotAvailable(Exception):
    """A capability of a later version: the CLI answers with exit 2."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what

    def __str__(self) -> str:
        return f"{self.what}尚未提供（将在后续版本中加入）。"
