"""Register sheets (台账表格): templates, checking and loading ``.xlsx`` / ``.csv`` files.

See CONTRACT.md, "Register sheets". The command line (``import-sheet``, ``template``) and
the window's import dialog use:

* :data:`KINDS` — the sheet kinds by name (villages, households, cadres, assignments,
  attendance, checks, rates, scores, cadre-scores);
* :func:`check_sheet` — read and check everything, write nothing: a :class:`Preview`;
* :func:`load_sheet` — check, then write in one transaction: an :class:`ImportResult`;
* :func:`write_template` — an empty sheet with the right headers;
* :class:`SheetError` — every problem (row, column, reason); nothing was written;
  :class:`ReasonNeeded` — rows in a frozen period (approved month, quarter sent to the
  county) and no reason given to ``load_sheet``.
"""

from __future__ import annotations

from app.sheets.base import NEW, STATUS_LABELS, UNCHANGED, UPDATED, Column, PreviewRow, SheetKind
from app.sheets.errors import MAX_LISTED, Problem, SheetError
from app.sheets.loader import (
    KINDS,
    ImportResult,
    Preview,
    ReasonNeeded,
    check_sheet,
    get_kind,
    load_sheet,
)
from app.sheets.reader import read_sheet
from app.sheets.template import template_columns, write_template

__all__ = [
    "KINDS",
    "MAX_LISTED",
    "NEW",
    "STATUS_LABELS",
    "UNCHANGED",
    "UPDATED",
    "Column",
    "ImportResult",
    "Preview",
    "PreviewRow",
    "Problem",
    "ReasonNeeded",
    "SheetError",
    "SheetKind",
    "check_sheet",
    "get_kind",
    "load_sheet",
    "read_sheet",
    "template_columns",
    "write_template",
]
