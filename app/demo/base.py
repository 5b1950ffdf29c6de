"""Shared pieces of the demo generator: the context, the model of the fictional world."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


class DemoError(Exception):
    """Demo data cannot be generated here (a plain Chinese message for the clerk)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class Ctx:
    """Random source, the span of records [first, last] and the rows collected per table."""

    rng: random.Random
    first: date
    last: date
    light: bool = False  # county scale: fewer diaries and meeting reports
    rows: dict[str, list[dict]] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)

    def new_id(self, table: str) -> int:
        value = self.next_id.get(table, 1)
        self.next_id[table] = value + 1
        return value

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


@dataclass
class Village:
    code: str
    name: str
    township_code: str
    grade: str  # 党组织类别 in the register (the grade at the start)
    industry: str
    situation: str  # primary tag, chooses the cadre sent
    base_income: int  # yuan, the village's typical per-capita net income
    groups: list[str] = field(default_factory=list)
    homes: list[tuple[str, str, str]] = field(default_factory=list)  # (hh_no, head, group)
    population: int = 0

    @property
    def lagging(self) -> bool:
        return self.grade in ("三类", "四类")


@dataclass
class Cadre:
    no: str
    name: str
    township_code: str
    role: str  # the role of the cadre's posts (驻村干部 / 兼职书记 / 兼职第一书记)
    post: str
    is_leader: bool
    slack: bool = False  # one of the few who clearly fall short

    @property
    def part_time(self) -> bool:
        return self.role != "驻村干部"


@dataclass
class Post:
    """An assignment of a cadre to a village."""

    cadre_no: str
    village_code: str
    role: str
    start: date
    end: date | None = None

    def span(self, first: date, last: date) -> tuple[date, date] | None:
        lo = max(first, self.start)
        hi = last if self.end is None else min(last, self.end)
        return (lo, hi) if lo <= hi else None


@dataclass
class Township:
    code: str
    name: str
    villages: list[Village] = field(default_factory=list)
    cadres: list[Cadre] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    meeting_days: dict[date, list[str]] = field(default_factory=dict)

    @property
    def head(self) -> str:
        """镇长 or 乡长."""
        return "乡长" if self.name.endswith("乡") else "镇长"

    @property
    def short(self) -> str:
        """镇 or 乡, for unit names (镇政府, 乡党委 …)."""
        return "乡" if self.name.endswith("乡") else "镇"

    @property
    def secretary(self) -> Cadre:
        for cadre in self.cadres:
            if cadre.post == "党委书记":
                return cadre
        return self.cadres[0]

    def leader(self, post: str) -> Cadre | None:
        for cadre in self.cadres:
            if cadre.post == post:
                return cadre
        return None

    def village(self, code: str) -> Village:
        for village in self.villages:
            if village.code == code:
                return village
        raise KeyError(code)


def spread(rng: random.Random, total: int, n: int, lo: int, hi: int, moves: int = 0) -> list[int]:
    """``n`` integers in [lo, hi] summing to ``total``, made uneven by random moves."""
    if not lo * n <= total <= hi * n:
        raise ValueError(f"cannot spread {total} over {n} in [{lo}, {hi}]")
    base, extra = divmod(total, n)
    values = [base + (1 if i < extra else 0) for i in range(n)]
    rng.shuffle(values)
    for _ in range(moves):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j and values[i] < hi and values[j] > lo:
            values[i] += 1
            values[j] -= 1
    return values


def split_by_weights(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - out[i], -i), reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_spans(first: date, last: date) -> list[tuple[date, date]]:
    """Calendar months cut to [first, last]."""
    out = []
    cursor = first
    while cursor <= last:
        nxt = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
        out.append((cursor, min(last, nxt - ONE_DAY)))
        cursor = nxt
    return out


def week_spans(first: date, last: date) -> list[tuple[date, date]]:
    """ISO weeks (Monday–Sunday) cut to [first, last]."""
    out = []
    cursor = first
    while cursor <= last:
        sunday = cursor + timedelta(days=6 - cursor.weekday())
        out.append((cursor, min(last, sunday)))
        cursor = sunday + ONE_DAY
    return out


def fill(template: str, **values: object) -> str:
    return template.format(**values)
