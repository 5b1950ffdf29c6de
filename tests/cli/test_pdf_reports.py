"""`report attendance|subsidy -o x.pdf` on a demo township, read back with poppler."""

import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import run
from app.db import store
from app.db.connection import open_database
from app.demo_setup import make_demo
from app.domain.attendance import PRESENT_KINDS
from app.domain.periods import Month
from app.reports.pdf import fonts

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)

MONTH = "2026-10"
SHOTS = Path("/tmp/ui-shots")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "township.sqlite"
    db = open_database(path, create=True)
    make_demo(db, scale="township", seed=1, today=date(2026, 11, 28))
    db.close()
    return path


def cli(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def pdftext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    """Text without white space (pdftotext spaces short runs as it likes)."""
    return re.sub(r"\s+", "", text)


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(
        (k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in out.splitlines())
    )


def font_rows(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def render(pdf: Path, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True,
    )  # fmt: skip
    return target


def assert_fonts_embedded(pdf: Path) -> None:
    rows = font_rows(pdf)
    assert rows, "no fonts at all"
    for row in rows:
        # name type [type2] encoding emb sub uni object ID: emb is the 5th field from the end
        assert row[-5] == "yes", f"font not embedded: {row}"
        assert row[1] == "TrueType", f"not the TrueType face: {row}"
    assert not any("Helvetica" in r[0] or "STSong" in r[0] for r in rows)


def test_attendance_pdf_carries_the_grid_totals(demo, tmp_path):
    pdf, js = tmp_path / "考勤.pdf", tmp_path / "a.json"
    assert cli(demo, "report", "attendance", "--month", MONTH, "-o", str(pdf)) == 0
    assert cli(demo, "report", "attendance", "--month", MONTH, "-o", str(js)) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    text = pdftext(pdf)
    assert f"{data['township']} 2026年10月驻村干部考勤表" in text
    assert "制表：" in text and "审核：" in text and "分管领导：" in text and "日期：" in text
    assert "第1页共1页" in squeeze(text)

    db = open_database(demo)
    m = Month.parse(MONTH)
    stored = store.attendance(db, m.first_day, m.last_day)
    lines = {ln.split()[0]: ln.split() for ln in text.splitlines() if re.match(r"\s*GB\d+", ln)}
    assert len(lines) == len(data["cadres"]) >= 20
    for cadre in data["cadres"]:
        row = lines[cadre["cadre_no"]]
        assert row[1] == cadre["name"]
        present, leave, absent = [int(t) for t in row if t.isdigit()][:3]
        in_db = sum(1 for k in stored[cadre["cadre_no"]].values() if k in PRESENT_KINDS)
        assert present == cadre["present_days"] == in_db
        assert (leave, absent) == (cadre["leave_days"], cadre["absent_days"])
        assert row[-1] == cadre["status"]
    # and the duty grid (值班表) of the same month shows the same totals and verdicts
    from app.db.attendance_edit import month_grid

    grid = {r.cadre_no: r for r in month_grid(db, m, as_of=date(2026, 11, 28)).rows}
    assert set(grid) == set(lines)
    for cadre in data["cadres"]:
        row, g = lines[cadre["cadre_no"]], grid[cadre["cadre_no"]]
        assert [int(t) for t in row if t.isdigit()][:3] == [g.present, g.leave, g.absent]
        assert (row[-1] == "未达标") == (g.met < g.judged)
    assert {c["status"] for c in data["cadres"]} >= {"达标", "未达标"}
    total = sum(c["present_days"] for c in data["cadres"])
    assert re.search(rf"合计.*\s{total}\s", text)

    assert_fonts_embedded(pdf)
    info = pdfinfo(pdf)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("841.89 x 595.27")  # A4 landscape (842 × 595 pt)
    assert render(pdf, "pdf-attendance.png").stat().st_size > 10_000


def test_subsidy_pdf_matches_the_json_figures(demo, tmp_path):
    pdf, js = tmp_path / "补助.pdf", tmp_path / "s.json"
    assert cli(demo, "report", "subsidy", "--month", MONTH, "-o", str(pdf)) == 0
    assert cli(demo, "report", "subsidy", "--month", MONTH, "-o", str(js)) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    text = pdftext(pdf)
    assert f"{data['township']} 2026年10月驻村干部补助发放表" in text
    assert "领款人签字" in text and "草稿" in text
    assert f"合计金额（大写）：{data['total_capital']}" in text
    assert f"¥{data['total']}" in text
    rows = {
        ln.split()[1]: ln.split() for ln in text.splitlines() if re.match(r"\s*\d+\s+GB\d+", ln)
    }
    assert len(rows) == len(data["lines"])
    for line in data["lines"]:
        row = rows[line["cadre_no"]]
        assert row[2:8] == [
            line["name"],
            str(line["present_days"]),
            line["living"],
            line["transport"],
            line["adjustment"],
            line["total"],
        ]
    total_row = next(ln.split() for ln in text.splitlines() if ln.split()[:1] == ["合计"])
    assert total_row[-1] == data["total"]
    assert sum(Decimal(x["total"]) for x in data["lines"]) == Decimal(data["total"])
    assert_fonts_embedded(pdf)
    info = pdfinfo(pdf)
    assert info["Page size"].startswith("841.89 x 595.27")
    pages = int(info["Pages"])
    assert 1 <= pages <= 3
    assert f"第{pages}页共{pages}页" in squeeze(text)
    # the sign-off comes once, after the totals, on the last page
    last_page = text.split("\f")[pages - 1]
    assert "合计金额（大写）" in last_page and "分管领导：" in last_page
    assert text.count("分管领导：") == 1
    assert render(pdf, "pdf-subsidy.png").stat().st_size > 10_000


def test_approved_month_prints_approved(demo, tmp_path):
    pdf = tmp_path / "9.pdf"
    assert cli(demo, "report", "subsidy", "--month", "2026-09", "-o", str(pdf)) == 0
    text = pdftext(pdf)
    assert "已审批" in text and "草稿" not in text


def test_missing_font_exits_1_and_writes_nothing(demo, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "bundled_font_dir", lambda: tmp_path / "no-fonts")
    monkeypatch.setattr(fonts, "system_candidates", lambda: [])
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    pdf = out_dir / "a.pdf"
    assert cli(demo, "report", "attendance", "--month", MONTH, "-o", str(pdf)) == 1
    err = capsys.readouterr().err
    assert "找不到可嵌入 PDF 的中文 TrueType 字体" in err
    assert "fonts-wqy-microhei" in err and "TOWNSHIP_OFFICE_FONT" in err
    assert "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_font_env_var_pointing_nowhere_is_an_error(demo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "nope.ttf"))
    pdf = tmp_path / "a.pdf"
    assert cli(demo, "report", "subsidy", "--month", MONTH, "-o", str(pdf)) == 1
    assert "nope.ttf" in capsys.readouterr().err and not pdf.exists()


def test_every_report_kind_has_a_pdf():
    from app.cli import REPORT_KINDS
    from app.reports.pdf import pdf_builder

    assert all(pdf_builder(kind) is not None for kind in REPORT_KINDS)
    assert pdf_builder("nope") is None


def test_pdf_replaces_an_existing_file_whole(demo, tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"old")
    assert cli(demo, "report", "attendance", "--month", MONTH, "-o", str(pdf)) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
