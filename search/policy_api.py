"""The read-only public policy API (``/api/v1/``), as docs/api.md specifies.

The list is a policy search (``search.service``): ranked by relevance in Elasticsearch when
``q`` is given (newest first otherwise), with highlights; when the index is unavailable it
answers from the database and says ``"degraded": true``.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from policies.in_force import EXPIRED, IN_FORCE, UPCOMING
from policies.models import Department, PolicyPage, PolicyType
from zoneportal import converters  # noqa: F401 - registers {id:…}

from .analysis import clean_query
from .queries import SearchParams, clean_filters
from .service import search_policies

router = Router(tags=["policies"])


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
    # Longer queries are accepted and searched by their first 200 characters.
    q: str = Field("", max_length=10_000)
    department: str = Field("", max_length=200)
    policy_type: PolicyType | None = None
    industry: str = Field("", pattern=r"^([A-Ta-t][0-9]{0,4})?$")
    area: str = Field("", pattern=r"^([a-z][a-z0-9_-]{0,19})?$")
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
    raw: dict[str, list[str]] = {}
    if filters.department:
        name = clean_query(filters.department)  # no control characters reach the database
        ids = Department.objects.filter(
            Q(name=name) | Q(name_en=name) | Q(short_name=name)
        ).values_list("pk", flat=True)
        raw["department"] = [str(pk) for pk in ids] or ["0"]  # unknown: nothing matches
    if filters.policy_type:
        raw["type"] = [filters.policy_type.value]
    if filters.industry:
        raw["industry"] = [filters.industry]
    if filters.area:
        raw["area"] = [filters.area]
    if filters.in_force is True:
        raw["status"] = [IN_FORCE]
    elif filters.in_force is False:
        raw["status"] = [EXPIRED, UPCOMING]
    params = SearchParams(
        q=filters.q,
        filters=clean_filters(raw, policy_types=PolicyType.values),
        page=filters.page,
        page_size=filters.page_size,
    )
    result = search_policies(params, source="api", last_page=False)
    results = []
    for hit in result.hits:
        item = _summary(hit.page, request)
        if params.searchable:
            item["highlight"] = {
                "title": hit.highlight.get("title", []),
                "summary": hit.highlight.get("summary", []),
            }
        results.append(item)
    return {"count": result.total, "results": results, "degraded": result.degraded}


@router.get("/policies/{id:policy_id}", response=PolicyDetail, summary="One published policy")
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
