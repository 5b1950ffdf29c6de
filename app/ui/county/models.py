"""Table models of the county pages (rows from ``app.ui.county.data``).

Each names its columns with ``COL_*``; the raw value (``SORT_ROLE``) sorts: numbers as
numbers, grades in their order (一类 first), money in fen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.assessment import GRADES
from app.domain.errors import DomainError
from app.domain.money import format_yuan
from app.domain.periods import Quarter
from app.ui.county.data import (
    CadreRow,
    DutyRow,
    FileRow,
    GradeRow,
    VillageRow,
    local_time,
    period_unit,
    quarter_label,
    rate,
    share,
)
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.common import MUTED_TEXT
from app.ui.widgets.grades import grade_background, grade_foreground

TOTALS_BACKGROUND = QBrush(QColor("#eef3f8"))
UPGRADE_BACKGROUND = QBrush(QColor("#e3f4e1"))
UPGRADE_TEXT = QBrush(QColor("#14501a"))
WARN_TEXT = QBrush(QColor("#b00020"))

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("CountyView", text)


def grade_rank(grade: str | None) -> int:
    return GRADES.index(grade) if grade in GRADES else len(GRADES)


def rate_rank(part: int, whole: int) -> int:
    """The rate in tenths of a per cent as an int (sortable by the proxy; -1: none)."""
    r = rate(part, whole)
    return -1 if r is None else int(r * 10)


class _Model(RowTableModel):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([_tr(h) for h in self.HEADERS])


class _BoldTotals:
    """Rows with ``total`` set are bold on a tinted ground."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and getattr(self.row_at(index.row()), "total", False)  # type: ignore[attr-defined]
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)  # type: ignore[misc]


# ---- 乡镇与上报文件 -----------------------------------------------------------------------
class FilesModel(_Model):
    (
        COL_CODE,
        COL_NAME,
        COL_PERIOD,
        COL_CREATED,
        COL_IMPORTED,
        COL_FILE,
        COL_COUNT,
        COL_NEW,
        COL_UPDATED,
        COL_DELETED,
        COL_REFUSED,
        COL_KEY,
        COL_HOW,
    ) = range(13)
    HEADERS = (
        "乡镇代码",
        "乡镇",
        "最新文件季度",
        "生成时间",
        "导入时间",
        "文件名",
        "累计文件",
        "新增行",
        "更新行",
        "删除行",
        "拒绝行",
        "公钥指纹",
        "公钥登记",
    )
    RIGHT_ALIGNED = frozenset({COL_COUNT, COL_NEW, COL_UPDATED, COL_DELETED, COL_REFUSED})
    CENTRED = frozenset({COL_CODE, COL_PERIOD})

    def value(self, row: FileRow, column: int):
        return (
            row.township_code,
            row.township_name,
            row.period,
            row.created_at,
            row.imported_at,
            row.file_name,
            row.files,
            row.rows_new,
            row.rows_updated,
            row.rows_deleted,
            row.rows_refused,
            row.fingerprint,
            row.key_how,
        )[column]

    def display(self, row: FileRow, column: int) -> str:
        if column == self.COL_PERIOD:
            try:
                return quarter_label(Quarter.parse(row.period))
            except DomainError:
                return row.period
        if column == self.COL_CREATED:
            return local_time(row.created_at)
        if column == self.COL_IMPORTED:
            return local_time(row.imported_at)
        return super().display(row, column)

    def foreground(self, row: FileRow, column: int):
        if column == self.COL_REFUSED and row.rows_refused:
            return WARN_TEXT
        if column == self.COL_HOW and row.key_how == "人工确认更换":
            return WARN_TEXT
        return None

    def tooltip(self, row: FileRow, column: int) -> str | None:
        if column == self.COL_KEY and row.public_key:
            return (
                _tr("公钥（Ed25519，base64）：%1\n登记于 %2（%3）\n指纹可在电话中与乡镇逐组核对。")
                .replace("%1", row.public_key)
                .replace("%2", local_time(row.registered_at))
                .replace("%3", row.key_how)
            )
        if column == self.COL_FILE:
            return row.file_name
        if column == self.COL_REFUSED and row.rows_refused:
            return _tr("该文件中有 %1 行不属于本乡镇或编号有误，未导入；详见导入回执。").replace(
                "%1", str(row.rows_refused)
            )
        return None


# ---- 村级类别 ----------------------------------------------------------------------------
class GradesModel(_BoldTotals, _Model):
    """Villages by grade per township; the totals row shows shares too."""

    COL_NAME, COL_VILLAGES = 0, 1
    FIRST_GRADE = 2
    COL_UP, COL_DOWN = FIRST_GRADE + len(GRADES), FIRST_GRADE + len(GRADES) + 1
    HEADERS = ("乡镇", "村数", *(f"{g}村" for g in GRADES), "升级", "降级")
    RIGHT_ALIGNED = frozenset(range(1, FIRST_GRADE + len(GRADES) + 2))

    def value(self, row: GradeRow, column: int):
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_VILLAGES:
            return row.villages
        if column == self.COL_UP:
            return row.upgrades
        if column == self.COL_DOWN:
            return row.downgrades
        return row.by_grade.get(GRADES[column - self.FIRST_GRADE], 0)

    def display(self, row: GradeRow, column: int) -> str:
        value = self.value(row, column)
        if row.total and self.FIRST_GRADE <= column < self.COL_UP:
            return f"{value}（{share(value, row.villages)}）"
        return str(value)

    def background(self, row: GradeRow, column: int):
        if row.total:
            if self.FIRST_GRADE <= column < self.COL_UP:
                return grade_background(GRADES[column - self.FIRST_GRADE])
            return TOTALS_BACKGROUND
        return None

    def foreground(self, row: GradeRow, column: int):
        if row.total and self.FIRST_GRADE <= column < self.COL_UP:
            return grade_foreground(GRADES[column - self.FIRST_GRADE])
        if column == self.COL_UP and row.upgrades:
            return UPGRADE_TEXT
        if column == self.COL_DOWN and row.downgrades:
            return WARN_TEXT
        return None


class VillagesModel(_Model):
    COL_TOWNSHIP, COL_CODE, COL_NAME, COL_GRADE, COL_PREVIOUS, COL_CHANGE = range(6)
    HEADERS = ("乡镇", "村代码", "村", "类别", "上年", "变化")
    CENTRED = frozenset({COL_GRADE, COL_PREVIOUS, COL_CHANGE})

    def value(self, row: VillageRow, column: int):
        if column == self.COL_TOWNSHIP:
            return row.township_code
        if column == self.COL_CODE:
            return row.code
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_GRADE:
            return grade_rank(row.grade)
        if column == self.COL_PREVIOUS:
            return grade_rank(row.previous)
        return {"升级": 0, "降级": 2, "持平": 1}.get(row.change or "", 3)

    def display(self, row: VillageRow, column: int) -> str:
        if column == self.COL_TOWNSHIP:
            return row.township_name
        if column == self.COL_GRADE:
            return row.grade or "—"
        if column == self.COL_PREVIOUS:
            return row.previous or "—"
        if column == self.COL_CHANGE:
            if row.change == "升级":
                return "↑ " + _tr("升级")
            if row.change == "降级":
                return "↓ " + _tr("降级")
            return _tr(row.change) if row.change else "—"
        return super().display(row, column)

    def background(self, row: VillageRow, column: int):
        if column == self.COL_GRADE:
            return grade_background(row.grade)
        if row.change == "升级":
            return UPGRADE_BACKGROUND
        return None

    def foreground(self, row: VillageRow, column: int):
        if column == self.COL_GRADE:
            return grade_foreground(row.grade)
        if column == self.COL_CHANGE:
            if row.change == "升级":
                return UPGRADE_TEXT
            if row.change == "降级":
                return WARN_TEXT
            if not row.change:
                return MUTED_TEXT
        if column == self.COL_PREVIOUS and not row.previous:
            return MUTED_TEXT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and index.column() == self.COL_CHANGE
            and self.row_at(index.row()).change in ("升级", "降级")
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)

    def tooltip(self, row: VillageRow, column: int) -> str | None:
        if column == self.COL_GRADE:
            return _tr("本年考核定级") if row.assessed else _tr("本年尚未考核：按最近一次定级")
        if column == self.COL_CHANGE and row.change is None:
            return _tr("上年或本年没有考核定级，无法比较")
        return None


# ---- 履职与补助 -------------------------------------------------------------------------
class DutyModel(_BoldTotals, _Model):
    (
        COL_NAME,
        COL_CADRES,
        COL_PRESENT,
        COL_PERIODS,
        COL_RATE,
        COL_ABSENT,
        COL_SUBSIDY,
        COL_MEETINGS,
        COL_MATTERS,
    ) = range(9)
    HEADERS = (
        "乡镇",
        "干部数",
        "出勤天数",
        "达标/考核周期",
        "达标率",
        "查岗不在岗",
        "补助合计（元）",
        "会议",
        "办实事",
    )
    RIGHT_ALIGNED = frozenset(range(1, 9))

    def value(self, row: DutyRow, column: int):
        return (
            row.name,
            row.cadres,
            row.present_days,
            row.met,
            rate_rank(row.met, row.judged),
            row.unexcused,
            row.subsidy_fen,
            row.meetings,
            row.practical_matters,
        )[column]

    def display(self, row: DutyRow, column: int) -> str:
        if column == self.COL_PERIODS:
            return f"{row.met}/{row.judged}"
        if column == self.COL_RATE:
            r = rate(row.met, row.judged)
            return "—" if r is None else f"{r}%"
        if column == self.COL_SUBSIDY:
            return format_yuan(row.subsidy_fen)
        return super().display(row, column)

    def background(self, row: DutyRow, column: int):
        return TOTALS_BACKGROUND if row.total else None

    def foreground(self, row: DutyRow, column: int):
        if column == self.COL_ABSENT and row.unexcused:
            return WARN_TEXT
        if not row.code and not row.total:
            return MUTED_TEXT
        return None

    def tooltip(self, row: DutyRow, column: int) -> str | None:
        if column == self.COL_PERIODS:
            return _tr("达标的周（兼职）或月（驻村）数 / 考核的周或月数")
        if not row.code and not row.total:
            return _tr("本县级数据库中直接录入的数据（如演示数据），见其他标签页")
        return None


class CadresModel(_Model):
    (
        COL_NO,
        COL_NAME,
        COL_ROLE,
        COL_PERIODS,
        COL_RATE,
        COL_PRESENT,
        COL_ABSENT,
        COL_SUBSIDY,
    ) = range(8)
    HEADERS = (
        "编号",
        "姓名",
        "岗位",
        "达标/考核",
        "达标率",
        "出勤天数",
        "查岗不在岗",
        "补助（元）",
    )
    RIGHT_ALIGNED = frozenset({COL_PERIODS, COL_RATE, COL_PRESENT, COL_ABSENT, COL_SUBSIDY})

    def value(self, row: CadreRow, column: int):
        return (
            row.cadre_no,
            row.name,
            row.role or "",
            row.met,
            rate_rank(row.met, row.judged),
            row.present_days,
            row.unexcused,
            row.subsidy_fen,
        )[column]

    def display(self, row: CadreRow, column: int) -> str:
        if column == self.COL_ROLE:
            return row.role or _tr("（本季度无安排）")
        if column == self.COL_PERIODS:
            return f"{row.met}/{row.judged}{_tr(period_unit(row.role))}" if row.judged else "—"
        if column == self.COL_RATE:
            r = rate(row.met, row.judged)
            return "—" if r is None else f"{r}%"
        if column == self.COL_SUBSIDY:
            return format_yuan(row.subsidy_fen)
        return super().display(row, column)

    def short(self, row: CadreRow) -> bool:
        return bool(row.judged) and row.met < row.judged

    def foreground(self, row: CadreRow, column: int):
        if column in (self.COL_PERIODS, self.COL_RATE) and self.short(row):
            return WARN_TEXT
        if column == self.COL_ABSENT and row.unexcused:
            return WARN_TEXT
        if column == self.COL_ROLE and not row.role:
            return MUTED_TEXT
        return None


class SummaryModel(_Model):
    """A township's quarterly summary as (项目, 数值) rows (``summary_table``)."""

    COL_ITEM, COL_VALUE = 0, 1
    HEADERS = ("项目", "数值")
    RIGHT_ALIGNED = frozenset({COL_VALUE})

    def value(self, row: tuple, column: int):
        return row[column]
