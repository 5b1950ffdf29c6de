"""Subsidy rates (补助标准) with their history: list, add, delete — undoable edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from app.db import records
from app.db.records import Change
from app.domain.errors import DomainError
from app.domain.periods import Month
from app.domain.subsidy import RateKind

KEY = ("kind", "effective_from")


@dataclass(frozen=True)
class RateRow:
    kind: RateKind
    effective_from: date
    amount_fen: int
    until: date | None  # the day before the next rate of the same kind; None = in force


def rate_rows(db: Database) -> list[RateRow]:
    """Every rate, per kind in date order, with the last day it applied."""
    rows = list(
        db.query(
            "SELECT kind, effective_from, amount_fen FROM subsidy_rates ORDER BY kind, effective_from"
        )
    )
    out: list[RateRow] = []
    for i, r in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1]["kind"] == r["kind"] else None
        until = date.fromisoformat(nxt["effective_from"]) - timedelta(days=1) if nxt else None
        out.append(
            RateRow(
                RateKind(r["kind"]), date.fromisoformat(r["effective_from"]), r["amount_fen"], until
            )
        )
    return out


def approved_months_affected(db: Database, kind: RateKind, effective_from: date) -> list[Month]:
    """Approved months whose figures a rate from ``effective_from`` would change: for a
    daily rate the months from its first day on, for a monthly one the months whose last
    day is on or after it."""
    first = Month.of(effective_from)
    return [
        Month.parse(m)
        for (m,) in db.execute(
            "SELECT month FROM subsidy_months WHERE month >= ? ORDER BY month", [str(first)]
        ).fetchall()
    ]


def add_rate(db: Database, kind: RateKind | str, effective_from: date, amount_fen: int) -> Change:
    kind = RateKind(kind)
    if amount_fen < 0:
        raise DomainError("补助标准不能为负数", field="amount_fen")
    if db.execute(
        "SELECT 1 FROM subsidy_rates WHERE kind = ? AND effective_from = ?",
        [kind.value, effective_from.isoformat()],
    ).fetchone():
        raise DomainError(
            f"{kind.value} 在 {effective_from} 已有标准，请修改或删除那一条", field="effective_from"
        )
    return records.insert(
        db,
        "subsidy_rates",
        {
            "kind": kind.value,
            "effective_from": effective_from.isoformat(),
            "amount_fen": amount_fen,
        },
        KEY,
    )


def delete_rate(db: Database, kind: RateKind | str, effective_from: date) -> Change:
    return records.delete(
        db,
        "subsidy_rates",
        {"kind": RateKind(kind).value, "effective_from": effective_from.isoformat()},
    )
