"""``POST /api/v1/match``: the policies an enterprise's facts qualify for (docs/api.md).

No login is needed and nothing is stored. Every fact is optional; a missing fact makes the
criteria that read it unknown. Invalid input is HTTP 422 naming the field and the reason (the
API's ``ValidationError`` handler in ``zoneportal.api``); the request parameter is called
``body`` so that error locations read ``employees``, not ``payload.employees``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Query as NinjaQuery
from pydantic import ConfigDict, StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from enterprises.models import Area, QualificationType, industry_code_error
from policies.matching import Facts, HeldQualification

from . import match_service

router = Router(tags=["matching"])

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _invalid(kind: str, message: str) -> PydanticCustomError:
    # The message is already translated and formatted; escape braces for pydantic's template.
    return PydanticCustomError(kind, message.replace("{", "{{").replace("}", "}}"))


def _iso_date(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE_RE.match(value.strip()):
        raise _invalid("date_format", _("must be a date written as YYYY-MM-DD"))
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise _invalid("date_value", _("is not a real calendar date")) from exc


def _amount(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _invalid("number_type", _("must be a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _invalid("number_type", _("must be a number")) from exc
    if not number.is_finite():
        raise _invalid("number_type", _("must be a finite number"))
    if number < 0:
        raise _invalid("negative", _("cannot be negative"))
    if number > match_service.MAX_WAN:
        raise _invalid(
            "too_large",
            _("is implausibly large (at most %(max)s; amounts are in units of 10,000 CNY)")
            % {"max": match_service.MAX_WAN},
        )
    return number


class QualificationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., description="A qualification code: hnte, tsme, srdi, …")
    valid_until: datetime.date = Field(..., description="Last day of validity (YYYY-MM-DD).")

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value):
        if not isinstance(value, str):
            raise _invalid("string_type", _("must be a qualification code"))
        code = value.strip()
        if code not in set(QualificationType.objects.values_list("code", flat=True)):
            raise _invalid(
                "unknown_code", _("unknown qualification %(code)s") % {"code": code[:30]}
            )
        return code

    @field_validator("valid_until", mode="before")
    @classmethod
    def _valid_until(cls, value):
        return _iso_date(value)


class MatchRequest(Schema):
    """An enterprise's facts; every one is optional."""

    model_config = ConfigDict(extra="forbid")

    industry: str | None = Field(None, description="GB/T 4754 code, e.g. I6513.")
    area: str | None = Field(None, description="south, west, east or biotown.")
    established: datetime.date | None = Field(None, description="Date established.")
    employees: StrictInt | None = None
    revenue_wan: Decimal | None = Field(None, description="Annual revenue in 10,000 CNY.")
    rd_expense_wan: Decimal | None = Field(None, description="Annual R&D expense in 10,000 CNY.")
    qualifications: list[QualificationIn] | None = Field(
        None,
        max_length=match_service.MAX_QUALIFICATIONS,
        description="Qualifications held; null: not stated, []: holds none.",
    )
    good_credit: StrictBool | None = None
    business_scope: str | None = Field(
        None,
        max_length=match_service.MAX_SCOPE_CHARS,
        description="Business scope, for ranking by text similarity.",
    )
    include_ineligible: StrictBool = False

    @field_validator("industry", mode="before")
    @classmethod
    def _industry(cls, value):
        if value is None:
            return None
        if not isinstance(value, str):
            raise _invalid("string_type", _("must be a GB/T 4754 code such as I6513"))
        code = value.strip().upper()
        if not code:
            return None
        error = industry_code_error(code[:10])
        if error:
            raise _invalid("industry_code", str(error))
        return code

    @field_validator("area", mode="before")
    @classmethod
    def _area(cls, value):
        if value is None:
            return None
        if not isinstance(value, str):
            raise _invalid("string_type", _("must be an area code"))
        code = value.strip()
        if not code:
            return None
        known = list(Area.objects.values_list("code", flat=True))
        if code not in known:  # compared in Python: the input may hold bytes SQL refuses
            codes = ", ".join(known)
            raise _invalid(
                "unknown_code",
                _("unknown area %(code)s (use one of %(codes)s)")
                % {"code": code[:30], "codes": codes},
            )
        return code

    @field_validator("established", mode="before")
    @classmethod
    def _established(cls, value):
        if value is None:
            return None
        date = _iso_date(value)
        if date > match_service.zone_today():
            raise _invalid("future_date", _("cannot be in the future"))
        if date < match_service.EARLIEST_ESTABLISHED:
            raise _invalid(
                "too_early",
                _("is implausibly early (not before %(date)s)")
                % {"date": match_service.EARLIEST_ESTABLISHED.isoformat()},
            )
        return date

    @field_validator("employees")
    @classmethod
    def _employees(cls, value):
        if value is None:
            return None
        if value < 0:
            raise _invalid("negative", _("cannot be negative"))
        if value > match_service.MAX_EMPLOYEES:
            raise _invalid(
                "too_large",
                _("is implausibly large (at most %(max)d)") % {"max": match_service.MAX_EMPLOYEES},
            )
        return value

    @field_validator("revenue_wan", "rd_expense_wan", mode="before")
    @classmethod
    def _amounts(cls, value):
        return _amount(value)

    def to_facts(self) -> Facts:
        return Facts(
            industry=self.industry,
            area=self.area,
            established=self.established,
            employees=self.employees,
            revenue_wan=self.revenue_wan,
            rd_expense_wan=self.rd_expense_wan,
            qualifications=(
                None
                if self.qualifications is None
                else tuple(HeldQualification(q.code, q.valid_until) for q in self.qualifications)
            ),
            good_credit=self.good_credit,
            business_scope=self.business_scope or "",
        )


MATCH_POLICY_FIELDS = ("id", "external_id", "title", "url_path", "apply_free", "criteria")


class PolicyRef(Schema):
    id: int
    external_id: str | None
    title: str
    url: str
    apply_free: bool


class CriterionOut(Schema):
    key: str
    met: bool | None
    explanation: str


class MatchItem(Schema):
    policy: PolicyRef
    status: Literal["eligible", "possible", "near", "ineligible"]
    score: float
    criteria: list[CriterionOut]


class MatchResponse(Schema):
    results: list[MatchItem]
    degraded: bool


@router.post(
    "/match",
    response=MatchResponse,
    summary="Match an enterprise's facts against the policies in force",
    auth=None,
)
def match(
    request: HttpRequest,
    response: HttpResponse,
    body: MatchRequest = None,
    limit: int = NinjaQuery(
        match_service.MAX_RESULTS,
        ge=1,
        le=match_service.MAX_RESULTS,
        description="How many results to return (a page of them).",
    ),
    offset: int = NinjaQuery(
        0,
        ge=0,
        le=match_service.MAX_RESULTS,
        description="How many ranked results to skip before the page starts.",
    ),
):
    body = body or MatchRequest()
    outcome = match_service.match_for(
        body.to_facts(), include_ineligible=body.include_ineligible, with_policies=False
    )
    # All are ranked (the order needs every one); the total goes in a header, and only the
    # page asked for is read from the database and written out.
    response["X-Total-Count"] = str(len(outcome.results))
    page = outcome.results[offset : offset + limit]
    shown = outcome.explain(match_service.load_policies(page, fields=MATCH_POLICY_FIELDS))
    results = []
    for result in shown:
        page = result.policy
        results.append(
            {
                "policy": {
                    "id": page.pk,
                    "external_id": page.external_id,
                    "title": page.title,
                    "url": request.build_absolute_uri(page.get_url(request) or "/"),
                    "apply_free": page.apply_free,
                },
                "status": result.status,
                "score": result.score,
                "criteria": [
                    {"key": c.key, "met": c.met, "explanation": c.explanation}
                    for c in result.criteria
                ],
            }
        )
    return {"results": results, "degraded": outcome.degraded}
