"""The read-only public policy API (``/api/v1/``), as INTERFACES.md specifies.

For now the list filters in the database; the search issue moves ``q`` to Elasticsearch.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from zoneportal.clock import local_today

from .models import PolicyPage, PolicyType

router = Router(tags=["policies"])

AREA_CODES = ("south", "west", "east", "biotown")


class PolicySummary(Schema):
    id: int
    external_id: str | None
    title: str
    title_en: str
    department: str
    document_number: str
    policy_type: str
    effective_date: datetime.date
    expiry_date: datetime.date | None
    apply_free: bool
    url: str
    highlight: dict[str, list[str]] = Field(default_factory=dict)


class PolicyList(Schema):
    count: int
    results: list[PolicySummary]
    degraded: bool


class CriteriaOut(Schema):
    industries: list[str]
    areas: list[str]
    sizes: list[str]
    qualifications_all: list[str]
    qualifications_any: list[str]
    min_years_established: int | None
    min_rd_ratio: float | None
    min_revenue_wan: float | None
    max_revenue_wan: float | None
    min_employees: int | None
    requires_good_credit: bool


class PolicyDetail(PolicySummary):
    summary: str
    summary_en: str
    interpretation: str
    max_amount_wan: Decimal | None
    in_force: bool
    tags: list[str]
    criteria: CriteriaOut


class PolicyFilters(Schema):
    q: str = Field("", max_length=200)
    department: str = ""
    policy_type: PolicyType | None = None
    industry: str = Field("", max_length=5)
    area: str = ""
    in_force: bool | None = None
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


def _summary(page: PolicyPage, request: HttpRequest) -> dict:
    return {
        "id": page.pk,
        "external_id": page.external_id,
        "title": page.title,
        "title_en": page.title_en,
        "department": page.department.name,
        "document_number": page.document_number,
        "policy_type": page.policy_type,
        "effective_date": page.effective_date,
        "expiry_date": page.expiry_date,
        "apply_free": page.apply_free,
        "url": request.build_absolute_uri(page.get_url(request)),
        "highlight": {},
    }


def _published():
    return PolicyPage.objects.live().public().select_related("department")


@router.get("/policies", response=PolicyList, summary="List and search published policies")
def list_policies(request: HttpRequest, filters: Query[PolicyFilters]):
    policies = _published()
    if filters.q.strip():
        q = filters.q.strip()
        policies = policies.filter(
            Q(title__icontains=q)
            | Q(title_en__icontains=q)
            | Q(document_number__icontains=q)
            | Q(summary__icontains=q)
        )
    if filters.department:
        policies = policies.filter(
            Q(department__name=filters.department)
            | Q(department__name_en=filters.department)
            | Q(department__short_name=filters.department)
        )
    if filters.policy_type:
        policies = policies.filter(policy_type=filters.policy_type)
    today = local_today()
    if filters.in_force is True:
        policies = policies.in_force(today)
    elif filters.in_force is False:
        policies = policies.exclude(pk__in=_published().in_force(today).values("pk"))
    if filters.industry or filters.area:
        # Criteria are JSON; filter in Python over the (small) candidate set.
        industry, area = filters.industry.upper(), filters.area
        keep = []
        for page in policies.select_related(None).only("pk", "criteria"):
            crit = page.criteria or {}
            if (
                industry
                and crit.get("industries")
                and not any(
                    industry.startswith(code) or code.startswith(industry)
                    for code in crit["industries"]
                )
            ):
                continue
            if area and crit.get("areas") and area not in crit["areas"]:
                continue
            keep.append(page.pk)
        policies = policies.filter(pk__in=keep)
    policies = policies.order_by("-effective_date", "-pk")
    count = policies.count()
    start = (filters.page - 1) * filters.page_size
    results = [_summary(p, request) for p in policies[start : start + filters.page_size]]
    return {"count": count, "results": results, "degraded": False}


@router.get("/policies/{policy_id}", response=PolicyDetail, summary="One published policy")
def get_policy(request: HttpRequest, policy_id: int):
    page = get_object_or_404(_published().prefetch_related("tagged_items__tag"), pk=policy_id)
    data = _summary(page, request)
    data.update(
        summary=page.summary,
        summary_en=page.summary_en,
        interpretation=page.interpretation,
        max_amount_wan=page.max_amount_wan,
        in_force=page.is_in_force(),
        tags=[item.tag.name for item in page.tagged_items.all()],
        criteria=page.parsed_criteria.to_dict(),
    )
    return data
