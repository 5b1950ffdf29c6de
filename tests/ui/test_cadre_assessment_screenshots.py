"""A screenshot of 干部考核 with the demo township (2025) in /tmp/ui-shots/cadre-assessment-*.png.

Look at it after a layout change: the page must fit 1200×700, Chinese glyphs must show
and no header may be clipped.
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView, QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.ui.assessment.cadres import CadreAssessmentPage
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture
def demo(qtbot, today):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=today)
    tabs = QTabWidget()  # stands in for the 考核 tab
    undo = TabUndo(tabs, db, lambda: page.refresh())
    page = CadreAssessmentPage(db, undo, clock=lambda: today)
    tabs.addTab(page, "干部考核")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 700)
    tabs.show()
    qtbot.waitExposed(tabs)
    page.refresh()
    return tabs, page


def clipped_headers(table) -> list[str]:
    header, model = table.horizontalHeader(), table.model()
    return [
        model.headerData(c, header.orientation())
        for c in range(model.columnCount())
        if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Stretch
        and header.fontMetrics().horizontalAdvance(model.headerData(c, header.orientation())) + 16
        > header.sectionSize(c)
    ]


def clipped_cells(table, columns) -> list[str]:
    model = table.model()
    return [
        model.index(r, c).data()
        for c in columns
        for r in range(model.rowCount())
        if table.fontMetrics().horizontalAdvance(model.index(r, c).data() or "") + 8
        > table.columnWidth(c)
    ]


def test_screenshot_of_cadre_assessment(demo, qtbot):
    tabs, page = demo
    assert page.year() == 2025
    assert page.model.rowCount() > 0
    assert clipped_headers(page.table) == []
    non_stretch = [c for c in range(page.model.columnCount()) if c != page.model.COL_NOTE]
    assert clipped_cells(page.table, non_stretch) == []
    assert page.minimumSizeHint().width() <= 1200
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / "cadre-assessment-1-year.png"
    assert tabs.grab().save(str(path))
    assert path.stat().st_size > 10_000
