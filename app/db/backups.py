"""Backups kept beside the database (``backups/``): made, listed, rotated, checked.

Every backup is verified before it counts (``backup.backup``: ``VACUUM INTO`` a temporary
file, ``integrity_check``, rename). Automatic backups are made when the program closes
and at most every 30 minutes while changes are being made; they are rotated so that the
newest of each of the last 12 days, 10 weeks and 9 months stay, and the latest six. Backups made by hand,
before a migration or before a restore are never removed by rotation.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from app.db.backup import backup, integrity_problems

AUTO_INTERVAL = timedelta(minutes=30)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9
KEEP_RECENT = 6  # and the latest few of today, to go back a few hours
KINDS = {"auto": "自动", "manual": "手动", "before": "升级前", "restore": "恢复前"}
_STAMP = re.compile(r"(\d{8}-\d{6})")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    at: datetime
    size: int
    kind: str  # auto | manual | before | restore

    @property
    def kind_text(self) -> str:
        return KINDS.get(self.kind, "手动")


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def _kind(name: str) -> str:
    if name.endswith("-auto.sqlite"):
        return "auto"
    if ".before-" in name:
        return "before"
    if ".replaced-" in name or name.endswith("-restore.sqlite"):
        return "restore"
    return "manual"


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The database's backups, newest first (files named ``<name>…<yyyymmdd-hhmmss>…``)."""
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    out = []
    if not folder.is_dir():
        return out
    for path in folder.glob(f"{stem}*.sqlite"):
        m = _STAMP.search(path.name[len(stem) :])
        if not m or path.name.startswith("."):
            continue
        try:
            at = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        out.append(BackupInfo(path, at, size, _kind(path.name)))
    return sorted(out, key=lambda b: (b.at, b.path.name), reverse=True)


def backup_file(db_path: Path, kind: str = "manual", now: datetime | None = None) -> BackupInfo:
    """Write a verified backup of the file into ``backups/`` (no use of the program's
    connection: safe on a worker thread)."""
    now = (now or datetime.now()).replace(microsecond=0)
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-{kind}" if kind in ("auto", "restore") else ""
    target = folder / f"{Path(db_path).stem}-{now.strftime('%Y%m%d-%H%M%S')}{suffix}.sqlite"
    n = 1
    while target.exists():  # two in the same second: keep both
        n += 1
        target = target.with_name(
            f"{Path(db_path).stem}-{now.strftime('%Y%m%d-%H%M%S')}-{n}{suffix}.sqlite"
        )
    backup(None, target, Path(db_path))
    return BackupInfo(target, now, target.stat().st_size, kind)


def last_change(db: Database) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0])


def record_backup(db: Database, info: BackupInfo, change: int) -> None:
    """Remember ``info`` as the last backup, covering the changes up to ``change``."""
    with db.atomic():
        db["maintenance"].upsert_all(
            [
                {"key": "last_backup_at", "value": info.at.isoformat(timespec="seconds")},
                {"key": "last_backup_change", "value": str(change)},
            ],
            pk="key",
        )


def make_backup(
    db: Database, db_path: Path, kind: str = "manual", now: datetime | None = None
) -> BackupInfo:
    """A verified backup in ``backups/`` named by time and kind; remembered as the last."""
    change = last_change(db)
    info = backup_file(db_path, kind, now)
    record_backup(db, info, change)
    return info


def _maintenance(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM maintenance WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def changed_since_backup(db: Database) -> bool:
    return last_change(db) > int(_maintenance(db, "last_backup_change") or 0)


def backup_due(db: Database, now: datetime | None = None, *, closing: bool = False) -> bool:
    """Changes since the last backup, and (unless closing) 30 minutes since it."""
    if not changed_since_backup(db):
        return False
    if closing:
        return True
    last = _maintenance(db, "last_backup_at")
    if last is None:
        return True
    try:
        return (now or datetime.now()) - datetime.fromisoformat(last) >= AUTO_INTERVAL
    except ValueError:
        return True


def auto_backup(
    db: Database, db_path: Path, now: datetime | None = None, *, closing: bool = False
) -> BackupInfo | None:
    """Make an automatic backup if one is due, then rotate; the backup made, or None."""
    now = now or datetime.now()
    if not backup_due(db, now, closing=closing):
        return None
    made = make_backup(db, db_path, "auto", now)
    rotate(db_path, now.date())
    return made


def kept_by_rotation(backups: list[BackupInfo], today: date) -> set[Path]:
    """The automatic backups rotation keeps: the newest of each of the last 12 days,
    10 ISO weeks and 9 months (counted back from ``today``), and the latest 6."""
    autos = sorted((b for b in backups if b.kind == "auto"), key=lambda b: b.at, reverse=True)
    keep: set[Path] = {b.path for b in autos[:KEEP_RECENT]}
    day_floor = today - timedelta(days=KEEP_DAILY - 1)
    monday = today - timedelta(days=today.weekday())
    week_floor = monday - timedelta(weeks=KEEP_WEEKLY - 1)
    month_index = today.year * 12 + today.month - 1
    seen: dict[str, set] = {"day": set(), "week": set(), "month": set()}
    for b in autos:
        d = b.at.date()
        if d >= day_floor and d not in seen["day"]:
            seen["day"].add(d)
            keep.add(b.path)
        week = d.isocalendar()[:2]
        if d >= week_floor and week not in seen["week"]:
            seen["week"].add(week)
            keep.add(b.path)
        month = (d.year, d.month)
        if month_index - (d.year * 12 + d.month - 1) < KEEP_MONTHLY and month not in seen["month"]:
            seen["month"].add(month)
            keep.add(b.path)
    return keep


def rotate(db_path: Path, today: date | None = None) -> list[Path]:
    """Remove the automatic backups rotation does not keep; the files removed."""
    backups = list_backups(db_path)
    keep = kept_by_rotation(backups, today or date.today())
    removed = []
    for b in backups:
        if b.kind == "auto" and b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                pass
    return removed


def backup_is_sound(path: Path) -> bool:
    """Opens read-only and passes SQLite's quick check."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return not integrity_problems(conn, quick=True)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def newest_sound_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes the quick check (the one to offer after damage)."""
    for b in list_backups(db_path):
        if backup_is_sound(b.path):
            return b
    return None
