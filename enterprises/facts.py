"""Facts derived from a profile: whole years since establishment, the R&D ratio."""

import datetime
from decimal import Decimal

from zoneportal.clock import local_today


def completed_years(established: datetime.date | None, today: datetime.date | None = None):
    """Whole years completed on ``today`` (Asia/Shanghai).

    A company founded on 29 February completes a year on 1 March in a common year.
    """
    if established is None:
        return None
    today = today or local_today()
    years = today.year - established.year
    anniversary_month_day = (established.month, established.day)
    if (today.month, today.day) < anniversary_month_day:
        years -= 1
    return years


def rd_ratio(rd_expense_wan, revenue_wan) -> Decimal | None:
    """R&D expense as a percentage of revenue, exactly (decimal); None when unknown."""
    if rd_expense_wan is None or revenue_wan is None:
        return None
    revenue = Decimal(str(revenue_wan))
    if revenue == 0:
        return None
    return Decimal(str(rd_expense_wan)) * 100 / revenue
