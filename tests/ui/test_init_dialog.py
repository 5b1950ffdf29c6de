"""First run without a database: the clerk names the township; mistakes show next to the fields."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.db.connection import open_database
from app.db.store import identity
from app.ui.dialogs.init_dialog import InitDialog


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_codes_are_checked_as_typed(qtbot, tmp_path):
    dialog = InitDialog(tmp_path / "t.sqlite")
    qtbot.addWidget(dialog)
    assert not ok_button(dialog).isEnabled()
    qtbot.keyClicks(dialog.county_code, "61052")
    assert "6 位数字" in dialog.error.text()
    qtbot.keyClicks(dialog.county_code, "6")
    dialog.county_name.insert("蒲城县")  # QTest types ASCII only
    qtbot.keyClicks(dialog.township_code, "610527100")
    assert "不属于县代码" in dialog.error.text()
    dialog.township_code.clear()
    qtbot.keyClicks(dialog.township_code, "610526100")
    dialog.township_name.insert("东坡镇")  # QTest types ASCII only
    assert dialog.error.text() == "" and ok_button(dialog).isEnabled()
    dialog.show()
    dialog.grab().save("/tmp/ui-shots/dialog-init.png")
    assert dialog.values() == {
        "county_code": "610526",
        "county_name": "蒲城县",
        "township_code": "610526100",
        "township_name": "东坡镇",
    }


def test_county_database_needs_no_township(qtbot, tmp_path):
    dialog = InitDialog(tmp_path / "c.sqlite")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.county_code, "610526")
    dialog.county_name.insert("蒲城县")  # QTest types ASCII only
    assert not ok_button(dialog).isEnabled()
    dialog.county_only.setChecked(True)
    assert ok_button(dialog).isEnabled() and not dialog.township_code.isEnabled()


def test_enter_does_not_accept_an_invalid_form(qtbot, tmp_path):
    dialog = InitDialog(tmp_path / "t.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == 0 and dialog.isVisible()


def test_create_database_interactively(qtbot, tmp_path, monkeypatch):
    from app.ui.dialogs import init_dialog

    def fake_exec(self):
        self.county_code.setText("610526")
        self.county_name.setText("蒲城县")
        self.township_code.setText("610526100")
        self.township_name.setText("东坡镇")
        return init_dialog.QDialog.DialogCode.Accepted

    monkeypatch.setattr(InitDialog, "exec", fake_exec)
    db = init_dialog.create_database_interactively(tmp_path / "t.sqlite")
    assert identity(db).display_name == "蒲城县东坡镇"
    db.conn.close()
    assert identity(open_database(tmp_path / "t.sqlite")).township_code == "610526100"
