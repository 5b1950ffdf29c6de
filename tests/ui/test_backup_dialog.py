"""文件 → 备份与恢复… and the window's automatic backups (issue 9), over a database file
opened for work (its lock held by the window)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db import records
from app.db.backups import backup_dir, backup_file, list_backups, make_backup
from app.db.connection import DatabaseFileError
from app.db.lock import DatabaseLocked
from app.db.startup import open_for_work
from app.ui import main_window
from app.ui.dialogs.backup_dialog import BackupListModel, size_text
from tests.ui.conftest import TODAY
from tests.ui.test_startup import SHOTS, Boxes, township_file

WEST = "610526100202"


def households(path: Path, code: str = WEST) -> int | None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT households FROM villages WHERE code = ?", [code]).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def path(tmp_path) -> Path:
    path = tmp_path / "township.sqlite"
    db = township_file(path)
    db["villages"].update(WEST, {"households": 286})
    db.conn.close()
    return path


def make_window(qtbot, path: Path):
    opened = open_for_work(path)
    w = main_window.MainWindow(opened.db, path, clock=lambda: TODAY, opened=opened)
    qtbot.addWidget(w)
    return w


@pytest.fixture
def window(qtbot, path):
    w = make_window(qtbot, path)
    yield w
    w.release_database()


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown_households(window, code: str = WEST) -> str:
    model = window.villages_tab.model
    for r in range(model.rowCount()):
        if model.index(r, model.COL_CODE).data() == code:
            return model.index(r, model.COL_HOUSEHOLDS).data()
    raise AssertionError(f"{code} not shown")


# ---- restoring ---------------------------------------------------------------------------


def test_restoring_a_backup_brings_back_the_old_data_and_keeps_the_replaced_file(
    qtbot, window, path
):
    dialog = window.open_backup_dialog()
    assert dialog.model.rowCount() == 0 and dialog.empty_label.isVisibleTo(dialog)
    click(qtbot, dialog.backup_button)  # 立即备份
    assert dialog.model.rowCount() == 1
    made = dialog.selected()
    assert made is not None and made.kind_text == "手动" and made.path.exists()
    assert made.path.name in dialog.status_label.text()
    assert "上次备份" in window.backup_label.text()

    # a change after the backup, undoable in its tab, and shown
    old_db = window.database()
    edit = records.update(old_db, "villages", {"code": WEST}, {"households": 300})
    window.villages_tab.undo.push(edit, "修改西沟村")
    assert households(path) == 300 and shown_households(window) == "300"

    boxes = Boxes([("confirm-restore", "restore"), ("restored", "ok")])
    click(qtbot, dialog.restore_button)  # 恢复所选…
    boxes.check()

    confirm = boxes.text("confirm-restore")
    assert f"{made.at:%Y-%m-%d %H:%M:%S}" in confirm  # names the backup's time
    assert "township.replaced-" in confirm  # and where the current file is kept
    # the old data, in the file and in the window's rebuilt tabs
    assert households(path) == 286
    assert window.database() is not old_db
    assert shown_households(window) == "286"
    # the replaced file is kept, with the change in it, and named in the last message
    kept = list(path.parent.glob("township.replaced-*.sqlite"))
    assert len(kept) == 1 and households(kept[0]) == 300
    assert str(kept[0]) in boxes.text("restored")
    # the current data was backed up first (恢复前): the restore can be taken back
    assert sorted(b.kind_text for b in list_backups(path)) == ["恢复前", "手动"]
    assert dialog.model.rowCount() == 2
    # the undo histories ended; the window still holds the file
    assert all(s.count() == 0 for s in window.undo_stacks())
    window.villages_tab.undo.stack.undo()
    assert households(path) == 286
    with pytest.raises(DatabaseLocked):
        open_for_work(path)


def test_cancelling_the_restore_changes_nothing(qtbot, window, path):
    make_backup(window.database(), path, "manual", datetime(2026, 5, 1, 9, 0))
    records.update(window.database(), "villages", {"code": WEST}, {"households": 300})
    dialog = window.open_backup_dialog()
    boxes = Boxes([("confirm-restore", "cancel")])
    click(qtbot, dialog.restore_button)
    boxes.check()
    assert households(path) == 300
    assert not list(path.parent.glob("*.replaced-*"))
    assert [b.kind for b in list_backups(path)] == ["manual"]


def test_a_backup_that_fails_its_check_is_not_restored(qtbot, window, path):
    bad = backup_dir(path) / "township-20260501-090000.sqlite"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # not a sound database
    records.update(window.database(), "villages", {"code": WEST}, {"households": 300})
    dialog = window.open_backup_dialog()
    row = dialog.model.row_of(bad)
    dialog.view.selectRow(row)
    boxes = Boxes([("confirm-restore", "restore"), ("restore-failed", "ok")])
    click(qtbot, dialog.restore_button)
    boxes.check()
    assert bad.name in boxes.text("restore-failed")
    assert households(path) == 300  # the data as it was, and the window still works on it
    assert window.database().execute("SELECT count(*) FROM villages").fetchone() == (3,)
    assert not list(path.parent.glob("*.replaced-*"))


def test_backup_list_and_open_folder(qtbot, window, path, monkeypatch):
    earlier = {
        backup_file(path, kind, at).path
        for kind, at in (
            ("auto", datetime(2026, 5, 14, 17, 30)),
            ("manual", datetime(2026, 5, 15, 9, 12, 5)),
            ("auto", datetime(2026, 5, 15, 11, 0)),
        )
    }
    opened_urls = []
    monkeypatch.setattr(
        "app.ui.dialogs.backup_dialog.QDesktopServices.openUrl",
        lambda url: opened_urls.append(url.toLocalFile()) or True,
    )
    dialog = window.open_backup_dialog()
    model = dialog.model
    assert model.rowCount() == 3
    assert [model.index(r, BackupListModel.COL_KIND).data() for r in range(3)] == [
        "自动",
        "手动",
        "自动",
    ]
    assert model.index(1, BackupListModel.COL_TIME).data() == "2026-05-15 09:12:05"
    assert model.index(0, BackupListModel.COL_SIZE).data().endswith("KB")
    assert model.index(0, BackupListModel.COL_NAME).data() == "township-20260515-110000-auto.sqlite"
    assert size_text(900) == "1 KB" and size_text(3 * 1024 * 1024 + 200_000) == "3.2 MB"
    # keyboard: the list has the focus (arrows choose), Tab goes to 立即备份, Space presses
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.view and dialog.selected().kind == "auto"
    qtbot.keyClick(dialog.view, Qt.Key.Key_Down)
    assert dialog.selected().kind == "manual"
    qtbot.keyClick(dialog.view, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.backup_button
    qtbot.keyClick(dialog.backup_button, Qt.Key.Key_Space)
    assert model.rowCount() == 4
    made = dialog.selected()
    assert made.kind == "manual" and made.path not in earlier
    click(qtbot, dialog.folder_button)
    assert opened_urls == [str(backup_dir(path))]

    SHOTS.mkdir(parents=True, exist_ok=True)
    window.show()
    qtbot.waitExposed(window)
    assert dialog.grab().save(str(SHOTS / "backup-dialog.png"))


# ---- automatic backups -------------------------------------------------------------------


def test_closing_after_a_change_makes_a_verified_backup_and_lets_go_of_the_file(qtbot, path):
    window = make_window(qtbot, path)
    make_backup(window.database(), path, "manual", datetime(2026, 5, 1, 9, 0))
    records.update(window.database(), "villages", {"code": WEST}, {"households": 300})
    window.show()
    assert window.close()
    autos = [b for b in list_backups(path) if b.kind == "auto"]
    assert len(autos) == 1 and households(autos[0].path) == 300
    open_for_work(path).close()  # the lock was let go of


def test_closing_without_a_change_makes_no_backup(qtbot, path):
    window = make_window(qtbot, path)
    make_backup(window.database(), path, "manual", datetime(2026, 5, 1, 9, 0))
    assert not window.backup_if_due()  # the timer's check: nothing to do
    window.show()
    assert window.close()
    assert [b.kind for b in list_backups(path)] == ["manual"]
    open_for_work(path).close()


def test_the_timer_backs_up_when_due_and_shows_when(qtbot, window, path):
    assert window.backup_timer.isActive()
    assert window.backup_label.text() == "尚未备份"
    assert window.backup_if_due()  # a new database: never backed up
    made = list_backups(path)
    assert [b.kind for b in made] == ["auto"]
    assert window.backup_label.text() == f"上次备份：{made[0].at:%Y-%m-%d %H:%M}"
    assert not window.backup_if_due()  # nothing changed since


def test_a_failed_backup_at_closing_is_shown_and_the_clerk_may_stay(qtbot, path, monkeypatch):
    window = make_window(qtbot, path)
    window.show()

    def broken(*_a, **_k):
        raise DatabaseFileError("磁盘已满", path)

    monkeypatch.setattr(main_window, "backup_file", broken)
    boxes = Boxes([("close-backup-failed", "stay")])
    assert not window.close()
    boxes.check()
    assert "磁盘已满" in boxes.text("close-backup-failed")
    assert window.isVisible() and window.database() is not None
    boxes = Boxes([("close-backup-failed", "quit")])
    assert window.close()
    boxes.check()
    open_for_work(path).close()


def test_a_window_over_a_database_it_does_not_own_makes_no_backups(qtbot, db, db_path):
    window = main_window.MainWindow(db, db_path, clock=lambda: TODAY)
    qtbot.addWidget(window)
    assert not window.backup_timer.isActive() and window.backup_label.text() == ""
    dialog = window.open_backup_dialog()
    assert not dialog.backup_button.isEnabled() and not dialog.restore_button.isEnabled()
    assert window.close()
    assert not backup_dir(db_path).exists()
