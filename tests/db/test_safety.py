"""Issue 9: one program per database, the laptop's own disk, checks at start, backups
with rotation, and recovery from a damaged file."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import run
from app.db import location
from app.db.backups import (
    BackupInfo,
    auto_backup,
    backup_due,
    kept_by_rotation,
    list_backups,
    make_backup,
    newest_sound_backup,
    rotate,
)
from app.db.connection import open_database
from app.db.lock import DatabaseLock, DatabaseLocked, read_holder
from app.db.startup import DatabaseDamaged, NotOnThisComputer, open_for_work, recover
from app.db.store import initialise

ROOT = Path(__file__).resolve().parents[2]


def _township(path: Path):
    db = open_database(path, create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    return db


def _village(db, n: int) -> None:
    db["villages"].insert(
        {"code": f"610526100{200 + n:03d}", "township_code": "610526100", "name": f"第{n}村"}
    )


# ---- one program per database ------------------------------------------------------------


def test_second_lock_is_refused_naming_the_computer_and_process(tmp_path):
    path = tmp_path / "t.sqlite"
    first = DatabaseLock(path).acquire()
    with pytest.raises(DatabaseLocked) as e:
        DatabaseLock(path).acquire()
    message = str(e.value)
    assert socket.gethostname() in message and str(__import__("os").getpid()) in message
    assert "正被另一个程序使用" in message and "请先关闭" in message
    first.release()
    DatabaseLock(path).acquire().release()  # free again
    assert read_holder(Path(str(path) + ".lock")) == {}  # nobody named once released


def test_a_lock_held_by_another_process_and_freed_when_it_dies(tmp_path):
    path = tmp_path / "t.sqlite"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from app.db.lock import DatabaseLock
        DatabaseLock({str(path)!r}).acquire()
        print("held", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLocked, match=f"进程 {child.pid}"):
            DatabaseLock(path).acquire()
    finally:
        child.kill()  # as a crash or a power cut would
        child.wait()
    DatabaseLock(path).acquire().release()  # the system let go of it: no stale lock


def test_cli_refuses_to_write_while_the_program_has_the_database(tmp_path, capsys):
    path = tmp_path / "t.sqlite"
    _township(path).conn.close()
    lock = DatabaseLock(path).acquire()
    try:
        assert run(["--db", str(path), "approve-subsidy", "--month", "2026-01"]) == 1
        assert "正被另一个程序使用" in capsys.readouterr().err
        # reading is fine
        assert run(["--db", str(path), "check"]) == 0
    finally:
        lock.release()
    assert run(["--db", str(path), "demo"]) in (0, 1)  # the lock is free again


def test_open_for_work_takes_the_lock(tmp_path):
    path = tmp_path / "t.sqlite"
    _township(path).conn.close()
    opened = open_for_work(path)
    try:
        with pytest.raises(DatabaseLocked):
            open_for_work(path)
    finally:
        opened.close()
    open_for_work(path).close()


# ---- the laptop's own disk -----------------------------------------------------------------

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
server:/export /mnt/share nfs4 rw 0 0
//nas/office /mnt/smb cifs rw 0 0
/dev/sdb1 /media/clerk/KINGSTON vfat rw,nosuid 0 0
/dev/sdc1 /run/media/clerk/U\\040盘 exfat rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/home/clerk/township.sqlite", location.LOCAL),
        ("/mnt/share/township.sqlite", location.NETWORK),
        ("/mnt/smb/乡镇/township.sqlite", location.NETWORK),
        ("/media/clerk/KINGSTON/township.sqlite", location.REMOVABLE),
        ("/run/media/clerk/U 盘/township.sqlite", location.REMOVABLE),
    ],
)
def test_where_a_file_lives(path, kind):
    assert location.linux_kind(Path(path), MOUNTS) == kind


def test_a_database_on_a_usb_stick_is_not_opened_for_editing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "t.sqlite"
    _township(path).conn.close()
    monkeypatch.setattr(location, "storage_kind", lambda p: location.REMOVABLE)
    with pytest.raises(NotOnThisComputer, match="移动存储设备.*复制到本机"):
        open_for_work(path)
    assert run(["--db", str(path), "approve-subsidy", "--month", "2026-01"]) == 1
    assert "复制到本机" in capsys.readouterr().err
    assert run(["--db", str(path), "check"]) == 0  # viewing is fine


# ---- backups -------------------------------------------------------------------------------


def test_backups_are_verified_listed_and_due_only_after_changes(tmp_path):
    path = tmp_path / "t.sqlite"
    db = _township(path)
    t0 = datetime(2026, 11, 28, 9, 0)
    assert backup_due(db, t0)  # never backed up, changes made by init
    first = auto_backup(db, path, t0)
    assert first is not None and first.kind == "auto" and first.path.exists()
    assert not backup_due(db, t0 + timedelta(hours=2))  # nothing changed since
    _village(db, 1)
    assert not backup_due(db, t0 + timedelta(minutes=29))  # at most every 30 minutes
    assert backup_due(db, t0 + timedelta(minutes=30))
    assert backup_due(db, t0 + timedelta(minutes=1), closing=True)  # on closing: at once
    second = auto_backup(db, path, t0 + timedelta(minutes=31))
    manual = make_backup(db, path, "manual", t0 + timedelta(minutes=40))
    listed = list_backups(path)
    assert [b.path for b in listed] == [manual.path, second.path, first.path]
    assert [b.kind_text for b in listed] == ["手动", "自动", "自动"]
    copy = open_database(second.path)
    assert copy.execute("SELECT count(*) FROM villages").fetchone()[0] == 1
    assert newest_sound_backup(path).path == manual.path


def test_rotation_keeps_12_days_10_weeks_9_months_and_every_manual_one(tmp_path):
    today = date(2026, 11, 28)
    backups = [
        BackupInfo(
            tmp_path / f"t-{d:%Y%m%d}-{h:02d}0000-auto.sqlite",
            datetime(d.year, d.month, d.day, h),
            1,
            "auto",
        )
        for d in (today - timedelta(days=i) for i in range(400))
        for h in (9, 17)
    ]
    backups.append(
        BackupInfo(tmp_path / "t-20250101-120000.sqlite", datetime(2025, 1, 1, 12), 1, "manual")
    )
    kept = kept_by_rotation(backups, today)
    kept_days = sorted({b.at.date() for b in backups if b.path in kept}, reverse=True)
    assert kept_days[:12] == [today - timedelta(days=i) for i in range(12)]
    older = [b for b in backups if b.path in kept and b.at.date() < today - timedelta(days=2)]
    assert all(b.at.hour == 17 for b in older)  # the newest of each day (and the latest 6)
    weeks = {d.isocalendar()[:2] for d in kept_days}
    assert len(weeks) >= 10
    months = {(d.year, d.month) for d in kept_days}
    assert len(months) == 9 and (2026, 3) in months and (2026, 2) not in months
    assert len(kept) <= 6 + 12 + 10 + 9
    # on disk: only automatic ones are removed
    for b in backups:
        b.path.write_bytes(b"x")
    folder = tmp_path / "backups"
    folder.mkdir()
    for b in backups:
        b.path.rename(folder / b.path.name)
    removed = rotate(tmp_path / "t.sqlite", today)
    left = {p.name for p in folder.iterdir()}
    assert "t-20250101-120000.sqlite" in left and len(removed) == len(backups) - len(left)
    assert len(left) == len(kept) + 1


# ---- checks at start and recovery -----------------------------------------------------------


def test_full_check_at_first_start_then_weekly(tmp_path):
    path = tmp_path / "t.sqlite"
    _township(path).conn.close()
    t0 = datetime(2026, 11, 28, 9, 0)
    opened = open_for_work(path, now=t0)
    assert opened.full_check
    opened.close()
    opened = open_for_work(path, now=t0 + timedelta(days=3))
    assert not opened.full_check  # a quick check only
    opened.close()
    opened = open_for_work(path, now=t0 + timedelta(days=7))
    assert opened.full_check
    opened.close()


def _damage(path: Path) -> None:
    """Overwrite the middle pages with garbage, as a failing disk would."""
    conn = __import__("sqlite3").connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(raw) - page, page * 3):
        raw[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(raw))


def test_damaged_database_offers_the_newest_sound_backup_and_recovers(tmp_path):
    path = tmp_path / "t.sqlite"
    db = _township(path)
    for n in range(1, 40):
        _village(db, n)
    made = make_backup(db, path, "auto", datetime(2026, 11, 27, 17, 30))
    _village(db, 45)  # made after the backup: lost by recovery, and said so
    db.conn.close()
    _damage(path)
    with pytest.raises(DatabaseDamaged) as e:
        open_for_work(path)
    damaged = e.value
    assert damaged.backup is not None and damaged.backup.path == made.path
    assert "2026-11-27 17:30" in str(damaged) and "以后所做的修改将会丢失" in str(damaged)
    time.sleep(0)  # the lock was released on failure:
    kept = recover(path, damaged.backup, datetime(2026, 11, 28, 8, 0))
    assert kept.name == "t.sqlite.damaged-20261128-080000" and kept.exists()
    opened = open_for_work(path)
    assert opened.db.execute("SELECT count(*) FROM villages").fetchone()[0] == 39
    opened.close()
