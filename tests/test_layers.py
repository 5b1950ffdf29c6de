"""Dependencies point one way: app.domain, app.db, app.sheets, app.reports and app.demo never
import PySide6 or app.ui (so the rules run and are tested without a GUI)."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
PURE = ["domain", "db", "sheets", "reports", "demo", "exchange"]


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_no_qt_and_no_ui_below_the_window(package):
    if not (APP / package).exists():
        pytest.skip(f"app/{package} not written yet")
    offenders = {
        str(p.relative_to(APP)): sorted(
            n for n in imports_of(p) if n.startswith(("PySide6", "app.ui"))
        )
        for p in (APP / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_domain_knows_no_sql():
    offenders = [
        str(p.relative_to(APP))
        for p in (APP / "domain").rglob("*.py")
        if {"sqlite3", "sqlite_utils"} & {n.split(".")[0] for n in imports_of(p)}
    ]
    assert offenders == []


def test_money_is_never_float_in_the_rules():
    for p in (APP / "domain").rglob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "float"
        ]
        assert calls == [], p
