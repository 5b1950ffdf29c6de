"""What the forms and filters offer: the cadres and villages to choose from, a village's
name. One query each, shared by every page (roster, assignments, diaries, households …).
"""

from __future__ import annotations

from sqlite_utils import Database


def cadre_choices(db: Database) -> list[tuple[str, str, str | None]]:
    """(cadre_no, name, retired_on) of every cadre, by number."""
    return [
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT cadre_no, name, retired_on FROM cadres ORDER BY cadre_no"
        ).fetchall()
    ]


def village_choices(db: Database) -> list[tuple[str, str, str | None]]:
    """(code, name, situation) of every village, by code."""
    return [
        (r[0], r[1], r[2])
        for r in db.execute("SELECT code, name, situation FROM villages ORDER BY code").fetchall()
    ]


def serving_first(db: Database) -> list[tuple[str, str]]:
    """(cadre_no, name) of :func:`cadre_choices`: serving cadres first (those without a
    retirement date), then by number."""
    chosen = sorted(cadre_choices(db), key=lambda c: c[2] is not None)
    return [(no, name) for no, name, _retired in chosen]


def village_names(db: Database) -> list[tuple[str, str]]:
    """(code, name) of :func:`village_choices`."""
    return [(code, name) for code, name, _situation in village_choices(db)]


def village_name(db: Database, code: str) -> str | None:
    """The village's name, or None when there is no such village."""
    row = db.execute("SELECT name FROM villages WHERE code = ?", [code]).fetchone()
    return None if row is None else row[0]


__all__ = ["cadre_choices", "serving_first", "village_choices", "village_name", "village_names"]
