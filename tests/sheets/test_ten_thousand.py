"""10,000 households load from xlsx and csv into a file database, and reload as unchanged.

Timings live in bench/ (bench/run.py), not here: this machine is shared and noisy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.db.connection import open_database
from app.db.store import initialise
from app.sheets import load_sheet

from .conftest import HEADERS, TOWNSHIP, log_count, write_csv, write_xlsx

N = 10_000
VILLAGES = [f"{TOWNSHIP}2{i:02d}" for i in range(1, 18)]


@pytest.fixture
def file_db(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "township.sqlite", create=True)
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code=TOWNSHIP,
        township_name="东坡镇",
    )
    db["villages"].insert_all(
        {"code": c, "township_code": TOWNSHIP, "name": f"第{i}村"} for i, c in enumerate(VILLAGES)
    )
    return db


def _rows() -> list[list[str]]:
    return [
        [
            f"{VILLAGES[i % 17]}{i:05d}",
            VILLAGES[i % 17],
            f"{i % 9 + 1}组",
            f"户主{i}",
            str(i % 6 + 1),
            f"138{i:08d}",
            "种植" if i % 2 else "务工",
            f"{4000 + i % 5000}.{i % 100:02d}",
            "是" if i % 11 == 0 else "否",
            "",
        ]
        for i in range(N)
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_ten_thousand_households(tmp_path: Path, file_db: Database, suffix: str) -> None:
    writer = write_xlsx if suffix == ".xlsx" else write_csv
    path = writer(tmp_path / f"households{suffix}", HEADERS["households"], _rows())

    result = load_sheet(file_db, "households", path)
    assert result.new == N
    assert file_db.execute("SELECT count(*) FROM households").fetchone()[0] == N

    before = log_count(file_db)
    again = load_sheet(file_db, "households", path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, N)
    assert log_count(file_db) == before
