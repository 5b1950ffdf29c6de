"""Screenshots of 例会统计 on the demo township in /tmp/ui-shots/cycle-*.png.

Look at them after a layout change: the page must fit 1200×700, Chinese glyphs must
show, missing meetings must stand out in red, and no header may be clipped.
"""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Quarter, Year
from app.ui.meetings.cycle import MeetingCyclePage
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 11, 28)


@pytest.fixture
def demo(qtbot):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    # a township that skipped a week and a monthly report, to show them in red
    db.execute("UPDATE meetings SET kind = '月汇报' WHERE day = '2026-08-10'")  # reports on July
    db.execute("UPDATE meetings SET kind = '周例会' WHERE day = '2026-08-28'")
    tabs = QTabWidget()
    undo = TabUndo(tabs, db, lambda: page.refresh())
    page = MeetingCyclePage(db, undo, clock=lambda: TODAY)
    tabs.addTab(page, "例会统计")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 700)
    tabs.show()
    qtbot.waitExposed(tabs)
    page.refresh()
    return tabs, page


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"cycle-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def fits(table) -> bool:
    header, model = table.horizontalHeader(), table.model()
    return all(
        header.fontMetrics().horizontalAdvance(model.headerData(c, header.orientation())) + 12
        <= header.sectionSize(c)
        for c in range(model.columnCount())
    )


def test_screenshots_of_the_cycle(demo, qtbot):
    tabs, page = demo
    assert page.period() == Quarter(2026, 4)
    assert page.minimumSizeHint().width() <= 1200
    assert fits(page.weeks_table) and fits(page.reviews_table)
    shoot(tabs, qtbot, "1-this-quarter")

    page.set_period(Quarter(2026, 3))
    assert [w.week.week for w in page.data.missing_weeks] == [33]
    assert [r.due.label for r in page.data.missing_reviews] == ["2026年8月"]
    shoot(tabs, qtbot, "2-missing")

    page.set_period(Year(2026))
    assert page.weeks_model.rowCount() == 53
    shoot(tabs, qtbot, "3-year")
