"""Opening the database for work: lock, place, integrity, and recovery from damage.

``open_for_work`` is what the program does at start: refuse a second program on the same
file (``lock``), refuse to edit a file on a removable drive or a network share
(``location``), open it (``connection.open_database``), run ``PRAGMA quick_check`` —
and the full ``integrity_check`` when the last one is more than a week old. A damaged
file raises :class:`DatabaseDamaged`, which names the newest sound backup and its time
(what would be lost); ``recover`` keeps the damaged file aside and puts that backup in
its place.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from app.db.backup import integrity_problems, restore, schema_problems
from app.db.backups import BackupInfo, newest_sound_backup
from app.db.connection import DatabaseFileError, open_database
from app.db.location import editing_refused
from app.db.lock import DatabaseLock

FULL_CHECK_EVERY = timedelta(days=7)


class DatabaseDamaged(DatabaseFileError):
    """The file fails SQLite's checks; ``backup`` is the newest sound one, if any."""

    def __init__(
        self, message: str, path: Path, problems: list[str], backup: BackupInfo | None
    ) -> None:
        super().__init__(message, path)
        self.problems = problems
        self.backup = backup


class NotOnThisComputer(DatabaseFileError):
    """The file is on a removable drive or a network share: view it, or copy it here."""


@dataclass
class Opened:
    db: Database
    lock: DatabaseLock | None
    full_check: bool  # the full integrity_check ran this time
    path: Path | None = None

    def close(self) -> None:
        try:
            self.db.conn.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def damage_message(path: Path, problems: list[str], backup: BackupInfo | None) -> str:
    what = "；".join(problems[:3]) + ("……" if len(problems) > 3 else "")
    text = f"数据库文件 {path} 已损坏（{what}）。"
    if backup is None:
        return text + "没有找到可用的备份。请不要再写入这个文件，并联系维护人员。"
    return (
        text
        + f"可以用最近一次完好的备份恢复：{backup.path.name}（{backup.at:%Y-%m-%d %H:%M}）。"
        + f"恢复后，{backup.at:%Y-%m-%d %H:%M} 以后所做的修改将会丢失；损坏的文件会另存一份，不会删除。"
    )


def _check(db: Database, full: bool) -> list[str]:
    try:
        return integrity_problems(db.conn, quick=not full) or schema_problems(db)
    except sqlite3.DatabaseError as e:
        return [str(e)]


def _full_check_due(db: Database, now: datetime) -> bool:
    try:
        row = db.execute(
            "SELECT value FROM maintenance WHERE key = 'last_integrity_check'"
        ).fetchone()
    except sqlite3.DatabaseError:
        return True
    if row is None:
        return True
    try:
        return now - datetime.fromisoformat(row[0]) >= FULL_CHECK_EVERY
    except ValueError:
        return True


def record_full_check(db: Database, now: datetime | None = None) -> None:
    with db.atomic():
        db["maintenance"].upsert(
            {
                "key": "last_integrity_check",
                "value": (now or datetime.now()).isoformat(timespec="seconds"),
            },
            pk="key",
        )


def open_for_work(
    path: Path, *, create: bool = False, now: datetime | None = None, check_place: bool = True
) -> Opened:
    """Lock, check the place, open and check the database at ``path`` (see the module)."""
    path = Path(path)
    now = now or datetime.now()
    if check_place:
        why = editing_refused(path)
        if why:
            raise NotOnThisComputer(why, path)
    lock = DatabaseLock(path).acquire()
    try:
        try:
            db = open_database(path, create=create)
        except DatabaseFileError as e:
            backup = newest_sound_backup(path)
            # a damaged header looks like "not a database": with backups of it, it was one
            if "已损坏" in e.message or "无法打开" in e.message or backup is not None:
                raise DatabaseDamaged(
                    damage_message(path, [e.message], backup), path, [e.message], backup
                ) from e
            raise
        full = _full_check_due(db, now)
        problems = _check(db, full)
        if problems:
            db.conn.close()
            backup = newest_sound_backup(path)
            raise DatabaseDamaged(damage_message(path, problems, backup), path, problems, backup)
        if full:
            record_full_check(db, now)
        return Opened(db, lock, full, path)
    except BaseException:
        lock.release()
        raise


def set_aside_damaged(path: Path, now: datetime | None = None) -> Path:
    """Rename the damaged file (and its -wal/-shm) to ``<name>.damaged-<time>``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    os.replace(path, kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            os.replace(side, Path(str(kept) + suffix))
    return kept


def recover(path: Path, backup: BackupInfo, now: datetime | None = None) -> Path:
    """Keep the damaged file aside and put the verified ``backup`` in its place.

    Returns where the damaged file was kept.
    """
    path = Path(path)
    with DatabaseLock(path):
        kept = set_aside_damaged(path, now) if path.exists() else path
        restore(backup.path, path)
    return kept
