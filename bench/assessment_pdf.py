#!/usr/bin/env python3
"""Assessment forms and the quarterly summary as PDF at county scale (issue 7).

    .venv/bin/python bench/assessment_pdf.py [--runs 3] [--year 2026] [--quarter 2026Q3]

Uses bench/out/county.sqlite (built with ``make_demo(scale="county", seed=1)`` if
missing, ≈20 s). Measures, as medians: the 266 filled village forms (report data + PDF,
and the PDF alone), the cadre forms, and the quarterly summary (data + PDF).
Benchmarks, not tests: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def county_db():
    from app.db.connection import open_database

    path = OUT / "county.sqlite"
    if not path.exists():
        from app.demo_setup import make_demo

        OUT.mkdir(parents=True, exist_ok=True)
        print("building", path, "…", flush=True)
        db = open_database(path, create=True)
        make_demo(db, scale="county", seed=1)
        db.close()
    return open_database(path)


def timed(runs: int, fn) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--quarter", default="2026Q3")
    args = ap.parse_args()

    from app.domain.periods import Quarter
    from app.reports.assessment import cadre_assessment_report, village_assessment_report
    from app.reports.pdf.cadre_assessment import build_cadre_assessment_pdf
    from app.reports.pdf.fonts import register_fonts
    from app.reports.pdf.quarterly import build_quarterly_pdf
    from app.reports.pdf.village_assessment import build_village_assessment_pdf
    from app.reports.quarterly import quarterly_report

    db = county_db()
    register_fonts()  # once per process, as in the program
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    villages, _ = village_assessment_report(db, args.year)
    cadres, _ = cadre_assessment_report(db, args.year)
    quarter = Quarter.parse(args.quarter)
    n_v, n_c = len(villages["villages"]), len(cadres["cadres"])
    filled = sum(1 for v in villages["villages"] if v["total"])

    def villages_all() -> None:
        data, _ = village_assessment_report(db, args.year)
        build_village_assessment_pdf(data, tmp / "villages.pdf")

    def cadres_all() -> None:
        data, _ = cadre_assessment_report(db, args.year)
        build_cadre_assessment_pdf(data, tmp / "cadres.pdf")

    def quarterly() -> None:
        data, _ = quarterly_report(db, quarter)
        build_quarterly_pdf(data, tmp / "quarterly.pdf")

    figures = [
        (f"{n_v} village forms ({filled} filled), data + PDF", villages_all),
        (f"{n_v} village forms, PDF only", lambda: build_village_assessment_pdf(villages, tmp / "v.pdf")),
        (f"{n_c} cadre forms, data + PDF", cadres_all),
        (f"quarterly summary {args.quarter} (county), data + PDF", quarterly),
    ]  # fmt: skip
    for label, fn in figures:
        med, times = timed(args.runs, fn)
        print(f"{label}: median {med:.2f} s  ({', '.join(f'{t:.2f}' for t in times)})", flush=True)


if __name__ == "__main__":
    main()
