"""Checking and loading a register sheet: all-or-nothing, and only what changed is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db.store import require_identity
from app.domain.errors import DomainError
from app.sheets.base import NEW, UNCHANGED, UPDATED, Context, PreviewRow, SheetKind
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

    @property
    def changes(self) -> int:
        return self.new + self.updated


@dataclass
class ImportResult:
    new: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"新增 {self.new} 条，修改 {self.updated} 条，未变 {self.unchanged} 条"


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
    return Preview(
        kind.name,
        ctx.file,
        headers,
        plan,
        counts[NEW],
        counts[UPDATED],
        counts[UNCHANGED],
        warnings,
    )


def check_sheet(
    db: Database, kind: str | SheetKind, path: Path | str, progress: Progress | None = None
) -> Preview:
    """Read and check the whole sheet without writing anything.

    Raises ``SheetError`` listing every problem (row, column, reason).
    """
    path = Path(path)
    sheet_kind = get_kind(kind, path)
    return _preview(sheet_kind, _context(db, path, progress))


def load_sheet(
    db: Database, kind: str | SheetKind, path: Path | str, progress: Progress | None = None
) -> ImportResult:
    """Check the sheet, then write it in one transaction (all or nothing).

    Rows equal to what is stored are not written, so loading a sheet twice changes nothing.
    """
    path = Path(path)
    sheet_kind = get_kind(kind, path)
    ctx = _context(db, path, progress)
    with db.atomic():
        preview = _preview(sheet_kind, ctx)
        if preview.changes:
            try:
                sheet_kind.write(ctx, preview.rows)
            except sqlite3.Error as e:
                raise SheetError(
                    path, [Problem(None, None, f"写入数据库时出错（{e}），没有导入任何数据")]
                ) from e
    total = len(preview.rows)
    ctx.report(total, total)
    return ImportResult(preview.new, preview.updated, preview.unchanged, preview.warnings)
