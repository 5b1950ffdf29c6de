"""户情档案: the household list (embedded in the village side) and the household page."""

from app.ui.households.page import HouseholdPage
from app.ui.households.panel import HouseholdsPanel

__all__ = ["HouseholdPage", "HouseholdsPanel"]
