"""The public performance of enquiry handling: aggregates per month and department only.

Everything is counted from columns written when an enquiry is answered or rated (the first
answer's working days and whether it was on time, the first rating, whether a poor rating was
rectified), so the page is one grouped query, whatever the number of enquiries.
"""

import csv
import datetime
import io

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from zoneportal.clock import ZONE, local_today

from .models import Enquiry

SATISFIED_FROM = 3  # 基本满意 or better counts as satisfied


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def table(year_param=None) -> dict:
    this_year = local_today().year
    year = (
        int(year_param)
        if (year_param or "").isdigit() and 2000 < int(year_param) <= this_year
        else this_year
    )
    start = datetime.datetime(year, 1, 1, tzinfo=ZONE)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=ZONE)
    rows = (
        Enquiry.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=ZONE))
        .values("month", "department__name")
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
        .order_by("month", "department__name")
    )
    out, months = [], {}
    for row in rows:
        item = {
            "month": row["month"].astimezone(ZONE).strftime("%Y-%m"),
            "department": row["department__name"] or _("Dispatcher (not yet routed)"),
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
