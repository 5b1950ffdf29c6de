"""履职与补助: per township, the quarter's cadres, days present, periods met of those
judged, unexcused absences at checks, subsidy paid, meetings and 办实事, with the
county's total under them; the township picked shows its cadres.

Money is integer fen from the townships' yuan strings (``parse_yuan``), never a float.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.money import fen_to_decimal, format_yuan
from app.reports.quarterly import summary_table
from app.reports.tabular import Table
from app.ui.county import (
    EMPTY_STYLE,
    NOTE_STYLE,
    TownshipSelection,
    empty_stack,
    fit_rows,
    sorted_view,
)
from app.ui.county.data import (
    CadreRow,
    CountyView,
    DutyRow,
    cadre_rows,
    duty_rows,
    duty_total,
    quarter_label,
    rate,
)
from app.ui.county.models import CadresModel, DutyModel, SummaryModel
from app.ui.models.table_model import ROW_ROLE
from app.ui.widgets.tables import read_only_table

D, C = DutyModel, CadresModel


class DutyPage(TownshipSelection, QWidget):
    CODE = "code"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: CountyView | None = None

        self.model = DutyModel(self)
        widths = {
            D.COL_CADRES: 64,
            D.COL_PRESENT: 80,
            D.COL_PERIODS: 116,
            D.COL_RATE: 72,
            D.COL_ABSENT: 92,
            D.COL_SUBSIDY: 120,
            D.COL_MEETINGS: 64,
            D.COL_MATTERS: 64,
        }
        widths[D.COL_NAME] = 120
        self.table = read_only_table(self.model, widths)
        self.proxy = sorted_view(self.table)
        self.totals_model = DutyModel(self)
        self.totals_table = read_only_table(self.totals_model, widths)
        self.totals_table.horizontalHeader().hide()
        self.totals_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.setFixedHeight(
            self.totals_table.verticalHeader().defaultSectionSize()
            + 2 * self.totals_table.frameWidth()
        )
        self.total_label = QLabel()
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.cadres_label = QLabel()
        self.cadres_model = CadresModel(self)
        self.cadres_table = read_only_table(
            self.cadres_model,
            {
                C.COL_NO: 72,
                C.COL_NAME: 72,
                C.COL_ROLE: 110,
                C.COL_PERIODS: 90,
                C.COL_RATE: 72,
                C.COL_PRESENT: 80,
                C.COL_ABSENT: 92,
                C.COL_SUBSIDY: 96,
            },
            stretch=C.COL_ROLE,
        )
        self.cadres_proxy = sorted_view(self.cadres_table)
        self.legend_label = QLabel(
            self.tr(
                "达标/考核：达标的周（兼职书记、兼职第一书记）或月（驻村干部）数 / 考核的周或月数，"
                "未全部达标的以红字显示。补助含补发、扣回。"
            )
        )
        self.legend_label.setWordWrap(True)
        self.legend_label.setStyleSheet(NOTE_STYLE)
        cadres = QVBoxLayout()
        cadres.addWidget(self.cadres_label)
        cadres.addWidget(self.cadres_table, 1)
        cadres.addWidget(self.legend_label)

        # the township's own quarterly summary, as it printed it
        self.summary_label = QLabel()
        self.summary_model = SummaryModel(self)
        self.summary_table = read_only_table(self.summary_model, {0: 170}, stretch=1)
        summary = QVBoxLayout()
        summary.addWidget(self.summary_label)
        summary.addWidget(self.summary_table, 1)
        bottom = QHBoxLayout()
        bottom.addLayout(cadres, 3)
        bottom.addSpacing(6)
        bottom.addLayout(summary, 2)

        self.content = QWidget()
        cl = QVBoxLayout(self.content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(QLabel(self.tr("<b>各乡镇履职与补助</b>（点选乡镇查看其干部）")))
        cl.addWidget(self.table)
        cl.addWidget(self.totals_table)
        cl.addWidget(self.total_label)
        cl.addLayout(bottom, 1)

        self.empty_label = QLabel(
            self.tr(
                "还没有导入乡镇上报文件，没有可汇总的履职与补助数据。"
                "请先用 文件 → 导入乡镇上报文件… 导入各乡镇的季度上报文件。"
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.stack = empty_stack(self.empty_label, self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show_cadres())
        self.table.horizontalHeader().sectionResized.connect(
            lambda i, _old, new: self.totals_table.setColumnWidth(i, new)
        )
        self.set_view(None)

    # -- data ------------------------------------------------------------------------------
    def set_view(self, view: CountyView | None) -> None:
        chosen = self.current_township()
        self.view = view
        has = view is not None and bool(view.county["by_township"])
        self.stack.setCurrentIndex(1 if has else 0)
        if not has or view is None:
            self.model.set_rows([])
            self.totals_model.set_rows([])
            self.cadres_model.set_rows([])
            return
        rows = duty_rows(view)
        self.model.set_rows(rows)
        fit_rows(self.table, len(rows), 8)
        total = duty_total(view)
        self.totals_model.set_rows([total])
        r = rate(total.met, total.judged)
        self.total_label.setText(
            self.tr("%1 全县：%2 名干部，达标率 %3，补助合计 %4 元。")
            .replace("%1", quarter_label(view.quarter))
            .replace("%2", str(total.cadres))
            .replace("%3", "—" if r is None else f"{r}%")
            .replace("%4", format_yuan(total.subsidy_fen))
        )
        if not (chosen and self.select_township(chosen)):
            self.select_row(0)
        self._show_cadres()

    def _show_cadres(self) -> None:
        index = self.table.selectionModel().currentIndex()
        if self.view is None or not index.isValid():
            self.cadres_model.set_rows([])
            self.cadres_label.setText("")
            self.summary_model.set_rows([])
            self.summary_label.setText("")
            return
        row: DutyRow = index.data(ROW_ROLE)
        report = (self.view.figures.get(row.code) or {}).get("report")
        if report is not None:
            self.summary_model.set_rows(
                list(summary_table(row.name, self.view.quarter, report).rows)[1:]
            )
            self.summary_label.setText(self.tr("<b>%1 季度小结</b>").replace("%1", row.name))
        else:
            self.summary_model.set_rows([])
            self.summary_label.setText("")
        if not row.code:
            self.cadres_model.set_rows([])
            self.cadres_label.setText(
                self.tr("县级库直接录入的干部见“干部与值班”和“补助发放”标签页。")
            )
            return
        cadres = cadre_rows(self.view, row.code)
        self.cadres_model.set_rows(cadres)
        short = sum(1 for c in cadres if c.judged and c.met < c.judged)
        self.cadres_label.setText(
            self.tr("<b>%1 干部</b>（%2 人，未全部达标 %3 人，补助合计 %4 元）")
            .replace("%1", row.name)
            .replace("%2", str(len(cadres)))
            .replace("%3", str(short))
            .replace("%4", format_yuan(sum(c.subsidy_fen for c in cadres)))
        )

    # -- reading back --------------------------------------------------------------------------
    def rows(self) -> list[DutyRow]:
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def cadres(self) -> list[CadreRow]:
        p = self.cadres_proxy
        return [p.index(r, 0).data(ROW_ROLE) for r in range(p.rowCount())]

    def table_for_export(self, county_name: str) -> Table | None:
        if self.view is None or not self.rows():
            return None
        m = self.model

        def line(r: DutyRow) -> list:
            out: list = [m.display(r, c) for c in range(m.columnCount())]
            for c in (D.COL_CADRES, D.COL_PRESENT, D.COL_ABSENT, D.COL_MEETINGS, D.COL_MATTERS):
                out[c] = m.value(r, c)
            out[D.COL_SUBSIDY] = fen_to_decimal(r.subsidy_fen)
            return out

        return Table(
            title=self.tr("%1 %2 驻村干部履职与补助")
            .replace("%1", county_name)
            .replace("%2", quarter_label(self.view.quarter)),
            header=[m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())],
            rows=[line(r) for r in self.rows()],
            footer=[line(duty_total(self.view))],
            sheet_name=self.tr("履职与补助"),
            number_columns=frozenset(DutyModel.RIGHT_ALIGNED),
        )
