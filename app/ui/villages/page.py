"""The village page: base data, yearly figures with their changes, grade history, cadres
now and before, the village's households and how complete their files are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import villages as vdb
from app.db.villages import Completeness
from app.sheets.kinds import VILLAGES
from app.ui.undo import TabUndo
from app.ui.villages.actions import VillageActions
from app.ui.villages.households import PanelFactory, households_panel
from app.ui.villages.models import (
    DOWN,
    UP,
    CadreTableModel,
    GradeTableModel,
    GroupTableModel,
    MissingTableModel,
    YearTableModel,
)
from app.ui.widgets.grades import grade_background, grade_foreground
from app.ui.widgets.tables import read_only_table

Y, G, C = YearTableModel, GradeTableModel, CadreTableModel
#: base data shown on the page: the register sheet's columns, then the situation
_BASE_FIELDS = [(c.field, c.header) for c in VILLAGES.columns] + [("situation", "村情")]


def _t(text: str, *args: object) -> str:
    """``text`` translated, with %1, %2 … filled in."""
    out = QCoreApplication.translate("VillagePage", text)
    for i, arg in enumerate(args, start=1):
        out = out.replace(f"%{i}", str(arg))
    return out


def completeness_text(c: Completeness) -> str:
    """``户情档案 42 %`` as the seed counts it."""
    return _t("户情档案 —") if c.percent is None else _t("户情档案 %1 %", c.percent)


def completeness_details(c: Completeness) -> str:
    if c.percent is None:
        return _t("还没有农户，也没有登记户数。")
    base = (
        _t("登记户数 %1 户", c.register)
        if c.register
        else _t("登记户数未填，按已录入的 %1 户计算", c.entered)
    )
    text = _t(
        "已走访建档 %1 户 ÷ %2 = %3 %；已录入但未走访 %4 户（见右表）；尚未建档 %5 户。",
        c.filed,
        base,
        c.percent,
        c.unvisited,
        c.not_entered,
    )
    if c.register_short:
        text += _t("已录入 %1 户，多于登记户数，请核对村情登记中的户数。", c.entered)
    return text


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 6, 6, 6)
    lay.addWidget(widget)
    return box


class VillagePage(QWidget):
    """One village's file; ``back_requested`` when the clerk goes back (or it is gone)."""

    back_requested = Signal()

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        actions: VillageActions,
        *,
        clock: Callable[[], date] = date.today,
        panel_factory: PanelFactory = households_panel,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._actions = db, undo, actions
        self._clock = clock
        self._panel_factory = panel_factory
        self.code: str | None = None
        self.households: Any = None  # a HouseholdsPanel, built when first shown
        self.completeness: Completeness | None = None

        # -- header ----------------------------------------------------------------------
        self.back_button = QPushButton(self.tr("← 村庄列表"))
        self.back_button.setToolTip(self.tr("回到村庄列表（Alt+←）"))
        self.title_label = QLabel()
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.info_label = QLabel()
        self.grade_label = QLabel()
        self.grade_label.setContentsMargins(8, 2, 8, 2)
        self.completeness_label = QLabel()
        bold = QFont(self.completeness_label.font())
        bold.setBold(True)
        self.completeness_label.setFont(bold)
        self.edit_button = QPushButton(self.tr("编辑基本信息…"))
        self.delete_button = QPushButton(self.tr("删除村"))
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(8)
        header.addWidget(self.title_label)
        header.addWidget(self.grade_label)
        header.addWidget(self.info_label)
        header.addStretch(1)
        header.addWidget(self.completeness_label)
        header.addSpacing(12)
        header.addWidget(self.edit_button)
        header.addWidget(self.delete_button)

        self.sections = QTabWidget()
        self.sections.addTab(self._overview(), self.tr("概况"))
        self.sections.addTab(self._years(), self.tr("年度数据"))
        self._households_box = QWidget()
        QVBoxLayout(self._households_box).setContentsMargins(0, 0, 0, 0)
        self.households_index = self.sections.addTab(self._households_box, self.tr("农户"))
        self.files_index = self.sections.addTab(self._files(), self.tr("建档进度"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.sections, 1)

        self.back_button.clicked.connect(self.back_requested)
        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        self.sections.currentChanged.connect(self._section_shown)

    # -- sections ----------------------------------------------------------------------
    def _overview(self) -> QWidget:
        self.base_labels: dict[str, QLabel] = {}
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for field, header in _BASE_FIELDS:
            label = QLabel()
            label.setWordWrap(field in ("situation", "notes", "leading_industry"))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName(field)
            form.addRow(self.tr(header) + "：", label)
            self.base_labels[field] = label

        self.grade_summary = QLabel()
        self.grade_summary.setWordWrap(True)
        self.grade_model = GradeTableModel(self)
        self.grade_table = read_only_table(
            self.grade_model,
            {G.COL_YEAR: 60, G.COL_TOTAL: 60, G.COL_GRADE: 60, G.COL_MOVE: 100},
            stretch=G.COL_CHANGE,
        )
        grades = QWidget()
        lay = QVBoxLayout(grades)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.grade_summary)
        lay.addWidget(self.grade_table)

        self.cadre_model = CadreTableModel(self)
        self.cadre_table = read_only_table(
            self.cadre_model,
            {C.COL_NAME: 80, C.COL_ROLE: 100, C.COL_PERIOD: 190, C.COL_STATUS: 50},
            stretch=C.COL_POST,
        )

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_group(self.tr("党组织类别（历年考核）"), grades))
        right.addWidget(_group(self.tr("驻村干部与兼职书记（现任、曾任）"), self.cadre_table))
        page = QSplitter(Qt.Orientation.Horizontal)
        page.addWidget(_group(self.tr("基本信息"), form_box))
        page.addWidget(right)
        page.setStretchFactor(0, 2)
        page.setStretchFactor(1, 3)
        page.setSizes([420, 640])
        return page

    def _years(self) -> QWidget:
        self.add_year_button = QPushButton(self.tr("新增年度数据…"))
        self.edit_year_button = QPushButton(self.tr("编辑…"))
        self.delete_year_button = QPushButton(self.tr("删除"))
        self.years_hint = QLabel(self.tr("“较上年”与上一年的数据相比；金额单位为元。"))
        buttons = QHBoxLayout()
        for b in (self.add_year_button, self.edit_year_button, self.delete_year_button):
            buttons.addWidget(b)
        buttons.addSpacing(12)
        buttons.addWidget(self.years_hint)
        buttons.addStretch(1)
        self.year_model = YearTableModel(self)
        self.year_table = read_only_table(
            self.year_model,
            {
                Y.COL_YEAR: 52,
                Y.COL_POPULATION: 62,
                Y.COL_POPULATION_CHANGE: 56,
                Y.COL_HOUSEHOLDS: 52,
                Y.COL_HOUSEHOLDS_CHANGE: 52,
                Y.COL_MEMBERS: 56,
                Y.COL_MEMBERS_CHANGE: 52,
                Y.COL_INCOME: 112,
                Y.COL_INCOME_CHANGE: 172,
                Y.COL_COLLECTIVE: 130,
                Y.COL_COLLECTIVE_CHANGE: 184,
            },
            stretch=Y.COL_NOTES,
        )
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addLayout(buttons)
        lay.addWidget(self.year_table)
        self.add_year_button.clicked.connect(self._add_year)
        self.edit_year_button.clicked.connect(self._edit_year)
        self.delete_year_button.clicked.connect(self._delete_year)
        self.year_table.activated.connect(lambda _i: self._edit_year())
        self.year_table.selectionModel().selectionChanged.connect(self._year_buttons)
        self.year_model.modelReset.connect(self._year_buttons)
        return box

    def _files(self) -> QWidget:
        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.group_model = GroupTableModel(self)
        self.group_table = read_only_table(
            self.group_model,
            {GroupTableModel.COL_GROUP: 110, GroupTableModel.COL_ENTERED: 70},
            stretch=GroupTableModel.COL_MISSING,
        )
        self.missing_model = MissingTableModel(self)
        self.missing_table = read_only_table(
            self.missing_model,
            {
                MissingTableModel.COL_NO: 150,
                MissingTableModel.COL_HEAD: 80,
                MissingTableModel.COL_GROUP: 80,
                MissingTableModel.COL_PHONE: 120,
            },
            stretch=MissingTableModel.COL_LOW_INCOME,
        )
        self.missing_table.setToolTip(self.tr("回车或双击打开农户页，补录走访记录"))
        self.missing_table.activated.connect(self._open_missing)
        self.missing_box = _group("", self.missing_table)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(_group(self.tr("各村民小组"), self.group_table))
        tables.addWidget(self.missing_box)
        tables.setSizes([380, 640])
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addWidget(self.files_label)
        lay.addWidget(tables, 1)
        return box

    # -- showing -----------------------------------------------------------------------
    def show_village(self, code: str) -> None:
        if code != self.code:
            self.code = code
            self._drop_households()
            self.sections.setCurrentIndex(0)
        self.refresh()

    def _drop_households(self) -> None:
        if self.households is not None:
            self.households.setParent(None)
            self.households.deleteLater()
            self.households = None

    def _section_shown(self, index: int) -> None:
        if index == self.households_index and self.code is not None:
            if self.households is None:
                self._households_panel()
            else:
                self.households.refresh()

    def _households_panel(self) -> Any:
        if self.households is None:
            assert self.code is not None
            self.households = self._panel_factory(self._db, self._undo, self.code)
            self._households_box.layout().addWidget(self.households)
            self.households.show()  # added to a shown parent: show it now, not later
        return self.households

    def _open_missing(self, index) -> None:
        """A household still without a visit: its page, to record one (三深入三查看)."""
        if not index.isValid() or self.code is None:
            return
        hh_no = self.missing_model.row_at(index.row()).hh_no
        self._households_panel().open_household(hh_no)

    def refresh(self) -> None:
        """Reload the page; back to the list if the village is gone (e.g. an undone add)."""
        if self.code is None:
            return
        record = vdb.village(self._db, self.code)
        if record is None:
            self.code = None
            self._drop_households()
            self.back_requested.emit()
            return
        self.title_label.setText(record["name"])
        grades = vdb.grade_history(self._db, self.code)
        current = grades[0].grade if grades else record["register_grade"]
        self.grade_label.setText(current or self.tr("未定类"))
        bg, fg = grade_background(current), grade_foreground(current)
        self.grade_label.setStyleSheet(
            f"background: {bg.color().name()}; color: {fg.color().name()}; border-radius: 3px;"
            if bg and fg
            else ""
        )
        self.info_label.setText(self.tr("村代码 %1").replace("%1", self.code))
        for field, label in self.base_labels.items():
            value = record.get(field)
            col = next((c for c in VILLAGES.columns if c.field == field), None)
            shown = "" if value is None else (col.show(value) if col else str(value))
            label.setText(shown or "—")
        self._show_grades(record.get("register_grade"), grades)
        self.cadre_model.set_rows(vdb.village_cadres(self._db, self.code, today=self._clock()))
        self.year_model.set_rows(vdb.village_years(self._db, self.code))
        self._show_files()
        if self.households is not None and self.sections.currentIndex() == self.households_index:
            self.households.refresh()

    def _show_grades(self, register: str | None, grades: list[vdb.GradeYear]) -> None:
        self.grade_model.set_rows(grades)
        text = self.tr("登记类别：%1").replace("%1", register or self.tr("未填"))
        if grades:
            latest = grades[0]
            text += self.tr("；%1 年考核：%2").replace("%1", str(latest.year))
            text = text.replace("%2", latest.grade)
            if latest.label:
                colour = UP if latest.change == "升级" else DOWN if latest.change == "降级" else ""
                move = f"{latest.label}，{latest.change}"
                text += (
                    f"（<span style='color:{colour}; font-weight:bold'>{move}</span>）"
                    if colour
                    else f"（{move}）"
                )
        else:
            text += self.tr("；还没有考核记录")
        self.grade_summary.setText(text)

    def _show_files(self) -> None:
        assert self.code is not None
        c = vdb.completeness(self._db, self.code)
        self.completeness = c
        self.completeness_label.setText(completeness_text(c))
        self.completeness_label.setToolTip(completeness_details(c))
        self.files_label.setText(completeness_details(c))
        self.group_model.set_rows(c.groups)
        self.missing_model.set_rows(vdb.unvisited_households(self._db, self.code))
        self.missing_box.setTitle(
            self.tr("还没有走访记录的农户（%1 户）").replace("%1", str(c.unvisited))
        )
        shown = "—" if c.percent is None else f"{c.percent} %"
        self.sections.setTabText(self.files_index, self.tr("建档 %1").replace("%1", shown))

    # -- edits -------------------------------------------------------------------------
    def _edit(self) -> None:
        if self.code is not None:
            self._actions.edit_village(self.code)

    def _delete(self) -> None:
        if self.code is not None:
            self._actions.delete_village(self.code)

    def current_year(self) -> int | None:
        index = self.year_table.currentIndex()
        if not index.isValid() or not self.year_table.selectionModel().isRowSelected(index.row()):
            return None
        return self.year_model.row_at(index.row()).year

    def select_year(self, year: int) -> None:
        for r, row in enumerate(self.year_model.rows()):
            if row.year == year:
                self.year_table.selectRow(r)

    def _year_buttons(self) -> None:
        chosen = self.current_year() is not None
        self.edit_year_button.setEnabled(chosen)
        self.delete_year_button.setEnabled(chosen)

    def _add_year(self):
        if self.code is None:
            return None
        years = [r.year for r in self.year_model.rows()]
        suggested = max(years) + 1 if years else self._clock().year
        return self._actions.add_year(self.code, suggested)

    def _edit_year(self):
        year = self.current_year()
        if self.code is None or year is None:
            return None
        return self._actions.edit_year(self.code, year)

    def _delete_year(self) -> None:
        year = self.current_year()
        if self.code is not None and year is not None:
            self._actions.delete_year(self.code, year)
