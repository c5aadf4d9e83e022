"""The public performance of enquiry handling: aggregates per month and department only.

Everything is counted from columns written when an enquiry is answered or rated (the first
answer's working days and whether it was on time, the first rating, whether a poor rating was
rectified), so the page is one grouped query, whatever the number of enquiries.
"""

import csv
import datetime
import io

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from policies.models import Department
from zoneportal.clock import ZONE, local_today

from .models import Enquiry

SATISFIED_FROM = 3  # 基本满意 or better counts as satisfied


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _year(year_param) -> int:
    this_year = local_today().year
    value = year_param or ""
    if value.isdigit() and len(value) == 4 and 2000 < int(value) <= this_year:
        return int(value)
    return this_year


def counts(year: int) -> list[dict]:
    """The grouped counts of one year (month, department id), cached for a short while.

    One grouped query over the year's enquiries; the result (a few hundred small rows) is kept
    in the cache for ``ENQUIRY_PERFORMANCE_CACHE_SECONDS``, so the public page, however often
    it is asked for, runs that query at most once a minute per year.
    """
    key = f"enquiries:performance:{year}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    start = datetime.datetime(year, 1, 1, tzinfo=ZONE)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=ZONE)
    rows = (
        Enquiry.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=ZONE))
        .values("month", "department_id")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
            on_time=Count("pk", filter=Q(answered_on_time=True)),
            average_days=Avg("answer_working_days"),
            rated=Count("pk", filter=Q(first_rating__isnull=False)),
            satisfied=Count("pk", filter=Q(first_rating__gte=SATISFIED_FROM)),
            poor=Count("pk", filter=Q(first_rating__lt=SATISFIED_FROM)),
            rectified=Count("pk", filter=Q(first_rating__lt=SATISFIED_FROM, rectified=True)),
        )
        .order_by()  # grouped by the integer id and sorted in Python: no sort on disk
    )
    result = [
        {
            **row,
            "month": row["month"].astimezone(ZONE).strftime("%Y-%m"),
            "average_days": None if row["average_days"] is None else float(row["average_days"]),
        }
        for row in rows
    ]
    cache.set(key, result, settings.ENQUIRY_PERFORMANCE_CACHE_SECONDS)
    return result


def table(year_param=None) -> dict:
    year = _year(year_param)
    rows = counts(year)
    names = dict(Department.objects.values_list("pk", "name"))
    unrouted = _("Dispatcher (not yet routed)")
    out, months = [], {}
    for row in sorted(rows, key=lambda r: (r["month"], names.get(r["department_id"], unrouted))):
        item = {
            "month": row["month"],
            "department": names.get(row["department_id"], unrouted),
            "received": row["received"],
            "answered": row["answered"],
            "on_time_rate": _rate(row["on_time"], row["answered"]),
            "average_days": (
                round(row["average_days"], 1) if row["average_days"] is not None else None
            ),
            "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
            "poor": row["poor"],
            "rectified": row["rectified"],
        }
        out.append(item)
        total = months.setdefault(
            item["month"], {"month": item["month"], "received": 0, "answered": 0, "on_time": 0}
        )
        total["received"] += row["received"]
        total["answered"] += row["answered"]
        total["on_time"] += row["on_time"]
    for total in months.values():
        total["on_time_rate"] = _rate(total["on_time"], total["answered"])
    return {"year": year, "rows": out, "months": list(months.values())}


def charts(data: dict) -> dict:
    """Bars of received and answered per month, and the on-time rate, as SVG coordinates."""
    months = data["months"]
    peak = max([m["received"] for m in months] + [1])
    width, height, slot = 600, 200, 50
    bars = []
    for i, m in enumerate(months):
        x = 20 + i * slot
        received_h = round(160 * m["received"] / peak)
        answered_h = round(160 * m["answered"] / peak)
        rate = m["on_time_rate"] or 0
        bars.append(
            {
                "label": m["month"][5:],
                "x": x,
                "received_y": 180 - received_h,
                "received_h": received_h,
                "answered_x": x + 18,
                "answered_y": 180 - answered_h,
                "answered_h": answered_h,
                "rate_y": round(180 - 1.6 * rate),
                "rate_x": x + 17,
                "month": m,
            }
        )
    points = " ".join(f"{b['rate_x']},{b['rate_y']}" for b in bars)
    return {"width": width, "height": height, "bars": bars, "rate_points": points, "peak": peak}


def csv_text(data: dict) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Month"),
            _("Department"),
            _("Received"),
            _("Answered"),
            _("On-time rate") + " (%)",
            _("Average working days to answer"),
            _("Satisfaction rate") + " (%)",
            _("Poor ratings"),
            _("Poor ratings rectified"),
        ]
    )
    for r in data["rows"]:
        writer.writerow(
            [
                r["month"],
                r["department"],
                r["received"],
                r["answered"],
                "" if r["on_time_rate"] is None else r["on_time_rate"],
                "" if r["average_days"] is None else r["average_days"],
                "" if r["satisfaction_rate"] is None else r["satisfaction_rate"],
                r["poor"],
                r["rectified"],
            ]
        )
    return buffer.getvalue()
