"""干部与值班, 周例会, 补助发放 and 考核 tabs."""

from PySide6.QtCore import Qt

from app.domain.periods import Month
from app.ui.cadres.roster import RosterModel as C
from app.ui.meetings.meetings import MeetingListModel as MT
from app.ui.subsidy.sheet import SheetModel as S


def rows(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def add_rates(db):
    db["subsidy_rates"].insert_all(
        [
            {"kind": "生活补助", "effective_from": "2020-01-01", "amount_fen": 600},
            {"kind": "交通通讯补助", "effective_from": "2020-01-01", "amount_fen": 4000},
        ]
    )


# ---- 干部与值班 ------------------------------------------------------------------------


def test_cadre_tab_pages_and_roster(window, db):
    window.tabs.setCurrentWidget(window.cadres_tab)
    tab = window.cadres_tab
    labels = [tab.pages.tabText(i) for i in range(tab.pages.count())]
    assert labels == ["花名册", "驻村安排", "值班表", "请假/销假", "查岗", "民情日记", "履职情况"]
    model = tab.roster.model
    assert rows(model, C.COL_NO) == ["GB001", "GB002"]
    assert rows(model, C.COL_NAME) == ["王建国", "李秀兰"]
    assert rows(model, C.COL_LEADER) == ["是", "否"]
    assert rows(model, C.COL_UNIT) == ["东坡镇党委", "农业综合服务站"]
    assert rows(model, C.COL_POSTS) == ["兼职第一书记·东坡村", "驻村干部·西沟村"]
    assert tab.roster.count_label.text() == "共 2 名干部"


def test_an_edit_on_the_grid_shows_on_the_other_pages(window, db, qtbot):
    from app.domain.periods import Month

    window.tabs.setCurrentWidget(window.cadres_tab)
    tab = window.cadres_tab
    grid = tab.show_page("duty")
    grid.set_month(Month(2026, 5))
    row = next(
        r
        for r in range(grid.model.rowCount())
        if "GB002" in str(grid.model.headerData(r, Qt.Orientation.Vertical))
    )
    grid.table.setCurrentIndex(grid.model.index(row, 0))
    grid.apply_kind("在村")
    assert (
        db.execute(
            "SELECT kind FROM attendance WHERE cadre_no='GB002' AND day='2026-05-01'"
        ).fetchone()[0]
        == "在村"
    )
    tab.undo.stack.undo()  # the fixture's April day stays
    assert db.execute("SELECT day FROM attendance WHERE cadre_no='GB002'").fetchall() == [
        ("2026-04-10",)
    ]


# ---- 周例会 ----------------------------------------------------------------------------


def test_meetings_list_and_kind_filter(window, db):
    db["meetings"].insert_all(
        [
            {
                "id": 1,
                "kind": "周例会",
                "day": "2026-05-11",
                "place": "镇政府三楼会议室",
                "chair": "张书记",
            },
            {
                "id": 2,
                "kind": "月汇报",
                "day": "2026-04-30",
                "place": "镇政府三楼会议室",
                "chair": "张书记",
            },
        ]
    )
    db["meeting_attendees"].insert_all(
        [
            {"meeting_id": 1, "cadre_no": "GB001", "present": 1},
            {"meeting_id": 1, "cadre_no": "GB002", "present": 0, "reason": "下村"},
            {"meeting_id": 2, "cadre_no": "GB001", "present": 1},
            {"meeting_id": 2, "cadre_no": "GB002", "present": 1},
        ]
    )
    db["action_items"].insert_all(
        [
            {"meeting_id": 1, "task": "西沟村道路硬化", "status": "open"},
            {"meeting_id": 1, "task": "东坡村文化广场", "status": "done"},
        ]
    )
    window.tabs.setCurrentWidget(window.meetings_tab)
    tab = window.meetings_tab
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "会议记录",
        "督办事项",
        "办实事",
        "例会统计",
    ]
    page = tab.meetings
    assert rows(page.model, MT.COL_DAY) == ["2026-05-11", "2026-04-30"]  # newest first
    assert rows(page.model, MT.COL_PRESENT) == ["1/2", "2/2"]
    assert rows(page.model, MT.COL_ITEMS) == ["1/2", "—"]
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("月汇报"))
    assert rows(page.model, MT.COL_KIND) == ["月汇报"]
    assert page.count_label.text() == "共 1 次会议"
    actions = tab.show_page("actions")
    assert [r.task for r in actions.rows()] == ["西沟村道路硬化"]  # the open one


def test_meetings_empty(window):
    window.tabs.setCurrentWidget(window.meetings_tab)
    page = window.meetings_tab.meetings
    assert page.model.rowCount() == 0
    assert page.empty_label.isVisibleTo(page)
    assert "新建周例会" in page.empty_label.text()


# ---- 补助发放 --------------------------------------------------------------------------


def test_subsidy_without_rates_shows_a_message(window):
    window.tabs.setCurrentWidget(window.subsidy_tab)
    tab = window.subsidy_tab
    labels = [tab.pages.tabText(i) for i in range(tab.pages.count())]
    assert labels == ["月度补助表", "补助标准", "年度汇总"]
    assert tab.month() == Month(2026, 4)  # last month by default
    assert tab.sheet.picker.edit.text() == "2026-04"
    assert tab.message_label.isVisibleTo(tab)
    assert "生活补助" in tab.message_label.text() and "2026-04" in tab.message_label.text()
    assert tab.sheet.model.rowCount() == 0
    assert tab.sheet.sheet is None
    assert not tab.sheet.approve_button.isEnabled()


def test_subsidy_sheet_from_the_database(window, db):
    add_rates(db)
    window.tabs.setCurrentWidget(window.subsidy_tab)
    page = window.subsidy_tab.sheet
    assert not page.message_label.isVisibleTo(page)
    assert page.status_label.text() == "草稿"
    assert not page.banner.isVisibleTo(page)
    assert rows(page.model, S.COL_NO) == ["GB001", "GB002"]
    assert rows(page.model, S.COL_SEQ) == ["1", "2"]
    li = rows(page.model, S.COL_NO).index("GB002")
    assert page.model.index(li, S.COL_DAYS).data() == "1"
    assert page.model.index(li, S.COL_LIVING).data() == "6.00"
    assert page.model.index(li, S.COL_TRANSPORT).data() == "40.00"
    assert page.model.index(li, S.COL_ADJUSTMENT).data() == "0.00"
    assert page.model.index(li, S.COL_TOTAL).data() == "46.00"
    align = page.model.index(li, S.COL_TOTAL).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    assert "46.00" in page.total_label.text() and "肆拾陆元整" in page.total_label.text()


def test_subsidy_month_picker_changes_the_sheet(window, db):
    add_rates(db)
    window.tabs.setCurrentWidget(window.subsidy_tab)
    tab = window.subsidy_tab
    tab.set_month(Month(2026, 3))
    assert tab.sheet.picker.edit.text() == "2026-03"
    assert tab.sheet.sheet is not None and tab.sheet.sheet.month == Month(2026, 3)
    assert "0.00" in tab.sheet.total_label.text()


def test_subsidy_approved_sheet_status(window, db):
    add_rates(db)
    from app.db.subsidy import approve_month

    approve_month(db, Month(2026, 4), "张书记")
    window.tabs.setCurrentWidget(window.subsidy_tab)
    page = window.subsidy_tab.sheet
    assert page.status_label.text().startswith("已审批（审批人 张书记，")
    assert page.banner.isVisibleTo(page)


def test_subsidy_tab_reads_again_when_shown_again(window, db):
    """Attendance edited in another tab shows on the sheet when the clerk comes back."""
    add_rates(db)
    window.show()
    window.tabs.setCurrentWidget(window.subsidy_tab)
    page = window.subsidy_tab.sheet
    assert page.model.index(1, S.COL_DAYS).data() == "1"
    window.tabs.setCurrentWidget(window.cadres_tab)
    db["attendance"].insert(
        {"cadre_no": "GB002", "day": "2026-04-13", "village_code": "610526100202", "kind": "在村"}
    )
    window.tabs.setCurrentWidget(window.subsidy_tab)
    assert page.model.index(1, S.COL_DAYS).data() == "2"


# ---- 考核 ------------------------------------------------------------------------------


def test_assessment_year_and_change(window, db):
    template_id = db.execute("SELECT id FROM templates LIMIT 1").fetchone()[0]
    db["village_assessments"].insert(
        {
            "village_code": "610526100202",
            "year": 2025,
            "template_id": template_id,
            "total_tenths": 590,
            "grade": "四类",
        }
    )
    window.tabs.setCurrentWidget(window.assessment_tab)
    tab = window.assessment_tab
    labels = [tab.pages.tabText(i) for i in range(tab.pages.count())]
    assert labels == ["村级考核", "指标模板", "干部考核"]
    page = tab.page("villages")
    years = [page.year_combo.itemText(i) for i in range(page.year_combo.count())]
    assert years[:1] == [str(window.assessment_tab._clock().year)]
    assert {"2025", "2024"} <= set(years)
    page.set_year(2025)
    m = page.model
    assert rows(m, m.COL_NAME) == ["东坡村", "西沟村", "南塬村"]
    assert rows(m, m.col_total) == ["84.5", "59.0", ""]
    assert rows(m, m.col_grade) == ["二类", "四类", ""]
    assert rows(m, m.col_previous) == ["三类", "—", "—"]
    assert rows(m, m.col_change) == ["升级", "—", "—"]
    page.set_year(2024)
    assert rows(m, m.col_total) == ["71.2", "", ""]
    assert rows(m, m.col_change) == ["—", "—", "—"]


def test_assessment_empty(qtbot, today):
    from app.db.connection import memory_database
    from app.ui.assessment_tab import AssessmentTab

    tab = AssessmentTab(memory_database(), clock=lambda: today)
    qtbot.addWidget(tab)
    tab.refresh()
    page = tab.page("villages")
    assert page.model.rowCount() == 0
