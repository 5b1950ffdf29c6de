"""`report village-assessment|cadre-assessment|quarterly -o x.pdf` on the demo township,
read back with poppler and compared with the JSON form of the same report."""

import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import run
from app.db.connection import open_database
from app.demo_setup import make_demo

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils not installed",
)

YEAR = "2026"
QUARTER = "2026Q3"
SHOTS = Path("/tmp/ui-shots")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "township.sqlite"
    db = open_database(path, create=True)
    make_demo(db, scale="township", seed=1, today=date(2026, 11, 28))
    db.close()
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("out")


def report(db: Path, folder: Path, name: str, *args: str) -> Path:
    target = folder / name
    if not target.exists():
        assert run(["--db", str(db), "report", *args, "-o", str(target)]) == 0
    return target


def as_json(db, folder, *args) -> dict:
    return json.loads(report(db, folder, f"{args[0]}-{len(args)}.json", *args).read_text("utf-8"))


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]


def n_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def assert_only_embedded_truetype(pdf: Path) -> None:
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        row = line.split()
        assert row[1] == "TrueType" and row[-5] == "yes", line  # type, emb


def render(pdf: Path, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True,
    )  # fmt: skip
    assert target.stat().st_size > 5000
    return target


# ---- village assessment ------------------------------------------------------------------


def test_village_forms_one_page_each_with_the_json_figures(demo, out):
    data = as_json(demo, out, "village-assessment", "--year", YEAR)
    pdf = report(demo, out, "villages.pdf", "village-assessment", "--year", YEAR)
    assert n_pages(pdf) == len(data["villages"]) == 16
    pages = pages_text(pdf)
    assert len(pages) == len(data["villages"])
    for v, page in zip(data["villages"], pages, strict=True):
        assert f"{data['township']}{YEAR}年度村党组织百分制考核表" in page
        assert v["name"] in page and v["code"] in page
        for aspect in ("生产发展", "生活宽裕", "村容整洁", "乡风文明", "管理民主"):
            assert aspect in page
        assert f"合计100.0{v['total']}" in page
        assert f"本年类别{v['grade']}上年类别{v['previous_grade'] or '—'}" in page
        if v["change"]:
            assert f"变化{v['change']}" in page
        first = data["indicators"][0]
        assert f"1{first['name']}{first['max']}{v['scores'][first['name']]}" in page
        assert "考核人（签字）" in page and "日期" in page
    assert_only_embedded_truetype(pdf)
    render(pdf, "pdf-village-assessment.png")


def test_blank_village_forms_have_no_scores(demo, out):
    data = as_json(demo, out, "village-assessment", "--year", YEAR)
    pdf = report(demo, out, "blank.pdf", "village-assessment", "--year", YEAR, "--blank")
    pages = pages_text(pdf)
    assert len(pages) == len(data["villages"])
    for v, page in zip(data["villages"], pages, strict=True):
        assert v["name"] in page
        assert "合计100.0备注" not in page and "合计100.0本年类别" in page  # no total
        assert "本年类别上年类别" in page  # no grade
    raw = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for ind in data["indicators"]:  # each indicator's line: its max, and no score after it
        lines = [ln for ln in raw.splitlines() if ind["name"] in ln]
        assert len(lines) == len(data["villages"])
        for ln in lines:
            assert ln.split(ind["name"], 1)[1].split() == [ind["max"]], ln


def test_one_village(demo, out):
    data = as_json(demo, out, "village-assessment", "--year", YEAR)
    v = data["villages"][3]
    pdf = report(demo, out, "one.pdf", "village-assessment", "--year", YEAR, "--village", v["code"])
    (page,) = pages_text(pdf)
    assert v["name"] in page and f"合计100.0{v['total']}" in page


# ---- cadre assessment ----------------------------------------------------------------------


def test_cadre_forms_show_the_json_figures(demo, out):
    data = as_json(demo, out, "cadre-assessment", "--year", YEAR)
    pdf = report(demo, out, "cadres.pdf", "cadre-assessment", "--year", YEAR)
    pages = pages_text(pdf)
    assert n_pages(pdf) == len(pages) == len(data["cadres"]) > 0
    for c, page in zip(data["cadres"], pages, strict=True):
        assert c["name"] in page and c["cadre_no"] in page
        assert f"驻村时限30{c['time_score']}" in page
        assert f"达标{c['met_periods']}/{c['judged_periods']}" in page
        assert f"工作业绩40{c['performance_score']}" in page
        assert f"群众满意度30{c['satisfaction_score']}" in page
        v = c["votes"]
        assert f"满意{v['satisfied']}票、基本满意{v['basic']}票、不满意{v['unsatisfied']}票" in page
        assert f"总分100{c['total']}" in page
        assert f"查岗不在岗{c['unexcused_absences']}次" in page
        assert f"封顶前等次{c['grade_before_cap']}" in page
        assert f"等次{c['grade']}" in page
        if c["cap_note"]:
            assert re.sub(r"\s+", "", c["cap_note"]) in page
        assert ("副科级待遇、优先提拔。" in page) == c["outstanding"]
        assert "考核组（签字）" in page
    capped = [c for c in data["cadres"] if c["grade"] != c["grade_before_cap"]]
    assert capped  # the demo has capped cadres: their forms say so
    assert_only_embedded_truetype(pdf)
    render(pdf, "pdf-cadre-assessment.png")


# ---- quarterly -------------------------------------------------------------------------------


def test_quarterly_summary_shows_the_json_figures(demo, out):
    data = as_json(demo, out, "quarterly", "--quarter", QUARTER)
    pdf = report(demo, out, "quarterly.pdf", "quarterly", "--quarter", QUARTER)
    text = "".join(pages_text(pdf))
    for g, n in data["villages_by_grade"].items():
        share = data["villages_by_grade_share"][g]
        assert f"{g}村党组织{n}个，占全镇总数的{share}" in text
        assert f"{g}村{n}个" in text  # the narrative
    subsidy = f"{Decimal(data['subsidy_total']):,.2f}"
    funds = f"{Decimal(data['practical_matters_funds']):,.2f}"
    narrative = text[text.index("主要成效") :]
    assert f"全镇{data['villages']}个村中" in narrative
    assert f"共在村{data['present_days']:,}天" in narrative
    assert f"发放驻村补助{subsidy}元" in narrative
    assert f"召开各类会议{data['meetings']}次" in narrative
    assert f"办实事{data['practical_matters']}件，投入资金{funds}元" in narrative
    assert f"查出无故不在岗{data['unexcused_absences']}次" in narrative
    for month, s in data["subsidy_by_month"].items():
        assert f"{month}已审批{Decimal(s['total']):,.2f}" in text
    assert f"达标周期/考核周期{data['met_periods']}/{data['judged_periods']}" in text
    assert f"周例会（召开/应开）{data['meetings_by_kind']['周例会']}/" in text
    assert "村党组织分类情况（个）" in text  # the chart's title
    assert_only_embedded_truetype(pdf)
    render(pdf, "pdf-quarterly.png")


def test_quarterly_narrative_says_county_in_a_county_scope():
    from app.reports.pdf.quarterly import grade_sentences, narrative, scope_word

    data = {
        "quarter": "2026Q3", "scope": "county", "name": "安川县", "villages": 266,
        "villages_by_grade": {"一类": 10, "二类": 100, "三类": 126, "四类": 30},
        "villages_by_grade_share": {"一类": "4%", "二类": "38%", "三类": "47%", "四类": "11%"},
        "cadres": 269, "present_days": 12345, "checks": 10, "unexcused_absences": 0,
        "subsidy_total": "1234.50", "meetings": 3, "practical_matters": 2,
        "practical_matters_funds": "0.00",
    }  # fmt: skip
    assert scope_word(data) == "全县"
    assert "一类村党组织 10 个，占全县总数的4%" in grade_sentences(data)
    text = narrative(data)
    assert "全县 266 个村中" in text and "12,345 天" in text and "1,234.50 元" in text
