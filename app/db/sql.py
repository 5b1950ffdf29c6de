"""Small pieces of SQL the queries share: ``LIKE`` patterns and the natural order of
村民小组 (第二组 before 第十组), in SQL and the same in Python.

``LIKE`` patterns from :func:`like_pattern` take the clerk's text literally: ``%``, ``_``
and the backslash are escaped with a backslash, so every ``LIKE`` using one must say
``ESCAPE '\\'``::

    db.execute("SELECT … WHERE name LIKE ? ESCAPE '\\'", [like_pattern(text)])

(in a Python string that is ``"… LIKE :p ESCAPE '\\\\'"``, or ``r"… ESCAPE '\\'"``).
"""

from __future__ import annotations

import re

# ---- LIKE ----------------------------------------------------------------------------------


def like_pattern(text: str, *, prefix: bool = False) -> str:
    """A pattern for ``LIKE … ESCAPE '\\'`` matching ``text`` literally: anywhere in the
    value, or (``prefix``) at its beginning."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


# ---- 村民小组 in their natural order ---------------------------------------------------------

_DIGITS = "一二三四五六七八九"

#: the number given to a group named without one (东队, A组): after every numbered group
UNNUMBERED = 1_000_000


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1 ≤ n ≤ 99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"1 ≤ n ≤ 99: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")
    return head + ("" if ones == 0 else _DIGITS[ones - 1])


_CHINESE_NUMBERS = {chinese_number(n): n for n in range(1, 100)}
_CORE_RE = re.compile(r"村民小组|第|组")
_LEADING_DIGITS = re.compile(r"[0-9]+")


def group_number(name: str | None) -> int | None:
    """The number of a group named like 第三组, 三十一组, 3组 or 第3村民小组;
    :data:`UNNUMBERED` for a name without one (东队), None for no name.

    What :func:`group_order_sql` computes in SQL, computed in Python.
    """
    if name is None:
        return None
    core = _CORE_RE.sub("", name).strip(" ")  # SQLite's trim() takes spaces only
    if core in _CHINESE_NUMBERS:
        return _CHINESE_NUMBERS[core]
    digits = _LEADING_DIGITS.match(core)
    return int(digits.group()) if digits else UNNUMBERED


def group_sort_key(name: str | None) -> tuple[int, int, str]:
    """Sort key of a group name: no name first, then by number, then by name."""
    if name is None:
        return 0, 0, ""
    number = group_number(name)
    assert number is not None
    return 1, number, name


def group_order_sql(column: str) -> str:
    """The SQL expression of :func:`group_number` on ``column`` (NULL for NULL).

    An index on this expression (``app.db.households.INDEXES``) must be made from the
    very same text, so a change here needs that index made again.
    """
    core = f"trim(replace(replace(replace({column}, '村民小组', ''), '第', ''), '组', ''))"
    whens = " ".join(f"WHEN '{k}' THEN {n}" for k, n in _CHINESE_NUMBERS.items())
    return (
        f"CASE {core} {whens}"
        f" ELSE CASE WHEN {core} GLOB '[0-9]*' THEN CAST({core} AS INTEGER)"
        f" WHEN {core} IS NOT NULL THEN {UNNUMBERED} END END"
    )


__all__ = [
    "UNNUMBERED",
    "chinese_number",
    "group_number",
    "group_order_sql",
    "group_sort_key",
    "like_pattern",
]
