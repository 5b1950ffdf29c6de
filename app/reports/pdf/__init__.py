"""Printed reports (PDF, reportlab): pure functions ``build_*_pdf(data, out_path) -> out_path``.

Every builder takes the JSON data of its report (the same data ``report KIND -o x.json``
writes) and writes A4 pages with an embedded Chinese TrueType font (:mod:`.fonts`),
through a temporary file renamed into place. The shared page machinery is in
:mod:`.layout`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def pdf_builder(kind: str) -> Callable[[dict, Path], Path] | None:
    """The PDF builder of a report kind, or None when that kind has no print yet."""
    if kind == "attendance":
        from app.reports.pdf.attendance import build_attendance_pdf

        return build_attendance_pdf
    if kind == "subsidy":
        from app.reports.pdf.subsidy import build_subsidy_pdf

        return build_subsidy_pdf
    if kind == "meeting":
        from app.reports.pdf.meeting import build_meeting_pdf

        return build_meeting_pdf
    if kind == "village-assessment":
        from app.reports.pdf.village_assessment import build_village_assessment_pdf

        return build_village_assessment_pdf
    if kind == "cadre-assessment":
        from app.reports.pdf.cadre_assessment import build_cadre_assessment_pdf

        return build_cadre_assessment_pdf
    if kind == "quarterly":
        from app.reports.pdf.quarterly import build_quarterly_pdf

        return build_quarterly_pdf
    return None
