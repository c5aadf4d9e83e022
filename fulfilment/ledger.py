"""The company's ledger (惠企政策兑现台账) and the public totals per policy, department and year.

The public totals are aggregates only (no company is named): awards granted in the year
(count, amount) and instalments paid in the year, grouped by policy and by department, with a
bar chart per year drawn on the server as SVG. Amounts are in yuan; the page also shows 万元.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from zoneportal.clock import local_today

from .models import ZERO, Award, Instalment, InstalmentState, Recovery

YEARS_IN_CHART = 5
WAN = Decimal("10000")


def company_ledger(enterprise) -> list[Award]:
    return list(
        Award.objects.filter(enterprise=enterprise)
        .select_related("programme__page", "application")
        .prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("number")),
            Prefetch("recoveries", queryset=Recovery.objects.order_by("recorded_at")),
        )
        .order_by("-granted_on", "-pk")
    )


def ledger_totals(awards) -> dict:
    granted = sum((a.amount for a in awards), ZERO)
    paid = sum(
        (i.amount for a in awards for i in a.instalments.all() if i.state == InstalmentState.PAID),
        ZERO,
    )
    recovered = sum((r.amount for a in awards for r in a.recoveries.all()), ZERO)
    return {"granted": granted, "paid": paid, "recovered": recovered, "unpaid": granted - paid}


def ledger_csv(awards) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Policy"),
            _("Programme"),
            _("Source"),
            _("Granted on"),
            _("Amount (yuan)"),
            _("Instalment"),
            _("Instalment amount (yuan)"),
            _("State"),
            _("Paid on"),
        ]
    )
    for a in awards:
        for i in a.instalments.all():
            writer.writerow(
                [
                    a.programme.page.title,
                    a.programme.name,
                    a.get_source_display(),
                    a.granted_on.isoformat(),
                    f"{a.amount:.2f}",
                    i.number,
                    f"{i.amount:.2f}",
                    i.get_state_display(),
                    i.paid_on.isoformat() if i.paid_on else "",
                ]
            )
        for r in a.recoveries.all():
            writer.writerow(
                [
                    a.programme.page.title,
                    a.programme.name,
                    _("Recovery (追回)"),
                    r.recorded_at.date().isoformat(),
                    f"-{r.amount:.2f}",
                    "",
                    "",
                    r.reason,
                    r.settled_on.isoformat() if r.settled_on else "",
                ]
            )
    return buffer.getvalue()


def public_totals(year: int | None = None) -> dict:
    """Granted and paid per policy and per department in ``year``, and per year for the chart."""
    year = year or local_today().year
    granted = (
        Award.objects.filter(granted_on__year=year)
        .values("programme__page_id", "programme__page__title", "programme__page__department__name")
        .annotate(awards=Count("pk"), granted=Sum("amount"))
    )
    paid = (
        Instalment.objects.filter(state=InstalmentState.PAID, paid_on__year=year)
        .values("award__programme__page_id")
        .annotate(paid=Sum("amount"))
    )
    paid_by_policy = {row["award__programme__page_id"]: row["paid"] for row in paid}
    policies = {}
    for row in granted:
        policies[row["programme__page_id"]] = {
            "policy": row["programme__page__title"],
            "department": row["programme__page__department__name"] or "—",
            "awards": row["awards"],
            "granted": row["granted"] or ZERO,
            "paid": paid_by_policy.get(row["programme__page_id"], ZERO),
        }
    missing = set(paid_by_policy) - set(policies)
    if missing:
        from policies.models import PolicyPage

        for page in PolicyPage.objects.filter(pk__in=missing).select_related("department"):
            policies[page.pk] = {
                "policy": page.title,
                "department": page.department.name if page.department_id else "—",
                "awards": 0,
                "granted": ZERO,
                "paid": paid_by_policy[page.pk],
            }
    departments: dict[str, dict] = {}
    for row in policies.values():
        d = departments.setdefault(
            row["department"],
            {"department": row["department"], "awards": 0, "granted": ZERO, "paid": ZERO},
        )
        d["awards"] += row["awards"]
        d["granted"] += row["granted"]
        d["paid"] += row["paid"]
    first = year - YEARS_IN_CHART + 1
    granted_years = dict(
        Award.objects.filter(granted_on__year__gte=first, granted_on__year__lte=year)
        .annotate(y=ExtractYear("granted_on"))
        .values_list("y")
        .annotate(total=Sum("amount"))
        .values_list("y", "total")
    )
    paid_years = dict(
        Instalment.objects.filter(
            state=InstalmentState.PAID, paid_on__year__gte=first, paid_on__year__lte=year
        )
        .annotate(y=ExtractYear("paid_on"))
        .values_list("y")
        .annotate(total=Sum("amount"))
        .values_list("y", "total")
    )
    years = [
        {"year": y, "granted": granted_years.get(y) or ZERO, "paid": paid_years.get(y) or ZERO}
        for y in range(first, year + 1)
    ]
    by_policy = sorted(policies.values(), key=lambda r: (-r["granted"], r["policy"]))
    total = {
        "awards": sum(r["awards"] for r in by_policy),
        "granted": sum((r["granted"] for r in by_policy), ZERO),
        "paid": sum((r["paid"] for r in by_policy), ZERO),
    }
    return {
        "year": year,
        "policies": by_policy,
        "departments": sorted(departments.values(), key=lambda r: -r["granted"]),
        "years": years,
        "total": total,
    }


def chart(data: dict) -> dict:
    """Granted and paid per year as SVG bar coordinates (heights in a 160-unit band)."""
    years = data["years"]
    peak = max([y["granted"] for y in years] + [y["paid"] for y in years] + [Decimal(1)])
    slot, bars = 100, []
    for n, y in enumerate(years):
        x = 30 + n * slot
        granted_h = int(160 * y["granted"] / peak)
        paid_h = int(160 * y["paid"] / peak)
        bars.append(
            {
                "x": x,
                "paid_x": x + 34,
                "granted_y": 180 - granted_h,
                "granted_h": granted_h,
                "paid_y": 180 - paid_h,
                "paid_h": paid_h,
                "year": y,
                "granted_wan": (y["granted"] / WAN).quantize(Decimal("0.01")),
                "paid_wan": (y["paid"] / WAN).quantize(Decimal("0.01")),
            }
        )
    return {"width": 30 + slot * len(years), "height": 210, "bars": bars}


def totals_csv(data: dict) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Year"),
            _("Policy"),
            _("Department"),
            _("Awards"),
            _("Granted (yuan)"),
            _("Paid (yuan)"),
        ]
    )
    for r in data["policies"]:
        writer.writerow(
            [
                data["year"],
                r["policy"],
                r["department"],
                r["awards"],
                f"{r['granted']:.2f}",
                f"{r['paid']:.2f}",
            ]
        )
    return buffer.getvalue()
