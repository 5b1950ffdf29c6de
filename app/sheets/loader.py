"""Checking and loading a register sheet: all-or-nothing, and only what changed is written.

Rows dated in a frozen period (an approved subsidy month, a quarter sent to the county:
:mod:`app.db.guard`) load only with a reason, which the change log keeps with them;
without one the whole sheet is refused (:class:`ReasonNeeded`), naming the periods and
the rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db.guard import NEEDS_REASON, clean_reason, frozen_periods, with_reason
from app.db.store import require_identity
from app.domain.errors import DomainError
from app.sheets.base import (
    NEW,
    UNCHANGED,
    UPDATED,
    Context,
    PreviewRow,
    SheetKind,
    rows_summary,
)
from app.sheets.errors import Problem, SheetError
from app.sheets.kinds import (
    ASSIGNMENTS,
    ATTENDANCE,
    CADRE_SCORES,
    CADRES,
    CHECKS,
    HOUSEHOLDS,
    RATES,
    VILLAGES,
)
from app.sheets.reader import read_rows
from app.sheets.scores import SCORES

Progress = Callable[[int, int], None]

KINDS: dict[str, SheetKind] = {
    k.name: k
    for k in (
        VILLAGES,
        HOUSEHOLDS,
        CADRES,
        ASSIGNMENTS,
        ATTENDANCE,
        CHECKS,
        RATES,
        SCORES,
        CADRE_SCORES,
    )
}


@dataclass
class Preview:
    """What loading the sheet would do; nothing has been written."""

    kind: str
    file: Path
    headers: list[str]
    rows: list[PreviewRow]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    #: (why, sheet rows) of the rows to write in a frozen period: loading needs a reason
    frozen: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.new + self.updated

    @property
    def frozen_why(self) -> str | None:
        """``第 2、3 行：2026年第3季度已上报县里（2026-10-08）``, one line per period; None
        when no row to write is in a frozen period."""
        return "\n".join(f"{rows_summary(rows)}：{why}" for why, rows in self.frozen) or None


@dataclass
class ImportResult:
    new: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"新增 {self.new} 条，修改 {self.updated} 条，未变 {self.unchanged} 条"


class ReasonNeeded(SheetError):
    """Rows to write are in a frozen period and no reason was given; nothing was written.

    ``frozen`` lists (why, sheet rows), e.g. (``2026年9月的补助已审批``, [2, 3]).
    """

    def __init__(self, file: Path | str, column: str | None, frozen: list[tuple[str, list[int]]]):
        self.frozen = frozen
        super().__init__(
            file,
            [
                Problem(None, column, f"{rows_summary(r)}：{why}，{NEEDS_REASON}")
                for why, r in frozen
            ],
        )


def frozen_rows(
    db: Database, kind: SheetKind, plan: list[PreviewRow]
) -> list[tuple[str, list[int]]]:
    """(why, sheet rows) of the rows that would change a record in a frozen period."""
    if kind.day_field is None:
        return []
    periods = frozen_periods(db)
    if not periods:
        return []
    by_why: dict[str, list[int]] = {}
    for p in plan:
        if p.status == UNCHANGED:
            continue
        why = periods.why(kind.table, [str(p.values[kind.day_field])])
        if why:
            by_why.setdefault(why, []).append(p.row)
    return sorted(by_why.items(), key=lambda item: item[1][0])


def get_kind(kind: str | SheetKind, file: Path | str = "") -> SheetKind:
    if isinstance(kind, SheetKind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise SheetError.single(
            file, f"未知的表格类型「{kind}」，可用：{'、'.join(KINDS)}"
        ) from None


def _context(db: Database, path: Path, progress: Progress | None) -> Context:
    try:
        identity = require_identity(db)
    except DomainError as e:
        raise SheetError.single(path, e.message) from None
    return Context(db, identity, path, progress)


def _preview(kind: SheetKind, ctx: Context) -> Preview:
    kind.before(ctx)
    rows, problems = read_rows(ctx.file, kind.header_check(ctx))
    ctx.report(0, len(rows))
    parsed = kind.parse(ctx, rows, problems)
    if problems:
        raise SheetError(ctx.file, problems)
    plan = kind.plan(ctx, parsed)
    warnings = kind.warnings(ctx, plan)
    if not rows:
        warnings.insert(0, "表格中只有表头，没有数据行")
    counts = {s: 0 for s in (NEW, UPDATED, UNCHANGED)}
    for p in plan:
        counts[p.status] += 1
    headers = list(rows[0][1]) if rows else kind.headers(ctx.db)
    frozen = frozen_rows(ctx.db, kind, plan)
    return Preview(
        kind.name,
        ctx.file,
        headers,
        plan,
        counts[NEW],
        counts[UPDATED],
        counts[UNCHANGED],
        warnings,
        frozen,
    )


def check_sheet(
    db: Database, kind: str | SheetKind, path: Path | str, progress: Progress | None = None
) -> Preview:
    """Read and check the whole sheet without writing anything.

    Raises ``SheetError`` listing every problem (row, column, reason).
    """
    path = Path(path)
    sheet_kind = get_kind(kind, path)
    preview = _preview(sheet_kind, _context(db, path, progress))
    preview.warnings += [
        f"{rows_summary(r)}：{why}，导入时需填写修改原因" for why, r in preview.frozen
    ]
    return preview


def load_sheet(
    db: Database,
    kind: str | SheetKind,
    path: Path | str,
    progress: Progress | None = None,
    *,
    reason: str | None = None,
) -> ImportResult:
    """Check the sheet, then write it in one transaction (all or nothing).

    Rows equal to what is stored are not written, so loading a sheet twice changes nothing.
    Rows to write in a frozen period need a ``reason`` (kept in the change log); without
    one, :class:`ReasonNeeded` names the periods and rows, and nothing is written.
    """
    path = Path(path)
    sheet_kind = get_kind(kind, path)
    ctx = _context(db, path, progress)
    with db.atomic():
        preview = _preview(sheet_kind, ctx)
        if preview.frozen and clean_reason(reason) is None:
            column = next(
                (c.header for c in sheet_kind.columns if c.field == sheet_kind.day_field), None
            )
            raise ReasonNeeded(path, column, preview.frozen)
        if preview.changes:
            try:
                with with_reason(db, reason):
                    sheet_kind.write(ctx, preview.rows)
            except sqlite3.Error as e:
                raise SheetError(
                    path, [Problem(None, None, f"写入数据库时出错（{e}），没有导入任何数据")]
                ) from e
    total = len(preview.rows)
    ctx.report(total, total)
    warnings = preview.warnings + [
        f"{rows_summary(r)}：{why}，已按修改原因“{clean_reason(reason)}”导入"
        for why, r in preview.frozen
    ]
    return ImportResult(preview.new, preview.updated, preview.unchanged, warnings)
