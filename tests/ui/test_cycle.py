"""例会统计: weekly meetings expected against held, and the reviews due and done.

The rules (app.db.cycle) are tested directly first, then the page that shows them.
"""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from app.db.cycle import (
    HELD,
    MISSING,
    NOT_DUE,
    covered_period,
    cycle,
    due_reviews,
    review_status,
    weekly_status,
)
from app.domain.periods import IsoWeek, Quarter, Year, weeks_in
from app.reports.quarterly import quarterly_report
from app.ui.meetings.cycle import RED, MeetingCyclePage, ReviewsModel, WeeksModel
from app.ui.undo import TabUndo

Q1 = Quarter(2026, 1)
AFTER_Q1 = date(2026, 5, 15)
SKIPPED = (IsoWeek(2026, 5), IsoWeek(2026, 9))
FG = Qt.ItemDataRole.ForegroundRole


def meetings(db, *rows):
    db["meetings"].insert_all([{"kind": k, "day": d} for k, d in rows])


@pytest.fixture
def quarter_db(db):
    """2026Q1 by hand: 13 weeks, a 周例会 in 11 of them; 月汇报 for January and March only."""
    weekly = [w for w in weeks_in(Q1.first_day, Q1.last_day) if w not in SKIPPED]
    # week 1 of 2026 (Thursday 1 January) belongs to Q1 although it is held in December
    meetings(db, ("周例会", "2025-12-29"), *[("周例会", w.monday.isoformat()) for w in weekly[1:]])
    meetings(
        db,
        ("月汇报", "2026-01-30"),
        ("月汇报", "2026-04-03"),  # held early April: reports on March
        ("季小结", "2026-04-08"),  # the first days of Q2 sum up Q1
        ("季小结", "2026-06-29"),  # Q2's own
    )
    return db


# ---- the rules -------------------------------------------------------------------------


def test_due_rule_per_quarter():
    kinds = {q: [(d.kind, d.period) for d in due_reviews(Quarter(2026, q))] for q in (1, 2, 3, 4)}
    assert kinds[1] == [
        ("月汇报", "2026-01"),
        ("月汇报", "2026-02"),
        ("月汇报", "2026-03"),
        ("季小结", "2026Q1"),
    ]
    assert ("半年初评", "2026H1") in kinds[2] and len(kinds[2]) == 5
    assert not any(k == "半年初评" for k, _ in kinds[1] + kinds[3] + kinds[4])
    assert kinds[4][-1] == ("年终总评", "2026") and len(kinds[4]) == 5
    assert not any(k == "年终总评" for k, _ in kinds[1] + kinds[2] + kinds[3])
    deadlines = {d.period: d.deadline for d in due_reviews(Quarter(2026, 4))}
    assert deadlines["2026-12"] == date(2027, 1, 10)
    assert deadlines["2026Q4"] == date(2027, 1, 15)
    assert deadlines["2026"] == date(2027, 1, 31)


def test_a_review_covers_one_period():
    assert covered_period("月汇报", date(2026, 3, 31)) == "2026-03"
    assert covered_period("月汇报", date(2026, 4, 3)) == "2026-03"  # early in the month: last month
    assert covered_period("月汇报", date(2026, 4, 11)) == "2026-04"
    assert covered_period("季小结", date(2026, 4, 8)) == "2026Q1"
    assert covered_period("季小结", date(2026, 6, 29)) == "2026Q2"
    assert covered_period("季小结", date(2026, 1, 7)) == "2025Q4"
    assert covered_period("半年初评", date(2026, 7, 9)) == "2026H1"
    assert covered_period("年终总评", date(2026, 1, 15)) == "2025"
    assert covered_period("年终总评", date(2026, 12, 28)) == "2026"


def test_weekly_and_review_status_are_pure():
    weeks = weeks_in(Q1.first_day, Q1.last_day)
    held = [w.monday for w in weeks if w not in SKIPPED]
    status = weekly_status(weeks, held, as_of=date(2026, 3, 25))  # Wednesday of week 13
    assert [s.status for s in status].count(HELD) == 11
    assert [s.week for s in status if s.status == MISSING] == list(SKIPPED)
    status = weekly_status(weeks, held[:-1], as_of=date(2026, 3, 25))
    assert status[-1].status == NOT_DUE  # the week is not over yet
    dues = due_reviews(Q1)
    done = review_status(dues, [("月汇报", date(2026, 1, 30))], as_of=date(2026, 3, 5))
    assert [r.status for r in done] == [HELD, NOT_DUE, NOT_DUE, NOT_DUE]
    done = review_status(dues, [("月汇报", date(2026, 1, 30))], as_of=date(2026, 3, 11))
    assert [r.status for r in done] == [HELD, MISSING, NOT_DUE, NOT_DUE]
    assert done[0].text == "已开（2026-01-30）" and done[1].text == "未开"
    assert done[2].text == "未到期（应于 2026-04-10 前召开）"


def test_hand_made_quarter(quarter_db):
    c = cycle(quarter_db, Q1, as_of=AFTER_Q1)
    assert (c.expected, c.held) == (13, 11)
    assert [w.week for w in c.missing_weeks] == list(SKIPPED)
    assert [w.label for w in c.missing_weeks] == [
        "第5周（1月26日—2月1日）",
        "第9周（2月23日—3月1日）",
    ]
    # the quarterly summary counts the same weeks
    data, _table = quarterly_report(quarter_db, Q1)
    assert data["weekly_meetings_expected"] == c.expected
    reviews = [(r.due.kind, r.due.label, r.status) for r in c.reviews]
    assert reviews == [
        ("月汇报", "2026年1月", HELD),
        ("月汇报", "2026年2月", MISSING),
        ("月汇报", "2026年3月", HELD),
        ("季小结", "2026年第一季度", HELD),
    ]
    assert c.reviews[2].held_on == (date(2026, 4, 3),)
    q2 = cycle(quarter_db, Quarter(2026, 2), as_of=date(2026, 8, 1))
    assert [(r.due.kind, r.status) for r in q2.reviews][-2:] == [
        ("季小结", HELD),
        ("半年初评", MISSING),
    ]
    year = cycle(quarter_db, Year(2026), as_of=AFTER_Q1)
    assert year.expected == 53 and year.held == 11
    assert len(year.reviews) == 12 + 4 + 1 + 1


# ---- the page --------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, quarter_db):
    tabs = QTabWidget()
    undo = TabUndo(tabs, quarter_db, lambda: page.refresh())
    page = MeetingCyclePage(quarter_db, undo, clock=lambda: AFTER_Q1)
    tabs.addTab(page, "例会统计")
    qtbot.addWidget(tabs)
    tabs.resize(1200, 640)
    tabs.show()
    qtbot.waitExposed(tabs)
    return page


def cells(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_page_shows_the_missing_weeks_and_reviews_in_red(page):
    assert page.period() == Quarter(2026, 2)  # the quarter of today
    page.set_period(Q1)
    W, R = WeeksModel, ReviewsModel
    assert page.weeks_model.rowCount() == 13
    states = cells(page.weeks_model, W.COL_STATUS)
    assert states.count("已开") == 11 and states.count("未开") == 2
    red = [
        cells(page.weeks_model, W.COL_WEEK)[r]
        for r in range(13)
        if page.weeks_model.index(r, W.COL_STATUS).data(FG) == RED
    ]
    assert red == ["第 5 周", "第 9 周"]
    assert page.missing_label.isVisible()
    assert "第5周（1月26日—2月1日）" in page.missing_label.text()
    assert "第9周（2月23日—3月1日）" in page.missing_label.text()
    assert "应开周例会 13 次，已开 11 次，未开 2 次" in page.summary_label.text()

    assert cells(page.reviews_model, R.COL_STATUS) == [
        "已开（2026-01-30）",
        "未开",
        "已开（2026-04-03）",
        "已开（2026-04-08）",
    ]
    assert page.reviews_model.index(1, R.COL_STATUS).data(FG) == RED
    assert page.reviews_model.index(0, R.COL_STATUS).data(FG) != RED

    page.set_period(Quarter(2026, 2))  # today is in Q2: the 半年初评 is asked for, not due yet
    assert cells(page.reviews_model, R.COL_KIND)[-1] == "半年初评"
    assert cells(page.reviews_model, R.COL_STATUS)[-1] == "未到期"
    page.picker.kind_combo.setCurrentIndex(page.picker.kind_combo.findData("year"))
    assert page.period() == Year(2026) and page.weeks_model.rowCount() == 53
    assert page.picker.kind_combo.findData("month") == -1  # quarters and years only


def test_a_meeting_added_shows_after_refresh(page, quarter_db):
    page.set_period(Q1)
    meetings(quarter_db, ("周例会", "2026-02-26"), ("月汇报", "2026-02-27"))
    page.refresh()
    assert page.data.held == 12 and [w.week for w in page.data.missing_weeks] == [SKIPPED[0]]
    assert cells(page.reviews_model, ReviewsModel.COL_STATUS)[1] == "已开（2026-02-27）"
