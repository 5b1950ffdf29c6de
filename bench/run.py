#!/usr/bin/env python3
"""Benchmarks at county scale (issue 2). Prints medians; copy them into bench/README.md.

    .venv/bin/python bench/run.py [--runs 3] [--only build,start,sheet,import]

Builds the county demo database (20 townships, 266 villages, ≈94,000 households,
269 cadres, three years) into bench/out/, then measures each figure separately.
Benchmarks, not tests: this machine is shared and noisy, so take medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def median_of(runs: int, fn) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        times.append(fn())
    return statistics.median(times), times


def build_once() -> float:
    from app.db.connection import open_database
    from app.demo_setup import make_demo

    path = OUT / "county.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    t = time.perf_counter()
    db = open_database(path, create=True)
    make_demo(db, scale="county", seed=1)
    db.conn.close()
    return time.perf_counter() - t


START_SCRIPT = r"""
import sys, time
t0 = float(sys.argv[2])
from PySide6.QtWidgets import QApplication
from app.db.connection import open_database
from app.ui.main_window import MainWindow
from pathlib import Path
app = QApplication([])
db = open_database(Path(sys.argv[1]))
w = MainWindow(db, Path(sys.argv[1]))
w.show()
app.processEvents()
print(time.time() - t0)
"""


def start_once() -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", START_SCRIPT, str(OUT / "county.sqlite"), repr(time.time())],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def sheet_once() -> float:
    from app.db.connection import open_database
    from app.db.subsidy import sheet_for_month
    from app.domain.periods import Month

    db = open_database(OUT / "county.sqlite")
    month = Month.parse(db.execute("SELECT max(day) FROM attendance").fetchone()[0][:7]).prev()
    t = time.perf_counter()
    sheet = sheet_for_month(db, month)
    elapsed = time.perf_counter() - t
    assert len(sheet.lines) >= 260, len(sheet.lines)
    db.conn.close()
    return elapsed


def households_sheet() -> Path:
    """10,000 household rows for the villages of a fresh township database."""
    import openpyxl

    path = OUT / "households-10000.xlsx"
    if path.exists():
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "户编号",
            "村代码",
            "村民小组",
            "户主姓名",
            "家庭人口",
            "联系电话",
            "主要收入来源",
            "年人均纯收入",
            "低收入户",
            "备注",
        ]
    )
    for i in range(10_000):
        village = f"610526100{(i % 10) + 201:03d}"
        ws.append(
            [
                f"{village}{i:04d}",
                village,
                f"第{i % 8 + 1}组",
                f"王{i}",
                i % 6 + 1,
                "",
                "种植",
                f"{8000 + i % 5000}.50",
                "是" if i % 13 == 0 else "否",
                "",
            ]
        )
    wb.save(path)
    return path


def import_once() -> float:
    from app.db import store
    from app.db.connection import open_database
    from app.sheets import load_sheet

    sheet = households_sheet()
    path = OUT / "import.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(path, create=True)
    store.initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    with db.atomic():
        db["villages"].insert_all(
            {"code": f"610526100{n:03d}", "township_code": "610526100", "name": f"村{n}"}
            for n in range(201, 211)
        )
    t = time.perf_counter()
    result = load_sheet(db, "households", sheet)
    elapsed = time.perf_counter() - t
    assert result.new == 10_000, result
    db.conn.close()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="build,start,sheet,import")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = args.only.split(",")
    goals = {"build": 30.0, "start": 1.0, "sheet": 0.100, "import": 2.0}
    fns = {"build": build_once, "start": start_once, "sheet": sheet_once, "import": import_once}
    if "build" not in wanted and not (OUT / "county.sqlite").exists():
        build_once()
    for name in ("build", "start", "sheet", "import"):
        if name not in wanted:
            continue
        runs = args.runs if name != "sheet" else max(args.runs, 7)
        med, times = median_of(runs, fns[name])
        ok = "ok" if med <= goals[name] else "OVER GOAL"
        print(
            f"{name:7s} median {med:8.3f} s  goal {goals[name]:6.3f} s  {ok}  runs {[round(t, 3) for t in times]}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
