"""县级汇总: the county database's tab over the townships' county files, 文件 →
导入乡镇上报文件… (county) and 文件 → 导出上报文件… (township).

Three demo townships' files are written once per module and imported once into a county
database file; each test works on a copy of it. Screenshots go to
/tmp/ui-shots/county-*.png: look at them after a layout change.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from app.db.connection import open_database
from app.db.store import initialise
from app.demo import names as N
from app.demo.county_files import township_files
from app.domain.assessment import GRADES
from app.domain.periods import Quarter
from app.exchange.county import county_quarterly, latest_files, township_figures
from app.exchange.merge import fingerprint, import_files
from app.ui.county.models import CadresModel, DutyModel, FilesModel, VillagesModel
from app.ui.dialogs.county_import_dialog import CountyImportDialog
from app.ui.main_window import MainWindow
from tests.ui.test_villages_screenshots import cells_fit, headers_fit

TODAY = date(2026, 10, 20)
QUARTER = Quarter(2026, 3)
SHOTS = Path("/tmp/ui-shots")


# ---- fixtures ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    """Three demo townships' county files for 2026Q3."""
    return township_files(tmp_path_factory.mktemp("files"), 3, quarter=QUARTER, today=TODAY)


def new_county(path: Path):
    db = open_database(path, create=True)
    initialise(db, county_code=N.COUNTY[0], county_name=N.COUNTY[1])
    return db


@pytest.fixture(scope="module")
def imported_db_file(tmp_path_factory, files) -> Path:
    """A county database file with the three files imported (closed, so it can be copied)."""
    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    db = new_county(path)
    receipts = import_files(db, files)
    assert all(r.imported for r in receipts), [r.message for r in receipts]
    db.conn.close()
    return path


@pytest.fixture
def county(tmp_path, imported_db_file):
    path = tmp_path / "county.sqlite"
    shutil.copyfile(imported_db_file, path)
    return open_database(path), path


def make_window(qtbot, db, path) -> MainWindow:
    window = MainWindow(db, path, clock=lambda: TODAY)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def window(qtbot, county):
    db, path = county
    return make_window(qtbot, db, path)


def column(model, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def file_menu_texts(window) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def rows_fingerprint(db) -> list:
    """What an import may change, to show a refused file changed nothing."""
    return [
        db.execute("SELECT count(*), sum(length(data)) FROM county_rows").fetchone(),
        db.execute("SELECT count(*) FROM county_files").fetchone(),
        db.execute("SELECT township_code, public_key FROM county_keys ORDER BY 1").fetchall(),
    ]


# ---- the tab ----------------------------------------------------------------------------
def test_county_tab_first_and_selected(window):
    assert window.tabs.tabText(0) == "县级汇总"
    assert window.tabs.currentWidget() is window.county_tab
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert labels[1:] == ["村情档案", "干部与值班", "周例会", "补助发放", "考核"]
    tab = window.county_tab
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "乡镇与上报文件",
        "村级类别",
        "履职与补助",
    ]
    assert tab.quarter() == QUARTER  # the latest period among the files
    assert tab.quarter_combo.currentText() == "2026年第3季度（有上报）"


def test_lists_the_three_townships_with_their_files(window, county, files):
    db, _ = county
    page = window.county_tab.files_page
    m = page.model
    assert page.stack.currentIndex() == 1
    assert column(m, FilesModel.COL_NAME) == list(N.TOWNSHIP_NAMES[:3])
    assert column(m, FilesModel.COL_PERIOD) == ["2026年第3季度"] * 3
    assert sorted(column(m, FilesModel.COL_FILE)) == sorted(p.name for p in files)
    assert column(m, FilesModel.COL_COUNT) == ["1"] * 3
    assert column(m, FilesModel.COL_HOW) == ["首次导入"] * 3
    keys = {f["township_code"]: f["public_key"] for f in latest_files(db)}
    for r in m.rows():
        assert r.fingerprint == fingerprint(keys[r.township_code])
    assert page.count_label.text().startswith("已有 3 个乡镇报送上报文件，共导入 3 个文件")
    # the picked township's latest receipt is shown under the table
    assert page.receipt_text.toPlainText().startswith(f"文件：{files[0].name}")
    assert "结果：已导入" in page.receipt_text.toPlainText()


def test_grade_totals_equal_the_sum_of_the_township_reports(window, county):
    db, _ = county
    page = window.county_tab.show_page("villages")
    figures = township_figures(db, QUARTER)
    expected = {
        g: sum(f["report"]["villages_by_grade"][g] for f in figures.values()) for g in GRADES
    }
    total = page.totals_model.row_at(0)
    assert total.by_grade == expected
    assert total.villages == sum(f["report"]["villages"] for f in figures.values())
    assert [r.by_grade for r in page.grade_rows()] == [
        figures[code]["report"]["villages_by_grade"] for code in sorted(figures)
    ]
    n = total.villages
    for g in GRADES:
        share = (Decimal(expected[g]) * 100 / n).quantize(Decimal(1), ROUND_HALF_UP)
        assert page.grade_cards[g].text() == f"{g}村 {expected[g]} 个（{share}%）"
    # every village listed, upgrades counted as in the reports
    assert page.villages_model.rowCount() == n
    ups = sum(sum(f["report"]["upgrades"].values()) for f in figures.values())
    assert sum(1 for r in page.village_rows() if r.change == "升级") == ups
    assert f"升级 {ups} 个村" in page.changes_label.text()
    assert page.bars.rows()[-1].total


def test_villages_filter_and_upgrades_highlighted(window):
    page = window.county_tab.show_page("villages")
    second = page.grade_rows()[1]
    page.select_township(second.code)  # picking a township on the left filters the list
    assert {r.township_code for r in page.village_rows()} == {second.code}
    assert len(page.village_rows()) == second.villages
    page.set_filter(second.code, "三类")
    assert len(page.village_rows()) == second.by_grade["三类"]
    assert page.count_label.text().startswith(f"{second.by_grade['三类']} 个村")
    page.set_filter("", "", "升级")
    rows = page.village_rows()
    assert rows and all(r.change == "升级" for r in rows)
    index = page.villages_proxy.index(0, VillagesModel.COL_NAME)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.villages_proxy.index(0, VillagesModel.COL_CHANGE).data() == "↑ 升级"


def test_subsidy_per_township_equals_county_quarterly(window, county):
    db, _ = county
    page = window.county_tab.show_page("duty")
    data, _ = county_quarterly(db, QUARTER)
    shown = {r.code: page.model.display(r, DutyModel.COL_SUBSIDY) for r in page.rows()}
    assert shown == {t["code"]: t["subsidy_total"] for t in data["by_township"]}
    total = page.totals_model.row_at(0)
    assert page.totals_model.display(total, DutyModel.COL_SUBSIDY) == data["subsidy_total"]
    assert total.cadres == data["cadres"]
    assert page.totals_model.display(total, DutyModel.COL_PERIODS) == (
        f"{data['met_periods']}/{data['judged_periods']}"
    )
    # the first township is picked: its cadres, whose subsidies add up to its total
    first = page.rows()[0]
    cadres = page.cadres()
    assert len(cadres) == len(township_figures(db, QUARTER)[first.code]["cadres"])
    assert sum(c.subsidy_fen for c in cadres) == first.subsidy_fen
    assert page.cadres_label.text().startswith(f"<b>{first.name} 干部</b>（{len(cadres)} 人")
    # another township
    page.select_township(page.rows()[2].code)
    assert page.cadres_label.text().startswith(f"<b>{page.rows()[2].name} 干部</b>")


def test_sorting_by_a_header_sorts_by_value(window, qtbot):
    page = window.county_tab.show_page("duty")
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(DutyModel.COL_SUBSIDY) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    fen = [r.subsidy_fen for r in page.rows()]
    assert fen == sorted(fen) and len(set(fen)) == 3
    page.table.sortByColumn(DutyModel.COL_SUBSIDY, Qt.SortOrder.DescendingOrder)
    assert [r.subsidy_fen for r in page.rows()] == sorted(fen, reverse=True)
    # the totals row stays under the table, whatever the order
    assert page.totals_model.rowCount() == 1
    page.cadres_table.sortByColumn(CadresModel.COL_RATE, Qt.SortOrder.AscendingOrder)
    rates = [c.met * 1000 // c.judged for c in page.cadres() if c.judged]
    assert rates == sorted(rates)


def test_another_quarter_is_computed_on_request(window, county):
    db, _ = county
    tab = window.county_tab
    tab.set_quarter(Quarter(2026, 2))
    assert tab.quarter() == Quarter(2026, 2)
    data, _ = county_quarterly(db, Quarter(2026, 2))
    page = tab.duty_page
    assert page.totals_model.display(page.totals_model.row_at(0), 6) == data["subsidy_total"]
    assert not tab.progress.isVisible() and tab.quarter_combo.isEnabled()
    assert window.tabs.tabBar().isEnabled() and window.menuBar().isEnabled()


def test_print_and_excel(window, tmp_path):
    from openpyxl import load_workbook

    tab = window.county_tab
    pdf = tab.print_quarterly(tmp_path / "小结.pdf")
    assert pdf is not None and pdf.stat().st_size > 5_000
    tab.show_page("duty")
    out = tab.export_excel(tmp_path / "履职.xlsx")
    ws = load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "安川县 2026年第3季度 驻村干部履职与补助"
    assert values[1][:3] == ["乡镇", "干部数", "出勤天数"]
    assert [r[0] for r in values[2:]] == [*N.TOWNSHIP_NAMES[:3], "全县合计"]
    assert "已导出 3 行到" in tab.status_label.text()
    tab.show_page("villages")
    tab.villages_page.set_filter("", "四类")
    out = tab.export_excel(tmp_path / "村.xlsx")
    ws = load_workbook(out).active
    assert "（四类）" in ws["A1"].value
    assert {row[3].value for row in ws.iter_rows(min_row=3) if len(row) > 3 and row[3].value} == {
        "四类"
    }


# ---- menus ------------------------------------------------------------------------------
def test_county_database_imports_and_township_database_exports(window, qtbot, db, db_path):
    texts = file_menu_texts(window)
    assert "导入乡镇上报文件…" in texts and "导出上报文件…" not in texts
    township = make_window(qtbot, db, db_path)
    texts = file_menu_texts(township)
    assert "导出上报文件…" in texts and "导入乡镇上报文件…" not in texts
    assert township.county_tab is None and township.tabs.tabText(0) == "村情档案"


def test_export_from_a_township(qtbot, db, db_path, tmp_path):
    from app.exchange.verify import verify_file

    window = make_window(qtbot, db, db_path)
    out = tmp_path / "东坡镇-2026Q1.zip"
    export = window.export_county_file(Quarter(2026, 1), out)
    assert export is not None and export.result is not None
    assert verify_file(out).manifest["period"] == "2026Q1"
    assert str(out) in export.text and "校验通过" in export.text
    # the township reads its key's fingerprint out to the county, which sees the same
    assert export.fingerprint == fingerprint(verify_file(out).public_key)
    assert f"本乡镇签名公钥指纹：{export.fingerprint}" in export.text
    shoot(export.message, qtbot, "township-export-message")
    assert export.progress is None  # closed


def test_export_asks_quarter_and_path(qtbot, db, db_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window = make_window(qtbot, db, db_path)
    asked = {}

    def get_item(_parent, _title, _label, items, current, _editable):
        asked["items"], asked["current"] = items, current
        return items[current], True

    def get_save(_parent, _title, where, _filter):
        asked["where"] = where
        return str(tmp_path / Path(where).name), ""

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    window.county_export_action.trigger()
    assert asked["items"][asked["current"]] == "2026年第3季度"  # the last ended quarter
    assert Path(asked["where"]).name == "东坡镇-2026Q3.zip"
    assert (tmp_path / "东坡镇-2026Q3.zip").exists()


# ---- importing --------------------------------------------------------------------------
def open_through_menu(window, monkeypatch, paths) -> CountyImportDialog:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")),
    )
    window.county_import_action.trigger()
    dialogs = window.findChildren(CountyImportDialog)
    assert dialogs
    return dialogs[-1]


def test_empty_county_explains_how_to_import(qtbot, tmp_path):
    db = new_county(tmp_path / "county.sqlite")
    window = make_window(qtbot, db, tmp_path / "county.sqlite")
    tab = window.county_tab
    assert tab.files_page.stack.currentIndex() == 0
    assert "文件 → 导入乡镇上报文件…" in tab.files_page.empty_label.text()
    assert tab.villages_page.stack.currentIndex() == 0
    assert tab.duty_page.stack.currentIndex() == 0
    assert not tab.print_button.isEnabled() and not tab.export_button.isEnabled()
    assert tab.quarter() == Quarter(2026, 3)  # the last ended quarter


def test_import_through_the_dialog_then_the_same_file_is_refused(
    qtbot, tmp_path, files, monkeypatch
):
    path = tmp_path / "county.sqlite"
    db = new_county(path)
    window = make_window(qtbot, db, path)
    dialog = open_through_menu(window, monkeypatch, files)
    qtbot.addWidget(dialog)
    assert dialog.document["imported"] == 3 and dialog.document["refused"] == 0
    assert dialog.summary_label.text() == "导入 3 个文件，拒绝 0 个。"
    assert "签名公钥：首次导入" in dialog.receipt_text()
    assert dialog.save_button.isEnabled() and dialog.close_button.isEnabled()
    saved = dialog.save_receipt(tmp_path / "回执.txt")
    assert saved.read_text(encoding="utf-8").startswith("安川县上报文件导入回执")
    # 保存回执（PDF）…: the suffix of the filter chosen is added to a bare name
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "回执"), "PDF 文件 (*.pdf)")),
    )
    try:
        import app.reports.pdf.receipt  # noqa: F401  (being written alongside)
    except ModuleNotFoundError:
        pass
    else:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert (tmp_path / "回执.pdf").read_bytes().startswith(b"%PDF")
        assert "回执已保存" in dialog.saved_label.text()
    # the county tab re-read
    assert window.county_tab.files_page.model.rowCount() == 3
    assert window.county_tab.duty_page.model.rowCount() == 3
    shoot(dialog, qtbot, "import-receipt")
    dialog.reject()

    before = rows_fingerprint(db)
    again = open_through_menu(window, monkeypatch, files[:1])
    qtbot.addWidget(again)
    assert again.document["imported"] == 0 and again.document["refused"] == 1
    assert "结果：已拒绝，数据库未改动" in again.receipt_text()
    assert "导入过" in again.receipt_text()
    assert again.summary_label.text().startswith("导入 0 个文件，拒绝 1 个。")
    assert rows_fingerprint(db) == before


def test_a_changed_key_is_imported_only_when_confirmed(qtbot, tmp_path, county, files, monkeypatch):
    db, path = county
    window = make_window(qtbot, db, path)
    # 青石镇 again, from a new database: a newer file signed with another key
    newer = township_files(tmp_path / "newer", 1, quarter=QUARTER, today=TODAY)
    asked = []

    def refuse(self, change):
        asked.append(change)
        return False

    monkeypatch.setattr(CountyImportDialog, "confirm_key_change", refuse)
    before = rows_fingerprint(db)
    dialog = open_through_menu(window, monkeypatch, newer)
    qtbot.addWidget(dialog)
    [change] = asked
    registered = {f["township_code"]: f["public_key"] for f in latest_files(db)}
    assert change.township_name == N.TOWNSHIP_NAMES[0]
    assert change.registered == fingerprint(registered[change.township_code])
    assert change.offered != change.registered
    assert "签名公钥与本县登记的不同" in dialog.receipt_text()
    assert rows_fingerprint(db) == before
    dialog.reject()

    monkeypatch.setattr(CountyImportDialog, "confirm_key_change", lambda self, c: True)
    dialog = open_through_menu(window, monkeypatch, newer)
    qtbot.addWidget(dialog)
    assert dialog.document["imported"] == 1
    assert "签名公钥：经人工确认，已更换为新的公钥" in dialog.receipt_text()
    row = next(
        r
        for r in window.county_tab.files_page.model.rows()
        if r.township_code == change.township_code
    )
    assert row.files == 2 and row.key_how == "人工确认更换"
    assert row.fingerprint == change.offered


def test_key_question_shows_both_fingerprints(qtbot, county, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.ui.dialogs.county_import_dialog import KeyChange

    db, path = county
    window = make_window(qtbot, db, path)
    dialog = CountyImportDialog(db, [], window)
    qtbot.addWidget(dialog)
    seen = {}

    def exec_(box):
        seen["text"], seen["more"] = box.text(), box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        box.grab().save(str(SHOTS / "county-key-question.png"))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    change = KeyChange("612701101", "青石镇", "AAAA BBBB CCCC DDDD", "1111 2222 3333 4444")
    assert dialog.confirm_key_change(change) is False  # nothing clicked: not accepted
    assert "青石镇（612701101）" in seen["text"]
    assert "登记的公钥指纹：AAAA BBBB CCCC DDDD" in seen["more"]
    assert "本文件的公钥指纹：1111 2222 3333 4444" in seen["more"]
    assert "已核实，接受新公钥并导入" in seen["buttons"]


# ---- layout -----------------------------------------------------------------------------
def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"county-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_screenshots_of_the_county_pages(window, qtbot, tmp_path):
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    tab = window.county_tab
    files = tab.show_page("files")
    assert headers_fit(files.table) == [] and cells_fit(files.table) == []
    shoot(window, qtbot, "1-files")
    villages = tab.show_page("villages")
    for table in (villages.grades_table, villages.villages_table):
        assert headers_fit(table) == [] and cells_fit(table) == []
    assert cells_fit(villages.totals_table) == []
    shoot(window, qtbot, "2-villages")
    villages.set_filter("", "", "升级")
    shoot(window, qtbot, "3-villages-upgrades")
    duty = tab.show_page("duty")
    for table in (duty.table, duty.cadres_table):
        assert headers_fit(table) == [] and cells_fit(table) == []
    assert cells_fit(duty.totals_table) == []
    shoot(window, qtbot, "4-duty")
    # the default window size too
    window.resize(1200, 700)
    shoot(window, qtbot, "5-duty-1200")


def test_screenshot_of_the_empty_county(qtbot, tmp_path):
    db = new_county(tmp_path / "county.sqlite")
    window = make_window(qtbot, db, tmp_path / "county.sqlite")
    window.show()
    qtbot.waitExposed(window)
    shoot(window, qtbot, "0-empty")
    window.county_tab.show_page("duty")
    shoot(window, qtbot, "0-empty-duty")


def test_fits_a_1366x768_screen(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    for attr in ("files", "villages", "duty"):
        window.county_tab.show_page(attr)
        hint = window.county_tab.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 700, attr
