"""`report meeting --id N` on a demo township: the minutes as PDF, JSON, CSV and XLSX."""

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.cli import run
from app.db.connection import open_database
from app.demo_setup import make_demo

SHOTS = Path("/tmp/ui-shots")
poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "township.sqlite"
    db = open_database(path, create=True)
    make_demo(db, scale="township", seed=1, today=date(2026, 11, 28))
    # the latest weekly meeting that raised an action item and closed an earlier one
    (meeting_id,) = db.execute(
        """SELECT id FROM meetings WHERE kind = '周例会'
           AND id IN (SELECT meeting_id FROM action_items)
           AND id IN (SELECT closed_meeting_id FROM action_items)
           ORDER BY day DESC LIMIT 1"""
    ).fetchone()
    db.close()
    return path, meeting_id


def cli(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def minutes(demo, tmp_path_factory):
    """The JSON form of the demo meeting's minutes."""
    path, meeting_id = demo
    out = tmp_path_factory.mktemp("json") / "m.json"
    assert cli(path, "report", "meeting", "--id", str(meeting_id), "-o", str(out)) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@poppler
def test_pdf_minutes_of_a_demo_meeting(demo, minutes, tmp_path):
    path, meeting_id = demo
    pdf = tmp_path / "纪要.pdf"
    assert cli(path, "report", "meeting", "--id", str(meeting_id), "-o", str(pdf)) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squeeze(text)
    assert minutes["title"] == f"{minutes['township']}周例会会议纪要"
    assert minutes["title"] in text
    assert len(minutes["attendees"]) >= 10
    for person in minutes["attendees"]:
        assert person["name"] in flat
    for person in minutes["absentees"]:
        assert squeeze(f"{person['name']}（{person['reason']}）") in flat
    assert minutes["decisions"]
    for decision in minutes["decisions"]:
        assert squeeze(decision) in flat
    assert minutes["action_items"] and minutes["closed_items"]
    for item in minutes["action_items"] + minutes["closed_items"]:
        assert squeeze(item["task"]) in flat and item["owner"] in flat
    for report in minutes["reports"]:
        assert squeeze(report["content"]) in flat
    for label in ("主持人（签字）：", "记录人（签字）：", "日期："):
        assert label in flat
    assert f"出席（{len(minutes['attendees'])}人）" in flat

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:  # name type encoding emb sub uni object ID
        assert row[1] == "TrueType" and row[-5] == "yes", row
        assert "Helvetica" not in row[0] and "STSong" not in row[0]
    assert len({row[0].split("+")[-1] for row in rows}) == 1  # one Chinese face only

    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / "pdf-meeting.png"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True,
    )  # fmt: skip
    assert target.stat().st_size > 10_000


def test_json_csv_and_xlsx_carry_the_same_attendees(demo, minutes, tmp_path):
    path, meeting_id = demo
    db = open_database(path)
    present = [
        r[0]
        for r in db.execute(
            """SELECT c.name FROM meeting_attendees a JOIN cadres c USING (cadre_no)
               WHERE a.meeting_id = ? AND a.present = 1 ORDER BY a.cadre_no""",
            [meeting_id],
        ).fetchall()
    ]
    assert [p["name"] for p in minutes["attendees"]] == present
    assert minutes["id"] == meeting_id and minutes["kind"] == "周例会"
    csv = tmp_path / "m.csv"
    assert cli(path, "report", "meeting", "--id", str(meeting_id), "-o", str(csv)) == 0
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    assert [ln.split(",")[2] for ln in lines if ln.startswith("出席,")] == present
    xlsx = tmp_path / "m.xlsx"
    assert cli(path, "report", "meeting", "--id", str(meeting_id), "-o", str(xlsx)) == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_unknown_or_malformed_id(demo, tmp_path, capsys):
    path, _ = demo
    out = tmp_path / "x.pdf"
    assert cli(path, "report", "meeting", "--id", "99999", "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert "会议 99999 不存在" in err and "Traceback" not in err and not out.exists()
    assert cli(path, "report", "meeting", "--id", "abc", "-o", str(out)) == 2
    assert "--id 应为会议编号" in capsys.readouterr().err
    assert cli(path, "report", "meeting", "-o", str(out)) == 2
    assert "--id" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
