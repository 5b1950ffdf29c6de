"""What went wrong with a register sheet: every problem, with row and column.

Row numbers are those the clerk sees in Excel or WPS (the header is row 1); columns are
named by their header text. The message is plain Chinese, one line per problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: How many problems ``str(SheetError)`` lists before summarising the rest.
MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell, row or file-level fault (``row``/``column`` None when not known)."""

    row: int | None
    column: str | None
    reason: str

    def describe(self, file: str = "") -> str:
        where = file
        if self.row is not None:
            where += f" 第 {self.row} 行" if where else f"第 {self.row} 行"
        if self.column is not None:
            where += f"「{self.column}」"
        return f"{where}：{self.reason}" if where else self.reason


class SheetError(Exception):
    """The sheet cannot be loaded; nothing was written. ``problems`` lists every fault."""

    def __init__(self, file: Path | str, problems: Iterable[Problem]) -> None:
        self.file = Path(file)
        self.problems: list[Problem] = sorted(
            problems,
            key=lambda p: (p.row is not None, p.row or 0),
        )
        super().__init__(str(self))

    @classmethod
    def single(
        cls, file: Path | str, reason: str, *, row: int | None = None, column: str | None = None
    ) -> SheetError:
        return cls(file, [Problem(row, column, reason)])

    @property
    def message(self) -> str:
        return str(self)

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        name = self.file.name
        out = [p.describe(name) for p in self.problems[:limit]]
        rest = len(self.problems) - limit
        if rest > 0:
            out.append(f"…另有 {rest} 处错误")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def strip_field(reason: str, column: str | None) -> str:
    """Drop a leading repetition of the column name: 「党组织类别」：党组织类别应为… → 应为…"""
    if column and reason.startswith(column):
        rest = reason[len(column) :]
        if rest.startswith(("应", "不能", "最多", "只能", "必须")):
            return rest
    return reason


class BadCell:
    """A cell that has no usable value (an Excel error, a formula never calculated).

    It reaches the row checks, which report ``reason`` at its row and column, so it can
    never be stored as blank or as the text of the error.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __str__(self) -> str:
        return f"（{self.reason}）"

    def __repr__(self) -> str:
        return f"BadCell({self.reason!r})"
