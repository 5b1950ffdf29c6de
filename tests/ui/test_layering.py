"""The window asks app.db.views (and the other db/domain functions) for data: no SQL in widgets."""

import re
from pathlib import Path

import app.ui

UI = Path(app.ui.__file__).parent
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b\s|\.execute\(|\.query\(|db\[\"")


def test_no_sql_in_the_window_modules():
    offenders = [
        f"{path.relative_to(UI)}:{n}"
        for path in sorted(UI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SQL.search(line)
    ]
    assert offenders == []


def test_views_module_does_not_import_qt():
    text = (UI.parent / "db" / "views.py").read_text(encoding="utf-8")
    assert "PySide6" not in text and "app.ui" not in text
