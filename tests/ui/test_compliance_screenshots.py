"""Screenshots of 履职情况 with the demo township in /tmp/ui-shots/compliance-*.png.

Look at them after a layout change: the page must fit a 1366×768 laptop inside the main
window's tab, Chinese glyphs must show, and no header may be clipped.
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView, QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Quarter, Year
from app.ui.cadres.compliance import CompliancePage
from app.ui.cadres.compliance import ComplianceTableModel as C
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture
def demo(qtbot, today):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=today)
    tabs = QTabWidget()  # stands in for the 干部与值班 tab with its inner pages
    undo = TabUndo(tabs, db, lambda: page.refresh())
    page = CompliancePage(db, undo, clock=lambda: today)
    tabs.addTab(page, "履职情况")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 620)  # what is left of a 1366×768 screen inside the main window
    tabs.show()
    qtbot.waitExposed(tabs)
    page.refresh()
    return tabs, page


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"compliance-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def clipped(table) -> list[str]:
    """Headers and cells whose text is wider than their column."""
    header, model = table.horizontalHeader(), table.model()
    out = []
    for c in range(model.columnCount()):
        if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch:
            continue
        # headers with room for the sort arrow
        texts = [(model.headerData(c, header.orientation()), header.fontMetrics(), 24)]
        texts += [
            (model.index(r, c).data(), table.fontMetrics(), 8) for r in range(model.rowCount())
        ]
        out += [
            t for t, m, pad in texts if m.horizontalAdvance(t or "") + pad > header.sectionSize(c)
        ]
    return out


def test_screenshots_of_compliance(demo, qtbot):
    tabs, page = demo
    assert page.model.rowCount() == 23
    assert clipped(page.table) == []
    assert page.minimumSizeHint().width() <= 1200
    shoot(tabs, qtbot, "1-month")

    page.set_period(Quarter(2026, 1))
    assert clipped(page.table) == []
    shoot(tabs, qtbot, "2-quarter")

    page.set_period(Year(2025))
    page.sort_by(C.COL_RATIO)
    assert clipped(page.table) == []
    shoot(tabs, qtbot, "3-year-by-ratio")

    dialog = page.open_details(0)
    qtbot.waitExposed(dialog)
    assert clipped(dialog.table) == []
    assert dialog.height() <= 700
    shoot(dialog, qtbot, "4-weeks")
