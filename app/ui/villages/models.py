"""Table models of the village page: yearly figures, grade history, cadres, household files.

Also the few formatters that show a change from the year before ("+12", "+8.2%").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.db.villages import (
    COMING,
    CURRENT,
    MONEY_FIGURES,
    Delta,
    GradeYear,
    GroupFiles,
    MissingHousehold,
    VillageCadre,
    YearFigures,
)
from app.domain.assessment import format_tenths
from app.domain.money import format_yuan_grouped
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.grades import grade_background, grade_foreground

UP, DOWN, SAME = "#1b5e20", "#b00020", "#555555"
_BOLD = QFont()
_BOLD.setBold(True)


# ---- formatting --------------------------------------------------------------------------


def signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else f"{n:,}"


def signed_yuan(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_yuan_grouped(fen)


def percent(tenths: int) -> str:
    sign = "+" if tenths > 0 else "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{frac}%"


def show_delta(d: Delta | None, money: bool) -> str:
    """``+12`` for counts; ``+1,062.00（+7.9%）`` for money; empty without a year before."""
    if d is None:
        return ""
    if not money:
        return signed(d.amount)
    if d.percent_tenths is None:
        return signed_yuan(d.amount)
    return f"{signed_yuan(d.amount)}（{percent(d.percent_tenths)}）"


def trend_brush(amount: int | None) -> QBrush | None:
    if amount is None:
        return None
    return QBrush(QColor(UP if amount > 0 else DOWN if amount < 0 else SAME))


def show_figure(value: int | None, money: bool) -> str:
    if value is None:
        return ""
    return format_yuan_grouped(value) if money else f"{value:,}"


# ---- yearly figures ----------------------------------------------------------------------


class YearTableModel(RowTableModel):
    COL_YEAR = 0
    COL_POPULATION, COL_POPULATION_CHANGE = 1, 2
    COL_HOUSEHOLDS, COL_HOUSEHOLDS_CHANGE = 3, 4
    COL_MEMBERS, COL_MEMBERS_CHANGE = 5, 6
    COL_INCOME, COL_INCOME_CHANGE = 7, 8
    COL_COLLECTIVE, COL_COLLECTIVE_CHANGE = 9, 10
    COL_NOTES = 11

    #: value column -> figure
    FIGURE_OF = {
        COL_POPULATION: "population",
        COL_HOUSEHOLDS: "households",
        COL_MEMBERS: "party_members",
        COL_INCOME: "income_per_capita_fen",
        COL_COLLECTIVE: "collective_income_fen",
    }
    RIGHT_ALIGNED = frozenset(range(1, 11))
    CENTRED = frozenset({COL_YEAR})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        change = self.tr("较上年")
        self.set_headers(
            [
                self.tr("年度"),
                self.tr("人口"),
                change,
                self.tr("户数"),
                change,
                self.tr("党员数"),
                change,
                self.tr("人均纯收入（元）"),
                change,
                self.tr("集体经济收入（元）"),
                change,
                self.tr("备注"),
            ]
        )

    def _figure(self, column: int) -> tuple[str | None, bool]:
        """(figure, is the change column) of a column."""
        if column in self.FIGURE_OF:
            return self.FIGURE_OF[column], False
        if column - 1 in self.FIGURE_OF:
            return self.FIGURE_OF[column - 1], True
        return None, False

    def value(self, row: YearFigures, column: int):
        if column == self.COL_YEAR:
            return row.year
        if column == self.COL_NOTES:
            return row.notes
        figure, is_change = self._figure(column)
        assert figure is not None
        if is_change:
            d = row.changes.get(figure)
            return None if d is None else d.amount
        return row.value(figure)

    def display(self, row: YearFigures, column: int) -> str:
        figure, is_change = self._figure(column)
        if figure is None:
            return super().display(row, column)
        money = figure in MONEY_FIGURES
        if is_change:
            return show_delta(row.changes.get(figure), money)
        return show_figure(row.value(figure), money)

    def foreground(self, row: YearFigures, column: int):
        figure, is_change = self._figure(column)
        if figure is not None and is_change:
            return trend_brush(self.value(row, column))
        return None

    def tooltip(self, row: YearFigures, column: int) -> str | None:
        figure, is_change = self._figure(column)
        if figure is not None and is_change and row.changes.get(figure) is None:
            return self.tr("没有 %1 年的数据，无法比较").replace("%1", str(row.year - 1))
        if column == self.COL_NOTES:
            return row.notes or None
        return None


# ---- grade history -----------------------------------------------------------------------


class GradeTableModel(RowTableModel):
    COL_YEAR = 0
    COL_TOTAL = 1
    COL_GRADE = 2
    COL_MOVE = 3
    COL_CHANGE = 4

    RIGHT_ALIGNED = frozenset({COL_TOTAL})
    CENTRED = frozenset({COL_YEAR, COL_GRADE, COL_MOVE, COL_CHANGE})
    _COLOURS = {"升级": UP, "降级": DOWN, "持平": SAME}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("年度"), self.tr("总分"), self.tr("类别"), self.tr("较上年"), self.tr("升降")]
        )

    def value(self, row: GradeYear, column: int):
        return (row.year, row.total_tenths, row.grade, row.label, row.change)[column]

    def display(self, row: GradeYear, column: int) -> str:
        if column == self.COL_TOTAL:
            return format_tenths(row.total_tenths)
        if column == self.COL_CHANGE and row.change is None:
            return self.tr("（上年未考核）")
        return super().display(row, column)

    def background(self, row: GradeYear, column: int):
        return grade_background(row.grade) if column == self.COL_GRADE else None

    def foreground(self, row: GradeYear, column: int):
        if column == self.COL_GRADE:
            return grade_foreground(row.grade)
        if column == self.COL_CHANGE:
            colour = self._COLOURS.get(row.change or "")
            return QBrush(QColor(colour)) if colour else QBrush(QColor(SAME))
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        """Upgrades (升级晋档) in bold."""
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and index.column() in (self.COL_CHANGE, self.COL_MOVE)
            and self.row_at(index.row()).change == "升级"
        ):
            return _BOLD
        return super().data(index, role)


# ---- cadres ------------------------------------------------------------------------------


class CadreTableModel(RowTableModel):
    COL_NAME = 0
    COL_ROLE = 1
    COL_PERIOD = 2
    COL_STATUS = 3
    COL_POST = 4

    CENTRED = frozenset({COL_STATUS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("姓名"), self.tr("岗位"), self.tr("起止"), self.tr("状态"), self.tr("职务")]
        )

    def value(self, row: VillageCadre, column: int):
        if column == self.COL_PERIOD:
            return row.start_date
        return (row.name, row.role, None, row.status, row.post)[column]

    def display(self, row: VillageCadre, column: int) -> str:
        if column == self.COL_PERIOD:
            if row.end_date is None:
                return self.tr("%1 起").replace("%1", row.start_date)
            return f"{row.start_date} — {row.end_date}"
        return super().display(row, column)

    def foreground(self, row: VillageCadre, column: int):
        if row.status not in (CURRENT, COMING):
            return QBrush(QColor(SAME))
        return None

    def tooltip(self, row: VillageCadre, column: int) -> str | None:
        return self.tr("干部编号：%1").replace("%1", row.cadre_no) if column == 0 else None


# ---- household files ---------------------------------------------------------------------


class GroupTableModel(RowTableModel):
    COL_GROUP = 0
    COL_ENTERED = 1
    COL_FILED = 2
    COL_MISSING = 3

    RIGHT_ALIGNED = frozenset({COL_ENTERED, COL_FILED, COL_MISSING})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("村民小组"), self.tr("已录入"), self.tr("已走访建档"), self.tr("未走访")]
        )

    def value(self, row: GroupFiles, column: int):
        return (row.group_name, row.entered, row.filed, row.entered - row.filed)[column]

    def display(self, row: GroupFiles, column: int) -> str:
        if column == self.COL_GROUP and not row.group_name:
            return self.tr("（未填小组）")
        return super().display(row, column)

    def foreground(self, row: GroupFiles, column: int):
        if column == self.COL_MISSING and row.entered > row.filed:
            return QBrush(QColor(DOWN))
        return None


class MissingTableModel(RowTableModel):
    COL_NO = 0
    COL_HEAD = 1
    COL_GROUP = 2
    COL_PHONE = 3
    COL_LOW_INCOME = 4

    CENTRED = frozenset({COL_LOW_INCOME})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("户编号"),
                self.tr("户主"),
                self.tr("村民小组"),
                self.tr("联系电话"),
                self.tr("低收入户"),
            ]
        )

    def value(self, row: MissingHousehold, column: int):
        return (row.hh_no, row.head_name, row.group_name, row.phone, row.low_income)[column]

    def display(self, row: MissingHousehold, column: int) -> str:
        if column == self.COL_LOW_INCOME:
            return self.tr("是") if row.low_income else ""
        return super().display(row, column)
