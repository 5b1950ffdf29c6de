"""The month's attendance table printed: A4 landscape, one row per cadre, a column per day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors

from app.domain.attendance import PRESENT_KINDS
from app.domain.periods import Month
from app.reports.attendance import LEGEND, MARK_OF
from app.reports.pdf.layout import ALERT, ALERT_FILL, SHADE, Column, Document, PageSpec, spacer

WEEKDAY = "一二三四五六日"
PRESENT = frozenset(k.value for k in PRESENT_KINDS)
# fixed columns (points); the days share what is left of the 277 mm line
LEFT = (("编号", 34), ("姓名", 40), ("岗位", 48))
RIGHT = (("出勤", 22), ("请假", 22), ("缺勤", 22), ("要求", 44), ("是否达标", 42))
MAX_DAY_WIDTH = 20.0
WEEKEND_HEAD = colors.Color(0.78, 0.78, 0.78)


def build_attendance_pdf(data: dict, out_path: Path, printed_on: date | None = None) -> Path:
    """Print ``report attendance`` data (app.reports.attendance.attendance_data) to PDF."""
    month = Month.parse(data["month"])
    days = month.days()
    doc = Document(
        PageSpec(
            title=f"{data['township']} {month.year}年{month.month}月驻村干部考勤表",
            township=data["township"],
            period=f"{month.year}年{month.month}月1日—{month.month}月{month.num_days}日",
            landscape=True,
            printed_on=printed_on,
        )
    )
    fixed = sum(w for _, w in LEFT + RIGHT)
    day_w = min(MAX_DAY_WIDTH, (doc.frame_width - fixed) / len(days))
    spare = doc.frame_width - fixed - day_w * len(days)
    right = [(h, w + (spare if h == "要求" else 0)) for h, w in RIGHT]
    columns = (
        [Column(h, w) for h, w in LEFT]
        + [Column(str(d.day), day_w) for d in days]
        + [Column(h, w) for h, w in right]
    )
    first_day, first_right = len(LEFT), len(LEFT) + len(days)
    last = len(columns) - 1

    header_rows = [
        [h for h, _ in LEFT] + [str(d.day) for d in days] + [h for h, _ in right],
        [""] * len(LEFT) + [WEEKDAY[d.weekday()] for d in days] + [""] * len(right),
    ]
    styles: list[tuple] = [
        ("SPAN", (c, 0), (c, 1)) for c in [*range(first_day), *range(first_right, last + 1)]
    ]
    styles.append(("FONTSIZE", (first_day, 1), (first_right - 1, 1), 6.5))
    for i, d in enumerate(days):
        if d.weekday() >= 5:
            c = first_day + i
            styles.append(("BACKGROUND", (c, 0), (c, 1), WEEKEND_HEAD))
            styles.append(("BACKGROUND", (c, 2), (c, -1), SHADE))
    styles.append(("FONTSIZE", (first_day, 2), (first_right - 1, -1), 8))

    rows = []
    for line in data["cadres"]:
        marks = [MARK_OF.get(line["days"].get(d.isoformat(), ""), "") for d in days]
        rows.append(
            [line["cadre_no"], line["name"], line["role"] or "—"]
            + marks
            + [
                line["present_days"],
                line["leave_days"],
                line["absent_days"],
                line["requirement"] or "—",
                line["status"],
            ]
        )

    def row_styles(_i: int, row: list) -> list[tuple]:
        out = [
            (cmd, first_day + k, first_day + k, arg)
            for k, mark in enumerate(row[first_day:first_right])
            if mark == "×"
            for cmd, arg in (("TEXTCOLOR", ALERT), ("FONTSIZE", 10.5))
        ]
        if row[last] == "未达标":
            out += [
                ("BACKGROUND", last, last, ALERT_FILL),
                ("TEXTCOLOR", last, last, ALERT),
                ("FONTNAME", last, last, doc.bold),
                ("TEXTCOLOR", first_right, first_right, ALERT),
            ]
        return out

    totals = data.get("totals") or {}
    per_day = [
        sum(1 for line in data["cadres"] if line["days"].get(d.isoformat()) in PRESENT)
        for d in days
    ]
    not_met = sum(1 for line in data["cadres"] if line["met"] is False)
    footer = [
        ["合计", "", ""]
        + [str(n) if n else "" for n in per_day]
        + [
            sum(line["present_days"] for line in data["cadres"]),
            sum(line["leave_days"] for line in data["cadres"]),
            sum(line["absent_days"] for line in data["cadres"]),
            "",
            f"未达标{not_met}人" if not_met else "全部达标",
        ]
    ]
    footer_styles = [
        ("SPAN", (0, 0), (2, 0)),
        ("FONTSIZE", (first_day, 0), (first_right - 1, 0), 6.5),
    ]
    if not_met:
        footer_styles.append(("TEXTCOLOR", (last, 0), (last, 0), ALERT))

    tail = [
        spacer(2),
        doc.para(
            f"说明：{LEGEND}；周六、周日列加灰底；合计行日期栏为当日在村（含会议培训）人数。",
            "note",
        ),
    ]
    count = totals.get("cadres", len(data["cadres"]))
    summary = f"共 {count} 人：达标 {totals.get('met', 0)} 人，未达标 {not_met} 人"
    if totals.get("not_judged"):
        summary += f"，暂不考核 {totals['not_judged']} 人（月份未结束或无任职）"
    tail.append(doc.para(summary + "。", "note"))
    shortfalls = [
        f"{line['cadre_no']} {line['name']}　" + "；".join(line["shortfalls"])
        for line in data["cadres"]
        if line["shortfalls"]
    ]
    if shortfalls:
        tail.append(doc.para("未达标说明：" + "　/　".join(shortfalls), "note"))
    tail += [spacer(3), doc.signature_line()]

    story = doc.grid(
        columns,
        rows,
        header_rows=header_rows,
        header_heights=[12, 10],
        row_height=15,
        footer_rows=footer,
        styles=styles,
        row_styles=row_styles,
        footer_styles=footer_styles,
        tail=tail,
    )
    return doc.write(story, out_path)
