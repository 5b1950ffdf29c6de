"""Screenshots of 村情档案 with the demo township in /tmp/ui-shots/villages-*.png.

Look at them after a layout change: the window must fit a 1366×768 laptop, Chinese
glyphs must show, and no header may be clipped.
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView

from app.db import villages as vdb
from app.db.connection import memory_database
from app.demo import build_demo
from app.sheets.kinds import VILLAGES

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture
def demo_window(qtbot, db_path, today):
    from app.ui.main_window import MainWindow

    db = memory_database()
    build_demo(db, scale="township", seed=1, today=today)
    window = MainWindow(db, db_path, clock=lambda: today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, db


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"villages-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def headers_fit(table) -> list[str]:
    """Headers whose text is wider than their column (clipped)."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    model = table.model()
    clipped = []
    for c in range(model.columnCount()):
        if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch:
            continue
        text = model.headerData(c, header.orientation())
        if metrics.horizontalAdvance(text) + 12 > header.sectionSize(c):
            clipped.append(text)
    return clipped


def cells_fit(table) -> list[str]:
    """Cells whose text is wider than their column (elided with "…")."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    model = table.model()
    clipped = []
    for c in range(model.columnCount()):
        if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch:
            continue
        for r in range(min(model.rowCount(), 50)):
            text = model.index(r, c).data() or ""
            if metrics.horizontalAdvance(text) + 8 > header.sectionSize(c):
                clipped.append(text)
    return clipped


def test_screenshots_of_the_village_files(demo_window, qtbot, tmp_path):
    window, db = demo_window
    tab = window.villages_tab
    assert window.width() <= 1366 and window.height() <= 768
    assert tab.model.rowCount() == 16
    assert headers_fit(tab.table) == []
    assert cells_fit(tab.table) == []
    shoot(window, qtbot, "1-list")

    # 龙门村 moved up from 三类 to 二类 in 2026, and has visits on file
    code = next(r.code for r in tab.model.rows() if r.name == "龙门村")
    tab.list.select(code)
    tab.list.open_current()
    page = tab.page
    assert page.grade_model.index(0, 3).data() == "三类→二类"
    assert page.completeness_label.text().startswith("户情档案 ")
    for table in (page.grade_table, page.cadre_table):
        assert headers_fit(table) == [] and cells_fit(table) == []
    shoot(window, qtbot, "2-page-overview")

    page.sections.setCurrentIndex(1)
    assert page.year_model.rowCount() == 3
    assert headers_fit(page.year_table) == [] and cells_fit(page.year_table) == []
    shoot(window, qtbot, "3-page-years")

    page.sections.setCurrentIndex(page.households_index)
    assert page.households is not None
    shoot(window, qtbot, "4-page-households")

    page.sections.setCurrentIndex(page.files_index)
    c = vdb.completeness(db, code)
    assert page.missing_model.rowCount() == c.unvisited > 0
    for table in (page.group_table, page.missing_table):
        assert headers_fit(table) == [] and cells_fit(table) == []
    shoot(window, qtbot, "5-page-files")

    tab.inner.setCurrentIndex(tab.households_index)
    shoot(window, qtbot, "6-all-households")

    tab.inner.setCurrentIndex(tab.villages_index)
    tab.show_list()
    add = tab.actions.add_village()
    qtbot.addWidget(add)
    qtbot.keyClicks(add.form.editors["code"], "6127011012171")
    add.form.editors["name"].setText("石门村")
    qtbot.waitExposed(add)
    assert add.form.errors["code"].isVisible()
    shoot(add, qtbot, "8-add-village-error")
    add.reject()

    # import preview: the demo villages as a sheet, one name changed, one village new
    sheet = tmp_path / "村情登记.csv"
    header = ",".join(c.header for c in VILLAGES.columns)
    rows = [
        ",".join(
            str(x if x is not None else "")
            for x in (
                r.code,
                r.name + ("（新）" if i == 1 else ""),
                "",
                r.households,
                r.population,
                "",
                r.party_members,
                r.industry,
                r.grade if i != 2 else "",
                "",
            )
        )
        for i, r in enumerate(tab.model.rows()[:8])
    ]
    rows.append("612701101299,新村,3,100,400,380,10,小麦,三类,新建村")
    sheet.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = window.open_import_dialog()
    qtbot.addWidget(dialog)
    dialog.set_kind("villages")
    dialog.set_path(sheet)
    dialog.check_button.click()
    assert "检查通过" in dialog.summary_label.text(), dialog.summary_label.text()
    assert dialog.preview_model.rowCount() == 9
    assert headers_fit(dialog.preview_table) == [] and cells_fit(dialog.preview_table) == []
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 768
    shoot(dialog, qtbot, "7-import-preview")
