"""The one error type raised by the domain rules.

It carries what went wrong (a message in plain Chinese the clerk can act on) and,
where known, where: the field, the sheet row and the column. The UI shows it next to
the field or in one dialog; the command line prints it and exits 1.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken by the input or the data (never a programming error)."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row
        self.column = column

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        for name in ("field", "row", "column"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"DomainError({', '.join(parts)})"
