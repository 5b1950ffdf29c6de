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


def backup(db: Database, target: Path | None, db_path: Path) -> Path:
    """Copy the database with ``VACUUM INTO`` to a temp file, verify it, rename into place."""
    if target is None:
        folder = db_path.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{db_path.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite"
    target = Path(target)
    if not target.parent.exists():
        raise DatabaseFileError(f"备份文件夹不存在：{target.parent}", target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        db.execute("VACUUM INTO ?", [str(tmp)])
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
    copy_database(source, tmp)
    _verify_copy(tmp)
    kept = None
    if db_path.exists():
        conn = sqlite3.connect(db_path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        kept = db_path.with_name(
            f"{db_path.stem}.replaced-{datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite"
        )
        os.replace(db_path, kept)
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return kept


def consistency_problems(db: Database) -> list[str]:
    """SQLite's full integrity check, foreign keys, and the program's own invariants."""
    problems = integrity_problems(db.conn)
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
