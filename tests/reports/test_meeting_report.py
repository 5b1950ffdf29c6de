"""The minutes of one meeting: the data gathered, its flat table, and the printed PDF."""

import re
import shutil
import subprocess
from datetime import date

import pytest

from app.domain.errors import DomainError
from app.reports.meeting import chinese_date, meeting_report
from app.reports.pdf import pdf_builder
from app.reports.pdf.meeting import build_meeting_pdf
from app.reports.tabular import write_report

DONGPO = "610526100201"
TODAY = date(2026, 6, 1)
LONG = "会议强调，" + "驻村干部要沉下身子、真蹲实驻，把群众的事情办实办好，" * 20 + "会议结束。"
poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)


@pytest.fixture
def db(township_db):
    db = township_db
    db["cadres"].insert(
        {
            "cadre_no": "GB003",
            "township_code": "610526100",
            "name": "赵小军",
            "retired_on": "2026-05-20",
        }
    )
    db["meetings"].insert_all(
        [
            {"id": 1, "kind": "周例会", "day": "2026-05-04", "chair": "王建国"},
            {
                "id": 2,
                "kind": "周例会",
                "day": "2026-05-11",
                "place": "东坡镇政府二楼会议室",
                "chair": "王建国",
                "recorder": "李秀英",
                "agenda": "一、各村汇报上周工作；二、安排防汛工作。",
                "minutes": LONG,
            },
        ]
    )
    db["meeting_attendees"].insert_all(
        [
            {"meeting_id": 2, "cadre_no": "GB001", "present": 1},
            {"meeting_id": 2, "cadre_no": "GB003", "present": 1},
            {"meeting_id": 2, "cadre_no": "GB002", "present": 0, "reason": "请假（县里培训）"},
        ]
    )
    db["meeting_reports"].insert_all(
        [
            {
                "meeting_id": 2,
                "cadre_no": "GB002",
                "village_code": DONGPO,
                "content": "修好了三组水渠",
            },
            {
                "meeting_id": 2,
                "cadre_no": "GB003",
                "village_code": DONGPO,
                "content": "走访低收入户12户",
            },
        ]
    )
    db["decisions"].insert_all(
        [
            {"meeting_id": 2, "text": "五月底前完成村情档案更新"},
            {"meeting_id": 2, "text": "各村成立防汛应急小分队"},
        ]
    )
    db["action_items"].insert_all(
        [
            {"meeting_id": 1, "task": "排查危房", "owner_cadre_no": "GB002", "village_code": DONGPO}
            | {"due_date": "2026-05-10", "status": "done", "done_on": "2026-05-09"}
            | {"result": "已排查 3 户", "closed_meeting_id": 2},
            {"meeting_id": 2, "task": "清理东坡村排水沟", "owner_cadre_no": "GB003"}
            | {"village_code": DONGPO, "due_date": "2026-05-25", "status": "open"},
            {"meeting_id": 2, "task": "上报防汛物资清单", "owner_cadre_no": "GB001"}
            | {"due_date": "2026-06-30", "status": "open"},
        ]
    )
    return db


def test_the_minutes_gather_everything(db):
    data, table = meeting_report(db, 2, today=TODAY)
    assert data["title"] == "东坡镇周例会会议纪要"
    assert data["date_text"] == "2026年5月11日（星期一）" == chinese_date("2026-05-11")
    assert (data["place"], data["chair"], data["recorder"]) == (
        "东坡镇政府二楼会议室",
        "王建国",
        "李秀英",
    )
    assert [(p["name"], p["former"]) for p in data["attendees"]] == [
        ("王建国", False),
        ("赵小军", True),
    ]
    assert data["absentees"] == [
        {"cadre_no": "GB002", "name": "李秀英", "former": False, "reason": "请假（县里培训）"}
    ]
    assert [(r["name"], r["village"], r["content"]) for r in data["reports"]] == [
        ("李秀英", "东坡村", "修好了三组水渠"),
        ("赵小军", "东坡村", "走访低收入户12户"),
    ]
    assert data["decisions"] == ["五月底前完成村情档案更新", "各村成立防汛应急小分队"]
    raised = [(a["task"], a["owner"], a["owner_former"], a["status"]) for a in data["action_items"]]
    assert raised == [
        ("清理东坡村排水沟", "赵小军", True, "overdue"),  # open and past its due date
        ("上报防汛物资清单", "王建国", False, "open"),
    ]
    (closed,) = data["closed_items"]
    assert (closed["task"], closed["raised_on"], closed["done_on"]) == (
        "排查危房",
        "2026-05-04",
        "2026-05-09",
    )
    # before the cadre left he was not "former"
    early, _ = meeting_report(db, 2, today=date(2026, 5, 12))
    assert not any(p["former"] for p in early["attendees"])

    parts = [row[0] for row in table.rows]
    assert parts[:4] == ["时间", "地点", "主持人", "记录人"]
    assert parts.count("出席") == 2 and parts.count("缺席") == 1 and parts.count("督办事项") == 2
    assert ("出席", 2, "赵小军（已离任）", "GB003") in table.rows
    assert ("缺席", 1, "李秀英", "GB002", "", "", "请假（县里培训）") in table.rows


def test_unknown_meeting_is_a_domain_error(db):
    with pytest.raises(DomainError, match="会议 99 不存在"):
        meeting_report(db, 99)


def test_csv_and_xlsx_of_the_minutes(db, tmp_path):
    data, table = meeting_report(db, 2, today=TODAY)
    csv = write_report(data, table, tmp_path / "m.csv").read_text(encoding="utf-8-sig")
    assert "会议决定,1,五月底前完成村情档案更新" in csv
    assert write_report(data, table, tmp_path / "m.xlsx").stat().st_size > 4000


@poppler
def test_the_printed_minutes(db, tmp_path):
    assert pdf_builder("meeting") is build_meeting_pdf
    data, _table = meeting_report(db, 2, today=TODAY)
    pdf = build_meeting_pdf(data, tmp_path / "纪要.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "东坡镇周例会会议纪要" in text
    for word in ("时间", "地点", "主持人", "记录人", "出席（2人）", "缺席（1人）"):
        assert word in flat
    assert "王建国、赵小军（已离任）" in flat and "李秀英（请假（县里培训））" in flat
    for heading in ("一、会议议程", "二、工作汇报", "三、会议纪要", "四、会议决定", "五、督办事项"):
        assert heading in flat
    assert "六、本次会议办结的督办事项" in flat and "已排查3户" in flat
    assert "1.五月底前完成村情档案更新" in flat and "清理东坡村排水沟" in flat
    assert re.sub(r"\s+", "", LONG) in flat  # wrapped, nothing lost
    longest = max(len(line) for line in text.splitlines())
    assert longest < 130  # wrapped inside the page, not one endless line
    assert "主持人（签字）：" in flat and "记录人（签字）：" in flat and "日期：" in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info  # A4 portrait
