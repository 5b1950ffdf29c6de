#!/usr/bin/env python3
"""Per-keystroke cost of the household list at county scale (issue 3). Prints medians.

    .venv/bin/python bench/households_filter.py [--repeat 3]

Uses bench/out/county.sqlite (≈94,000 households), building it first if missing
(``make_demo`` at county scale, about 15 s). Drives the real ``HouseholdsPanel``
offscreen: one "keystroke" is the filter (or sort, or checkbox) changing, then the count,
the model reset and a synchronous repaint of the table, which reads the first visible
page from the database. The typing pause (debounce) is not counted: it is waiting, not work.
Benchmarks, not tests: this machine is shared and noisy, so take medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# what the clerk types, one entry per keystroke (an input method commits 王 or 第三组 at once)
TYPING: list[tuple[str, list[str]]] = [
    ("name", ["王", "王建", "王建国"]),
    ("name", ["李", "李秀", "李秀英"]),
    ("name", ["张", "张伟"]),
    ("given name", ["建", "建国"]),
    ("number", ["6", "61", "612", "6127", "61270", "612701", "6127011"]),
    ("number", ["61270110", "612701101", "6127011012", "61270110120", "612701101203"]),
    ("group", ["第三组", "三组"]),
    ("two words", ["三组", "三组 王"]),
    ("no match", ["z", "zz", "王zz"]),
    ("deleting", ["王建国", "王建", "王", ""]),
]


def keep_singletons_alive() -> None:
    """Work around PySide6 6.12.0 on Python < 3.12: each call of a void Qt method (and
    each empty QVariant handed back as None, each bool returned) drops a reference to
    ``None`` (``True``, ``False``) that was never taken; after a few hundred filter
    changes Python aborts ("none_dealloc"). PySide6 6.11.3 does not; Python 3.12 made
    these objects immortal. A bench may use this crutch; the program cannot (see
    bench/README.md)."""
    import ctypes

    import PySide6

    if sys.version_info < (3, 12) and PySide6.__version__.startswith("6.12."):
        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


def ensure_county() -> Path:
    from app.db.connection import open_database
    from app.demo_setup import make_demo

    path = OUT / "county.sqlite"
    if not path.exists():
        print(f"building {path} (county scale, about 15 s) …", flush=True)
        db = open_database(path, create=True)
        make_demo(db, scale="county", seed=1)
        db.conn.close()
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the whole script")
    args = parser.parse_args()

    path = ensure_county()
    import shiboken6
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from app.db.connection import open_database
    from app.ui.households import HouseholdsPanel
    from app.ui.households.model import HouseholdTableModel as M
    from app.ui.undo import TabUndo

    keep_singletons_alive()
    app = QApplication([])
    db = open_database(path)
    total = db["households"].count
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    t = time.perf_counter()
    panel = HouseholdsPanel(db, undo, parent=tab)
    made = time.perf_counter() - t
    QVBoxLayout(tab).addWidget(panel)
    tab.resize(1180, 720)
    tab.show()
    app.processEvents()
    print(f"{total} households; panel made (indexes ensured) in {made * 1000:.0f} ms")

    samples: dict[str, list[float]] = {}

    def keystroke(kind: str, change, typed: bool = False) -> None:
        fetched = panel.model.page_fetches
        t0 = time.perf_counter()
        change()  # a box or a header re-queries at once
        if typed:
            panel.apply_filter()  # what the debounce timer does when the typing pauses
        panel.table.viewport().repaint()  # paints the rows in view: reads the first page
        elapsed = (time.perf_counter() - t0) * 1000
        assert panel.model.rowCount() == 0 or panel.model.page_fetches > fetched
        samples.setdefault(kind, []).append(elapsed)

    def sort(column: int, order) -> None:
        panel.table.horizontalHeader().setSortIndicator(column, order)  # as a header click

    asc, desc = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    OTHER_SORTS = [c for c in M.FIELDS if c not in (M.COL_HH_NO, M.COL_HEAD, M.COL_INCOME)]
    MAIN = {kind for kind, _texts in TYPING} | {"low-income box", "sort name/income"}
    for _ in range(args.repeat):
        for kind, texts in TYPING:
            for text in texts:
                keystroke(kind, lambda text=text: panel.filter_edit.setText(text), typed=True)
            panel.filter_edit.setText("")
            panel.apply_filter()
        for text in ("", "王"):
            panel.filter_edit.setText(text)
            panel.apply_filter()
            for on in (True, False):
                keystroke("low-income box", lambda on=on: panel.low_income_check.setChecked(on))
            for column, order in ((M.COL_HEAD, asc), (M.COL_HEAD, desc), (M.COL_INCOME, desc)):
                keystroke("sort name/income", lambda c=column, o=order: sort(c, o))
            keystroke("sort name/income", lambda: sort(M.COL_HH_NO, asc))
        panel.filter_edit.setText("")
        panel.apply_filter()
        for column in OTHER_SORTS:  # every other column, the whole list, both ways
            for order in (asc, desc):
                keystroke(f"sort {M.FIELDS[column]}", lambda c=column, o=order: sort(c, o))
        keystroke("sort name/income", lambda: sort(M.COL_HH_NO, asc))

    everything = [v for k, values in samples.items() if k in MAIN for v in values]
    print(f"\n{'what':18} {'n':>4} {'median':>8} {'p90':>8} {'max':>8}   (ms)")
    for kind, values in samples.items():
        if (
            kind not in MAIN
            and kind.startswith("sort ")
            and kind == next(k for k in samples if k not in MAIN)
        ):
            print("other sorts (not in ALL):")
        print(
            f"{kind:18} {len(values):4d} {statistics.median(values):8.1f}"
            f" {percentile(values, 0.9):8.1f} {max(values):8.1f}"
        )
    print(
        f"{'ALL':18} {len(everything):4d} {statistics.median(everything):8.1f}"
        f" {percentile(everything, 0.9):8.1f} {max(everything):8.1f}"
    )

    # scrolling: the last page of the whole list, sorted by name
    sort(M.COL_HEAD, asc)
    t0 = time.perf_counter()
    panel.table.scrollToBottom()
    panel.table.viewport().repaint()
    print(f"\nscroll to the last row (sorted by name): {(time.perf_counter() - t0) * 1000:.1f} ms")
    print(f"pages read in all: {panel.model.page_fetches}")
    shiboken6.delete(tab)
    db.conn.close()
    app.quit()


if __name__ == "__main__":
    main()
