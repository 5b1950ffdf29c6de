"""Printing the 考核 forms and the quarterly summary from the window (issue 7)."""

import subprocess
from datetime import date

import pytest

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Quarter
from app.ui.main_window import MainWindow

TODAY = date(2026, 5, 15)


@pytest.fixture
def window(qtbot, tmp_path):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    w = MainWindow(db, tmp_path / "t.sqlite", clock=lambda: TODAY)
    qtbot.addWidget(w)
    return w, db


def text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def test_village_forms_from_the_grid(window, tmp_path):
    w, db = window
    page = w.assessment_tab.page("villages")
    page.year_combo.setCurrentText("2025")
    out = page.print_forms(tmp_path / "v.pdf")
    villages = db.execute("SELECT count(*) FROM villages").fetchone()[0]
    assert out is not None and pages(out) == villages
    assert "2025年度村党组织百分制考核表" in text(out)
    blank = page.print_forms(tmp_path / "b.pdf", blank=True)
    assert pages(blank) == villages


def test_cadre_forms_and_quarterly_summary(window, tmp_path):
    w, db = window
    page = w.assessment_tab.page("cadres")
    out = page.print_forms(tmp_path / "c.pdf")
    assert out is not None and "干部" in text(out)
    q = w.print_quarterly(Quarter(2026, 1), tmp_path / "q.pdf")
    assert q is not None and "2026年第1季度" in text(q).replace(" ", "")
