"""The public notice (公示) of approved applications, under ``/notices/approvals/``.

Anyone may read it: each approval under notice with the company's name, the programme, the
policy, the amount approved, the last day of the notice period and the programme's contact for
objections; then, marked as final, the approvals whose notice ended in the last 30 days. Nothing
else about a company is shown (the public notice names the company, the programme and the amount).
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from . import services
from .models import Application, ApplicationState

PER_PAGE = 20
FINAL_SHOWN_DAYS = 30


def notice_rows(today=None, now=None):
    """Approvals under notice (as ``services.public_notices``), then recently final ones."""
    now = now or timezone.now()
    under_notice = services.public_notices(today)
    recent_final = Q(
        state=ApplicationState.FINAL,
        finalised_at__gte=now - datetime.timedelta(days=FINAL_SHOWN_DAYS),
    )
    return (
        Application.objects.filter(Q(pk__in=under_notice.values("pk")) | recent_final)
        .select_related("enterprise", "programme", "programme__page")
        .annotate(
            final_last=Case(
                When(state=ApplicationState.FINAL, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("final_last", "-decided_at", "-pk")
    )


def notice_list(request):
    page_obj = Paginator(notice_rows(), PER_PAGE).get_page(request.GET.get("page"))
    policies = {}  # one specific page per policy, not per row
    rows = []
    for a in page_obj.object_list:
        page_id = a.programme.page_id
        if page_id not in policies:
            policies[page_id] = a.programme.page.specific
        rows.append(
            {
                "application": a,
                "policy": policies[page_id],
                "final": a.state == ApplicationState.FINAL,
                "amount": f"{a.amount_approved:,.2f}",  # as in the messages: ¥1,234.50
            }
        )
    return render(
        request,
        "applications/public_notice.html",
        {"page_obj": page_obj, "rows": rows, "final_days": FINAL_SHOWN_DAYS},
    )


# --- every programme: open now, upcoming, recently closed ---------------------------------------
CLOSED_SHOWN_DAYS = 180
CLOSED_SHOWN_MAX = 30


def time_left(closes_at, now) -> dict:
    """What is left of an open window, in whole days and hours (rounded down): for the countdown.

    ``{"days": 3, "hours": 5, "under_an_hour": False, "text": "3 days 5 hours left"}``;
    computed on the server (the page has no script), so it is as fresh as the page (at most
    ``PAGE_CACHE_SECONDS`` old when cached).
    """
    seconds = max(0, int((closes_at - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if seconds < 3600:
        text = _("Closes within the hour")
    elif days == 0:
        text = _("%(hours)s left") % {
            "hours": ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        }
    else:
        text = _("%(days)s %(hours)s left") % {
            "days": ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
            "hours": ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours},
        }
    return {"days": days, "hours": hours, "under_an_hour": seconds < 3600, "text": text}


def programme_groups(now=None) -> dict:
    """The published policies' programmes: ``open`` (closing first), ``upcoming`` (opening
    first) and ``closed`` (closed in the last ``CLOSED_SHOWN_DAYS`` days, latest first)."""
    from .models import Programme

    now = now or timezone.now()
    live = Programme.objects.filter(page__live=True).select_related("page")
    groups = {
        "open": list(live.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")),
        "upcoming": list(live.filter(opens_at__gt=now).order_by("opens_at")),
        "closed": list(
            live.filter(
                closes_at__lte=now,
                closes_at__gt=now - datetime.timedelta(days=CLOSED_SHOWN_DAYS),
            ).order_by("-closes_at")[:CLOSED_SHOWN_MAX]
        ),
    }
    for programme in groups["open"]:
        programme.time_left = time_left(programme.closes_at, now)
    return groups


@require_safe
def programme_list(request):
    """``/programmes/``: what can be applied for now, what opens soon, what closed recently."""
    groups = programme_groups()
    policies = {}  # one specific page per policy
    for group in groups.values():
        for programme in group:
            if programme.page_id not in policies:
                policies[programme.page_id] = programme.page.specific
            programme.policy = policies[programme.page_id]
    return render(request, "applications/programmes.html", {"groups": groups})
