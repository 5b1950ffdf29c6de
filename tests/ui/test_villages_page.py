"""村情档案 as a clerk uses it: open a village, read its file, add / edit / delete, Ctrl+Z."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.db import households, records
from app.ui.villages.models import GradeTableModel as G
from app.ui.villages.models import YearTableModel as Y
from app.ui.villages_tab import VillagesTab
from app.ui.villages_tab import VillageTableModel as M
from app.ui.widgets.record_form import RecordDialog

DONGPO, XIGOU = "610526100201", "610526100202"


class FakePanel(QWidget):
    """Stands in for the households panel where a test is about the village file."""

    def __init__(self, db, undo, village_code=None, parent=None) -> None:
        super().__init__(parent)
        self.village_code = village_code
        self.undo = undo
        self.refreshed = 0
        self.opened: list[str] = []

    def refresh(self) -> None:
        self.refreshed += 1

    def open_household(self, hh_no=None):
        self.opened.append(hh_no)


@pytest.fixture
def tab(qtbot, db, today):
    t = VillagesTab(db, clock=lambda: today, panel_factory=FakePanel)
    qtbot.addWidget(t)
    t.resize(1180, 640)
    t.show()
    qtbot.waitExposed(t)
    t.activateWindow()
    qtbot.waitUntil(t.isActiveWindow)  # shortcuts (Ctrl+Z) work in the active window
    t.refresh()
    return t


def names(tab):
    return [tab.model.index(r, M.COL_NAME).data() for r in range(tab.model.rowCount())]


def select(tab, name):
    tab.table.setFocus()
    tab.table.selectRow(names(tab).index(name))


def texts(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def open_dialog(tab, button, qtbot) -> RecordDialog:
    before = set(tab.findChildren(RecordDialog))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (dialog,) = set(tab.findChildren(RecordDialog)) - before
    qtbot.waitExposed(dialog)
    return dialog


def ctrl_z(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def log_size(db):
    return count(db, "change_log")


# ---- opening a village -------------------------------------------------------------------


def test_enter_opens_the_village_with_its_grade_history(tab, qtbot):
    select(tab, "东坡村")
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    page = tab.page
    assert tab.stack.currentWidget() is page and page.code == DONGPO
    assert page.title_label.text() == "东坡村"
    assert page.grade_label.text() == "二类"  # the latest assessment, not the register's 三类
    history = [
        tuple(page.grade_model.index(r, c).data() for c in range(5))
        for r in range(page.grade_model.rowCount())
    ]
    assert history == [
        ("2025", "84.5", "二类", "三类→二类", "升级"),
        ("2024", "71.2", "三类", "", "（上年未考核）"),
    ]
    assert "登记类别：三类" in page.grade_summary.text()
    assert "2025 年考核：二类" in page.grade_summary.text()
    assert "三类→二类，升级" in page.grade_summary.text()
    assert page.grade_model.index(0, G.COL_CHANGE).data(Qt.ItemDataRole.FontRole).bold()
    assert page.base_labels["leading_industry"].text() == "生猪养殖"
    assert page.base_labels["households"].text() == "412"
    cadres = [
        (page.cadre_model.index(r, 0).data(), page.cadre_model.index(r, 3).data())
        for r in range(page.cadre_model.rowCount())
    ]
    assert cadres == [("王建国", "现任")]

    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert tab.stack.currentWidget() is tab.list
    assert tab.list.current_code() == DONGPO  # the row the clerk came from


def test_double_click_opens_and_cadres_now_and_before(tab, qtbot):
    row = names(tab).index("南塬村")
    rect = tab.table.visualRect(tab.model.index(row, M.COL_NAME))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = tab.page
    assert page.code == "610526100203"
    assert texts(page.cadre_model, 3) == ["曾任"]
    assert texts(page.cadre_model, 2) == ["2025-01-01 — 2025-12-31"]
    assert page.grade_summary.text().endswith("还没有考核记录")


def test_yearly_figures_show_the_change_from_the_year_before(tab, db, qtbot):
    db["village_years"].insert_all(
        [
            {
                "village_code": DONGPO,
                "year": 2024,
                "population": 1518,
                "households": 410,
                "party_members": 36,
                "income_per_capita_fen": 1_000_000,
                "collective_income_fen": 4_000_000,
            },
            {
                "village_code": DONGPO,
                "year": 2025,
                "population": 1530,
                "households": 412,
                "party_members": 38,
                "income_per_capita_fen": 1_082_000,
                "collective_income_fen": 4_035_000,
            },
        ]
    )
    page = tab.open_village(DONGPO)
    page.sections.setCurrentIndex(1)
    m = page.year_model
    assert texts(m, Y.COL_YEAR) == ["2025", "2024"]
    assert m.index(0, Y.COL_POPULATION).data() == "1,530"
    assert m.index(0, Y.COL_POPULATION_CHANGE).data() == "+12"
    assert m.index(0, Y.COL_INCOME).data() == "10,820.00"
    assert m.index(0, Y.COL_INCOME_CHANGE).data() == "+820.00（+8.2%）"
    assert m.index(0, Y.COL_COLLECTIVE_CHANGE).data() == "+350.00（+0.9%）"
    green = m.index(0, Y.COL_INCOME_CHANGE).data(Qt.ItemDataRole.ForegroundRole).color()
    assert green.green() > green.red()
    assert m.index(1, Y.COL_INCOME_CHANGE).data() == ""  # no 2023 to compare with


def test_add_a_year_with_a_bad_amount_then_undo(tab, db, qtbot):
    page = tab.open_village(XIGOU)
    page.sections.setCurrentIndex(1)
    dialog = open_dialog(tab, page.add_year_button, qtbot)
    form = dialog.form
    assert form.editors["year"].text() == "2026"  # this year, as nothing is recorded yet
    qtbot.keyClicks(form.editors["population"], "1030")
    qtbot.keyClicks(form.editors["income_per_capita_fen"], "-5")
    assert "负" in form.errors["income_per_capita_fen"].text()
    qtbot.keyClick(form.editors["income_per_capita_fen"], Qt.Key.Key_Return)
    assert count(db, "village_years") == 0 and dialog.isVisible()
    form.editors["income_per_capita_fen"].clear()
    qtbot.keyClicks(form.editors["income_per_capita_fen"], "9650.5")
    qtbot.keyClick(form.editors["income_per_capita_fen"], Qt.Key.Key_Return)
    assert dialog.result() == RecordDialog.DialogCode.Accepted
    assert page.year_model.index(0, Y.COL_INCOME).data() == "9,650.50"
    row = records.fetch(db, "village_years", {"village_code": XIGOU, "year": 2026})
    assert row["income_per_capita_fen"] == 965050 and row["population"] == 1030
    ctrl_z(qtbot, page.year_table)
    assert count(db, "village_years") == 0 and page.year_model.rowCount() == 0


def test_edit_and_delete_a_year(tab, db, qtbot, monkeypatch):
    db["village_years"].insert_all(
        [
            {"village_code": XIGOU, "year": 2024, "population": 1000},
            {"village_code": XIGOU, "year": 2025, "population": 1024},
        ]
    )
    page = tab.open_village(XIGOU)
    page.sections.setCurrentIndex(1)
    assert not page.edit_year_button.isEnabled()
    page.year_table.setFocus()
    page.select_year(2024)
    before = set(tab.findChildren(RecordDialog))
    qtbot.keyClick(page.year_table, Qt.Key.Key_Return)  # Enter edits the year
    (dialog,) = set(tab.findChildren(RecordDialog)) - before
    assert not dialog.form.editors["year"].isEnabled()
    dialog.form.editors["population"].setText("1010")
    qtbot.keyClick(dialog.form.editors["population"], Qt.Key.Key_Return)
    assert page.year_model.index(0, Y.COL_POPULATION_CHANGE).data() == "+14"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.select_year(2025)
    qtbot.mouseClick(page.delete_year_button, Qt.MouseButton.LeftButton)
    assert texts(page.year_model, Y.COL_YEAR) == ["2024"]
    ctrl_z(qtbot, page.year_table)
    assert texts(page.year_model, Y.COL_YEAR) == ["2025", "2024"]
    ctrl_z(qtbot, page.year_table)
    assert page.year_model.index(0, Y.COL_POPULATION_CHANGE).data() == "+24"


def test_escape_cancels_a_dialog(tab, db, qtbot):
    select(tab, "东坡村")
    dialog = open_dialog(tab, tab.list.edit_button, qtbot)
    dialog.form.editors["name"].setText("不保存")
    before = log_size(db)
    qtbot.keyClick(dialog.form.editors["name"], Qt.Key.Key_Escape)
    assert dialog.result() == RecordDialog.DialogCode.Rejected
    assert log_size(db) == before and "东坡村" in names(tab)


# ---- filters -----------------------------------------------------------------------------


def test_filter_by_cadre_and_by_grade(tab):
    combo = tab.cadre_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["全部", "王建国", "李秀兰"]
    tab.list.set_cadre("GB001")  # 东坡村 now, 南塬村 in 2025
    assert names(tab) == ["东坡村", "南塬村"]
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("二类"))
    assert names(tab) == ["东坡村", "南塬村"]
    tab.list.set_cadre("GB002")
    assert names(tab) == []
    assert tab.empty_label.text() == "没有符合筛选条件的村。"
    tab.grade_combo.setCurrentIndex(tab.grade_combo.findData("四类"))
    assert names(tab) == ["西沟村"]
    tab.list.set_cadre(None)
    tab.grade_combo.setCurrentIndex(0)
    assert len(names(tab)) == 3


# ---- adding, editing, deleting, undo -----------------------------------------------------


def test_add_a_village_with_a_bad_code_fix_it_save_and_undo(tab, db, qtbot):
    dialog = open_dialog(tab, tab.list.add_button, qtbot)
    form = dialog.form
    qtbot.keyClicks(form.editors["code"], "6105261002041")  # 13 digits
    assert form.errors["code"].isVisible()
    assert form.errors["code"].text() == "应为 12 位数字，实为 6105261002041（13 位）"
    form.editors["name"].setText("北岭村")
    qtbot.keyClick(form.editors["name"], Qt.Key.Key_Return)
    assert dialog.isVisible() and count(db, "villages") == 3
    qtbot.keyClick(form.editors["code"], Qt.Key.Key_Backspace)
    assert not form.errors["code"].isVisible()
    qtbot.keyClicks(form.editors["households"], "120")
    qtbot.keyClick(form.editors["households"], Qt.Key.Key_Return)
    assert dialog.result() == RecordDialog.DialogCode.Accepted
    assert "北岭村" in names(tab) and tab.count_label.text() == "共 4 个村"
    assert tab.list.current_code() == "610526100204"  # the new row is selected
    assert records.fetch(db, "villages", {"code": "610526100204"})["township_code"] == "610526100"
    assert db.execute(
        "SELECT action FROM change_log WHERE table_name = 'villages' ORDER BY id DESC"
    ).fetchone() == ("insert",)

    ctrl_z(qtbot, tab.table)
    assert "北岭村" not in names(tab) and count(db, "villages") == 3
    assert tab.undo.stack.canRedo()


def test_a_code_already_used_is_named_next_to_the_field(tab, db, qtbot):
    dialog = tab.actions.add_village()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.form.editors["code"], XIGOU)
    dialog.form.editors["name"].setText("又一个村")
    assert not dialog.form.submit()
    assert dialog.form.errors["code"].text() == "这个村代码已有：西沟村"
    assert count(db, "villages") == 3


def test_edit_a_village_name_and_undo(tab, db, qtbot):
    select(tab, "东坡村")
    dialog = open_dialog(tab, tab.list.edit_button, qtbot)
    assert not dialog.form.editors["code"].isEnabled()  # the code is the key
    assert dialog.form.editors["name"].text() == "东坡村"
    dialog.form.editors["name"].setText("东坡新村")
    qtbot.keyClick(dialog.form.editors["name"], Qt.Key.Key_Return)
    assert "东坡新村" in names(tab) and "东坡村" not in names(tab)
    logged = db.execute(
        "SELECT action, record FROM change_log WHERE table_name = 'villages' ORDER BY id DESC"
    ).fetchone()
    assert tuple(logged) == ("update", DONGPO)
    ctrl_z(qtbot, tab.table)
    assert "东坡村" in names(tab)
    assert records.fetch(db, "villages", {"code": DONGPO})["name"] == "东坡村"


def test_edit_from_the_village_page(tab, db, qtbot):
    page = tab.open_village(DONGPO)
    dialog = open_dialog(tab, page.edit_button, qtbot)
    dialog.form.editors["leading_industry"].setText("生猪养殖、花椒")
    qtbot.keyClick(dialog.form.editors["leading_industry"], Qt.Key.Key_Return)
    assert page.base_labels["leading_industry"].text() == "生猪养殖、花椒"
    ctrl_z(qtbot, page.sections)
    assert page.base_labels["leading_industry"].text() == "生猪养殖"


def test_a_village_with_households_cannot_be_deleted(tab, db, qtbot, monkeypatch):
    db["households"].insert_all(
        [
            {"hh_no": f"61052610020200{i}", "village_code": XIGOU, "head_name": "赵四"}
            for i in (1, 2)
        ]
    )
    warnings, questions = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: questions.append(a[2]))
    counts = {t: count(db, t) for t in ("villages", "households", "assignments", "change_log")}
    select(tab, "西沟村")
    qtbot.mouseClick(tab.list.delete_button, Qt.MouseButton.LeftButton)
    assert questions == []
    (text,) = warnings
    assert "不能删除「西沟村」" in text
    assert "户情档案 2 条" in text and "驻村/兼职安排 1 条" in text and "考勤记录 1 条" in text
    assert {t: count(db, t) for t in counts} == counts
    assert "西沟村" in names(tab)


def test_an_empty_village_is_deleted_after_asking_and_comes_back_with_undo(
    tab, db, qtbot, monkeypatch
):
    records.insert(
        db,
        "villages",
        {"code": "610526100209", "township_code": "610526100", "name": "北岭村"},
        ("code",),
    )
    tab.refresh()
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    page = tab.open_village("610526100209")
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "删除「北岭村」（610526100209）" in asked[0] and "Ctrl+Z" in asked[0]
    assert tab.stack.currentWidget() is tab.list
    assert "北岭村" not in names(tab)
    ctrl_z(qtbot, tab.table)
    assert "北岭村" in names(tab)
    actions = [
        r[0]
        for r in db.execute(
            "SELECT action FROM change_log WHERE record = '610526100209' ORDER BY id"
        ).fetchall()
    ]
    assert actions == ["insert", "delete", "insert"]


def test_undoing_the_add_of_the_open_village_goes_back_to_the_list(tab, db, qtbot):
    dialog = tab.actions.add_village()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.form.editors["code"], "610526100209")
    dialog.form.editors["name"].setText("北岭村")
    assert dialog.form.submit()
    page = tab.open_village("610526100209")
    ctrl_z(qtbot, page.sections)
    assert tab.stack.currentWidget() is tab.list and page.code is None


# ---- household files ---------------------------------------------------------------------


def test_completeness_of_household_files(tab, db, qtbot):
    db["villages"].update(XIGOU, {"households": 5})
    db["households"].insert_all(
        [
            {
                "hh_no": f"6105261002020{i:03d}",
                "village_code": XIGOU,
                "group_name": "第一组" if i <= 3 else "第二组",
                "head_name": name,
            }
            for i, name in enumerate(["赵一", "钱二", "孙三", "李四", "周五"], start=1)
        ]
    )
    for hh_no in ("6105261002020001", "6105261002020004"):
        db["household_visits"].insert(
            {"hh_no": hh_no, "day": "2026-05-02", "cadre_no": "GB002", "living": "住房安全"}
        )
    page = tab.open_village(XIGOU)
    assert page.completeness_label.text() == "户情档案 40 %"
    page.sections.setCurrentIndex(page.files_index)
    assert page.sections.tabText(page.files_index) == "建档 40 %"
    assert texts(page.missing_model, 1) == ["钱二", "孙三", "周五"]
    assert page.missing_box.title() == "还没有走访记录的农户（3 户）"
    groups = [
        tuple(page.group_model.index(r, c).data() for c in range(4))
        for r in range(page.group_model.rowCount())
    ]
    assert groups == [("第一组", "3", "1", "2"), ("第二组", "2", "1", "1")]
    assert "尚未建档 0 户" in page.files_label.text()
    assert "已走访建档 2 户 ÷ 登记户数 5 户 = 40 %" in page.files_label.text()

    # Enter on a household still missing: its page, to record a visit
    page.missing_table.setFocus()
    page.missing_table.selectRow(1)
    qtbot.keyClick(page.missing_table, Qt.Key.Key_Return)
    assert page.households.opened == ["6105261002020003"]

    db["villages"].update(XIGOU, {"households": 8})  # three households not entered yet
    page.refresh()
    assert page.completeness_label.text() == "户情档案 25 %"
    assert "尚未建档 3 户" in page.files_label.text()


def test_households_panels_share_the_tab_undo(tab, qtbot):
    page = tab.open_village(XIGOU)
    page.sections.setCurrentIndex(page.households_index)
    panel = page.households
    assert isinstance(panel, FakePanel) and panel.village_code == XIGOU
    assert panel.undo is tab.undo
    tab.inner.setCurrentIndex(tab.households_index)
    assert tab.all_households.village_code is None and tab.all_households.undo is tab.undo
    before = tab.all_households.refreshed
    tab.refresh()
    assert tab.all_households.refreshed == before + 1


def test_the_real_households_panel_in_the_village_page(qtbot, db, today):
    """The page embeds HouseholdsPanel for its village; a visit undone moves the figure."""
    tab = VillagesTab(db, clock=lambda: today)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.refresh()
    db["villages"].update(XIGOU, {"households": 2})
    db["households"].insert_all(
        [
            {"hh_no": f"610526100202000{i}", "village_code": v, "head_name": n}
            for i, (v, n) in enumerate([(XIGOU, "赵一"), (XIGOU, "钱二"), (DONGPO, "孙三")])
        ]
    )
    page = tab.open_village(XIGOU)
    assert page.completeness_label.text() == "户情档案 0 %"
    page.sections.setCurrentIndex(page.households_index)
    panel = page.households
    assert panel.model.rowCount() == 2  # this village's households only
    assert panel.count_label.text() == "共 2 户"

    visit = households.add_visit(
        db, "6105261002020000", {"day": "2026-05-10", "living": "住房安全"}
    )
    tab.undo.push(visit, "新增走访记录")
    assert page.completeness_label.text() == "户情档案 50 %"
    ctrl_z(qtbot, panel.table)
    assert page.completeness_label.text() == "户情档案 0 %"

    tab.inner.setCurrentIndex(tab.households_index)
    assert tab.all_households.model.rowCount() == 3  # every village
