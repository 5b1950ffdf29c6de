"""Opening the database at start (issue 9): another program has it, it is on a USB stick,
it is damaged — the clerk is told, and offered what can be done."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from app import paths
from app.db import startup as db_startup
from app.db.backups import make_backup
from app.db.connection import open_database
from app.db.lock import DatabaseLock
from app.db.startup import open_for_work
from app.db.store import initialise
from app.ui.dialogs import startup
from app.ui.dialogs.startup import open_at_start, opened_path

SHOTS = Path("/tmp/ui-shots")


# ---- answering message boxes -------------------------------------------------------------


class Boxes:
    """Answers the message boxes a test expects, in order: [(object name, button)].

    Each box seen is kept (name, text, informative text). A box that is not expected is
    closed with its escape button and noted, so a test fails instead of hanging.
    """

    def __init__(self, answers: list[tuple[str, str]], shots: dict[str, Path] | None = None):
        self.answers = list(answers)
        self.shots = shots or {}
        self.seen: list[tuple[str, str, str]] = []
        self.unexpected: list[str] = []
        self._tries = 0
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            self._tries += 1
            if self.answers and self._tries < 1000:
                QTimer.singleShot(5, self._poll)
            return
        self._tries = 0
        name = box.objectName()
        self.seen.append((name, box.text(), box.informativeText()))
        if not self.answers or self.answers[0][0] != name:
            self.unexpected.append(name)
            (box.escapeButton() or box.buttons()[0]).click()
        else:
            _name, button = self.answers.pop(0)
            if name in self.shots:
                SHOTS.mkdir(parents=True, exist_ok=True)
                assert box.grab().save(str(self.shots[name]))
            box.findChild(QAbstractButton, button).click()
        QTimer.singleShot(5, self._poll)

    def names(self) -> list[str]:
        return [name for name, _t, _i in self.seen]

    def text(self, name: str) -> str:
        return "\n".join(t + "\n" + i for n, t, i in self.seen if n == name)

    def check(self) -> None:
        assert self.unexpected == [], f"unexpected boxes: {self.unexpected}"
        assert self.answers == [], f"boxes never shown: {self.answers}"


# ---- a township database file ------------------------------------------------------------


def township_file(path: Path, villages: int = 3):
    db = open_database(path, create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    for n in range(1, villages + 1):
        db["villages"].insert(
            {"code": f"610526100{200 + n:03d}", "township_code": "610526100", "name": f"第{n}村"}
        )
    return db


def damage(path: Path) -> None:
    """Overwrite the middle pages with garbage, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(path.read_bytes())
    for offset in range(4096, len(raw) - 4096, 4096 * 3):
        raw[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(raw))


def village_count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM villages").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def damaged(tmp_path) -> Path:
    """40 villages, a backup with 39 of them (2026-11-27 17:30), then damage."""
    path = tmp_path / "township.sqlite"
    db = township_file(path, villages=39)
    make_backup(db, path, "auto", datetime(2026, 11, 27, 17, 30))
    db["villages"].insert({"code": "610526100299", "township_code": "610526100", "name": "后建村"})
    db.conn.close()
    damage(path)
    return path


# ---- a damaged file ----------------------------------------------------------------------


def test_damaged_database_leads_to_the_recovery_offer_and_opens_the_backup(qtbot, damaged):
    boxes = Boxes(
        [("recovery-offer", startup.RESTORE), ("recovered", startup.OK)],
        shots={"recovery-offer": SHOTS / "recovery-offer.png"},
    )
    opened = open_at_start(damaged)
    boxes.check()
    try:
        assert opened is not None
        offer = boxes.text("recovery-offer")
        assert "已损坏" in offer and "2026-11-27 17:30" in offer
        assert "以后所做的修改将会丢失" in offer  # what is lost, said plainly
        assert "township.sqlite.damaged-" in offer  # and where the damaged file goes
        # the backup's data: the village made after it is gone
        assert opened.db.execute("SELECT count(*) FROM villages").fetchone()[0] == 39
        kept = list(damaged.parent.glob("township.sqlite.damaged-????????-??????"))
        assert len(kept) == 1 and str(kept[0]) in boxes.text("recovered")
        assert opened.lock is not None and opened.lock.held
    finally:
        if opened is not None:
            opened.close()


def test_quitting_the_recovery_offer_changes_nothing(qtbot, damaged):
    before = damaged.read_bytes()
    boxes = Boxes([("recovery-offer", startup.QUIT)])
    assert open_at_start(damaged) is None
    boxes.check()
    assert damaged.read_bytes() == before
    assert not list(damaged.parent.glob("*.damaged-*"))
    # and the lock was let go of: the file can be opened for recovery later
    DatabaseLock(damaged).acquire().release()


def test_damaged_without_a_backup_says_so_and_stops(qtbot, tmp_path):
    path = tmp_path / "township.sqlite"
    township_file(path, villages=40).conn.close()
    damage(path)
    boxes = Boxes([("recovery-offer", startup.OK)])
    assert open_at_start(path) is None
    boxes.check()
    assert "没有找到可以用来恢复的完好备份" in boxes.text("recovery-offer")


# ---- another program ---------------------------------------------------------------------


def test_a_second_open_shows_the_other_program_and_returns_none(qtbot, tmp_path):
    path = tmp_path / "township.sqlite"
    township_file(path).conn.close()
    first = open_for_work(path)
    try:
        boxes = Boxes([("database-locked", startup.OK)])
        assert open_at_start(path) is None
        boxes.check()
        text = boxes.text("database-locked")
        assert "另一个程序" in text and "计算机" in text and "进程" in text
    finally:
        first.close()
    second = open_at_start(path)  # free again
    assert second is not None
    second.close()


def test_the_program_stops_when_another_has_the_database(qtbot, tmp_path):
    from app.__main__ import run_gui

    path = tmp_path / "township.sqlite"
    township_file(path).conn.close()
    first = open_for_work(path)
    try:
        boxes = Boxes([("database-locked", startup.OK)])
        assert run_gui(db=path) == 1
        boxes.check()
    finally:
        first.close()


# ---- a USB stick -------------------------------------------------------------------------


def test_a_file_on_a_usb_stick_is_copied_here_and_the_copy_opened(qtbot, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    path = stick / "township.sqlite"
    township_file(path, villages=5).conn.close()
    before = path.read_bytes()
    here = tmp_path / "data"
    here.mkdir()
    (here / "township.sqlite").write_bytes(b"the clerk's own database")  # never overwritten
    monkeypatch.setattr(paths, "data_dir", lambda: here)
    monkeypatch.setattr(
        db_startup,
        "editing_refused",
        lambda p: (
            "数据库文件在移动存储设备上，请复制到本机后再编辑。" if stick in p.parents else None
        ),
    )
    boxes = Boxes([("not-local", startup.COPY)])
    opened = open_at_start(path)
    boxes.check()
    assert opened is not None
    try:
        copy = here / "township-2.sqlite"
        assert str(copy) in boxes.text("not-local")
        assert opened_path(opened, path) == copy
        assert opened.db.execute("SELECT count(*) FROM villages").fetchone()[0] == 5
    finally:
        opened.close()
    assert (here / "township.sqlite").read_bytes() == b"the clerk's own database"
    assert path.read_bytes() == before


def test_a_file_on_a_usb_stick_is_left_alone_when_cancelled(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "township.sqlite"
    township_file(path).conn.close()
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr(db_startup, "editing_refused", lambda p: "在网络共享文件夹上。")
    boxes = Boxes([("not-local", startup.CANCEL)])
    assert open_at_start(path) is None
    boxes.check()
    assert not (tmp_path / "data").exists()
