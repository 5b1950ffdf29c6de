"""村级类别: the county's villages by grade (一类 … 四类, counts and shares, as in the
quarterly summary), each township's, the upgrades, and every village with a filter by
township, grade and change. Villages that went up a class are highlighted.

Grades are those of the quarter's year (its assessment, else the latest before);
上年 is the year before's assessment.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment import GRADES
from app.reports.tabular import Table
from app.ui.county import EMPTY_STYLE, NOTE_STYLE, empty_stack, fit_rows, sorted_view
from app.ui.county.data import (
    CountyView,
    GradeRow,
    VillageRow,
    direct_villages,
    grade_rows,
    grade_total,
    quarter_label,
    share,
    upgrades,
    village_rows,
)
from app.ui.county.grade_bars import GradeBars
from app.ui.county.models import GradesModel, VillagesModel
from app.ui.models.table_model import ROW_ROLE
from app.ui.widgets.grades import grade_background, grade_foreground
from app.ui.widgets.tables import read_only_table

G, V = GradesModel, VillagesModel
CHANGES = (("", "全部"), ("升级", "升级"), ("降级", "降级"), ("持平", "持平"), ("-", "无法比较"))


def _card(text: str, background: str, foreground: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(
        f"QLabel {{ background: {background}; color: {foreground}; border: 1px solid {foreground};"
        " border-radius: 3px; padding: 4px 10px; font-weight: bold; }"
    )
    return label


class VillagesPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: CountyView | None = None
        self._villages: list[VillageRow] = []

        # the county's totals, as cards
        self.total_card = _card("", "#eef3f8", "#1f3a5f")
        self.grade_cards = {
            g: _card("", grade_background(g).color().name(), grade_foreground(g).color().name())
            for g in GRADES
        }
        cards = QHBoxLayout()
        cards.setSpacing(8)
        cards.addWidget(self.total_card)
        for g in GRADES:
            cards.addWidget(self.grade_cards[g])
        cards.addStretch(1)
        self.changes_label = QLabel()
        self.changes_label.setWordWrap(True)
        self.changes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # per township
        self.grades_model = GradesModel(self)
        widths = {G.COL_NAME: 96, G.COL_VILLAGES: 52, G.COL_UP: 52, G.COL_DOWN: 52}
        widths |= {G.FIRST_GRADE + i: 78 for i in range(len(GRADES))}
        self.grades_table = read_only_table(self.grades_model, widths, stretch=G.COL_NAME)
        self.grades_proxy = sorted_view(self.grades_table)
        self.totals_model = GradesModel(self)
        self.totals_table = read_only_table(self.totals_model, widths, stretch=G.COL_NAME)
        self.totals_table.horizontalHeader().hide()
        self.totals_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for bar in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
            policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if bar == Qt.Orientation.Horizontal:
                self.totals_table.setHorizontalScrollBarPolicy(policy)
            else:
                self.totals_table.setVerticalScrollBarPolicy(policy)
        self.totals_table.setFixedHeight(
            self.totals_table.verticalHeader().defaultSectionSize()
            + 2 * self.totals_table.frameWidth()
        )
        self.grades_table.horizontalHeader().sectionResized.connect(
            lambda i, _old, new: self.totals_table.setColumnWidth(i, new)
        )
        self.direct_label = QLabel()
        self.direct_label.setWordWrap(True)
        self.direct_label.setStyleSheet(NOTE_STYLE)
        self.direct_label.hide()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel(self.tr("<b>各乡镇村级类别</b>（点选乡镇可筛选右侧村名单）")))
        ll.addWidget(self.grades_table)
        ll.addWidget(self.totals_table)
        ll.addWidget(self.direct_label)
        ll.addSpacing(8)
        ll.addWidget(QLabel(self.tr("<b>各乡镇类别构成</b>")))
        self.bars = GradeBars()
        ll.addWidget(self.bars, 1)

        # every village
        self.township_combo = QComboBox()
        self.grade_combo = QComboBox()
        self.grade_combo.addItem(self.tr("全部"), "")
        for g in GRADES:
            self.grade_combo.addItem(self.tr(g), g)
        self.change_combo = QComboBox()
        for data, text in CHANGES:
            self.change_combo.addItem(self.tr(text), data)
        filters = QHBoxLayout()
        for text, combo in (
            (self.tr("乡镇(&T)："), self.township_combo),
            (self.tr("类别(&G)："), self.grade_combo),
            (self.tr("变化(&C)："), self.change_combo),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(6)
        filters.addStretch(1)
        self.count_label = QLabel()
        filters.addWidget(self.count_label)
        self.villages_model = VillagesModel(self)
        self.villages_table = read_only_table(
            self.villages_model,
            {
                V.COL_TOWNSHIP: 72,
                V.COL_CODE: 112,
                V.COL_GRADE: 56,
                V.COL_PREVIOUS: 56,
                V.COL_CHANGE: 72,
            },
            stretch=V.COL_NAME,
        )
        self.villages_proxy = sorted_view(self.villages_table)
        self.legend_label = QLabel()
        self.legend_label.setStyleSheet(NOTE_STYLE)
        self.legend_label.setWordWrap(True)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(filters)
        rl.addWidget(self.villages_table, 1)
        rl.addWidget(self.legend_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([570, 600])

        self.empty_label = QLabel(
            self.tr(
                "还没有导入乡镇上报文件，没有可汇总的村级类别。"
                "请先用 文件 → 导入乡镇上报文件… 导入各乡镇的季度上报文件。"
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.content = QWidget()
        cl = QVBoxLayout(self.content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(cards)
        cl.addWidget(self.changes_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        cl.addWidget(line)
        cl.addWidget(self.splitter, 1)
        self.stack = empty_stack(self.empty_label, self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

        for combo in (self.township_combo, self.grade_combo, self.change_combo):
            combo.currentIndexChanged.connect(lambda _i: self._filter())
        self.grades_table.selectionModel().currentRowChanged.connect(self._township_picked)
        self.set_view(None)

    # -- data ------------------------------------------------------------------------------
    def set_view(self, view: CountyView | None) -> None:
        self.view = view
        has = view is not None and bool(view.county["by_township"])
        self.stack.setCurrentIndex(1 if has else 0)
        if not has or view is None:
            self.grades_model.set_rows([])
            self.totals_model.set_rows([])
            self.bars.set_rows([])
            self._villages = []
            self.villages_model.set_rows([])
            return
        total = grade_total(view)
        self.total_card.setText(self.tr("全县 %1 个村").replace("%1", str(total.villages)))
        for g, card in self.grade_cards.items():
            n = total.by_grade[g]
            card.setText(
                self.tr("%1村 %2 个（%3）")
                .replace("%1", g)
                .replace("%2", str(n))
                .replace("%3", share(n, total.villages))
            )
        self.changes_label.setText(self._changes_text(view))
        rows = grade_rows(view)
        self.grades_model.set_rows(rows)
        fit_rows(self.grades_table, len(rows), 10)
        self.totals_model.set_rows([total])
        self.bars.set_rows([*rows, total])
        direct = direct_villages(view)
        self.direct_label.setText(
            self.tr(
                "“%1”为本县级数据库中直接录入的 %2 个村（如演示数据），计入全县合计，"
                "其村名单见“村情档案”标签页。"
            )
            .replace("%1", self.tr("县级库直接录入"))
            .replace("%2", str(direct))
        )
        self.direct_label.setVisible(direct > 0)
        self._villages = village_rows(view)
        self._fill_townships()
        self.legend_label.setText(
            self.tr(
                "类别为 %1 年考核定级（尚未考核的按最近一次定级）；上年为 %2 年考核定级。"
                "绿色底色的行为升级的村。"
            )
            .replace("%1", str(view.quarter.year))
            .replace("%2", str(view.quarter.year - 1))
        )
        self._filter()

    def _changes_text(self, view: CountyView) -> str:
        ch = upgrades(view)

        def listed(counts: dict[str, int]) -> str:
            return "，".join(f"{k} {n}" for k, n in counts.items())

        up, down = sum(ch.up.values()), sum(ch.down.values())
        when = (
            self.tr("%1 年与 %2 年考核相比：")
            .replace("%1", str(view.quarter.year))
            .replace("%2", str(view.quarter.year - 1))
        )
        parts = [
            f'<span style="color:#14501a"><b>{self.tr("升级 %1 个村").replace("%1", str(up))}</b>'
            + (f"（{listed(ch.up)}）" if up else "")
            + "</span>",
            f'<span style="color:#b00020"><b>{self.tr("降级 %1 个村").replace("%1", str(down))}</b>'
            + (f"（{listed(ch.down)}）" if down else "")
            + "</span>",
        ]
        return when + "；".join(parts)

    def _fill_townships(self) -> None:
        chosen = self.township_combo.currentData()
        self.township_combo.blockSignals(True)
        self.township_combo.clear()
        self.township_combo.addItem(self.tr("全部乡镇"), "")
        seen: dict[str, str] = {}
        for v in self._villages:
            seen.setdefault(v.township_code, v.township_name)
        for code, name in seen.items():
            self.township_combo.addItem(name, code)
        index = self.township_combo.findData(chosen) if chosen else 0
        self.township_combo.setCurrentIndex(max(index, 0))
        self.township_combo.blockSignals(False)

    # -- filter ------------------------------------------------------------------------------
    def set_filter(self, township: str = "", grade: str = "", change: str = "") -> None:
        """Show the villages of ``township`` (code), ``grade`` and ``change`` ("" for all)."""
        for combo, data in (
            (self.township_combo, township),
            (self.grade_combo, grade),
            (self.change_combo, change),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(data), 0))
            combo.blockSignals(False)
        self._filter()

    def _filter(self) -> None:
        township = self.township_combo.currentData() or ""
        grade = self.grade_combo.currentData() or ""
        change = self.change_combo.currentData() or ""
        rows = [
            v
            for v in self._villages
            if (not township or v.township_code == township)
            and (not grade or v.grade == grade)
            and (not change or (v.change or "-") == change)
        ]
        self.villages_model.set_rows(rows)
        ups = sum(1 for v in rows if v.change == "升级")
        self.count_label.setText(
            self.tr("%1 个村，其中升级 %2 个").replace("%1", str(len(rows))).replace("%2", str(ups))
        )

    def _township_picked(self, current, _previous) -> None:
        if not current.isValid():
            return
        row: GradeRow = current.data(ROW_ROLE)
        if row.code:
            self.set_filter(row.code, self.grade_combo.currentData() or "", "")

    def select_township(self, code: str) -> bool:
        for r in range(self.grades_proxy.rowCount()):
            if self.grades_proxy.index(r, 0).data(ROW_ROLE).code == code:
                self.grades_table.selectionModel().setCurrentIndex(
                    self.grades_proxy.index(r, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    # -- reading back --------------------------------------------------------------------------
    def grade_rows(self) -> list[GradeRow]:
        return [
            self.grades_proxy.index(r, 0).data(ROW_ROLE)
            for r in range(self.grades_proxy.rowCount())
        ]

    def village_rows(self) -> list[VillageRow]:
        """The villages shown, in the order shown."""
        p = self.villages_proxy
        return [p.index(r, 0).data(ROW_ROLE) for r in range(p.rowCount())]

    def table_for_export(self, county_name: str) -> Table | None:
        if self.view is None:
            return None
        rows = self.village_rows()
        m = self.villages_model
        picked = [
            c.currentText()
            for c in (self.township_combo, self.grade_combo, self.change_combo)
            if c.currentIndex() > 0
        ]
        title = (
            self.tr("%1 %2 村级类别")
            .replace("%1", county_name)
            .replace("%2", quarter_label(self.view.quarter))
        )
        if picked:
            title += self.tr("（%1）").replace("%1", "、".join(picked))
        header = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
        return Table(
            title=title,
            header=header,
            rows=[[m.display(r, c).lstrip("↑↓ ") for c in range(m.columnCount())] for r in rows],
            footer=[[self.count_label.text()]],
            sheet_name=self.tr("村级类别"),
        )
