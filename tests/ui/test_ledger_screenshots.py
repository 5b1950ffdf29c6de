"""Screenshots of 办实事台账 on the demo township in /tmp/ui-shots/ledger-*.png.

Look at them after a layout change: the page must fit 1200×700 inside the main window's
tab, Chinese glyphs must show, and no header may be clipped.
"""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView, QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Quarter
from app.ui.meetings.ledger import PracticalMattersPage
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 11, 28)


@pytest.fixture
def demo(qtbot):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    tabs = QTabWidget()  # stands in for the 周例会 tab with its inner pages
    undo = TabUndo(tabs, db, lambda: page.refresh())
    page = PracticalMattersPage(db, undo, clock=lambda: TODAY)
    tabs.addTab(page, "办实事台账")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 700)
    tabs.show()
    qtbot.waitExposed(tabs)
    page.refresh()
    return tabs, page


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"ledger-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def clipped(table) -> list[str]:
    """Headers (with room for the sort arrow) and cells wider than their column."""
    header, model = table.horizontalHeader(), table.model()
    out = []
    for c in range(model.columnCount()):
        if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch:
            continue
        texts = [(model.headerData(c, header.orientation()), header.fontMetrics(), 24)]
        texts += [
            (model.index(r, c).data(), table.fontMetrics(), 8) for r in range(model.rowCount())
        ]
        out += [
            t for t, m, pad in texts if m.horizontalAdvance(t or "") + pad > header.sectionSize(c)
        ]
    return out


def test_screenshots_of_the_ledger(demo, qtbot):
    tabs, page = demo
    assert page.model.rowCount() == page.totals().count > 50
    assert page.minimumSizeHint().width() <= 1200 and page.minimumSizeHint().height() <= 660
    for table in page.group_tables:
        assert clipped(table) == []
    shoot(tabs, qtbot, "1-all")

    page.picker.set_period(Quarter(2026, 3))
    page.category_combo.setCurrentIndex(page.category_combo.findData("水"))
    page.category_combo.setCurrentIndex(0)
    for table in [page.table, *page.group_tables]:
        assert clipped(table) == [] or table is page.table  # 来源 may hold two sources
    shoot(tabs, qtbot, "2-quarter")

    page.table.selectRow(0)
    dialog = page.edit_current()
    dialog.form.set_text("day", "2026-02-30")
    dialog.form.set_text("funds_fen", "-5")
    assert not dialog.form.submit()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1200 and dialog.height() <= 700
    shoot(dialog, qtbot, "3-dialog")
    dialog.reject()
