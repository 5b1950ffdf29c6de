"""Screenshots of 周例会 with the demo township in /tmp/ui-shots/meetings-*.png.

Look at them after a layout change: the window (1200×700) and the meeting page must fit
a 1366×768 laptop, Chinese glyphs must show, and no header may be clipped.
"""

from datetime import date
from pathlib import Path

import pytest

from app.db.connection import memory_database
from app.demo import build_demo
from app.ui import main_window
from tests.ui.test_villages_screenshots import cells_fit, headers_fit

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 5, 15)


@pytest.fixture
def demo_window(qtbot, db_path):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    window = main_window.MainWindow(db, db_path, clock=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.meetings_tab)
    return window, db


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"meetings-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_screenshots_of_the_meetings_tab(demo_window, qtbot):
    window, _db = demo_window
    assert window.width() <= 1366 and window.height() <= 768
    page = window.meetings_tab.meetings
    assert page.model.rowCount() == 95
    assert page.rows()[0].day == "2026-05-11"
    assert headers_fit(page.table) == []
    assert cells_fit(page.table) == []
    shoot(window, qtbot, "1-list")

    # a meeting with absentees and action items
    chosen = next(r for r in page.rows() if r.items and r.present < r.expected)
    page.select(chosen.id)
    dialog = page.open_meeting()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 720
    attendees = dialog.attendees.attendees()
    assert len(attendees) == chosen.expected
    absent = next(i for i, a in enumerate(attendees) if not a.present)
    table = dialog.attendees.table
    table.scrollToItem(table.item(absent, 2))
    assert table.item(absent, 2).text()  # the reason
    assert dialog.reports.model.rowCount() > 0
    dialog.reports.table.selectRow(0)
    shoot(dialog, qtbot, "2-meeting-reports")
    dialog.tabs.setCurrentWidget(dialog.items)
    assert dialog.items.model.rowCount() == chosen.items
    assert headers_fit(dialog.items.table) == []
    shoot(dialog, qtbot, "2b-meeting-items")
    dialog.tabs.setCurrentWidget(dialog.earlier)
    assert dialog.earlier.model.rowCount() > 0
    assert headers_fit(dialog.earlier.table) == []
    shoot(dialog, qtbot, "3-meeting-earlier-items")
    dialog.tabs.setCurrentIndex(1)
    shoot(dialog, qtbot, "4-meeting-minutes")
    dialog.done(0)

    actions = window.meetings_tab.show_page("actions")
    actions.set_status("overdue")
    assert actions.rows() and all(r.overdue for r in actions.rows())
    assert headers_fit(actions.table) == []
    shoot(window, qtbot, "5-overdue")


def test_screenshot_of_a_new_weekly_meeting_with_an_item(demo_window, qtbot):
    window, _db = demo_window
    page = window.meetings_tab.meetings
    dialog = page.new_meeting("周例会")
    qtbot.waitExposed(dialog)
    assert dialog.warning.isVisible()  # 2026-05-11 was this week's
    dialog.tabs.setCurrentWidget(dialog.items)
    item = dialog.items.edit_item(None)
    qtbot.waitExposed(item)
    shoot(item, qtbot, "6-item-dialog")
    item.done(0)
    shoot(dialog, qtbot, "7-new-weekly")
    dialog.done(0)
