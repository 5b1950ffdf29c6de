"""周例会: the meetings of the management cycle and what follows from them — 会议记录,
督办事项, 办实事 and 例会统计 — one page each (app/ui/meetings/), sharing one undo stack
(Ctrl+Z in the tab)."""

from __future__ import annotations

from app.ui.widgets.paged_tab import PagedTab


class MeetingsTab(PagedTab):
    PAGES = (
        ("meetings", "会议记录", "app.ui.meetings.meetings:MeetingsPage"),
        ("actions", "督办事项", "app.ui.meetings.actions:ActionsPage"),
        ("ledger", "办实事", "app.ui.meetings.ledger:PracticalMattersPage"),
        ("cycle", "例会统计", "app.ui.meetings.cycle:MeetingCyclePage"),
    )
