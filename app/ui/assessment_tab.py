"""考核: 村级考核 (a year's grid of scores), 指标模板 (versions of the template) and 干部考核
— one page each (app/ui/assessment/), sharing one undo stack (Ctrl+Z in the tab).

Pages are built when first shown, so opening the window stays quick.
"""

from __future__ import annotations

from app.ui.widgets.paged_tab import PagedTab


class AssessmentTab(PagedTab):
    PAGES = (
        ("villages", "村级考核", "app.ui.assessment.villages:VillageAssessmentPage"),
        ("templates", "指标模板", "app.ui.assessment.templates:TemplatesPage"),
        ("cadres", "干部考核", "app.ui.assessment.cadres:CadreAssessmentPage"),
    )
    # a template chosen or scores saved on one page change what the others show
    REFRESH_ON_SWITCH = True
