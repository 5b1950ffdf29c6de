"""导入登记表…: check shows counts or every problem before writing; import refreshes the tabs."""

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from app.sheets import SheetError
from app.sheets.errors import Problem
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.dialogs.import_dialog import PreviewTableModel as R
from app.ui.dialogs.import_dialog import ProblemTableModel as P

HEADER = "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注\n"


def village_count(db):
    return db.execute("SELECT count(*) FROM villages").fetchone()[0]


def table_counts(db):
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def preview(dialog, *headers):
    m = dialog.preview_model
    columns = [R.COL_ROW, R.COL_STATUS] + [R.FIRST_CELL + m.cell_headers.index(h) for h in headers]
    return [tuple(m.index(r, c).data() for c in columns) for r in range(m.rowCount())]


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
    before = table_counts(db)
    dialog.set_kind("villages")
    dialog.set_path(bad)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.results.currentIndex() == dialog.problems_index
    assert dialog.results.tabText(dialog.problems_index) == "问题（2）"
    assert dialog.preview_model.rowCount() == 0  # nothing would be written
    found = problems(dialog)
    assert [(row, column) for row, column, _ in found] == [("2", "村代码"), ("3", "党组织类别")]
    assert all(reason for _, _, reason in found)
    assert "2 处问题" in dialog.summary_label.text()
    assert "未写入" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    dialog.import_button.click()  # disabled: a click does nothing
    dialog.load()  # and asked directly, it refuses without a passed check
    assert "请先检查" in dialog.summary_label.text()
    assert table_counts(db) == before  # every table, the change log included


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
    log_before = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "检查通过" in dialog.summary_label.text()
    # the rows as they will be written, before anything is
    assert dialog.results.currentIndex() == dialog.rows_index
    assert dialog.results.tabText(dialog.rows_index) == "将写入的行（2）"
    assert dialog.preview_model.cell_headers[:3] == ["村代码", "村名", "村民小组数"]
    assert preview(dialog, "村代码", "村名", "户数") == [
        ("2", "新增", "610526100204", "北岭村", "100"),
        ("3", "修改", "610526100202", "西沟村", "290"),
    ]
    m = dialog.preview_model
    changed = m.index(1, R.FIRST_CELL + m.cell_headers.index("户数"))
    same = m.index(1, R.FIRST_CELL + m.cell_headers.index("人口"))
    assert changed.data(Qt.ItemDataRole.FontRole).bold()
    assert changed.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert same.data(Qt.ItemDataRole.BackgroundRole) is None
    assert "户数" in m.index(1, R.COL_STATUS).data(Qt.ItemDataRole.ToolTipRole)
    dialog.changes_only.setChecked(True)
    assert dialog.preview_model.rowCount() == 2  # both rows change something
    assert village_count(db) == 3  # checking writes nothing
    assert db.execute("SELECT count(*) FROM change_log").fetchone()[0] == log_before
    assert dialog.import_button.isEnabled()

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert village_count(db) == 4
    assert "导入完成：新增 1 条，更新 1 条" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert window.villages_tab.model.rowCount() == 4
    assert window.villages_tab.count_label.text() == "共 4 个村"
    assert dialog.results.tabText(dialog.rows_index) == "已写入的行（2）"


def test_unchanged_rows_can_be_hidden(dialog, db, tmp_path, qtbot):
    same = tmp_path / "村情登记.csv"
    same.write_text(
        HEADER
        + "610526100202,西沟村,4,286,1024,990,21,苹果种植,四类,\n"  # as stored
        + "610526100204,北岭村,3,100,400,380,10,小麦,三类,\n",
        encoding="utf-8",
    )
    dialog.set_kind("villages")
    dialog.set_path(same)
    dialog.check_button.click()
    assert preview(dialog, "村名") == [("2", "不变", "西沟村"), ("3", "新增", "北岭村")]
    unchanged = dialog.preview_model.index(0, R.FIRST_CELL)
    assert unchanged.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    dialog.changes_only.setChecked(True)
    assert preview(dialog, "村名") == [("3", "新增", "北岭村")]
    assert dialog.results.tabText(dialog.rows_index) == "将写入的行（1/2）"
    dialog.set_path(tmp_path / "别的.csv")  # a new file: the old preview goes
    assert dialog.preview_model.rowCount() == 0


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
