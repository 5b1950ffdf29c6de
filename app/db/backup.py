"""Verified backups, restore through a temporary file, and the consistency check."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from app.db.connection import DatabaseFileError, check_file, copy_database


def integrity_problems(conn: sqlite3.Connection, quick: bool = False) -> list[str]:
    pragma = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    return [] if rows == ["ok"] else rows


def _verify_copy(path: Path) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = integrity_problems(conn)
    except sqlite3.DatabaseError as e:
        problems = [str(e)]
    finally:
        conn.close()
    if problems:
        raise DatabaseFileError(f"{path} 完整性检查未通过：{'；'.join(problems[:5])}", path)


def _remove_stale_temporaries(folder: Path, older_than: float = 3600) -> None:
    """Temporary copies left by a backup that was cut short (a crash, a power cut)."""
    import time

    for stale in folder.glob(".*.sqlite.tmp"):
        try:
            if time.time() - stale.stat().st_mtime > older_than:
                stale.unlink()
        except OSError:
            pass


def backup(db: Database | None, target: Path | None, db_path: Path) -> Path:
    """Copy the database with ``VACUUM INTO`` to a temp file, verify it, rename into place.

    The copy is read through a connection of its own (read-only), so it may run on a
    worker thread while the program goes on; ``db`` is used only for a database that is
    not a file.
    """
    if target is None:
        folder = db_path.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{db_path.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite"
    target = Path(target)
    if not target.parent.exists():
        raise DatabaseFileError(f"备份文件夹不存在：{target.parent}", target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    _remove_stale_temporaries(target.parent)
    try:
        if Path(db_path).is_file():
            src = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
            try:
                src.execute("VACUUM INTO ?", [str(tmp)])
            finally:
                src.close()
        elif db is not None:
            db.execute("VACUUM INTO ?", [str(tmp)])
        else:
            raise DatabaseFileError(f"数据库文件不存在：{db_path}", db_path)
        _verify_copy(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def restore(source: Path, db_path: Path) -> Path | None:
    """Replace the database at ``db_path`` with the verified backup ``source``.

    The replaced file is kept aside (``<name>.replaced-<time>.sqlite``) and its path
    returned. The source is checked (ours, not newer, intact) before anything changes.
    """
    source = Path(source)
    if not source.is_file():
        raise DatabaseFileError(f"备份文件不存在：{source}", source)
    check_file(source)
    _verify_copy(source)
    tmp = db_path.with_name(f".{db_path.name}.restore-tmp")
    tmp.unlink(missing_ok=True)
    try:
        copy_database(source, tmp)
        _verify_copy(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    kept = None
    try:
        if db_path.exists():
            # every commit into the main file first, or the copy kept would lack the last
            conn = sqlite3.connect(db_path)
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                conn.close()
            if busy:
                raise DatabaseFileError(
                    f"{db_path} 正被其他程序读写，现在不能恢复。请关闭其他程序后再试。", db_path
                )
            kept = db_path.with_name(
                f"{db_path.stem}.replaced-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.sqlite"
            )
            copy_database(db_path, kept)  # a copy: the database's name never goes missing
            for suffix in ("-wal", "-shm"):  # empty after the checkpoint
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return kept


_EXPECTED: list[dict] = []


def schema_problems(db: Database) -> list[str]:
    """The schema as the program made it: every table with its columns, every trigger as
    written (a damaged trigger passes SQLite's checks and fails at the next save)."""
    from app.db.connection import memory_database
    from app.db.schema import LOGGED_TABLES, change_log_trigger_sql

    if not _EXPECTED:
        fresh = memory_database()
        _EXPECTED.append(
            {
                "tables": {t: [c.name for c in fresh[t].columns] for t in fresh.table_names()},
                "triggers": dict(
                    fresh.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                    ).fetchall()
                ),
            }
        )
        fresh.conn.close()
    expected = _EXPECTED[0]
    problems = []
    try:
        tables = set(db.table_names())
        stored = dict(
            db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        )
        for table, columns in expected["tables"].items():
            if table not in tables:
                problems.append(f"数据结构已损坏：缺少数据表 {table}")
            elif [c.name for c in db[table].columns] != columns:
                problems.append(f"数据结构已损坏：数据表 {table} 的列与程序不符")
        wanted = dict(expected["triggers"])
        for table in LOGGED_TABLES:  # made from the table's own columns
            if table in tables:
                wanted.update(change_log_trigger_sql(db, table))
        for name, sql in wanted.items():
            if stored.get(name) != sql:
                problems.append(f"数据结构已损坏：触发器 {name} 缺失或被改动")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as e:
        problems.append(f"数据结构无法读出（{e}）")
    return problems


def consistency_problems(db: Database) -> list[str]:
    """SQLite's full integrity check, foreign keys, and the program's own invariants."""
    problems = integrity_problems(db.conn) + schema_problems(db)
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
    checks = {
        "已审批补助月份的合计与明细不符": """SELECT m.month FROM subsidy_months m
               LEFT JOIN (SELECT month, sum(total_fen) t FROM subsidy_lines GROUP BY month) l
                 ON l.month = m.month WHERE m.total_fen != coalesce(l.t, 0)""",
        "补助明细行的合计不等于各项之和": """SELECT month || ' ' || cadre_no FROM subsidy_lines
               WHERE total_fen != living_fen + transport_fen + adjustment_fen""",
        "补助明细行的调整额与调整记录不符": """SELECT l.month || ' ' || l.cadre_no FROM subsidy_lines l
               LEFT JOIN (SELECT month, cadre_no, sum(amount_fen) a FROM subsidy_adjustments
                          GROUP BY month, cadre_no) j ON j.month = l.month AND j.cadre_no = l.cadre_no
               WHERE l.adjustment_fen != coalesce(j.a, 0)""",
        "村级考核总分与各项得分之和不符": """SELECT a.village_code || ' ' || a.year FROM village_assessments a
               JOIN (SELECT village_code, year, sum(score_tenths) s FROM village_scores
                     GROUP BY village_code, year) s
                 ON s.village_code = a.village_code AND s.year = a.year
               WHERE s.s != a.total_tenths""",
        "任职结束日期早于开始日期": "SELECT cadre_no FROM assignments WHERE end_date IS NOT NULL AND end_date < start_date",
        "乡镇上报数据没有对应的导入记录或公钥": """SELECT DISTINCT township_code FROM county_rows
               WHERE township_code NOT IN (SELECT township_code FROM county_files)
                  OR township_code NOT IN (SELECT township_code FROM county_keys)""",
    }
    for what, sql in checks.items():
        bad = [r[0] for r in db.execute(sql).fetchall()]
        if bad:
            problems.append(
                f"{what}：{'，'.join(map(str, bad[:10]))}{' 等' if len(bad) > 10 else ''}"
            )
    return problems
