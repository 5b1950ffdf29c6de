"""The command line as a new user meets it: init → import-sheet … → report subsidy."""

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run

ROOT = Path(__file__).resolve().parents[2]

HEADERS = {
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
    "rates": ["补助类别", "起始日期", "标准"],
    "attendance": ["干部编号", "日期", "村代码", "类别", "备注"],
    "checks": ["干部编号", "日期", "方式", "结果", "检查人", "备注"],
}


def write_csv(path: Path, kind: str, rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS[kind])
        w.writerows(rows)
    return path


def cli(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def db_state(db: Path) -> str:
    """Everything the user could lose, as one digest (tables in order, change log included)."""
    import sqlite3

    conn = sqlite3.connect(db)
    h = hashlib.sha256()
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"'))):
            h.update(row.encode())
    conn.close()
    return h.hexdigest()


@pytest.fixture
def township(tmp_path):
    db = tmp_path / "t.sqlite"
    assert (
        cli(
            db,
            "init",
            "--township-code",
            "610526100",
            "--township-name",
            "东坡镇",
            "--county-code",
            "610526",
            "--county-name",
            "蒲城县",
        )
        == 0
    )
    s = tmp_path
    assert (
        cli(
            db,
            "import-sheet",
            "villages",
            str(
                write_csv(
                    s / "v.csv",
                    "villages",
                    [
                        ["610526100201", "东坡村", 6, 412, 1630, 1400, 38, "生猪养殖", "三类", ""],
                        ["610526100202", "西岭村", 4, 280, 1010, 990, 21, "苹果", "四类", ""],
                    ],
                )
            ),
        )
        == 0
    )
    assert (
        cli(
            db,
            "import-sheet",
            "cadres",
            str(
                write_csv(
                    s / "c.csv",
                    "cadres",
                    [
                        [
                            "GB001",
                            "王建国",
                            "男",
                            "1975-03-02",
                            "13800000001",
                            "镇党委",
                            "副书记",
                            "中共党员",
                            "组织宣传纪检民政",
                            "是",
                        ],
                        [
                            "GB002",
                            "李秀英",
                            "女",
                            "1988-07-15",
                            "",
                            "农业综合服务站",
                            "站长",
                            "中共党员",
                            "技术",
                            "否",
                        ],
                    ],
                    encoding="gb18030",
                )
            ),
        )
        == 0
    )
    assert (
        cli(
            db,
            "import-sheet",
            "assignments",
            str(
                write_csv(
                    s / "a.csv",
                    "assignments",
                    [
                        ["GB001", "610526100202", "兼职书记", "2026-01-01", ""],
                        ["GB002", "610526100201", "驻村干部", "2026-01-01", ""],
                    ],
                    encoding="utf-8-sig",
                )
            ),
        )
        == 0
    )
    assert (
        cli(
            db,
            "import-sheet",
            "rates",
            str(
                write_csv(
                    s / "r.csv",
                    "rates",
                    [
                        ["生活补助", "2026-01-01", "6"],
                        ["交通通讯补助", "2026-01-01", "40.00"],
                    ],
                )
            ),
        )
        == 0
    )
    rows = [
        ["GB001", f"2026-10-{d:02d}", "610526100202", "在村", ""] for d in (5, 6, 12, 13, 19, 20)
    ]
    rows += [["GB002", f"2026-10-{d:02d}", "610526100201", "在村", ""] for d in range(1, 21)]
    rows += [
        ["GB002", "2026-10-21", "610526100201", "会议培训", "县里培训"],
        ["GB002", "2026-10-22", "610526100201", "请假", ""],
    ]
    assert (
        cli(db, "import-sheet", "attendance", str(write_csv(s / "att.csv", "attendance", rows)))
        == 0
    )
    return db


def report(db: Path, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "out.json"
    assert cli(db, "report", *args, "-o", str(out)) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_seed_rates_give_six_a_day_plus_forty(township, tmp_path):
    data = report(township, tmp_path, "subsidy", "--month", "2026-10")
    lines = {x["cadre_no"]: x for x in data["lines"]}
    assert data["month"] == "2026-10" and data["status"] == "draft"
    assert lines["GB001"]["present_days"] == 6 and lines["GB001"]["living"] == "36.00"
    assert lines["GB001"]["transport"] == "40.00" and lines["GB001"]["total"] == "76.00"
    assert lines["GB002"]["present_days"] == 21 and lines["GB002"]["total"] == "166.00"
    assert data["total"] == "242.00"


def test_rate_raised_in_the_middle_of_a_month(township, tmp_path):
    raise_sheet = write_csv(tmp_path / "r2.csv", "rates", [["生活补助", "2026-10-13", "8.00"]])
    assert cli(township, "import-sheet", "rates", str(raise_sheet)) == 0
    lines = {
        x["cadre_no"]: x
        for x in report(township, tmp_path, "subsidy", "--month", "2026-10")["lines"]
    }
    # GB001: 5, 6, 12 at 6.00; 13, 19, 20 at 8.00
    assert lines["GB001"]["living"] == "42.00" and lines["GB001"]["total"] == "82.00"
    # GB002: 1–12 at 6.00 (12 days), 13–21 at 8.00 (9 days)
    assert lines["GB002"]["living"] == "144.00"


def test_approve_then_a_late_change_is_carried_as_an_adjustment(township, tmp_path, capsys):
    assert cli(township, "approve-subsidy", "--month", "2026-10", "--by", "李会计") == 0
    assert report(township, tmp_path, "subsidy", "--month", "2026-10")["status"] == "approved"
    late = write_csv(
        tmp_path / "late.csv",
        "attendance",
        [["GB001", "2026-10-26", "610526100202", "在村", "补录"]],
    )
    before = db_state(township)
    capsys.readouterr()
    # an approved month changes only with a reason: refused without one, nothing written
    assert cli(township, "import-sheet", "attendance", str(late)) == 1
    err = capsys.readouterr().err
    assert "2026年10月的补助已审批" in err and "第 2 行" in err and "--reason" in err
    assert "Traceback" not in err and db_state(township) == before
    assert cli(township, "import-sheet", "attendance", str(late), "--reason", "考勤簿漏录") == 0
    assert "2026年10月的补助已审批，已按修改原因“考勤簿漏录”导入" in capsys.readouterr().out
    assert report(township, tmp_path, "subsidy", "--month", "2026-10")["total"] == "242.00"
    nov = report(township, tmp_path, "subsidy", "--month", "2026-11")
    gb1 = next(x for x in nov["lines"] if x["cadre_no"] == "GB001")
    assert gb1["adjustment"] == "6.00" and gb1["notes"] == ["补发 2026-10"]
    assert cli(township, "approve-subsidy", "--month", "2026-10") == 1


def test_a_sheet_touching_a_quarter_sent_to_the_county_needs_a_reason(township, tmp_path, capsys):
    import sqlite3

    conn = sqlite3.connect(township)
    with conn:  # what `export --quarter 2026Q3` records
        conn.execute(
            "INSERT INTO exported_quarters VALUES ('2026Q3', '2026-10-08T09:00:00+08:00',"
            " '东坡镇-2026Q3.zip', ?)",
            ["0" * 64],
        )
    conn.close()
    sheet = write_csv(
        tmp_path / "checks.csv",
        "checks",
        [
            ["GB001", "2026-09-15", "电话查岗", "在岗", "县委组织部", ""],
            ["GB002", "2026-10-12", "进村抽查", "在岗", "镇纪委", ""],
        ],
    )
    before = db_state(township)
    capsys.readouterr()
    assert cli(township, "import-sheet", "checks", str(sheet)) == 1
    err = capsys.readouterr().err
    assert "第 2 行：2026年第3季度已上报县里（2026-10-08），修改需填写原因" in err
    assert "第 3 行" not in err and "--reason" in err and "Traceback" not in err
    assert db_state(township) == before  # nothing loaded, not even the October row
    assert cli(township, "import-sheet", "checks", str(sheet), "--reason", "县里抽查后补登") == 0
    assert "已按修改原因“县里抽查后补登”导入" in capsys.readouterr().out
    conn = sqlite3.connect(township)
    logged = conn.execute(
        "SELECT record, reason FROM change_log WHERE table_name = 'checks' ORDER BY id"
    ).fetchall()
    conn.close()
    assert logged == [
        ("GB001/2026-09-15/电话查岗", "县里抽查后补登"),
        ("GB002/2026-10-12/进村抽查", "县里抽查后补登"),
    ]
    # the same sheet again changes nothing, so it needs no reason
    assert cli(township, "import-sheet", "checks", str(sheet)) == 0


def test_same_sheet_twice_changes_nothing(township, tmp_path):
    before = db_state(township)
    again = write_csv(
        tmp_path / "v2.csv",
        "villages",
        [
            ["610526100201", "东坡村", 6, 412, 1630, 1400, 38, "生猪养殖", "三类", ""],
            ["610526100202", "西岭村", 4, 280, 1010, 990, 21, "苹果", "四类", ""],
        ],
    )
    assert cli(township, "import-sheet", "villages", str(again)) == 0
    assert db_state(township) == before


BAD_SHEETS = {
    "unknown header": (
        "villages",
        "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注,村长\n",
        "村长",
    ),
    "13-digit code": (
        "villages",
        "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注\n"
        "6105261002031,新村,1,1,1,1,1,,三类,\n",
        "第 2 行",
    ),
    "1类": (
        "villages",
        "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注\n"
        "610526100203,新村,1,1,1,1,1,,1类,\n",
        "1类",
    ),
    "2026-02-30": (
        "attendance",
        "干部编号,日期,村代码,类别,备注\nGB001,2026-02-30,610526100202,在村,\n",
        "2026-02-30",
    ),
    "unknown cadre": (
        "attendance",
        "干部编号,日期,村代码,类别,备注\nGB999,2026-10-01,610526100202,在村,\n",
        "GB999",
    ),
    "negative money": ("rates", "补助类别,起始日期,标准\n生活补助,2026-11-01,-6\n", "负"),
    "duplicate key": (
        "attendance",
        "干部编号,日期,村代码,类别,备注\nGB001,2026-11-02,,在村,\nGB001,2026-11-02,,缺勤,\n",
        "第 3 行",
    ),
    "missing key": (
        "cadres",
        "干部编号,姓名,性别,出生日期,联系电话,单位,职务,政治面貌,专长类别,乡镇领导\n,张三,男,,,,,,,否\n",
        "干部编号",
    ),
    "empty file": ("villages", "", ""),
}


@pytest.mark.parametrize("case", list(BAD_SHEETS))
def test_bad_sheet_exit_1_message_and_nothing_changed(township, tmp_path, capsys, case):
    kind, text, needle = BAD_SHEETS[case]
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    before = db_state(township)
    capsys.readouterr()
    assert cli(township, "import-sheet", kind, str(path)) == 1
    err = capsys.readouterr().err
    assert needle in err and "bad.csv" in err and "Traceback" not in err
    assert db_state(township) == before


def test_garbage_files_exit_1(township, tmp_path, capsys):
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    before = db_state(township)
    assert cli(township, "import-sheet", "villages", str(png)) == 1
    assert cli(township, "import-sheet", "villages", str(tmp_path / "missing.xlsx")) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert db_state(township) == before


def test_usage_errors_exit_2_and_import_into_a_township_exit_1(township, tmp_path, capsys):
    assert cli(township, "report", "subsidy", "-o", str(tmp_path / "x.json")) == 2  # no --month
    assert (  # printed since issue 7
        cli(township, "report", "quarterly", "--quarter", "2026Q3", "-o", str(tmp_path / "x.pdf"))
        == 0
    )
    assert cli(township, "frobnicate") == 2
    assert cli(township, "import", str(tmp_path / "x.zip")) == 1  # since issue 8
    assert "只有县级汇总数据库" in capsys.readouterr().err


def test_bad_month_and_quarter_exit_1(township, tmp_path, capsys):
    assert (
        cli(township, "report", "subsidy", "--month", "2026-13", "-o", str(tmp_path / "x.json"))
        == 1
    )
    assert (
        cli(township, "report", "quarterly", "--quarter", "2026Q5", "-o", str(tmp_path / "x.json"))
        == 1
    )
    assert cli(township, "approve-subsidy", "--month", "2026-02-30") == 1
    assert not (tmp_path / "x.json").exists()


def test_db_option_after_the_command_and_environment_default(township, tmp_path, monkeypatch):
    out = tmp_path / "q.json"
    assert (
        run(["report", "quarterly", "--quarter", "2026Q4", "--db", str(township), "-o", str(out)])
        == 0
    )
    monkeypatch.setenv("TOWNSHIP_OFFICE_DB", str(township))
    assert run(["report", "quarterly", "--quarter", "2026Q4", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scope"] == "township" and data["villages"] == 2
    assert data["villages_by_grade"] == {"一类": 0, "二类": 0, "三类": 1, "四类": 1}
    assert data["subsidy_total"] == "242.00"  # October's sheet; Nov and Dec have no present days


def test_refuses_other_files_untouched(tmp_path, capsys):
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"not a database at all" * 100)
    assert cli(other, "check") == 1
    assert (
        cli(other, "report", "quarterly", "--quarter", "2026Q3", "-o", str(tmp_path / "q.json"))
        == 1
    )
    assert other.read_bytes() == b"not a database at all" * 100
    assert "Traceback" not in capsys.readouterr().err


def test_check_backup_restore(township, tmp_path):
    assert cli(township, "check") == 0
    copy = tmp_path / "copy.sqlite"
    assert cli(township, "backup", "-o", str(copy)) == 0
    before = db_state(township)
    assert (
        cli(
            township,
            "import-sheet",
            "rates",
            str(write_csv(tmp_path / "r3.csv", "rates", [["生活补助", "2026-12-01", "9"]])),
        )
        == 0
    )
    assert db_state(township) != before
    assert cli(township, "restore", str(copy)) == 0
    assert db_state(township) == before
    assert list(tmp_path.glob("t.replaced-*.sqlite"))


def test_installed_console_script_runs_as_module(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--db",
            str(tmp_path / "n.sqlite"),
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "-o",
            str(tmp_path / "q.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 1 and "不存在" in r.stderr and "Traceback" not in r.stderr


def test_formula_and_error_cells_are_refused_not_stored(township, tmp_path, capsys):
    import zipfile

    path = tmp_path / "formula.xlsx"
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS["villages"])
    ws.append(["610526100201", "东坡村", 6, "=150*2", 1630, 1400, 38, "生猪养殖", "三类", ""])
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" in sheet and "150*2" in sheet  # a formula with no cached value
    before = db_state(township)
    assert cli(township, "import-sheet", "villages", str(path)) == 1
    err = capsys.readouterr().err
    assert "第 2 行「户数」" in err and "公式" in err
    assert db_state(township) == before


def test_text_looking_like_a_formula_stays_text_in_reports(township, tmp_path):
    import openpyxl

    name = '=HYPERLINK("http://x","点击")'
    cadre = write_csv(
        tmp_path / "c2.csv", "cadres", [["GB003", name, "男", "", "", "", "", "", "", "否"]]
    )
    assert cli(township, "import-sheet", "cadres", str(cadre)) == 0
    att = write_csv(tmp_path / "a3.csv", "attendance", [["GB003", "2026-10-05", "", "在村", ""]])
    assert cli(township, "import-sheet", "attendance", str(att)) == 0
    out = tmp_path / "s.xlsx"
    assert cli(township, "report", "subsidy", "--month", "2026-10", "-o", str(out)) == 0
    ws = openpyxl.load_workbook(out).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == name)
    assert cell.data_type == "s"


def test_far_future_month_is_a_plain_error(township, capsys):
    assert cli(township, "approve-subsidy", "--month", "9999-12") == 1
    assert "超出范围" in capsys.readouterr().err
