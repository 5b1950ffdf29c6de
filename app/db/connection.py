"""Opening the database file: refuse what is not ours, migrate with a copy aside, pragmas."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from app.db.schema import APPLICATION_ID, SCHEMA_VERSION, migrations

SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseFileError(Exception):
    """The file cannot be used: not a database, another program's, a newer schema ..."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


def _probe(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) read without writing anything."""
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise DatabaseFileError(
            f"{path} 不是本程序的数据库文件（也不是 SQLite 数据库），已拒绝打开，文件未改动。", path
        )
    if header[18] not in (1, 2) or header[19] not in (1, 2):  # file format versions
        raise DatabaseFileError(
            f"{path} 已损坏（文件头的格式版本无效），已拒绝打开，文件未改动。", path
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError) as e:
        raise DatabaseFileError(
            f"{path} 已损坏或不是数据库文件（{e}），已拒绝打开，文件未改动。", path
        ) from e
    return app_id, version, tables


def check_file(path: Path) -> int:
    """Return the schema version of an existing file, or raise ``DatabaseFileError``."""
    app_id, version, tables = _probe(path)
    if app_id == 0 and version == 0 and tables == 0:
        return 0  # an empty SQLite file: ours to initialise
    if app_id != APPLICATION_ID:
        raise DatabaseFileError(
            f"{path} 是其他程序的数据库（application_id={app_id:#x}），不是乡镇驻村工作台的数据，已拒绝打开，文件未改动。",
            path,
        )
    if version > SCHEMA_VERSION:
        raise DatabaseFileError(
            f"{path} 由更新版本的程序创建（数据结构版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
            "请安装新版程序后再打开。文件未改动。",
            path,
        )
    return version


def configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = FULL")


def copy_aside(path: Path, label: str) -> Path:
    """A consistent copy of the file next to it (``backups/``), via the backup API."""
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.{label}-{stamp}.sqlite"
    copy_database(path, target)
    return target


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` (read-only) into ``target`` with SQLite's backup API."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def open_database(path: Path | str, *, create: bool = False) -> Database:
    """Open (and if needed migrate) the program's database at ``path``.

    ``create`` allows making a new file. A file that is not ours, damaged or of a newer
    schema raises ``DatabaseFileError`` and is not touched. Before migrating a file that
    already holds data, a copy is kept in ``backups/`` beside it.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        version = check_file(path)
    else:
        if not create:
            raise DatabaseFileError(f"数据库文件不存在：{path}。请先运行 init 创建。", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        version = 0
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        configure(conn)
        db = Database(conn)
        if 0 < version < SCHEMA_VERSION and migrations.pending(db):
            copy_aside(path, f"before-v{SCHEMA_VERSION}")  # before the first change
        migrate(db)
    except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError) as e:
        conn.close()
        raise DatabaseFileError(f"{path} 无法打开：{e}。文件未改动。", path) from e
    return db


def migrate(db: Database) -> None:
    if migrations.pending(db):
        migrations.apply(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    elif db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        # the header says otherwise than the migrations applied: the header is repaired
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def memory_database() -> Database:
    """An in-memory database with the schema applied (tests)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    configure(conn)
    db = Database(conn)
    migrate(db)
    return db
