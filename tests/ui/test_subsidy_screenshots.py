"""Screenshots of 补助发放 with the demo township in /tmp/ui-shots/subsidy-*.png.

Look at them after a layout change: the pages must fit the 1200×700 window, Chinese
glyphs must show, and no header or figure may be clipped.
"""

from pathlib import Path

from PySide6.QtWidgets import QTableView

from app.db.connection import memory_database
from app.demo_setup import make_demo
from app.domain.periods import Month
from app.ui.main_window import MainWindow
from tests.ui.test_subsidy import TODAY, click_line, column
from tests.ui.test_villages_screenshots import cells_fit, headers_fit

SHOTS = Path("/tmp/ui-shots")


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"subsidy-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def fits(*tables: QTableView) -> None:
    for table in tables:
        assert headers_fit(table) == []
        assert cells_fit(table) == []
        assert not table.horizontalScrollBar().isVisible()  # every column in view


def test_screenshots_of_the_subsidy_pages(qtbot, tmp_path):
    db = memory_database()
    make_demo(db, scale="township", seed=1, today=TODAY)
    window = MainWindow(db, tmp_path / "demo.sqlite", clock=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= 1200 and window.height() <= 700
    window.tabs.setCurrentWidget(window.subsidy_tab)
    tab = window.subsidy_tab

    sheet = tab.sheet
    cadre = next(x.cadre_no for x in sheet.lines() if x.adjustments)
    click_line(qtbot, sheet, cadre)
    assert sheet.panel.days_model.rowCount() > 0
    fits(sheet.table, sheet.panel.days_table, sheet.panel.adjustments_table)
    for b in (sheet.approve_button, sheet.csv_button):
        assert b.geometry().right() <= sheet.width()
    shoot(window, qtbot, "1-sheet")

    sheet.set_month(Month(2026, 9))
    click_line(qtbot, sheet, column(sheet.model, 1)[0])
    assert sheet.banner.isVisible()
    fits(sheet.table)
    shoot(window, qtbot, "2-approved")

    sheet.set_month(Month(2026, 10))
    dialog = sheet.approve()
    qtbot.waitExposed(dialog)
    shoot(dialog, qtbot, "3-approve-dialog")
    dialog.reject()

    rates = tab.show_page("rates")
    fits(rates.table)
    shoot(window, qtbot, "4-rates")
    dialog = rates.add_rate()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.form.editors["effective_from"], "2026-09-15")
    qtbot.keyClicks(dialog.form.editors["amount_fen"], "120")
    assert dialog.affected_note.isVisible()
    shoot(dialog, qtbot, "5-rate-dialog")
    dialog.reject()

    year = tab.show_page("year")
    fits(year.table)
    assert cells_fit(year.totals_table) == []
    shoot(window, qtbot, "6-year")
