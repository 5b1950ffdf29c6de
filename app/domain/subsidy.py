"""The monthly subsidy sheet: effective-dated rates, approval freeze, carried adjustments.

* 生活补助 (living): for every present day (在村 or 会议培训) of the month, the daily rate
  in force on that day.
* 交通通讯补助 (transport and phone): the monthly rate in force on the last day of the
  month, paid when the cadre has at least one present day in the month, else 0.
* Approving a month freezes its sheet (:class:`FrozenMonth`). A later change to that
  month's attendance (or rates) does not alter it: the difference is carried into the
  first unapproved month after it as an adjustment (补发 for more, 扣回 for less) naming
  the month it corrects.

All amounts are integer fen.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain._compat import StrEnum
from app.domain.attendance import PRESENT_KINDS, Kind
from app.domain.errors import DomainError
from app.domain.money import capital_amount, format_yuan
from app.domain.periods import Month

SHEET_STATUSES = ("draft", "approved")


class RateKind(StrEnum):
    """The kinds of subsidy rate (补助类别)."""

    LIVING = "生活补助"  # per present day
    TRANSPORT = "交通通讯补助"  # per month

    @classmethod
    def parse(cls, text: str) -> RateKind:
        raw = text.strip() if isinstance(text, str) else str(text)
        for kind in cls:
            if kind.value == raw:
                return kind
        allowed = "/".join(k.value for k in cls)
        raise DomainError(f"补助类别应为 {allowed}：{raw}", field="补助类别")


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate of ``amount_fen`` in force from ``effective_from`` until the next one."""

    kind: RateKind
    effective_from: date
    amount_fen: int

    def __post_init__(self) -> None:
        if isinstance(self.amount_fen, bool) or not isinstance(self.amount_fen, int):
            raise TypeError("amount_fen must be an int (fen)")
        if self.amount_fen < 0:
            raise DomainError(f"{self.kind}标准不能为负数", field="标准")


class RateTable:
    """All rates of every kind; answers which rate is in force on a day."""

    __slots__ = ("_amounts", "_dates")

    def __init__(self, rates: Iterable[Rate] = ()) -> None:
        by_kind: dict[RateKind, dict[date, int]] = {kind: {} for kind in RateKind}
        for rate in rates:
            kind = RateKind(rate.kind)
            if rate.effective_from in by_kind[kind]:
                raise DomainError(f"{kind}在 {rate.effective_from} 有两个标准", field="起始日期")
            by_kind[kind][rate.effective_from] = rate.amount_fen
        self._dates: dict[RateKind, list[date]] = {}
        self._amounts: dict[RateKind, list[int]] = {}
        for kind, table in by_kind.items():
            ordered = sorted(table)
            self._dates[kind] = ordered
            self._amounts[kind] = [table[d] for d in ordered]

    def in_force(self, kind: RateKind, day: date) -> int:
        """The amount (fen) of the rate with the greatest ``effective_from`` ≤ ``day``."""
        kind = RateKind(kind)
        index = bisect.bisect_right(self._dates[kind], day)
        if index == 0:
            raise DomainError(f"{day.isoformat()} 没有生效的{kind}标准", field=str(kind))
        return self._amounts[kind][index - 1]

    def rates(self) -> list[Rate]:
        """Every rate, by kind then date."""
        return [
            Rate(kind, d, amount)
            for kind in RateKind
            for d, amount in zip(self._dates[kind], self._amounts[kind], strict=True)
        ]

    def __repr__(self) -> str:
        return f"RateTable({self.rates()!r})"


@dataclass(frozen=True, slots=True)
class BaseLine:
    """What a month's attendance earns a cadre, before adjustments."""

    cadre_no: str
    present_days: int
    living_fen: int
    transport_fen: int

    @property
    def base_fen(self) -> int:
        return self.living_fen + self.transport_fen


def base_line(cadre_no: str, month: Month, days: Mapping[date, Kind], rates: RateTable) -> BaseLine:
    """The living and transport subsidy a cadre earns in ``month``.

    ``days`` may hold days of other months too; only the month's days are read. The
    transport rate is looked up only when the cadre has a present day, so a month
    without present days needs no transport rate.
    """
    present_days = 0
    living = 0
    for day in month.days():
        kind = days.get(day)
        if kind is not None and Kind(kind) in PRESENT_KINDS:
            present_days += 1
            living += rates.in_force(RateKind.LIVING, day)
    transport = rates.in_force(RateKind.TRANSPORT, month.last_day) if present_days else 0
    return BaseLine(cadre_no, present_days, living, transport)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A correction of an approved month, carried on a later sheet."""

    cadre_no: str
    corrects: Month
    amount_fen: int

    def __post_init__(self) -> None:
        if isinstance(self.amount_fen, bool) or not isinstance(self.amount_fen, int):
            raise TypeError("amount_fen must be an int (fen)")
        if self.amount_fen == 0:
            raise DomainError(f"{self.corrects} 的调整金额不能为 0")

    @property
    def kind(self) -> str:
        """``补发`` (paid on top) for a positive amount, ``扣回`` (taken back) otherwise."""
        return "补发" if self.amount_fen > 0 else "扣回"

    @property
    def note(self) -> str:
        return f"{self.kind} {self.corrects}"

    def to_json(self) -> dict[str, str]:
        return {
            "month": str(self.corrects),
            "kind": self.kind,
            "amount": format_yuan(self.amount_fen),
        }


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One cadre's line of a monthly sheet."""

    cadre_no: str
    name: str
    present_days: int
    living_fen: int
    transport_fen: int
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def base_fen(self) -> int:
        return self.living_fen + self.transport_fen

    @property
    def adjustment_fen(self) -> int:
        return sum(a.amount_fen for a in self.adjustments)

    @property
    def total_fen(self) -> int:
        return self.living_fen + self.transport_fen + self.adjustment_fen

    @property
    def notes(self) -> list[str]:
        return [a.note for a in self.adjustments]

    def to_json(self) -> dict[str, Any]:
        return {
            "cadre_no": self.cadre_no,
            "name": self.name,
            "present_days": self.present_days,
            "living": format_yuan(self.living_fen),
            "transport": format_yuan(self.transport_fen),
            "adjustment": format_yuan(self.adjustment_fen),
            "total": format_yuan(self.total_fen),
            "notes": self.notes,
            "adjustments": [a.to_json() for a in self.adjustments],
        }


@dataclass(frozen=True, slots=True)
class FrozenMonth:
    """What was paid when ``month`` was approved: base amounts and carried adjustments."""

    month: Month
    lines: Mapping[str, BaseLine]
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True, slots=True)
class Sheet:
    """A month's subsidy sheet, lines sorted by cadre number."""

    month: Month
    status: str
    lines: tuple[SheetLine, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.status not in SHEET_STATUSES:
            raise DomainError(f"补助表状态应为 draft 或 approved：{self.status}")

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ``report subsidy`` (CONTRACT.md), money as 2-decimal strings.

        Beyond the contract: ``total_capital`` (the total in capital numerals) and, per
        line, ``adjustments`` (month corrected, 补发/扣回, signed amount).
        """
        total = self.total_fen
        return {
            "month": str(self.month),
            "status": self.status,
            "total": format_yuan(total),
            "total_capital": capital_amount(total),
            "lines": [line.to_json() for line in self.lines],
        }


def first_unapproved_after(month: Month, approved: Mapping[Month, object]) -> Month:
    """The first month after ``month`` that is not approved (where its corrections go)."""
    target = month.next()
    while target in approved:
        target = target.next()
    return target


def pending_adjustments(
    month: Month,
    approved: Mapping[Month, FrozenMonth],
    recompute: Callable[[Month], Mapping[str, BaseLine]],
    changed: Collection[Month] | None = None,
) -> list[Adjustment]:
    """The adjustments the sheet of ``month`` must carry for earlier approved months.

    The difference for an approved month M goes into the first unapproved month after
    M. For every approved M before ``month`` whose target is ``month``, and every cadre
    in the recomputed lines, the frozen lines or the already carried adjustments of M:
    difference = recomputed base − frozen base − every adjustment for (cadre, M) already
    frozen in any approved month. Non-zero differences are returned, ordered by cadre
    number then corrected month. An approved ``month`` gets nothing (its sheet is frozen).

    ``changed``, when given, names the approved months whose inputs (attendance, rates)
    may have changed since their differences were last carried; the others are known to
    have a zero difference and are not recomputed (a speed-up, not a different rule).
    """
    if month in approved:
        return []
    carried: dict[tuple[str, Month], int] = {}
    for frozen in approved.values():
        for adj in frozen.adjustments:
            key = (adj.cadre_no, adj.corrects)
            carried[key] = carried.get(key, 0) + adj.amount_fen
    out: list[Adjustment] = []
    for m in sorted(approved):
        if m >= month or first_unapproved_after(m, approved) != month:
            continue
        if changed is not None and m not in changed:
            continue
        now = recompute(m)
        then = approved[m].lines
        cadres = set(now) | set(then) | {c for (c, cm) in carried if cm == m}
        for cadre in cadres:
            diff = (
                (now[cadre].base_fen if cadre in now else 0)
                - (then[cadre].base_fen if cadre in then else 0)
                - carried.get((cadre, m), 0)
            )
            if diff:
                out.append(Adjustment(cadre, m, diff))
    out.sort(key=lambda a: (a.cadre_no, a.corrects))
    return out


def build_sheet(
    month: Month,
    names: Mapping[str, str],
    bases: Mapping[str, BaseLine],
    adjustments: Iterable[Adjustment],
    *,
    status: str = "draft",
) -> Sheet:
    """Assemble a month's sheet from base lines and the adjustments it carries.

    Lines are sorted by cadre number; a cadre with only adjustments gets a line with
    0 days and 0 base amounts. A missing name is shown as empty text.
    """
    by_cadre: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        by_cadre.setdefault(adj.cadre_no, []).append(adj)
    for key, base in bases.items():
        if key != base.cadre_no:
            raise DomainError(f"补助行的干部编号不一致：{key} / {base.cadre_no}")
    lines: list[SheetLine] = []
    for cadre in sorted(set(bases) | set(by_cadre)):
        base = bases.get(cadre) or BaseLine(cadre, 0, 0, 0)
        adjs = tuple(sorted(by_cadre.get(cadre, ()), key=lambda a: a.corrects))
        lines.append(
            SheetLine(
                cadre_no=cadre,
                name=names.get(cadre, ""),
                present_days=base.present_days,
                living_fen=base.living_fen,
                transport_fen=base.transport_fen,
                adjustments=adjs,
            )
        )
    return Sheet(month, status, tuple(lines))


__all__ = [
    "SHEET_STATUSES",
    "Adjustment",
    "BaseLine",
    "FrozenMonth",
    "Rate",
    "RateKind",
    "RateTable",
    "Sheet",
    "SheetLine",
    "base_line",
    "build_sheet",
    "first_unapproved_after",
    "pending_adjustments",
]
