"""补助发放: 月度补助表 (a month's sheet, approval, printing), 补助标准 (rates with their
history) and 年度汇总 (a year per cadre) — one page each (app/ui/subsidy/), sharing one
undo stack (Ctrl+Z in the tab undoes a rate added or deleted).

Pages are built when first shown. The tab re-reads the page in view whenever it is shown
again, since attendance may have been edited in another tab meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.domain.periods import Month
from app.ui.undo import TabUndo


def _sheet(db, undo, clock):
    from app.ui.subsidy.sheet import SheetPage

    return SheetPage(db, undo, clock=clock)


def _rates(db, undo, clock):
    from app.ui.subsidy.rates import RatesPage

    return RatesPage(db, undo, clock=clock)


def _year(db, undo, clock):
    from app.ui.subsidy.year import YearPage

    return YearPage(db, undo, clock=clock)


# (attribute, label, factory) in the order of the inner tab bar
PAGES = (
    ("sheet", "月度补助表", _sheet),
    ("rates", "补助标准", _rates),
    ("year", "年度汇总", _year),
)


class SubsidyTab(QWidget):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._db, self._clock = db, clock
        self.undo = TabUndo(self, db, self._refresh_current)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self._built: dict[str, QWidget] = {}
        for attr, label, _factory in PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            holder.setObjectName(attr)
            self.pages.addTab(holder, self.tr(label))
        self.pages.currentChanged.connect(self._ensure_built)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # -- pages -------------------------------------------------------------------------
    def page(self, attr: str) -> QWidget:
        """The page named ``attr`` (built on first use)."""
        if attr not in self._built:
            index = self._index(attr)
            page = PAGES[index][2](self._db, self.undo, self._clock)
            self.pages.widget(index).layout().addWidget(page)
            self._built[attr] = page
            page.show()  # now, not when the event loop next runs (a shown page reads)
            if page._stale:
                page.refresh()
            if hasattr(page, "approval_changed"):
                page.approval_changed.connect(lambda a=attr: self._refresh_others(a))
            if hasattr(page, "open_month"):
                page.open_month.connect(self.show_month)
        return self._built[attr]

    def __getattr__(self, name: str):
        if name in {a for a, _l, _f in PAGES}:
            return self.page(name)
        raise AttributeError(name)

    @staticmethod
    def _index(attr: str) -> int:
        return next(i for i, (a, _l, _f) in enumerate(PAGES) if a == attr)

    def show_page(self, attr: str) -> QWidget:
        page = self.page(attr)
        self.pages.setCurrentIndex(self._index(attr))
        return page

    def show_month(self, month: Month) -> None:
        """Show the sheet of ``month``."""
        sheet = self.show_page("sheet")
        sheet.set_month(month)

    # the sheet page's widgets, as the window and older callers know them
    def month(self) -> Month:
        return self.page("sheet").month()

    def set_month(self, month: Month) -> None:
        self.page("sheet").set_month(month)

    @property
    def message_label(self) -> QLabel:
        return self.page("sheet").message_label

    # -- refreshing --------------------------------------------------------------------
    def _ensure_built(self, index: int) -> None:
        self.page(PAGES[index][0])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ensure_built(self.pages.currentIndex())

    def hideEvent(self, event) -> None:
        # attendance or people may change in another tab: re-read when shown again
        super().hideEvent(event)
        for page in self._built.values():
            page._stale = True

    def _refresh_current(self) -> None:
        current = PAGES[self.pages.currentIndex()][0]
        if current in self._built:
            self._built[current].refresh()

    def _refresh_others(self, source: str) -> None:
        for attr, page in self._built.items():
            if attr == source:
                continue
            if page.isVisible():
                page.refresh()
            else:
                page._stale = True

    def refresh(self) -> None:
        """Re-read the page in view; the others re-read when next shown."""
        current = PAGES[self.pages.currentIndex()][0]
        for attr, page in self._built.items():
            if attr == current:
                page.refresh()
            else:
                page._stale = True
        self.page(current)  # built (and read) on first use
