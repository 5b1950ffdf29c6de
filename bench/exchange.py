#!/usr/bin/env python3
"""The county file at scale (issue 8): export, import of 20 townships, county summary.

    .venv/bin/python bench/exchange.py [--runs 3] [--only export,import] [--profile]

export  A township database as big as the whole county demo (266 villages, ≈94,000
        households, 269 cadres, three years): bench/out/county.sqlite (built as in
        bench/run.py if missing, ≈17 s) copied to bench/out/county-township.sqlite and
        made a township database (meta kind → township, the first township's code and
        name), since export refuses county databases. Times ``export_quarter`` for
        2026Q3 (build the parts, write the zip, read it back and verify it).
import  20 demo townships' county files (``township_files(folder, 20)``, ≈3,000
        households and ≈25 cadres each, two years; cached in bench/out/county-files/)
        and, from the same township databases, 20 newer files (created an hour later,
        every row unchanged; in bench/out/county-files/newer/). Times, into a fresh
        county database file: ``import_files`` of the 20 files, ``import_files`` of the
        20 newer ones (the newer file replaces the older), then ``county_quarterly`` for
        2026Q3 (on the figures kept at import).

``--profile`` runs cProfile once over the export and each import and prints the top functions under
app/ by cumulative time. Benchmarks, not tests: this machine is shared and noisy, so
take medians.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench.run import build_once  # noqa: E402

QUARTER = "2026Q3"
FILES = OUT / "county-files"
NEWER = FILES / "newer"
N_FILES = 20
COUNTY_CODE, COUNTY_NAME = "612701", "安川县"


def _unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# --- export ----------------------------------------------------------------------------


def county_township_db() -> Path:
    """bench/out/county-township.sqlite: the county demo's data as one township database."""
    from sqlite_utils import Database

    from app.db.connection import configure, copy_database, migrate
    from app.exchange.keys import ensure_key

    county = OUT / "county.sqlite"
    path = OUT / "county-township.sqlite"
    if not county.exists():
        print("building", county, "…", flush=True)
        build_once()
    if path.exists() and path.stat().st_mtime >= county.stat().st_mtime:
        return path
    print("copying", county, "→", path, "(as a township database) …", flush=True)
    _unlink_db(path)
    copy_database(county, path)  # read-only on the original: it is not migrated
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        configure(conn)
        db = Database(conn)
        migrate(db)  # here rather than in open_database: no copy kept aside
        code, name = db.execute("SELECT code, name FROM townships ORDER BY code LIMIT 1").fetchone()
        with db.atomic():
            db["meta"].upsert_all(
                [
                    {"key": "kind", "value": "township"},
                    {"key": "township_code", "value": code},
                    {"key": "township_name", "value": name},
                ],
                pk="key",
            )
        ensure_key(db)  # the township's key exists before its first timed export
    finally:
        conn.close()
    return path


def export_once(path: Path, out: Path) -> tuple[float, dict[str, int]]:
    from app.db.connection import open_database
    from app.domain.periods import Quarter
    from app.exchange.export import export_quarter

    db = open_database(path)
    try:
        out.unlink(missing_ok=True)
        t = time.perf_counter()
        result = export_quarter(db, Quarter.parse(QUARTER), out)
        elapsed = time.perf_counter() - t
    finally:
        db.conn.close()
    return elapsed, result.counts


# --- import ----------------------------------------------------------------------------


def township_file_sets() -> tuple[list[Path], list[Path]]:
    """The 20 township files and 20 newer files of the same townships (cached).

    ``township_files`` builds each township in memory and exports it; the export is
    wrapped so that the same database (same key, same rows) also writes a newer file.
    """
    from app.demo.county_files import township_files
    from app.domain.periods import Quarter
    from app.exchange import export

    older = sorted(FILES.glob("*.zip"))
    newer = sorted(NEWER.glob("*.zip"))
    if len(older) == N_FILES and len(newer) == N_FILES:
        return older, newer
    for p in [*older, *newer]:
        p.unlink()
    NEWER.mkdir(parents=True, exist_ok=True)
    first = datetime.now().astimezone().replace(microsecond=0) - timedelta(hours=1)
    later = first + timedelta(hours=1)
    real_export = export.export_quarter

    def export_twice(db, quarter, out, *, now=None):
        real_export(db, quarter, NEWER / Path(out).name, now=later)
        return real_export(db, quarter, out, now=now)

    print(f"building {N_FILES} township files into {FILES} …", flush=True)
    t = time.perf_counter()
    with mock.patch.object(export, "export_quarter", export_twice):
        township_files(FILES, N_FILES, quarter=Quarter.parse(QUARTER), now=first)
    print(f"  built in {time.perf_counter() - t:.1f} s", flush=True)
    return sorted(FILES.glob("*.zip")), sorted(NEWER.glob("*.zip"))


def fresh_county(path: Path):
    from app.db import store
    from app.db.connection import open_database

    _unlink_db(path)
    db = open_database(path, create=True)
    store.initialise(db, county_code=COUNTY_CODE, county_name=COUNTY_NAME)
    return db


def rows_of(receipts) -> dict[str, int]:
    return {
        what: sum(r.total(what) for r in receipts)
        for what in ("new", "updated", "unchanged", "deleted", "refused")
    }


def import_once(older: list[Path], newer: list[Path]) -> tuple[dict[str, float], dict]:
    """Times of: the 20 files, the 20 newer files, the county summary; and the rows."""
    from app.domain.periods import Quarter
    from app.exchange.county import county_quarterly
    from app.exchange.merge import import_files

    db = fresh_county(OUT / "county-import.sqlite")
    times: dict[str, float] = {}
    facts: dict = {}
    try:
        t = time.perf_counter()
        first = import_files(db, older)
        times["import"] = time.perf_counter() - t
        refused = [r.message for r in first if not r.imported]
        assert not refused, refused
        facts["import"] = rows_of(first)

        t = time.perf_counter()
        second = import_files(db, newer)
        times["newer"] = time.perf_counter() - t
        refused = [r.message for r in second if not r.imported]
        assert not refused, refused
        assert all(r.replaced_file for r in second)
        facts["newer"] = rows_of(second)

        t = time.perf_counter()
        data, _ = county_quarterly(db, Quarter.parse(QUARTER))
        times["summary"] = time.perf_counter() - t
        assert data["townships"] == N_FILES, data["townships"]
        facts["summary"] = {k: data[k] for k in ("townships", "villages", "cadres")}
    finally:
        db.conn.close()
    return times, facts


def print_profile(label: str, fn, *args, top: int = 10) -> None:
    """Run ``fn(*args)`` under cProfile; print the top functions under app/ by cumulative time."""
    app_dir = str(ROOT / "app")
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.runcall(fn, *args)
    elapsed = time.perf_counter() - t
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = [
        (ct, tt, nc, f"{Path(fn).relative_to(ROOT)}:{line} {name}")
        for (fn, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items()
        if fn.startswith(app_dir)
    ]
    rows.sort(reverse=True)
    print(f"\nprofile: {label} ({elapsed:.2f} s under cProfile), top {top} under app/")
    print(f"  {'cumulative':>10s} {'own':>7s} {'calls':>8s}  function")
    for ct, tt, nc, where in rows[:top]:
        print(f"  {ct:9.3f}s {tt:6.3f}s {nc:8d}  {where}")


def profile_export(path: Path, out: Path) -> None:
    from app.db.connection import open_database
    from app.domain.periods import Quarter
    from app.exchange.export import export_quarter

    db = open_database(path)
    try:
        print_profile(f"export {QUARTER}", export_quarter, db, Quarter.parse(QUARTER), out)
    finally:
        db.conn.close()


def profile_imports(older: list[Path], newer: list[Path]) -> None:
    from app.exchange.merge import import_files

    db = fresh_county(OUT / "county-import.sqlite")
    try:
        print_profile(f"import of {len(older)} files", import_files, db, older)
        print_profile(f"import of {len(newer)} newer files", import_files, db, newer)
    finally:
        db.conn.close()


# --- main ------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="export,import")
    ap.add_argument(
        "--profile", action="store_true", help="cProfile one export, one import of each set"
    )
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = args.only.split(",")
    goals = {"export": 2.0, "import": 10.0, "newer": None, "summary": None}

    def line(name: str, label: str, times: list[float]) -> None:
        med = statistics.median(times)
        goal = goals[name]
        verdict = "" if goal is None else ("ok" if med <= goal else "OVER GOAL")
        goal_text = f"goal {goal:5.1f} s" if goal is not None else " " * 12
        print(
            f"{label:34s} median {med:7.3f} s  {goal_text}  {verdict:9s} runs {[round(t, 3) for t in times]}",
            flush=True,
        )

    if "export" in wanted:
        path = county_township_db()
        out = OUT / f"county-township-{QUARTER}.zip"
        runs = [export_once(path, out) for _ in range(args.runs)]
        counts = runs[0][1]
        print(
            f"county-scale township: {counts['villages']} villages, {counts['households']} "
            f"households, {counts['cadres']} cadres, {sum(counts.values())} rows; file "
            f"{out.stat().st_size / 1e6:.1f} MB ({out.name})",
            flush=True,
        )
        line("export", f"export {QUARTER} (write + verify)", [t for t, _ in runs])
        if args.profile:
            profile_export(path, out)

    if "import" in wanted:
        older, newer = township_file_sets()
        households = villages = cadres = 0
        from app.exchange.verify import verify_file

        for p in older:
            c = verify_file(p).manifest["counts"]
            households, villages, cadres = (
                households + c["households"],
                villages + c["villages"],
                cadres + c["cadres"],
            )
        size = sum(p.stat().st_size for p in older) / 1e6
        print(
            f"{len(older)} township files: {villages} villages, {households} households, "
            f"{cadres} cadres; {size:.1f} MB in all",
            flush=True,
        )
        results = [import_once(older, newer) for _ in range(args.runs)]
        facts = results[0][1]
        print(f"rows, first import: {facts['import']}", flush=True)
        print(f"rows, newer files:  {facts['newer']}", flush=True)
        print(f"county summary:     {facts['summary']}", flush=True)
        line(
            "import", f"import {len(older)} files (empty county)", [r[0]["import"] for r in results]
        )
        line("newer", f"import {len(newer)} newer files", [r[0]["newer"] for r in results])
        line("summary", f"county_quarterly {QUARTER}", [r[0]["summary"] for r in results])
        if args.profile:
            profile_imports(older, newer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
