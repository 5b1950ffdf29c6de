"""One program per database: an exclusive lock on ``<database>.lock`` held while open.

The operating system holds the lock (``fcntl.flock`` on Linux, ``msvcrt.locking`` on
Windows) and lets go of it when the program ends, even by a crash or a power cut, so a
lock is never left behind. The file says who holds it (computer, user, process, since
when), which is what a second program tells the clerk.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from app.db.connection import DatabaseFileError


class DatabaseLocked(DatabaseFileError):
    """Another program has the database open."""


def lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


def _holder() -> dict:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name on some systems
        user = ""
    return {
        "computer": socket.gethostname(),
        "user": user,
        "pid": os.getpid(),
        "since": datetime.now().isoformat(timespec="seconds"),
    }


WINDOWS_LOCK_OFFSET = 1 << 20  # a byte past the details, so others can still read them


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def holder_text(info: dict) -> str:
    parts = [f"计算机 {info.get('computer') or '未知'}"]
    if info.get("user"):
        parts.append(f"用户 {info['user']}")
    if info.get("pid"):
        parts.append(f"进程 {info['pid']}")
    since = str(info.get("since") or "").replace("T", " ")
    return "，".join(parts) + (f"，自 {since} 起" if since else "")


class DatabaseLock:
    """Held from ``acquire`` to ``release`` (or the end of the process)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._fd: int | None = None

    def acquire(self) -> DatabaseLock:
        """Take the lock, or raise :class:`DatabaseLocked` naming who holds it."""
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            try:
                info = read_holder(self.path)
            finally:
                os.close(fd)
            raise DatabaseLocked(
                f"数据库 {self.db_path} 正被另一个程序使用（{holder_text(info)}）。"
                "同一时间只能由一个程序打开，以免数据互相覆盖。请先关闭那边的程序再打开。",
                self.db_path,
            )
        body = json.dumps(_holder(), ensure_ascii=False).encode("utf-8") + b"\n"
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, body)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # nobody holds it now
        except OSError:
            pass
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def read_holder(path: Path) -> dict:
    """Who holds the lock at ``path`` (as written by the holder; {} when unreadable)."""
    try:
        text = Path(path).read_bytes().decode("utf-8", "replace").strip()
        info = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}
