"""Reading the change log (table ``change_log``, written by triggers): a filter by local
days, table and part of the record's key; counted and read a page at a time, newest
first. Times are stored in UTC (``…Z``); the date filter turns local days into UTC bounds,
so it uses the index on ``change_log.at``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class ChangeFilter:
    start: date | None = None  # local days, both included
    end: date | None = None
    table: str | None = None
    record: str = ""  # part of the record's key (编号, 村代码 …)


def utc_bound(day: date) -> str:
    """The start of the local ``day`` as the log writes times (UTC, ``…Z``)."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: ChangeFilter) -> tuple[str | None, list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    if flt.start is not None:
        parts.append("at >= ?")
        args.append(utc_bound(flt.start))
    if flt.end is not None:
        parts.append("at < ?")
        args.append(utc_bound(flt.end + timedelta(days=1)))
    if flt.table:
        parts.append("table_name = ?")
        args.append(flt.table)
    if flt.record.strip():
        parts.append("record LIKE ? ESCAPE '\\'")
        args.append(_like(flt.record.strip()))
    return (" AND ".join(parts) or None), args


def count_changes(db: Database, flt: ChangeFilter) -> int:
    where, args = _where(flt)
    return db.table("change_log").count_where(where, args)


def change_page(db: Database, flt: ChangeFilter, offset: int, limit: int) -> list[dict[str, Any]]:
    """Rows of the log under ``flt``, newest first."""
    where, args = _where(flt)
    return list(
        db.table("change_log").rows_where(
            where, args, order_by="id DESC", limit=limit, offset=offset
        )
    )
