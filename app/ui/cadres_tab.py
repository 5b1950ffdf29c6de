"""干部与值班: the cadre roster, assignments, the duty grid, leave, checks, 民情日记 and
履职情况 — one page each (app/ui/cadres/), sharing one undo stack (Ctrl+Z in the tab)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.widgets.paged_tab import PagedTab


class CadresTab(PagedTab):
    PAGES = (
        ("roster", "花名册", "app.ui.cadres.roster:RosterPage"),
        ("assignments", "驻村安排", "app.ui.cadres.assignments:AssignmentsPage"),
        ("duty", "值班表", "app.ui.cadres.duty:DutyGridPage"),
        ("leave", "请假/销假", "app.ui.cadres.leave:LeavePage"),
        ("checks", "查岗", "app.ui.cadres.checks:ChecksPage"),
        ("diaries", "民情日记", "app.ui.cadres.diaries:DiariesPage"),
        ("compliance", "履职情况", "app.ui.cadres.compliance:CompliancePage"),
    )

    def page_built(self, attr: str, page: QWidget) -> None:
        # an edit of attendance on the grid changes what the other pages show
        if hasattr(page, "attendance_changed"):
            page.attendance_changed.connect(lambda: self.refresh_others(attr))
