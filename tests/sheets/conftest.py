"""Fixtures for the register-sheet tests: databases, sample rows, sheet writers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from app.db.connection import memory_database
from app.db.store import initialise, template_for_year

TOWNSHIP = "610526100"
V1, V2 = "610526100201", "610526100202"

HEADERS: dict[str, list[str]] = {
    "villages": [
        "村代码",
        "村名",
        "村民小组数",
        "户数",
        "人口",
        "农业人口",
        "党员数",
        "主导产业",
        "党组织类别",
        "备注",
    ],
    "households": [
        "户编号",
        "村代码",
        "村民小组",
        "户主姓名",
        "家庭人口",
        "联系电话",
        "主要收入来源",
        "年人均纯收入",
        "低收入户",
        "备注",
    ],
    "cadres": [
        "干部编号",
        "姓名",
        "性别",
        "出生日期",
        "联系电话",
        "单位",
        "职务",
        "政治面貌",
        "专长类别",
        "乡镇领导",
    ],
    "assignments": ["干部编号", "村代码", "岗位", "开始日期", "结束日期"],
    "attendance": ["干部编号", "日期", "村代码", "类别", "备注"],
    "checks": ["干部编号", "日期", "方式", "结果", "检查人", "备注"],
    "rates": ["补助类别", "起始日期", "标准"],
    "cadre-scores": ["干部编号", "年度", "工作业绩", "满意票", "基本满意票", "不满意票"],
}


def scores_headers(db: Database, year: int = 2026) -> list[str]:
    _, template = template_for_year(db, year)
    return ["村代码", "年度", "考核人", *(i.name for i in template.indicators)]


def full_scores(db: Database, year: int = 2026, ratio: float = 0.9) -> dict[str, str]:
    """Scores of every indicator at ``ratio`` of its maximum (one decimal)."""
    _, template = template_for_year(db, year)
    return {i.name: f"{(i.max_tenths * ratio) // 1 / 10:.1f}" for i in template.indicators}


def sample(db: Database, kind: str) -> tuple[list[str], list[list[str]]]:
    """Headers and two valid rows of each kind (needs the ``seeded`` villages and cadres)."""
    if kind == "scores":
        headers = scores_headers(db)
        s1, s2 = full_scores(db, ratio=0.95), full_scores(db, ratio=0.55)
        return headers, [
            [V1, "2026", "乡镇考核组", *s1.values()],
            [V2, "2026", "", *s2.values()],
        ]
    rows = {
        "villages": [
            ["610526100203", "南坡村", "6", "320", "1280", "1100", "42", "苹果", "三类", "示范村"],
            ["610526100204", "北坡村", "", "", "", "", "", "", "", ""],
        ],
        "households": [
            ["H0001", V1, "一组", "张三", "4", "13800000001", "种植", "5800.50", "是", ""],
            ["H0002", V2, "二组", "李四", "3", "", "务工", "", "", "新迁入"],
        ],
        "cadres": [
            [
                "GB101",
                "赵一",
                "男",
                "1975-03-02",
                "13900000001",
                "东坡镇政府",
                "副镇长",
                "中共党员",
                "经济",
                "是",
            ],
            ["GB102", "钱二", "女", "", "", "", "", "", "", ""],
        ],
        "assignments": [
            ["GB001", V1, "兼职书记", "2026-01-01", ""],
            ["GB002", V2, "驻村干部", "2026-01-01", "2026-12-31"],
        ],
        "attendance": [
            ["GB001", "2026-03-02", V1, "在村", ""],
            ["GB001", "2026-03-03", "", "会议培训", "县委党校培训"],
        ],
        "checks": [
            ["GB001", "2026-03-02", "电话查岗", "在岗", "张书记", ""],
            ["GB002", "2026-03-02", "进村抽查", "不在岗", "李委员", "未请假"],
        ],
        "rates": [
            ["生活补助", "2026-01-01", "6.00"],
            ["交通通讯补助", "2026-01-01", "40"],
        ],
        "cadre-scores": [
            ["GB001", "2026", "38.5", "20", "5", "1"],
            ["GB002", "2026", "", "", "", ""],
        ],
    }[kind]
    return list(HEADERS[kind]), [list(r) for r in rows]


#: (column, new value) giving one changed cell in the first sample row of each kind
CHANGE: dict[str, tuple[str, str]] = {
    "villages": ("村名", "南坡新村"),
    "households": ("户主姓名", "张三丰"),
    "cadres": ("职务", "镇长"),
    "assignments": ("结束日期", "2026-06-30"),
    "attendance": ("类别", "请假"),
    "checks": ("结果", "请假"),
    "rates": ("标准", "8.00"),
    "scores": ("主导产业", "5.0"),
    "cadre-scores": ("满意票", "25"),
}


def write_xlsx(path: Path, headers: Sequence[object], rows: Sequence[Sequence[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path, headers: Sequence[object], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def write_sheet(
    path: Path, headers: Sequence[object], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> Path:
    if path.suffix == ".xlsx":
        return write_xlsx(path, headers, rows)
    return write_csv(path, headers, rows, encoding)


def snapshot(db: Database) -> dict[str, object]:
    """Every table's row count and the whole change log: must not move after an error."""
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    counts = {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
    log = db.execute("SELECT * FROM change_log ORDER BY id").fetchall()
    return {"counts": counts, "log": log}


def log_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM change_log").fetchone()[0]


@pytest.fixture
def db() -> Database:
    database = memory_database()
    initialise(
        database,
        county_code="610526",
        county_name="蒲城县",
        township_code=TOWNSHIP,
        township_name="东坡镇",
    )
    return database


@pytest.fixture
def seeded(db: Database) -> Database:
    """Two villages and two cadres, entered directly (not through a sheet)."""
    db["villages"].insert_all(
        [
            {"code": V1, "township_code": TOWNSHIP, "name": "东坡村", "register_grade": "三类"},
            {"code": V2, "township_code": TOWNSHIP, "name": "西坡村", "register_grade": "四类"},
        ]
    )
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": TOWNSHIP, "name": "王建国", "is_leader": 1},
            {"cadre_no": "GB002", "township_code": TOWNSHIP, "name": "李红", "is_leader": 0},
        ]
    )
    return db


@pytest.fixture
def county_db() -> Database:
    database = memory_database()
    initialise(database, county_code="610526", county_name="蒲城县")
    return database
