"""村情档案: the village list and a village's page (村庄), and all households (户情档案).

One :class:`TabUndo` serves the whole tab: village edits, yearly figures and the
households panels all push to it, so Ctrl+Z anywhere in the tab undoes the latest edit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QStackedWidget, QTabWidget, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.ui.undo import TabUndo
from app.ui.villages.actions import VillageActions
from app.ui.villages.households import PanelFactory, households_panel
from app.ui.villages.list_page import VillageList, VillageTableModel
from app.ui.villages.page import VillagePage

__all__ = ["VillageTableModel", "VillagesTab"]


class VillagesTab(QWidget):
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], date] = date.today,
        panel_factory: PanelFactory = households_panel,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._panel_factory = panel_factory
        self.undo = TabUndo(self, db, self.refresh)
        self.actions = VillageActions(db, self.undo, self)

        self.list = VillageList(db, self.actions, clock=clock)
        self.page = VillagePage(
            db, self.undo, self.actions, clock=clock, panel_factory=panel_factory
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.page)

        # all households of the database, built when first shown
        self.all_households: Any = None  # a HouseholdsPanel, built when first shown
        self._all_box = QWidget()
        QVBoxLayout(self._all_box).setContentsMargins(0, 0, 0, 0)

        self.inner = QTabWidget()
        self.inner.setDocumentMode(True)
        self.villages_index = self.inner.addTab(self.stack, self.tr("村庄"))
        self.households_index = self.inner.addTab(self._all_box, self.tr("户情档案"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.inner)

        # the list's widgets, as the window and its tests know them
        self.model = self.list.model
        self.table = self.list.table
        self.filter_edit = self.list.filter_edit
        self.grade_combo = self.list.grade_combo
        self.cadre_combo = self.list.cadre_combo
        self.count_label = self.list.count_label
        self.empty_label = self.list.empty_label

        self.list.open_requested.connect(self.open_village)
        self.page.back_requested.connect(self.show_list)
        self.actions.village_saved.connect(self._saved)
        self.actions.village_deleted.connect(self._deleted)
        self.inner.currentChanged.connect(self._inner_shown)
        self._stale_households = False

    # -- navigation --------------------------------------------------------------------
    def open_village(self, code: str) -> VillagePage:
        self.inner.setCurrentIndex(self.villages_index)
        self.page.show_village(code)
        if self.page.code == code:
            self.stack.setCurrentWidget(self.page)
            self.page.sections.setFocus()
        return self.page

    def show_list(self) -> None:
        code = self.page.code
        self.stack.setCurrentWidget(self.list)
        self.list.refresh()
        if code is not None:
            self.list.select(code)
        self.table.setFocus()

    def showing_page(self) -> bool:
        return self.stack.currentWidget() is self.page

    def _saved(self, code: str) -> None:
        if not self.showing_page():
            self.list.select(code)

    def _deleted(self, code: str) -> None:
        if self.page.code == code:
            self.page.code = None
            self.show_list()

    def _inner_shown(self, index: int) -> None:
        if index != self.households_index:
            return
        if self.all_households is None:
            self.all_households = self._panel_factory(self._db, self.undo, None)
            self._all_box.layout().addWidget(self.all_households)
            self.all_households.show()
        elif self._stale_households:
            self.all_households.refresh()
        self._stale_households = False

    # -- loading -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload what is shown; the other households panel reloads when next shown."""
        self.list.refresh()
        if self.showing_page():
            self.page.refresh()
        if self.all_households is not None:
            if self.inner.currentIndex() == self.households_index:
                self.all_households.refresh()
            else:
                self._stale_households = True
