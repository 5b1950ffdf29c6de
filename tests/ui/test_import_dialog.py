"""导入登记表…: check shows counts or every problem before writing; import refreshes the tabs."""

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from app.sheets import SheetError
from app.sheets.errors import Problem
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.dialogs.import_dialog import ProblemTableModel as P

HEADER = "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注\n"


def village_count(db):
    return db.execute("SELECT count(*) FROM villages").fetchone()[0]


def problems(dialog):
    m = dialog.problem_model
    return [
        (
            m.index(r, P.COL_ROW).data(),
            m.index(r, P.COL_COLUMN).data(),
            m.index(r, P.COL_REASON).data(),
        )
        for r in range(m.rowCount())
    ]


@pytest.fixture
def dialog(qtbot, db):
    d = ImportDialog(db)
    qtbot.addWidget(d)
    return d


def test_kinds_have_chinese_labels(dialog):
    labels = {
        dialog.kind_combo.itemData(i): dialog.kind_combo.itemText(i)
        for i in range(dialog.kind_combo.count())
    }
    assert labels["villages"] == "村情登记"
    assert labels["assignments"] == "驻村/兼职安排"
    assert labels["cadre-scores"] == "干部考核评分"


def test_bad_sheet_lists_every_problem_and_writes_nothing(dialog, db, tmp_path, qtbot):
    bad = tmp_path / "村情登记.csv"
    bad.write_text(
        HEADER
        + "6105261002041,北岭村,3,100,400,380,10,小麦,三类,\n"  # 13 digits
        + "610526100205,河湾村,3,100,400,380,10,小麦,五类,\n",  # no such grade
        encoding="utf-8",
    )
    before = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    dialog.set_kind("villages")
    dialog.set_path(bad)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    found = problems(dialog)
    assert [(row, column) for row, column, _ in found] == [("2", "村代码"), ("3", "党组织类别")]
    assert all(reason for _, _, reason in found)
    assert "2 处问题" in dialog.summary_label.text()
    assert "未写入" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert village_count(db) == 3
    assert db.execute("SELECT count(*) FROM change_log").fetchone()[0] == before


def test_good_sheet_checks_then_loads_and_the_window_refreshes(window, db, tmp_path, qtbot):
    good = tmp_path / "村情登记.csv"
    good.write_text(
        HEADER
        + "610526100204,北岭村,3,100,400,380,10,小麦,三类,\n"
        + "610526100202,西沟村,4,290,1024,990,21,苹果种植,四类,\n",  # 户数 286 → 290
        encoding="utf-8",
    )
    dialog = window.open_import_dialog()
    qtbot.addWidget(dialog)
    dialog.set_kind("villages")
    dialog.set_path(good)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "检查通过" in dialog.summary_label.text()
    assert village_count(db) == 3  # checking writes nothing
    assert dialog.import_button.isEnabled()

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert village_count(db) == 4
    assert "导入完成：新增 1 条，更新 1 条" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert window.villages_tab.model.rowCount() == 4
    assert window.villages_tab.count_label.text() == "共 4 个村"


def test_changing_the_file_after_a_check_needs_a_new_check(qtbot, db, tmp_path):
    preview = SimpleNamespace(new=2, updated=0, unchanged=5, warnings=[])
    loaded = []
    d = ImportDialog(
        db,
        checker=lambda db_, kind, path, progress: preview,
        loader=lambda db_, kind, path, progress: loaded.append((kind, path)),
    )
    qtbot.addWidget(d)
    d.set_path(tmp_path / "a.csv")
    d.check_button.click()
    assert "新增 2 条、更新 0 条，5 条不变" in d.summary_label.text()
    assert d.import_button.isEnabled()
    d.set_path(tmp_path / "b.csv")
    assert not d.import_button.isEnabled()
    d.load()
    assert loaded == []


def test_loader_errors_are_shown_not_raised(qtbot, db, tmp_path):
    def loader(db_, kind, path, progress):
        raise SheetError(path, [Problem(7, "日期", "日期不存在：2026-02-30")])

    d = ImportDialog(
        db, checker=lambda *a, **kw: SimpleNamespace(new=1, updated=0, unchanged=0), loader=loader
    )
    qtbot.addWidget(d)
    d.set_path(tmp_path / "考勤.csv")
    d.check_button.click()
    d.import_button.click()
    assert problems(d) == [("7", "日期", "日期不存在：2026-02-30")]
    assert d.check_button.isEnabled() and d.close_button.isEnabled()


def test_missing_file_is_a_message(dialog, tmp_path):
    dialog.set_path(tmp_path / "没有这个文件.csv")
    dialog.check_button.click()
    text = dialog.summary_label.text()
    assert text.startswith("无法导入：") and "未写入" in text
    assert len(problems(dialog)) == 1
    assert not dialog.import_button.isEnabled()


def test_no_file_chosen(dialog):
    dialog.check_button.click()
    assert "请先选择" in dialog.summary_label.text()


def test_check_and_load_on_the_thread_pool(window, db, tmp_path, qtbot):
    """The real path: work on a worker thread, results and progress back on the GUI thread."""
    from app.ui import tasks

    tasks.set_synchronous(False)
    good = tmp_path / "村情登记.csv"
    good.write_text(HEADER + "610526100204,北岭村,3,100,400,380,10,小麦,三类,\n", encoding="utf-8")
    dialog = window.open_import_dialog()
    qtbot.addWidget(dialog)
    dialog.set_kind("villages")
    dialog.set_path(good)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: "检查通过" in dialog.summary_label.text(), timeout=10_000)
    assert dialog.progress.maximum() == 1  # the sheet code reported one row
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "导入完成" in dialog.summary_label.text(), timeout=10_000)
    assert window.villages_tab.model.rowCount() == 4
