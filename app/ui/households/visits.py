"""三深入三查看 visit records: the columns of the visit form and the table of a household's visits.

The form's columns are register-sheet :class:`Column` s like every other form, so a date
is read by ``app.sheets.values.iso_date`` (2026-02-30 is refused) and the cadre is a
choice from the roster (optional: a visit by someone not on the roster is still a visit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.models.table_model import RowTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("HouseholdVisits", text)


def cadre_label(cadre_no: str, name: str) -> str:
    return f"{name}（{cadre_no}）"


def visit_day(value: object) -> str:
    """A visit date, read as the sheets read dates (``iso_date``: 2026-02-30 is refused).

    The sheets' advice about Excel cells is left out of the message: here the clerk types.
    """
    try:
        return v.iso_date(value)
    except DomainError as e:
        raise DomainError(e.message.split("（", 1)[0]) from None


def visit_columns(cadres: Sequence[tuple[str, str]]) -> list[Column]:
    """The visit form: date, cadre (a choice of ``cadres`` as (cadre_no, name)), findings."""
    labels = {no: cadre_label(no, name) for no, name in cadres}
    numbers = {label: no for no, label in labels.items()}

    def parse_cadre(value: object) -> str:
        try:
            return numbers[str(value)]
        except KeyError:
            raise DomainError(_tr("不在干部花名册中：{}").format(value)) from None

    def show_cadre(value: object) -> str:
        return "" if value is None else labels.get(str(value), str(value))

    return [
        Column(
            _tr("走访日期"),
            "day",
            visit_day,
            required=True,
            hint=_tr("YYYY-MM-DD，如 2026-05-15"),
        ),
        Column(
            _tr("走访干部"),
            "cadre_no",
            parse_cadre,
            show=show_cadre,
            choices=tuple(labels.values()),
            hint=_tr("从干部花名册中选择，可空"),
        ),
        Column(_tr("生活情况"), "living", v.text, hint=_tr("深入农户，查看生活状况")),
        Column(_tr("收入来源"), "income_sources", v.text, hint=_tr("深入生产一线，查看收入来源")),
        Column(_tr("增收前景"), "prospects", v.text, hint=_tr("深入市场，查看增收前景")),
        Column(_tr("备注"), "notes", v.text, hint=_tr("文字，可空")),
    ]


class VisitTableModel(RowTableModel):
    """A household's visits (a few dozen at most: all rows, newest first)."""

    COL_DAY = 0
    COL_CADRE = 1
    COL_LIVING = 2
    COL_INCOME = 3
    COL_PROSPECTS = 4
    COL_NOTES = 5

    FIELDS = {
        COL_DAY: "day",
        COL_CADRE: "cadre_name",
        COL_LIVING: "living",
        COL_INCOME: "income_sources",
        COL_PROSPECTS: "prospects",
        COL_NOTES: "notes",
    }
    CENTRED = frozenset({COL_DAY})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("日期"),
                self.tr("走访干部"),
                self.tr("生活情况"),
                self.tr("收入来源"),
                self.tr("增收前景"),
                self.tr("备注"),
            ]
        )

    def value(self, row: dict[str, Any], column: int) -> Any:
        return row[self.FIELDS[column]]

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column == self.COL_DAY:
            return None
        return self.display(row, column) or None
