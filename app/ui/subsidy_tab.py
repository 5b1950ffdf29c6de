"""补助发放: 月度补助表 (a month's sheet, approval, printing), 补助标准 (rates with their
history) and 年度汇总 (a year per cadre) — one page each (app/ui/subsidy/), sharing one
undo stack (Ctrl+Z in the tab undoes a rate added or deleted).

Pages are built when first shown. The tab re-reads the page in view whenever it is shown
again, since attendance may have been edited in another tab meanwhile.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.domain.periods import Month
from app.ui.widgets.paged_tab import PagedTab


class SubsidyTab(PagedTab):
    PAGES = (
        ("sheet", "月度补助表", "app.ui.subsidy.sheet:SheetPage"),
        ("rates", "补助标准", "app.ui.subsidy.rates:RatesPage"),
        ("year", "年度汇总", "app.ui.subsidy.year:YearPage"),
    )

    def page_built(self, attr: str, page: QWidget) -> None:
        if hasattr(page, "approval_changed"):
            page.approval_changed.connect(lambda: self.refresh_others(attr))
        if hasattr(page, "open_month"):
            page.open_month.connect(self.show_month)

    def show_month(self, month: Month) -> None:
        """Show the sheet of ``month``."""
        self.show_page("sheet").set_month(month)

    # the sheet page's widgets, as the window and older callers know them
    def month(self) -> Month:
        return self.page("sheet").month()

    def set_month(self, month: Month) -> None:
        self.page("sheet").set_month(month)

    @property
    def message_label(self) -> QLabel:
        return self.page("sheet").message_label
