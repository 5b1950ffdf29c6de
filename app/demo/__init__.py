"""Demo data: a fictional township (or county) with two (three) years of records.

``build_demo(db, scale="township"|"county", seed=1, today=None)`` fills an *empty*
database in one transaction and returns a :class:`DemoSummary`; it raises
:class:`DemoError` (a plain Chinese message, nothing changed) over real data or a
database of the other kind. The same seed and ``today`` give the same rows, uuids
included. Subsidy months are left unapproved.
"""

from __future__ import annotations

from app.demo.base import DemoError
from app.demo.build import SCALES, DemoSummary, build_demo

__all__ = ["SCALES", "DemoError", "DemoSummary", "build_demo"]
