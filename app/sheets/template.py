"""Empty register sheets with the right headers (``template KIND -o FILE``).

The ``.xlsx`` form has the headers on the first worksheet (key columns shaded), text
format on code and phone columns so Excel keeps every digit, drop-down lists for fixed
choices, and a second worksheet 填写说明 (never imported) explaining each column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlite_utils import Database

from app.sheets import values as v
from app.sheets.base import Column, SheetKind
from app.sheets.errors import SheetError
from app.sheets.loader import get_kind
from app.sheets.reader import column_letter
from app.sheets.scores import FIXED, Scores

TEMPLATE_SUFFIXES = (".xlsx", ".csv")


def template_columns(db: Database, kind: str | SheetKind, year: int | None = None) -> list[Column]:
    """The columns of the sheet, in order (for ``scores``: those of the year's template)."""
    sheet_kind = get_kind(kind)
    if isinstance(sheet_kind, Scores):
        return [*FIXED, *sheet_kind.indicator_columns(db, year)]
    return list(sheet_kind.columns)


def write_template(
    db: Database, kind: str | SheetKind, path: Path | str, *, year: int | None = None
) -> Path:
    """Write an empty sheet of ``kind`` to ``path`` (.xlsx or .csv) and return the path."""
    path = Path(path)
    sheet_kind = get_kind(kind, path)
    suffix = path.suffix.lower()
    if suffix not in TEMPLATE_SUFFIXES:
        raise SheetError.single(
            path, f"模板只能保存为 .xlsx 或 .csv，不能是「{suffix or '无扩展名'}」"
        )
    columns = template_columns(db, sheet_kind, year)
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerow([c.header for c in columns])
        else:
            _write_xlsx(sheet_kind, columns, path, year)
    except OSError as e:
        raise SheetError.single(path, f"无法写入文件：{e.strerror or e}") from None
    return path


def _write_xlsx(kind: SheetKind, columns: list[Column], path: Path, year: int | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = kind.title[:31]
    bold = Font(bold=True)
    key_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(columns):
        letter = column_letter(i)
        cell = ws.cell(row=1, column=i + 1, value=col.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        if col.mandatory:
            cell.fill = key_fill
        dim = ws.column_dimensions[letter]
        dim.width = max(10, 2 * len(col.header) + 4, 14 if col.as_text else 0)
        if col.as_text:
            dim.number_format = "@"
        elif col.parse is v.iso_date:
            dim.number_format = "yyyy-mm-dd"
        if col.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.choices) + '"',
                allow_blank=not col.mandatory,
                showErrorMessage=True,
                errorTitle=col.header,
                error=f"应为 {'/'.join(col.choices)}",
            )
            dv.add(f"{letter}2:{letter}10000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    notes.append([f"{kind.title}（导入类型 {kind.name}）"])
    notes["A1"].font = bold
    notes.append(
        [
            "只导入第一个工作表；第一行为表头，请勿改动列名（列的顺序可以调整）。"
            "底色标出的列必须填写。同一个表内不能有重复的记录。"
        ]
    )
    if kind.note:
        notes.append([kind.note])
    if isinstance(kind, Scores) and year is not None:
        notes.append([f"指标列为 {year} 年度考核模板的指标；其他年度的模板可能不同，请分别导出。"])
    notes.append([])
    notes.append(["列名", "必填", "填写要求"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for col in columns:
        notes.append([col.header, "是" if col.mandatory else "", col.hint])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 70
    wb.save(path)
