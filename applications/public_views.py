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
