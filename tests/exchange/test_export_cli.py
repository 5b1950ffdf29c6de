"""``township-office export``: exit 0 with the path and counts; bad input exit 1."""

from pathlib import Path

from app.cli import run
from app.exchange.verify import verify_file


def cli(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def _init(db: Path, *township: str) -> None:
    assert cli(db, "init", *township, "--county-code", "610526", "--county-name", "蒲城县") == 0


def test_export_prints_path_and_counts(tmp_path, capsys):
    db = tmp_path / "t.sqlite"
    _init(db, "--township-code", "610526100", "--township-name", "东坡镇")
    out = tmp_path / "东坡镇-2026Q3.zip"
    capsys.readouterr()
    assert cli(db, "export", "--quarter", "2026Q3", "-o", str(out)) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "villages: 0 行" in printed and "townships: 1 行" in printed
    assert verify_file(out).manifest["period"] == "2026Q3"


def test_bad_quarter_and_county_database_exit_1(tmp_path, capsys):
    db = tmp_path / "t.sqlite"
    _init(db, "--township-code", "610526100", "--township-name", "东坡镇")
    assert cli(db, "export", "--quarter", "2026Q5", "-o", str(tmp_path / "x.zip")) == 1
    county = tmp_path / "c.sqlite"
    _init(county)
    assert cli(county, "export", "--quarter", "2026Q3", "-o", str(tmp_path / "x.zip")) == 1
    assert cli(db, "export", "--quarter", "2026Q3", "-o", str(tmp_path / "no" / "x.zip")) == 1
    err = capsys.readouterr().err
    assert "季度" in err and "县级" in err and "Traceback" not in err
    assert not (tmp_path / "x.zip").exists()
