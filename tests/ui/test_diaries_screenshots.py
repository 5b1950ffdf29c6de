"""Screenshots of 民情日记 with the demo township in /tmp/ui-shots/diaries-*.png, and the
first page of a printed diary PDF rendered as diaries-pdf-1.png.

Look at them after a layout change: the page must fit a 1366×768 laptop inside the main
window's tab, Chinese glyphs must show, and no header may be clipped.
"""

import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView, QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Month
from app.ui.cadres.diaries import DiariesPage
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture
def demo(qtbot, today):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=today)
    tabs = QTabWidget()  # stands in for the 干部与值班 tab with its inner pages
    undo = TabUndo(tabs, db, lambda: page.refresh())
    page = DiariesPage(db, undo, clock=lambda: today)
    tabs.addTab(page, "民情日记")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 620)  # what is left of a 1366×768 screen inside the main window
    tabs.show()
    qtbot.waitExposed(tabs)
    page.refresh()
    return tabs, page


def shoot(widget, qtbot, name: str, min_size: int = 10_000) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"diaries-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > min_size
    return path


def clipped_headers(table) -> list[str]:
    """Headers wider than their column with room for the sort arrow."""
    header, model = table.horizontalHeader(), table.model()
    metrics = header.fontMetrics()
    return [
        model.headerData(c, header.orientation())
        for c in range(model.columnCount())
        if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Stretch
        and metrics.horizontalAdvance(model.headerData(c, header.orientation())) + 24
        > header.sectionSize(c)
    ]


def test_screenshots_of_the_diaries(demo, qtbot, tmp_path):
    tabs, page = demo
    assert page.model.rowCount() > 1000 and page.count_label.text().startswith("共 ")
    assert clipped_headers(page.table) == []
    assert page.minimumSizeHint().width() <= 1200
    page.table.selectRow(0)
    assert page.detail.toPlainText().count("\n") >= 7
    shoot(tabs, qtbot, "1-list")

    page.picker.set_period(Month(2026, 4))
    page.search_edit.insert("资金")
    qtbot.waitUntil(lambda: not page._search_timer.isActive())
    assert 0 < page.model.rowCount() < 100
    page.table.selectRow(0)
    shoot(tabs, qtbot, "2-search")

    dialog = page.add_entry()
    form = dialog.form
    form.editors["day"].clear()
    qtbot.keyClicks(form.editors["day"], "2026-02-30")
    form.set_text("cadre_no", form.editors["cadre_no"].itemText(3))
    form.editors["situation"].setPlainText("到三组走访，群众反映灌溉水渠年久失修。")
    assert not form.submit()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 700 and dialog.width() <= 1366
    shoot(dialog, qtbot, "3-add-error")
    dialog.reject()

    page.table.selectRow(0)
    dialog = page.evaluate_current()
    qtbot.waitExposed(dialog)
    shoot(dialog, qtbot, "4-evaluate", 3_000)
    dialog.reject()

    for row in range(4):
        page.table.selectRow(row) if row == 0 else page.table.selectionModel().select(
            page.model.index(row, 0),
            page.table.selectionModel().SelectionFlag.Select
            | page.table.selectionModel().SelectionFlag.Rows,
        )
    out = page.print_pdf(tmp_path / "diaries.pdf", selected_only=True)
    assert out is not None
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(out),
            str(SHOTS / "diaries-pdf"),
        ],
        check=True,
    )
    rendered = sorted(SHOTS.glob("diaries-pdf-*1.png"))
    assert rendered and rendered[0].stat().st_size > 5_000
