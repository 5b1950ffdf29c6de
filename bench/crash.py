#!/usr/bin/env python3
"""Crash and corruption harness (issue 9): kill the writing process, flip bytes in the file.

    .venv/bin/python bench/crash.py --runs 200                # kills while writing
    .venv/bin/python bench/crash.py --runs 0 --backup-runs 50  # kills during a backup
    .venv/bin/python bench/crash.py --runs 0 --flips 2000      # byte flips in a demo file

**Kills while writing.** A child process opens a database file the way the program does
(``open_database``: WAL, ``synchronous=FULL``) and commits numbered transactions through
the program's own writers, printing ``ack N`` (flushed) after each commit. Transaction N
adds the cadre ``K<N>`` (its marker), records 1 … 4,000 attendance days for it through
``set_cells`` (mostly a few, sometimes thousands: many WAL pages and an automatic
checkpoint), sometimes adds a village, sometimes changes the post of cadre ``K<N-1>``,
and sometimes is followed by ``PRAGMA wal_checkpoint(TRUNCATE)``; what N does follows
from the seed alone (:func:`plan`), so the parent knows exactly what every transaction
wrote. The parent kills the child with SIGKILL after a random (seeded, reported) delay,
then opens a copy of the file set (database, -wal, -shm as the kill left them) with
``open_database`` and checks: ``PRAGMA integrity_check`` ok, ``consistency_problems``
empty, every acknowledged transaction fully present and no transaction partly present
(its marker, all its attendance rows, their change-log rows, its village and its update
— all or none). The original file set goes on to the next child, which recovers the hot
WAL itself; ``--per-file`` kills are made on one file before a fresh one is started.

**Kills during a backup.** A child calls ``app.db.backup.backup`` (``VACUUM INTO`` a temp
file, ``integrity_check``, fsync, rename) on a demo township database and is killed at a
random moment of it. The target must be absent or a complete copy (check passed, same
data as the source), the source intact, and a later backup to the same target must work.

**Byte flips.** A checkpointed database file is damaged one byte at a time (a seeded
sample of offsets over every kind of region: the header, page 1, table and index b-tree
pages — their headers, cell pointers, cell content and free space — overflow and
freelist pages, the last page). For each flip, in a child process (so that a crash of
the interpreter would be seen, not suffered): ``open_database``, ``quick_check``,
``integrity_check``, ``consistency_problems``, then a logical dump of every table
compared with the undamaged file's. Each flip is *detected* (an error or a failed
check), *harmless* (everything passes and the dump is identical) or an *undetected data
change* (everything passes but the data differ: SQLite keeps no checksums of the
records, so a flipped byte inside a stored value goes unnoticed). The file must not
be written to when a check failed.

Benchmarks and harness, not tests: ``tests/db/test_crash.py`` and
``tests/db/test_byte_flips.py`` run a few of each in CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COUNTY = {"county_code": "610526", "county_name": "蒲城县"}
TOWNSHIP = {**COUNTY, "township_code": "610526100", "township_name": "东坡镇"}
FIRST_DAY = date(2000, 1, 1)
MAX_TX = 200_000  # a child left alone stops by itself
CHILD_TIMEOUT = 120.0  # seconds a child may run before the parent gives up on it


def _files(path: Path) -> list[Path]:
    return [Path(str(path) + s) for s in ("", "-wal", "-shm")]


def remove_database(path: Path) -> None:
    for p in _files(path):
        p.unlink(missing_ok=True)


def copy_database_files(source: Path, target: Path) -> None:
    """Copy the file set as it lies on disk (database, -wal, -shm), nothing recovered."""
    remove_database(target)
    for s, t in zip(_files(source), _files(target), strict=True):
        if s.exists():
            shutil.copyfile(s, t)


def new_township(path: Path) -> None:
    """An initialised, empty township database (as ``init`` makes it)."""
    from app.db.connection import open_database
    from app.db.store import initialise

    remove_database(path)
    db = open_database(path, create=True)
    initialise(db, **TOWNSHIP)
    db.conn.close()


# ---- what each transaction writes ------------------------------------------------------


@dataclass(frozen=True)
class Tx:
    n: int
    rows: int  # attendance days of cadre K<n>
    village: str | None  # a village code added, or None
    update_previous: bool  # cadre K<n-1> gets post "tx<n>"
    checkpoint: bool  # PRAGMA wal_checkpoint(TRUNCATE) after the commit

    @property
    def cadre(self) -> str:
        return cadre_no(self.n)


def cadre_no(n: int) -> str:
    return f"K{n:06d}"


def plan(seed: int, n: int) -> Tx:
    """What transaction ``n`` writes: a function of the seed and n only."""
    rng = random.Random(f"crash:{seed}:{n}")
    r = rng.random()
    if r < 0.70:
        rows = rng.randint(1, 5)
    elif r < 0.90:
        rows = rng.randint(50, 400)
    else:
        rows = rng.randint(2000, 4000)
    village = None
    if n % 5 == 0 and n // 5 < 1000:
        village = f"610526100{n // 5:03d}"
    return Tx(
        n=n,
        rows=rows,
        village=village,
        update_previous=n > 1 and rng.random() < 0.3,
        checkpoint=rng.random() < 0.05,
    )


def _days(rows: int) -> list[date]:
    return [FIRST_DAY + timedelta(days=i) for i in range(rows)]


def write_tx(db, tx: Tx) -> None:
    """One transaction through the program's own writers (records, set_cells)."""
    from app.db.attendance_edit import set_cells
    from app.db.cadres import add_cadre, update_cadre
    from app.db.villages import add_village

    with db.atomic():
        add_cadre(db, {"cadre_no": tx.cadre, "name": f"事务{tx.n}", "unit": "崩溃测试"})
        set_cells(db, [(tx.cadre, d, "在村") for d in _days(tx.rows)])
        if tx.village:
            add_village(db, {"code": tx.village, "name": f"测试村{tx.n}", "register_grade": "三类"})
        if tx.update_previous:
            update_cadre(db, cadre_no(tx.n - 1), {"post": f"tx{tx.n}"})


def committed_max(db) -> int:
    row = db.execute(
        "SELECT max(CAST(substr(cadre_no, 2) AS INTEGER)) FROM cadres WHERE cadre_no GLOB 'K*'"
    ).fetchone()
    return int(row[0] or 0)


def child_writer(path: str, seed: int) -> None:
    """The writing process: commit transactions until killed, ``ack N`` after each."""
    import app.db.attendance_edit  # noqa: F401 — imported before ``ready``, not in a tx
    import app.db.cadres  # noqa: F401
    import app.db.villages  # noqa: F401
    from app.db.connection import open_database

    out = sys.stdout
    db = open_database(Path(path))
    n = committed_max(db) + 1
    print(f"ready {n}", file=out, flush=True)
    deadline = time.monotonic() + CHILD_TIMEOUT
    while n < MAX_TX and time.monotonic() < deadline:
        tx = plan(seed, n)
        print(f"begin {n}", file=out, flush=True)
        write_tx(db, tx)
        print(f"ack {n}", file=out, flush=True)
        if tx.checkpoint:
            print(f"ckpt {n}", file=out, flush=True)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            print(f"ckpt-done {n}", file=out, flush=True)
        n += 1
    print("stopped", file=out, flush=True)


def child_backup(path: str, target: str) -> None:
    """The backing-up process: ``start``, then one verified backup, then ``done``."""
    from app.db.backup import backup
    from app.db.connection import open_database

    db = open_database(Path(path))
    print("start", flush=True)
    backup(db, Path(target), Path(path))
    print("done", flush=True)


# ---- the checks after a kill -----------------------------------------------------------


def digests(conn: sqlite3.Connection) -> tuple[str, str]:
    """SHA-256 of the schema (sqlite_master, user_version, application_id) and of the data
    (every table's rows, in a fixed order)."""
    schema = hashlib.sha256()
    for pragma in ("user_version", "application_id"):
        schema.update(f"{pragma}={conn.execute(f'PRAGMA {pragma}').fetchone()[0]};".encode())
    for text in sorted(
        repr(r) for r in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    ):
        schema.update(text.encode())
    data = hashlib.sha256()
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' "
            "ORDER BY name"
        )
    ]
    for name in tables:
        data.update(f"[{name}]".encode())
        for text in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"')):
            data.update(text.encode())
    return schema.hexdigest(), data.hexdigest()


def logical_digest(conn: sqlite3.Connection) -> str:
    """One SHA-256 over the schema and every table's rows (see ``digests``)."""
    return "/".join(digests(conn))


def check_writes(path: Path, seed: int, acked: int, began: int) -> tuple[list[str], int]:
    """Open ``path`` as the program does and check every transaction: (problems, committed)."""
    from app.db.backup import consistency_problems
    from app.db.connection import DatabaseFileError, open_database

    try:
        db = open_database(path)
    except DatabaseFileError as e:
        return [f"open_database: {e}"], -1
    problems: list[str] = []
    try:
        problems += [f"consistency: {p}" for p in consistency_problems(db)]
        top = committed_max(db)
        if top < acked:
            problems.append(f"acknowledged transaction {acked} lost (last committed {top})")
        if top > began:
            problems.append(f"transaction {top} present but never begun (last begun {began})")
        cadres = {
            r[0]: r[1]
            for r in db.execute("SELECT cadre_no, post FROM cadres WHERE cadre_no GLOB 'K*'")
        }
        days = dict(
            db.execute(
                "SELECT cadre_no, count(*) FROM attendance WHERE cadre_no GLOB 'K*' GROUP BY 1"
            ).fetchall()
        )
        logged = dict(
            db.execute(
                """SELECT substr(record, 1, 7), count(*) FROM change_log
                   WHERE table_name = 'attendance' AND action = 'insert' AND record GLOB 'K*'
                   GROUP BY 1"""
            ).fetchall()
        )
        logged_cadres = {
            r[0]
            for r in db.execute(
                "SELECT record FROM change_log WHERE table_name = 'cadres' AND action = 'insert' "
                "AND record GLOB 'K*'"
            )
        }
        villages = {r[0] for r in db.execute("SELECT code FROM villages WHERE name GLOB '测试村*'")}
        for n in range(1, max(top, acked) + 1):
            tx = plan(seed, n)
            c = tx.cadre
            present = c in cadres
            if n <= acked and not present:
                problems.append(f"tx {n}: acknowledged but its marker {c} is missing")
            if not present:
                bits = [days.get(c, 0), logged.get(c, 0), c in logged_cadres]
                if tx.village:
                    bits.append(tx.village in villages)
                if any(bits):
                    problems.append(f"tx {n}: marker missing but some of its rows present {bits}")
                continue
            if days.get(c, 0) != tx.rows:
                problems.append(f"tx {n}: {days.get(c, 0)} of {tx.rows} attendance rows")
            if logged.get(c, 0) != tx.rows:
                problems.append(f"tx {n}: {logged.get(c, 0)} of {tx.rows} change-log rows")
            if c not in logged_cadres:
                problems.append(f"tx {n}: the cadre's insert is not in the change log")
            if tx.village and tx.village not in villages:
                problems.append(f"tx {n}: village {tx.village} missing")
            if tx.update_previous and cadres.get(cadre_no(n - 1)) != f"tx{n}":
                problems.append(f"tx {n}: the update of {cadre_no(n - 1)} is missing")
        for n in range(2, top + 2):
            tx = plan(seed, n)
            post = cadres.get(cadre_no(n - 1))
            if post is not None and post == f"tx{n}" and (n > top or not tx.update_previous):
                problems.append(f"tx {n}: its update is present without the transaction")
    finally:
        db.conn.close()
    return problems, top


# ---- one kill ---------------------------------------------------------------------------


class _Lines:
    """The child's stdout lines, read on a thread (the pipe never fills)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            with self._cond:
                self.lines.append(raw.decode("utf-8", "replace").strip())
                self._cond.notify_all()
        with self._cond:
            self.lines.append("<eof>")
            self._cond.notify_all()

    def wait_for(self, prefix: str, timeout: float) -> str | None:
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line
                if "<eof>" in self.lines:
                    return None
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    def finish(self, timeout: float = 10.0) -> list[str]:
        self._thread.join(timeout)
        with self._cond:
            return [x for x in self.lines if x != "<eof>"]


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@dataclass
class KillRun:
    run: int
    delay: float  # seconds after the child said ready (negative: after it was started)
    phase: str  # where the kill landed (see kill_writer)
    acked: int  # the last transaction acknowledged (over the whole file's history)
    committed: int  # the last transaction found committed after the kill
    began: int
    problems: list[str] = field(default_factory=list)
    stderr: str = ""

    def line(self) -> str:
        what = "ok" if not self.problems else "FAILED: " + "; ".join(self.problems[:5])
        return (
            f"run {self.run:4d}: delay {self.delay:+.3f} s, {self.phase:<26} acked {self.acked:5d}, "
            f"committed {self.committed:5d}: {what}"
        )


def kill_writer(
    path: Path,
    check_dir: Path,
    seed: int,
    run: int,
    acked_before: int,
    committed_before: int,
    max_delay: float,
) -> KillRun:
    """Start a writer on ``path``, kill it at a random moment, check a copy of the files.

    ``acked_before``/``committed_before``: the last transaction acknowledged / found
    committed on this file by the earlier children (both must stay).
    """
    rng = random.Random(f"kill:{seed}:{run}")
    early = rng.random() < 0.1  # sometimes during start-up (imports, open, WAL recovery)
    delay = rng.uniform(0.0, 0.4) if early else rng.uniform(0.0, max_delay)
    proc = _spawn("writer", str(path), str(seed))
    lines = _Lines(proc)
    try:
        if not early and lines.wait_for("ready", CHILD_TIMEOUT) is None:
            _kill(proc)
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            return KillRun(run, delay, "child failed", acked_before, -1, -1, ["no ready line"], err)
        time.sleep(delay)
    finally:
        _kill(proc)
    out = lines.finish()
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    acked, began, last = acked_before, committed_before, ""
    for line in out:
        word, _, num = line.partition(" ")
        if word == "ack":
            acked = max(acked, int(num))
        elif word == "begin":
            began = max(began, int(num))
        last = line
    shutil.rmtree(check_dir, ignore_errors=True)
    check_dir.mkdir(parents=True)
    copy = check_dir / path.name
    copy_database_files(path, copy)
    problems, committed = check_writes(copy, seed, max(acked, committed_before), began)
    word = last.partition(" ")[0]
    if word == "begin":
        phase = "after commit, before ack" if committed >= began else "mid-transaction"
    elif word == "ckpt":
        phase = "during checkpoint"
    elif word in ("ack", "ckpt-done"):
        phase = "between transactions"
    elif word == "ready":
        phase = "after open, before a tx"
    else:
        phase = "during start-up"
    if "Traceback" in err:
        problems.append("the child printed a traceback: " + err.strip().splitlines()[-1])
    return KillRun(
        run, delay if not early else -delay, phase, acked, committed, began, problems, err
    )


def kill_series(
    folder: Path,
    runs: int,
    seed: int = 1,
    per_file: int = 10,
    max_delay: float = 0.8,
    log=print,
) -> list[KillRun]:
    """``runs`` kills of writers, ``per_file`` on each database file before a fresh one."""
    folder.mkdir(parents=True, exist_ok=True)
    results: list[KillRun] = []
    path = folder / "crash.sqlite"
    acked = committed = 0
    file_seed = seed
    for run in range(runs):
        if run % per_file == 0:
            new_township(path)
            acked = committed = 0
            file_seed = seed * 100_003 + run
        result = kill_writer(path, folder / "check", file_seed, run, acked, committed, max_delay)
        acked = max(acked, result.acked)
        committed = max(committed, result.committed)
        results.append(result)
        log(result.line())
        if (run + 1) % per_file == 0 or run == runs - 1:  # the original file, recovered
            problems, _ = check_writes(path, file_seed, max(acked, committed), committed)
            if problems:
                result.problems += [f"(file after the series) {p}" for p in problems]
                log(f"  file after the series: FAILED: {problems[:5]}")
    return results


# ---- kills during a backup -------------------------------------------------------------


def demo_township(path: Path, seed: int = 1) -> None:
    """A demo township database (≈7 MB), checkpointed into the main file."""
    from app.db.connection import open_database
    from app.db.store import initialise
    from app.demo_setup import make_demo

    remove_database(path)
    db = open_database(path, create=True)
    initialise(db, **TOWNSHIP)
    make_demo(db, scale="township", seed=seed, today=date(2026, 11, 28))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


@dataclass
class BackupRun:
    run: int
    delay: float
    outcome: str  # "target absent" | "complete copy"
    leftover_temp: bool
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        what = "ok" if not self.problems else "FAILED: " + "; ".join(self.problems[:5])
        temp = ", temp file left" if self.leftover_temp else ""
        return f"backup run {self.run:3d}: delay {self.delay:.3f} s, {self.outcome}{temp}: {what}"


def _digest_of(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return logical_digest(conn)
    finally:
        conn.close()


def backup_duration(source: Path, folder: Path) -> float:
    """Seconds one backup of ``source`` takes in a child, from its ``start`` to ``done``."""
    target = folder / "timing.sqlite"
    target.unlink(missing_ok=True)
    proc = _spawn("backup", str(source), str(target))
    lines = _Lines(proc)
    lines.wait_for("start", CHILD_TIMEOUT)
    t = time.perf_counter()
    lines.wait_for("done", CHILD_TIMEOUT)
    took = time.perf_counter() - t
    proc.wait(timeout=30)
    lines.finish()
    target.unlink(missing_ok=True)
    return took


def kill_backup(
    source: Path, folder: Path, run: int, seed: int, max_delay: float, source_digest: str
) -> BackupRun:
    """Kill a child in the middle of ``backup(db, target, source)`` and check both files."""
    from app.db.backup import backup, consistency_problems
    from app.db.connection import DatabaseFileError, check_file, open_database

    rng = random.Random(f"backup:{seed}:{run}")
    delay = rng.uniform(0.0, max_delay)
    target = folder / f"backup-{run}.sqlite"
    temp = target.with_name(f".{target.name}.tmp")
    remove_database(target)
    temp.unlink(missing_ok=True)
    proc = _spawn("backup", str(source), str(target))
    lines = _Lines(proc)
    problems: list[str] = []
    try:
        if lines.wait_for("start", CHILD_TIMEOUT) is None:
            problems.append("the child did not start")
        time.sleep(delay)
    finally:
        _kill(proc)
    lines.finish()
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if "Traceback" in err:
        problems.append("the child printed a traceback: " + err.strip().splitlines()[-1])
    leftover = temp.exists()
    if target.exists():
        outcome = "complete copy"
        try:
            check_file(target)
            db = open_database(target)
            try:
                problems += [f"target: {p}" for p in consistency_problems(db)]
            finally:
                db.conn.close()
            if _digest_of(target) != source_digest:
                problems.append("target: its data differ from the source's")
        except (DatabaseFileError, sqlite3.DatabaseError) as e:
            problems.append(f"target present but not usable: {e}")
    else:
        outcome = "target absent"
    # the source: intact, its data unchanged
    try:
        db = open_database(source)
        try:
            problems += [f"source: {p}" for p in consistency_problems(db)]
        finally:
            db.conn.close()
        if _digest_of(source) != source_digest:
            problems.append("source: its data changed")
    except (DatabaseFileError, sqlite3.DatabaseError) as e:
        problems.append(f"source damaged: {e}")
    # a later backup to the same target works (and clears a temp file left behind)
    if not target.exists():
        try:
            db = open_database(source)
            try:
                backup(db, target, source)
            finally:
                db.conn.close()
            if temp.exists():
                problems.append("the next backup left the temp file behind")
            if _digest_of(target) != source_digest:
                problems.append("the next backup's data differ from the source's")
        except Exception as e:  # noqa: BLE001 — reported as a failure
            problems.append(f"the next backup failed: {type(e).__name__}: {e}")
    remove_database(target)
    temp.unlink(missing_ok=True)
    return BackupRun(run, delay, outcome, leftover, problems)


def backup_series(
    folder: Path, runs: int, seed: int = 1, source: Path | None = None, log=print
) -> list[BackupRun]:
    folder.mkdir(parents=True, exist_ok=True)
    if source is None:
        source = folder / "backup-source.sqlite"
        if not source.exists():
            demo_township(source)
    took = backup_duration(source, folder)
    log(f"one backup of {source.name} ({source.stat().st_size / 1e6:.1f} MB) takes {took:.3f} s")
    digest = _digest_of(source)
    results = []
    for run in range(runs):
        result = kill_backup(source, folder, run, seed, took * 1.3, digest)
        results.append(result)
        log(result.line())
    return results


# ---- byte flips --------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    kind: str  # see regions()
    start: int
    end: int  # exclusive
    page: int
    owner: str  # the table or index the page belongs to ('' for header/freelist)


def regions(path: Path) -> list[Region]:
    """The file cut into labelled byte ranges, from ``dbstat`` and the pages' own headers.

    Kinds: ``file header``; of b-tree pages (owner ``schema`` for sqlite_master, else
    ``table …`` or ``index …``): ``page header``, ``cell pointers``, ``unallocated``,
    ``freeblock header`` (its next/size words), ``freeblock`` (the free bytes),
    ``cell content``; ``overflow header`` (the next-page number) and ``overflow``
    (payload); ``freelist trunk`` (its used words), ``freelist trunk unused``,
    ``freelist leaf``.
    """
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = {
            pageno: (name, pagetype)
            for name, pageno, pagetype in conn.execute(
                "SELECT name, pageno, pagetype FROM dbstat ORDER BY pageno"
            )
        }
        index_names = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    finally:
        conn.close()
    data = path.read_bytes()
    count = len(data) // page_size

    def word(at: int, n: int = 4) -> int:
        return int.from_bytes(data[at : at + n], "big")

    trunks: dict[int, int] = {}  # trunk page -> number of leaf entries
    trunk = word(32)
    while trunk and trunk not in trunks and trunk <= count:
        base = (trunk - 1) * page_size
        trunks[trunk] = min(word(base + 4), page_size // 4 - 2)
        trunk = word(base)
    out = [Region("file header", 0, 100, 1, "")]
    for pageno in range(1, count + 1):
        base = (pageno - 1) * page_size
        start = base + (100 if pageno == 1 else 0)
        end = base + page_size
        if pageno in trunks:
            used = base + 8 + 4 * trunks[pageno]
            out.append(Region("freelist trunk", base, used, pageno, ""))
            out.append(Region("freelist trunk unused", used, end, pageno, ""))
            continue
        if pageno not in pages:
            out.append(Region("freelist leaf", start, end, pageno, ""))
            continue
        name, pagetype = pages[pageno]
        if name in ("sqlite_schema", "sqlite_master"):
            owner = "schema"
        else:
            owner = ("index " if name in index_names else "table ") + name
        if pagetype == "overflow":
            out.append(Region("overflow header", start, start + 4, pageno, owner))
            out.append(Region("overflow", start + 4, end, pageno, owner))
            continue
        header = 12 if data[start] in (2, 5) else 8
        ncell = word(start + 3, 2)
        content = word(start + 5, 2) or 65536
        pointers_end = start + header + 2 * ncell
        out.append(Region("page header", start, start + header, pageno, owner))
        if ncell:
            out.append(Region("cell pointers", start + header, pointers_end, pageno, owner))
        if base + content > pointers_end:
            out.append(Region("unallocated", pointers_end, base + content, pageno, owner))
        free: list[tuple[int, int]] = []
        fb = word(start + 1, 2)
        while fb and len(free) < page_size:
            free.append((base + fb, base + fb + word(base + fb + 2, 2)))
            fb = word(base + fb, 2)
        cursor = base + content
        for fs, fe in sorted(free):
            if fs > cursor:
                out.append(Region("cell content", cursor, fs, pageno, owner))
            out.append(Region("freeblock header", fs, fs + 4, pageno, owner))
            out.append(Region("freeblock", fs + 4, fe, pageno, owner))
            cursor = fe
        if end > cursor:
            out.append(Region("cell content", cursor, end, pageno, owner))
    return out


def region_of(regs: list[Region], offset: int) -> Region:
    for r in regs:
        if r.start <= offset < r.end:
            return r
    return Region("unknown", offset, offset + 1, 0, "")


def sample_flips(path: Path, n: int, seed: int = 1) -> list[tuple[int, int]]:
    """(offset, xor mask) pairs: every header byte, then ``n`` more stratified by region.

    Half the masks flip one bit (bit rot), half are a random non-zero byte.
    """
    rng = random.Random(f"flips:{seed}")
    regs = regions(path)
    size = path.stat().st_size

    def mask() -> int:
        return 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)

    flips = [(o, mask()) for o in range(100)]
    by_kind: dict[str, list[Region]] = {}
    for r in regs:
        if r.kind != "file header" and r.end > r.start:
            key = f"{r.kind} ({'schema' if r.owner == 'schema' else r.owner.split(' ')[0]})"
            by_kind.setdefault(key, []).append(r)
    kinds = sorted(by_kind)
    page_size = regs[1].end if len(regs) > 1 else 4096
    last_page = size - page_size
    special = [page_size // 2, size // 2, last_page, last_page + page_size // 2, size - 1]
    flips += [(o, mask()) for o in special if 100 <= o < size]
    while len(flips) < 100 + len(special) + n:
        kind = kinds[len(flips) % len(kinds)]
        # weight each region by its length, so long regions get more flips
        r = rng.choices(by_kind[kind], weights=[x.end - x.start for x in by_kind[kind]])[0]
        flips.append((rng.randrange(r.start, r.end), mask()))
    return flips


def check_flipped(path: Path) -> dict:
    """Open the damaged file as the program does and run every check; what each said."""
    from app.db.backup import consistency_problems, integrity_problems
    from app.db.connection import DatabaseFileError, open_database

    result: dict = {"detected_by": None, "message": "", "digest": None, "error": None}

    def detected(stage: str, message: str) -> None:
        if result["detected_by"] is None:
            result["detected_by"] = stage
            result["message"] = message[:200]

    try:
        db = open_database(path)
    except DatabaseFileError as e:
        detected("open_database", str(e))
        return result
    except Exception as e:  # noqa: BLE001 — anything else escaping the opening is a finding
        result["error"] = f"open_database raised {type(e).__name__}: {e}"
        return result
    try:
        for stage, run in (
            ("quick_check", lambda: integrity_problems(db.conn, quick=True)),
            ("integrity_check", lambda: integrity_problems(db.conn)),
            ("consistency_problems", lambda: consistency_problems(db)),
        ):
            try:
                problems = run()
            except sqlite3.DatabaseError as e:
                detected(stage, f"{type(e).__name__}: {e}")
                break
            if problems:
                detected(stage, "; ".join(map(str, problems[:3])))
                break
        try:
            result["digest"] = list(digests(db.conn))
        except sqlite3.DatabaseError as e:
            result["read_error"] = f"{type(e).__name__}: {e}"[:200]
        if result["detected_by"] is None:  # can the program still write? (rolled back)
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.execute("UPDATE log_control SET enabled = enabled")
                finally:
                    db.execute("ROLLBACK")
            except sqlite3.DatabaseError as e:
                result["write_error"] = f"{type(e).__name__}: {e}"[:200]
    except Exception as e:  # noqa: BLE001 — a non-sqlite error from a check is a finding
        result["error"] = f"{type(e).__name__}: {e}"
    finally:
        db.conn.close()
    return result


def child_flips(pristine: str, work: str, flips_json: str) -> None:
    """Flip, check, restore, one offset after another; one JSON line per flip."""
    pristine_path, work_path = Path(pristine), Path(work)
    original = pristine_path.read_bytes()
    flips = json.loads(Path(flips_json).read_text())
    copy_database_files(pristine_path, work_path)
    for offset, xor in flips:
        data = bytearray(original)
        data[offset] ^= xor
        flipped = bytes(data)
        with work_path.open("r+b") as f:
            f.seek(offset)
            f.write(bytes([flipped[offset]]))
        print(json.dumps({"offset": offset, "xor": xor, "started": True}), flush=True)
        result = check_flipped(work_path)
        for p in _files(work_path)[1:]:
            p.unlink(missing_ok=True)
        after = work_path.read_bytes()
        result |= {"offset": offset, "xor": xor, "written": after != flipped}
        if after != flipped:
            changed = [i for i in range(min(len(after), len(flipped))) if after[i] != flipped[i]]
            result["written_at"] = changed[:8]
            result["size_changed"] = len(after) != len(flipped)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if after != original:
            work_path.write_bytes(original)


VERDICTS = (
    "detected",  # open_database refused it, or quick/integrity/consistency check failed
    "harmless",  # every check passed and the schema and data are as before
    "read error only",  # every check passed, but reading some row raises an error
    "write error only",  # every check passed and the data read alike, but writes fail
    "undetected data change",  # every check passed, but some stored value changed
    "undetected schema change",  # every check passed, the data are the same, the schema not
    "error",  # an exception other than DatabaseFileError / sqlite3.DatabaseError escaped
    "crash",  # the interpreter died
)


@dataclass
class Flip:
    offset: int
    xor: int
    region: Region
    verdict: str  # one of VERDICTS
    detected_by: str | None = None
    message: str = ""
    written: bool = False
    written_at: list[int] = field(default_factory=list)

    def line(self) -> str:
        where = f"{self.region.kind} of {self.region.owner or '-'} (page {self.region.page})"
        by = f" by {self.detected_by}" if self.detected_by else ""
        w = f", FILE WRITTEN at {self.written_at}" if self.written else ""
        return (
            f"offset {self.offset:8d} ^{self.xor:02x} {where}: {self.verdict}{by}{w} "
            f"{self.message[:120]}"
        )


def flip_campaign(path: Path, flips: list[tuple[int, int]], work: Path) -> list[Flip]:
    """Run ``flips`` on a copy of ``path`` in child processes (a new one after a crash)."""
    regs = regions(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        original = list(digests(conn))
    finally:
        conn.close()
    work.mkdir(parents=True, exist_ok=True)
    results: list[Flip] = []
    todo = list(flips)
    while todo:
        listing = work / "flips.json"
        listing.write_text(json.dumps(todo))
        proc = _spawn("flips", str(path), str(work / "flipped.sqlite"), str(listing))
        out, err = proc.communicate(timeout=max(600, 2 * len(todo)))
        done = 0
        pending = None
        for raw in out.decode("utf-8", "replace").splitlines():
            r = json.loads(raw)
            if r.get("started"):
                pending = r
                continue
            pending = None
            reg = region_of(regs, r["offset"])
            message = r.get("error") or r["message"]
            if r.get("error"):
                verdict = "error"
            elif r["detected_by"]:
                verdict = "detected"
            elif r.get("read_error"):
                verdict = "read error only"
                message = r["read_error"]
            elif r.get("write_error"):
                verdict = "write error only"
                message = r["write_error"]
            elif r["digest"] == original:
                verdict = "harmless"
            elif r["digest"][1] == original[1]:
                verdict = "undetected schema change"
            else:
                verdict = "undetected data change"
            results.append(
                Flip(
                    r["offset"],
                    r["xor"],
                    reg,
                    verdict,
                    r["detected_by"],
                    message,
                    r["written"],
                    r.get("written_at", []),
                )
            )
            done += 1
        if pending is not None:  # the interpreter died on this flip
            reg = region_of(regs, pending["offset"])
            why = f"exit {proc.returncode}: {err.decode('utf-8', 'replace')[-300:]}"
            results.append(Flip(pending["offset"], pending["xor"], reg, "crash", None, why))
            done += 1
        elif proc.returncode != 0:
            raise RuntimeError(f"flip child failed: {err.decode('utf-8', 'replace')[-2000:]}")
        todo = todo[done:]
    return results


def flip_summary(results: list[Flip]) -> dict:
    verdicts = Counter(r.verdict for r in results)
    by_stage = Counter(r.detected_by for r in results if r.detected_by)
    by_region: dict[str, Counter] = {}
    for r in results:
        owner = r.region.owner.split(" ")[0] if r.region.owner else ""
        key = r.region.kind + (f" ({owner})" if owner else "")
        by_region.setdefault(key, Counter())[r.verdict] += 1
    return {
        "tried": len(results),
        **{v: verdicts[v] for v in VERDICTS},
        "written after a failed check": sum(
            1 for r in results if r.written and r.verdict == "detected"
        ),
        "written": sum(1 for r in results if r.written),
        "detected by": dict(by_stage),
        "by region": {k: dict(v) for k, v in sorted(by_region.items())},
    }


def _region_key(kind: str, owner: str) -> str:
    o = owner.split(" ")[0] if owner else ""
    return kind + (f" ({o})" if o else "")


def weighted_estimate(results: list[Flip], path: Path) -> dict[str, float]:
    """Share of each verdict for one flip at a uniformly random offset of the file.

    The sample is stratified (about as many flips per kind of region, whatever its
    size); this weights each region kind's verdicts by its share of the file's bytes.
    """
    size = path.stat().st_size
    share: Counter = Counter()
    for r in regions(path):
        share[_region_key(r.kind, r.owner)] += (r.end - r.start) / size
    verdicts: dict[str, Counter] = {}
    for f in results:
        verdicts.setdefault(_region_key(f.region.kind, f.region.owner), Counter())[f.verdict] += 1
    out: Counter = Counter()
    for key, weight in share.items():
        seen = verdicts.get(key)
        if not seen:
            continue
        total = sum(seen.values())
        for verdict, n in seen.items():
            out[verdict] += weight * n / total
    return {v: out[v] for v in VERDICTS if out[v]}


def print_flip_summary(summary: dict, log=print) -> None:
    log(
        f"flips tried {summary['tried']}: "
        + ", ".join(f"{v} {summary[v]}" for v in VERDICTS)
        + f"; file written {summary['written']} times "
        f"({summary['written after a failed check']} after a failed check)"
    )
    log(f"  detected by: {summary['detected by']}")
    for region, counts in summary["by region"].items():
        log(f"  {region:<32} {counts}")


# ---- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=200, help="kills of the writing process")
    p.add_argument("--per-file", type=int, default=10, help="kills on one file before a new one")
    p.add_argument("--max-delay", type=float, default=0.8, help="longest wait before a kill (s)")
    p.add_argument("--backup-runs", type=int, default=0, help="kills during a backup")
    p.add_argument("--flips", type=int, default=0, help="byte flips (besides the 100 header)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, default=OUT / "crash")
    p.add_argument("--quiet", action="store_true", help="print failures and totals only")
    args = p.parse_args(argv)

    def log(line: str) -> None:
        if not args.quiet or "FAIL" in line or "crash" in line:
            print(line, flush=True)

    failures = 0
    if args.runs:
        t = time.perf_counter()
        results = kill_series(args.out, args.runs, args.seed, args.per_file, args.max_delay, log)
        took = time.perf_counter() - t
        failed = [r for r in results if r.problems]
        failures += len(failed)
        phases = Counter(r.phase for r in results)
        print(
            f"\nkills of the writer: runs {len(results)}, failures {len(failed)}, "
            f"time {took:.1f} s (seed {args.seed})"
        )
        print("  where the kills landed: " + ", ".join(f"{k} {v}" for k, v in phases.items()))
        ends = [
            r
            for i, r in enumerate(results)
            if (i + 1) % args.per_file == 0 or i == len(results) - 1
        ]
        print(
            f"  transactions committed in all: {sum(r.committed for r in ends)} "
            f"on {len(ends)} files"
        )
    if args.backup_runs:
        t = time.perf_counter()
        results = backup_series(args.out, args.backup_runs, args.seed, log=log)
        took = time.perf_counter() - t
        failed = [r for r in results if r.problems]
        failures += len(failed)
        outcomes = Counter(r.outcome for r in results)
        print(
            f"\nkills during a backup: runs {len(results)}, failures {len(failed)}, "
            f"time {took:.1f} s; "
            + ", ".join(f"{k} {v}" for k, v in outcomes.items())
            + f"; temp file left behind {sum(r.leftover_temp for r in results)}"
        )
    if args.flips:
        t = time.perf_counter()
        source = args.out / "flips-source.sqlite"
        if not source.exists():
            demo_township(source)
        flips = sample_flips(source, args.flips, args.seed)
        results = flip_campaign(source, flips, args.out / "flips")
        took = time.perf_counter() - t
        for r in results:
            if r.verdict != "harmless" and (r.verdict != "detected" or r.written):
                log(r.line())
        summary = flip_summary(results)
        with (args.out / "flips.jsonl").open("w", encoding="utf-8") as f:
            for r in results:
                f.write(json.dumps({**vars(r), "region": vars(r.region)}, ensure_ascii=False))
                f.write("\n")
        print(
            f"\nbyte flips on {source.name} ({source.stat().st_size / 1e6:.1f} MB): "
            f"time {took:.1f} s"
        )
        print_flip_summary(summary)
        estimate = weighted_estimate(results, source)
        print(
            "  one flip at a random offset of this file (weighted by region size): "
            + ", ".join(f"{v} {p * 100:.1f} %" for v, p in estimate.items())
        )
        failures += summary["crash"] + summary["error"] + summary["written after a failed check"]
    print(f"\nfailures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        what, rest = sys.argv[2], sys.argv[3:]
        if what == "writer":
            child_writer(rest[0], int(rest[1]))
        elif what == "backup":
            child_backup(rest[0], rest[1])
        elif what == "flips":
            child_flips(*rest)
        sys.exit(0)
    sys.exit(main())
