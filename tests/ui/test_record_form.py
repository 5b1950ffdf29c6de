"""The shared record form and undo: problems next to the field, Enter saves, Esc cancels, Ctrl+Z."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.db import records
from app.sheets.kinds import HOUSEHOLDS
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog, RecordForm


def test_bad_phone_is_shown_under_the_field_and_enter_saves_once_fixed(qtbot):
    form = RecordForm(HOUSEHOLDS.columns)
    qtbot.addWidget(form)
    saved = []
    form.saved.connect(saved.append)
    qtbot.keyClicks(form.editors["hh_no"], "6105261002010009")
    qtbot.keyClicks(form.editors["village_code"], "610526100201")
    form.editors["head_name"].setText("赵四")
    qtbot.keyClicks(form.editors["phone"], "12ab")
    assert "7 到 20 位" in form.errors["phone"].text()
    qtbot.keyClick(form, Qt.Key.Key_Return)
    assert saved == []
    form.editors["phone"].clear()
    qtbot.keyClicks(form.editors["phone"], "13800000000")
    qtbot.keyClicks(form.editors["income_per_capita_fen"], "-5")
    assert "负" in form.errors["income_per_capita_fen"].text()
    form.editors["income_per_capita_fen"].clear()
    qtbot.keyClicks(form.editors["income_per_capita_fen"], "8000.5")
    qtbot.keyClick(form, Qt.Key.Key_Return)
    assert (
        saved and saved[0]["phone"] == "13800000000" and saved[0]["income_per_capita_fen"] == 800050
    )
    assert saved[0]["low_income"] == 0


def test_missing_required_field_and_escape(qtbot):
    form = RecordForm(HOUSEHOLDS.columns)
    qtbot.addWidget(form)
    cancelled = []
    form.cancelled.connect(lambda: cancelled.append(True))
    assert form.values() is None
    assert form.problems()["hh_no"] == "必填" and form.problems()["head_name"] == "必填"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert cancelled == [True]


def test_dialog_keeps_a_database_refusal_and_undo_reverts(qtbot, township_db):
    db = township_db
    tab = QWidget()
    qtbot.addWidget(tab)
    refreshed = []
    undo = TabUndo(tab, db, lambda: refreshed.append(1))

    def save(values):
        change = records.insert(db, "households", values, ("hh_no",))
        undo.push(change, "新增农户")
        return change

    values = {"hh_no": "H1", "village_code": "610526100201", "head_name": "赵四"}
    dialog = RecordDialog("新增农户", HOUSEHOLDS.columns, save)
    qtbot.addWidget(dialog)
    dialog.form.set_values(values)
    assert dialog.form.submit() and dialog.result() == dialog.DialogCode.Accepted
    again = RecordDialog("新增农户", HOUSEHOLDS.columns, save)
    qtbot.addWidget(again)
    again.form.set_values(values)
    again.form.submit()
    assert "重复" in again.message.text() and again.result() != again.DialogCode.Accepted
    assert records.fetch(db, "households", {"hh_no": "H1"}) is not None
    undo.stack.undo()
    assert records.fetch(db, "households", {"hh_no": "H1"}) is None
    undo.stack.redo()
    assert records.fetch(db, "households", {"hh_no": "H1"})["head_name"] == "赵四"
    assert len(refreshed) >= 3


def test_ctrl_shift_z_redoes_in_the_tab(qtbot, township_db):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    db = township_db
    tab = QWidget()
    QVBoxLayout(tab).addWidget(edit := QPushButton("列表"))  # a text box keeps Ctrl+Z for its text
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    change = records.insert(
        db,
        "households",
        {"hh_no": "H9", "village_code": "610526100201", "head_name": "钱七"},
        ("hh_no",),
    )
    undo.push(change, "新增农户")
    tab.show()
    tab.activateWindow()  # shortcuts work in the active window
    qtbot.waitUntil(tab.isActiveWindow)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert records.fetch(db, "households", {"hh_no": "H9"}) is None
    qtbot.keyClick(
        edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert records.fetch(db, "households", {"hh_no": "H9"}) is not None
    # QTest leaves the application's modifier state at Ctrl: release it for later tests
    qtbot.keyRelease(edit, Qt.Key.Key_Shift)
    qtbot.keyRelease(edit, Qt.Key.Key_Control)


def test_undo_refused_after_a_later_edit_says_why_and_drops_the_command(
    qtbot, township_db, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    db = township_db
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append((a[1], a[2])))
    first = records.insert(
        db,
        "households",
        {"hh_no": "H1", "village_code": "610526100201", "head_name": "赵四"},
        ("hh_no",),
    )
    undo.push(first, "新增农户")
    second = records.update(db, "households", first.key, {"members": 3})
    undo.push(second, "修改农户")
    # the same row edited again without the stack (e.g. from another window or an import)
    db.execute("UPDATE households SET members = 4 WHERE hh_no = 'H1'")
    undo.stack.undo()
    assert warned and warned[0][0] == "无法撤销" and "人口 由“3”改为“4”" in warned[0][1]
    assert records.fetch(db, "households", first.key)["members"] == 4  # not overwritten
    assert undo.stack.count() == 1 and undo.stack.index() == 1  # the refused command is gone
    assert undo.stack.undoText() == "新增农户"
    undo.stack.undo()  # the insert: its row holds other figures now, refused as well
    assert len(warned) == 2 and undo.stack.count() == 0
    assert records.fetch(db, "households", first.key) is not None


def test_redo_refused_after_a_later_edit_drops_the_command(qtbot, township_db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    db = township_db
    tab = QWidget()
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append((a[1], a[2])))
    values = {"hh_no": "H1", "village_code": "610526100201", "head_name": "赵四"}
    undo.push(records.insert(db, "households", values, ("hh_no",)), "新增农户")
    undo.stack.undo()
    assert records.fetch(db, "households", {"hh_no": "H1"}) is None and not warned
    records.insert(db, "households", {**values, "head_name": "钱七"}, ("hh_no",))
    undo.stack.redo()
    assert warned and warned[0][0] == "无法重做" and "不能重做" in warned[0][1]
    assert records.fetch(db, "households", {"hh_no": "H1"})["head_name"] == "钱七"
    assert undo.stack.count() == 0 and not undo.stack.canRedo()
