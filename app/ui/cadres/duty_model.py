"""The duty grid's table model: one row per cadre, one column per day, then the summary.

The model shows a :class:`app.db.attendance_edit.GridData` as it is: the marks of the
cells and the counts and results :func:`app.db.attendance_edit.month_grid` computed.
It formats, it never judges. Refreshing with the same month and cadres updates the
cells in place (``dataChanged``), so the cursor and the selection survive an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.db.attendance_edit import GridData, GridRow
from app.domain.attendance import Kind, PeriodResult

Index = QModelIndex | QPersistentModelIndex

KIND_ROLE = Qt.ItemDataRole.UserRole  # the cell's Kind, or None (not recorded)
DAY_ROLE = Qt.ItemDataRole.UserRole + 1  # the column's date
WEEKEND_ROLE = Qt.ItemDataRole.UserRole + 2
FUTURE_ROLE = Qt.ItemDataRole.UserRole + 3  # after the grid's "today"
COVERED_ROLE = Qt.ItemDataRole.UserRole + 4  # an assignment covers the day
FAILED_ROLE = Qt.ItemDataRole.UserRole + 5  # the day lies in a judged week that is not met


@dataclass(frozen=True, slots=True)
class KindStyle:
    mark: str
    label: str
    colour: str  # the mark
    fill: str  # a light tint under it
    keys: str  # as shown in the legend


KIND_STYLES: dict[Kind, KindStyle] = {
    Kind.PRESENT: KindStyle("√", "在村", "#1b7a2e", "#e3f3e5", "1 / Z"),
    Kind.MEETING: KindStyle("会", "会议培训", "#1f5fb4", "#e2ecfa", "2 / H"),
    Kind.LEAVE: KindStyle("假", "请假", "#9a5b00", "#fff0cc", "3 / J"),
    Kind.ABSENT: KindStyle("×", "缺勤", "#c62828", "#fde0e0", "4 / Q"),
}
MARKS: dict[str, Kind] = {s.mark: k for k, s in KIND_STYLES.items()}
WEEKDAYS = "一二三四五六日"
RED = "#c62828"
RED_FILL = "#fde0e0"
NOT_MET_LABEL = "#b00020"
WEEKEND_HEADER = "#8a3b00"
FUTURE_HEADER = "#9e9e9e"
APPROVED_NOTE = "该月补助已审批，修改将在下月补发/扣回"

_SHORT_ROLES = {"驻村干部": "驻村", "兼职书记": "书记", "兼职第一书记": "第一书记"}
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_BOLD = QFont()
_BOLD.setBold(True)


def tr(text: str) -> str:
    return QCoreApplication.translate("DutyGrid", text)


def kind_text(kind: Kind | None) -> str:
    return tr("未记录") if kind is None else tr(KIND_STYLES[kind].label)


def mark_of(kind: Kind | None) -> str:
    return "" if kind is None else KIND_STYLES[kind].mark


def parse_mark(text: str) -> Kind | None:
    """A pasted cell: a mark (√ 会 假 ×), a kind's name, a key (1–4, Z H J Q) or blank."""
    raw = text.strip()
    if not raw or raw in ("0", "-", "—"):
        return None
    if raw in MARKS:
        return MARKS[raw]
    keys = {"1": Kind.PRESENT, "2": Kind.MEETING, "3": Kind.LEAVE, "4": Kind.ABSENT}
    keys |= {"Z": Kind.PRESENT, "H": Kind.MEETING, "J": Kind.LEAVE, "Q": Kind.ABSENT}
    if raw.upper() in keys:
        return keys[raw.upper()]
    if raw in ("✓", "✔", "v", "V"):
        return Kind.PRESENT
    if raw in ("x", "X", "✗"):
        return Kind.ABSENT
    return Kind.parse(raw)  # 在村 / 会议培训 / 请假 / 缺勤, else DomainError


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


def period_line(p: PeriodResult, running: bool = False) -> str:
    """One week or month as the tooltips list it: label, its days, the rules' note.

    A period still running (``p`` judged as if it had ended) says where it stands.
    """
    label = p.label
    if p.is_week:  # say which days
        label += f"（{p.first.month}/{p.first.day}–{p.last.month}/{p.last.day}）"
    if running:
        return (
            tr("%1 进行中：已在村%2天，要求%3天")
            .replace("%1", label)
            .replace("%2", str(p.present))
            .replace("%3", str(p.required))
        )
    if p.met is False:  # the note says how many days there were and should have been
        return f"{label} {p.note}"
    return (
        tr("%1 在村%2天，%3")
        .replace("%1", label)
        .replace("%2", str(p.present))
        .replace("%3", p.note)
    )


def row_label(row: GridRow) -> str:
    roles = "、".join(_SHORT_ROLES.get(r, r) for r in row.roles) or tr("无任职")
    villages = "/".join(row.villages)
    post = f"{roles}·{villages}" if villages else roles
    return f"{row.cadre_no} {row.name}  {post}"


def required_text(row: GridRow) -> str:
    parts = []
    if row.stationed:
        parts.append(
            "—" if row.required_days is None else tr("%1天").replace("%1", str(row.required_days))
        )
    if row.part_time:
        parts.append(tr("周%1天").replace("%1", str(row.weekly_min_days)))
    return "+".join(parts) or "—"


def status_text(row: GridRow) -> str:
    """达标 / 未达标 with met/judged weeks for part-time posts; 进行中 while nothing ended."""
    if row.judged == 0:
        if row.running:
            return tr("进行中")
        return tr("不考核") if row.roles else "—"
    word = tr("达标") if row.ok else tr("未达标")
    if not row.part_time:
        return word
    unit = tr("周") if not row.stationed else ""
    return f"{word} {row.met}/{row.judged}{unit}"


def status_tooltip(row: GridRow) -> str:
    if not row.periods:
        return tr("本月没有任职，不考核")
    running = {(p.label, p.first): p for p in row.running}
    lines = []
    for p in row.periods:
        now = running.get((p.label, p.first))
        lines.append(period_line(now, running=True) if now else period_line(p))
    return "\n".join(lines)


class DutyGridModel(QAbstractTableModel):
    """Columns: the month's days (0 … n−1), then :attr:`SUMMARY` (出勤, 请假, 要求, 达标)."""

    S_PRESENT, S_LEAVE, S_REQUIRED, S_STATUS = range(4)
    SUMMARY_HEADERS = ("出勤", "请假", "要求", "达标")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: GridData | None = None
        self._days: tuple[date, ...] = ()
        self._rows: tuple[GridRow, ...] = ()
        self.today: date = date.today()

    # -- shape ----------------------------------------------------------------------------
    @property
    def day_count(self) -> int:
        return len(self._days)

    def summary_column(self, which: int) -> int:
        return self.day_count + which

    def is_day(self, column: int) -> bool:
        return 0 <= column < self.day_count

    def day_at(self, column: int) -> date:
        return self._days[column]

    def column_of(self, day: date) -> int:
        return self._days.index(day)

    def row_at(self, row: int) -> GridRow:
        return self._rows[row]

    def row_of(self, cadre_no: str) -> int:
        return next(i for i, r in enumerate(self._rows) if r.cadre_no == cadre_no)

    def set_grid(self, grid: GridData, today: date) -> None:
        same = (
            self.grid is not None
            and grid.month == self.grid.month
            and [r.cadre_no for r in grid.rows] == [r.cadre_no for r in self._rows]
        )
        if not same:
            self.beginResetModel()
        self.grid, self._days, self._rows, self.today = grid, grid.days, grid.rows, today
        if same:
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
                )
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)
        else:
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self._days else len(self._days) + 4

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_day(index.column()):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled

    # -- headers --------------------------------------------------------------------------
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return self._row_header(section, role)
        if self.is_day(section):
            day = self._days[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{day.day}\n{WEEKDAYS[day.weekday()]}"
            if role == Qt.ItemDataRole.ForegroundRole:
                if day > self.today:
                    return QBrush(QColor(FUTURE_HEADER))
                return QBrush(QColor(WEEKEND_HEADER)) if day.weekday() >= 5 else None
            if role == Qt.ItemDataRole.FontRole and day == self.today:
                return _BOLD
            if role == Qt.ItemDataRole.ToolTipRole:
                extra = (
                    tr("（今天）")
                    if day == self.today
                    else tr("（未到）")
                    if day > self.today
                    else ""
                )
                return day_label(day) + extra
            return None
        which = section - self.day_count
        if 0 <= which < 4:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(self.SUMMARY_HEADERS[which])
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    tr("在村与会议培训天数"),
                    tr("请假天数"),
                    tr(
                        "驻村干部：本月应在村天数（按任职天数折算，请假天数抵减）；兼职：每周应在村天数"
                    ),
                    tr("驻村干部按月、兼职按周（周一至周日）考核；未达标显示为红色"),
                )[which]
        return None

    def _row_header(self, section: int, role: int) -> Any:
        if not 0 <= section < len(self._rows):
            return None
        row = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return row_label(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and row.ok is False:
            return QBrush(QColor(NOT_MET_LABEL))
        if role == Qt.ItemDataRole.ToolTipRole:
            posts = "、".join(row.roles) or tr("无任职")
            return f"{row.cadre_no} {row.name}\n{posts}：{'、'.join(row.villages)}"
        return None

    # -- cells ----------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if self.is_day(column):
            return self._day_data(row, self._days[column], role)
        return self._summary_data(row, column - self.day_count, role)

    def _day_data(self, row: GridRow, day: date, role: int) -> Any:
        kind = row.cells.get(day)
        if role == Qt.ItemDataRole.DisplayRole:
            return mark_of(kind)
        if role == KIND_ROLE:
            return kind
        if role == DAY_ROLE:
            return day
        if role == WEEKEND_ROLE:
            return day.weekday() >= 5
        if role == FUTURE_ROLE:
            return day > self.today
        if role == COVERED_ROLE:
            return row.covers(day)
        if role == FAILED_ROLE:
            return any(
                p.met is False and p.is_week for p in row.periods if p.first <= day <= p.last
            )
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(KIND_STYLES[kind].colour)) if kind else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(KIND_STYLES[kind].fill)) if kind else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_tooltip(row, day)
        return None

    def cell_tooltip(self, row: GridRow, day: date) -> str:
        lines = [f"{row.name} {day_label(day)}：{kind_text(row.cells.get(day))}"]
        if not row.covers(day):
            lines.append(tr("该日不在任职期内，不计入驻村时限考核"))
        running = {(p.label, p.first) for p in row.running}
        for p in row.periods_on(day):
            lines.append(period_line(p, running=(p.label, p.first) in running))
        if day > self.today:
            lines.append(tr("该日尚未到来"))
        if self.grid is not None and self.grid.approved:
            lines.append(tr(APPROVED_NOTE))
        return "\n".join(lines)

    def _summary_data(self, row: GridRow, which: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if which == self.S_PRESENT:
                return str(row.present)
            if which == self.S_LEAVE:
                return str(row.leave) if row.leave else ""
            if which == self.S_REQUIRED:
                return required_text(row)
            return status_text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        not_met = which == self.S_STATUS and row.ok is False
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(RED)) if not_met else QBrush(QColor("#202020"))
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(RED_FILL)) if not_met else QBrush(QColor("#f4f6f8"))
        if role == Qt.ItemDataRole.FontRole and which in (self.S_PRESENT, self.S_STATUS):
            return _BOLD
        if role == Qt.ItemDataRole.ToolTipRole:
            if which == self.S_PRESENT:
                return (
                    tr("在村与会议培训 %1 天；请假 %2 天；缺勤 %3 天")
                    .replace("%1", str(row.present))
                    .replace("%2", str(row.leave))
                    .replace("%3", str(row.absent))
                )
            return status_tooltip(row)
        return None
