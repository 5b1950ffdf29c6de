"""The whole window: title, tabs, menus, status bar, size on a 1366×768 laptop."""

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.db.schema import SCHEMA_VERSION

SCREEN = QSize(1366, 768)


def test_title_names_the_township(window):
    assert window.windowTitle() == "乡镇驻村工作台 — 蒲城县东坡镇"


def test_status_bar_shows_township_and_database_path(window, db_path):
    assert "东坡镇" in window.name_label.text()
    assert str(db_path) in window.path_label.text()
    assert window.name_label.isVisibleTo(window.statusBar())


def test_tabs_in_order(window):
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert labels == ["村情档案", "干部与值班", "周例会", "补助发放", "考核"]


def test_menus(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件", "帮助"]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert texts == [
        "导入登记表…",
        "导出上报文件…",
        "打印季度小结…",
        "备份与恢复…",
        "修改记录…",
        "退出",
    ]
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    help_menu = window.menuBar().actions()[1].menu()
    assert [a.text() for a in help_menu.actions()] == ["关于…"]


def test_about_names_version_database_and_schema(window, db_path):
    text = window.about_text()
    assert str(db_path) in text
    assert f"数据结构版本：{SCHEMA_VERSION}" in text
    assert "程序版本：" in text


def test_quit_closes_the_window(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.quit_action.trigger()
    assert not window.isVisible()


def test_fits_a_1366x768_screen(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= 1280 and window.height() <= 720
    for size in (window.minimumSizeHint(), window.minimumSize()):
        assert size.width() <= SCREEN.width() and size.height() <= SCREEN.height() - 40
    # every tab too, so none forces the window bigger when shown
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        hint = window.tabs.widget(i).minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 700


def test_long_database_path_does_not_widen_the_window(qtbot, db, tmp_path, today):
    from app.ui.main_window import MainWindow

    deep = tmp_path.joinpath(*["很长的文件夹名称" * 3] * 12) / "township.sqlite"
    w = MainWindow(db, deep, clock=lambda: today)
    qtbot.addWidget(w)
    assert w.minimumSizeHint().width() <= SCREEN.width()
    assert w.path_label.toolTip().endswith("township.sqlite")


def test_tabs_load_when_shown(window):
    assert window.villages_tab.model.rowCount() == 3
    window.tabs.setCurrentWidget(window.cadres_tab)
    assert window.cadres_tab.roster.model.rowCount() == 2


def test_uninitialised_database_still_opens(qtbot, db_path):
    from app.db.connection import memory_database
    from app.ui.main_window import MainWindow

    w = MainWindow(memory_database(), db_path)
    qtbot.addWidget(w)
    assert "尚未初始化" in w.windowTitle()
    assert QApplication.instance() is not None


def test_an_import_clears_every_undo_history(window, db, tmp_path, qtbot):
    from PySide6.QtCore import Qt

    from app.db import records
    from tests.ui.test_import_dialog import HEADER

    stacks = window.undo_stacks()
    assert window.villages_tab.undo.stack in stacks and window.cadres_tab.undo.stack in stacks
    # an edit in each tab, undoable
    edit = records.update(db, "villages", {"code": "610526100202"}, {"households": 300})
    window.villages_tab.undo.push(edit, "修改西沟村")
    cadre = records.update(db, "cadres", {"cadre_no": "GB002"}, {"phone": "13800000000"})
    window.cadres_tab.undo.push(cadre, "修改李秀兰")
    assert window.villages_tab.undo.stack.canUndo() and window.cadres_tab.undo.stack.canUndo()
    # the register sheet sets 西沟村's 户数 again: undoing the edit above would undo it
    sheet = tmp_path / "村情登记.csv"
    sheet.write_text(
        HEADER + "610526100202,西沟村,4,290,1024,990,21,苹果种植,四类,\n", encoding="utf-8"
    )
    dialog = window.open_import_dialog()
    qtbot.addWidget(dialog)
    dialog.set_kind("villages")
    dialog.set_path(sheet)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert db["villages"].get("610526100202")["households"] == 290
    assert [s.count() for s in window.undo_stacks()] == [0] * len(window.undo_stacks())
    window.villages_tab.undo.stack.undo()  # nothing left to undo: the import stands
    assert db["villages"].get("610526100202")["households"] == 290
