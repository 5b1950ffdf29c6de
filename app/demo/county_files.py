"""Demo county files: several fictional townships, each exported as a township would.

``township_files`` builds each township in memory (the township demo, its own seed and
code) and writes its signed county file for ``quarter`` into ``folder``. Imported into a
county database they give the county view several townships to show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from app.db.connection import memory_database
from app.db.store import initialise
from app.demo import names as N
from app.domain.periods import Quarter


def township_code(i: int) -> str:
    """The code of the ``i``-th demo township (0-based), in the demo county."""
    return f"{N.COUNTY[0]}{101 + i:03d}"


def last_full_quarter(today: date) -> Quarter:
    return Quarter.of(today).prev()


def township_files(
    folder: Path,
    count: int = 3,
    *,
    quarter: Quarter | None = None,
    today: date | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write ``count`` (≤ 20) demo townships' county files into ``folder``; their paths."""
    from app.demo_setup import make_demo
    from app.exchange.export import export_quarter

    today = today or date.today()
    quarter = quarter or last_full_quarter(today)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(min(count, len(N.TOWNSHIP_NAMES))):
        name = N.TOWNSHIP_NAMES[i]
        if progress:
            progress(i, count, name)
        db = memory_database()
        initialise(
            db,
            county_code=N.COUNTY[0],
            county_name=N.COUNTY[1],
            township_code=township_code(i),
            township_name=name,
        )
        make_demo(db, scale="township", seed=i + 1, today=today)
        out.append(export_quarter(db, quarter, folder / f"{name}-{quarter}.zip", now=now).path)
        db.conn.close()
    if progress:
        progress(count, count, "")
    return out
