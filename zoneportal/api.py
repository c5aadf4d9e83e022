"""The public JSON API, version 1 (OpenAPI document at ``/api/v1/openapi.json``).

Every error is an RFC 9457 problem document (``application/problem+json``: ``type``,
``title``, ``status``, ``detail``; invalid input adds ``errors``, one ``{field, reason}`` per
problem). The handlers below answer for django-ninja's exceptions; ``zoneportal.errors``
answers for everything else under ``/api/``.
"""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from search.api import router as match_router
from search.policy_api import router as policies_router

from .errors import problem

api = NinjaAPI(
    title="Zone Portal API",
    version="1.0.0",
    description="Public API of the Chengdu High-tech Zone enterprise services portal.",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("", policies_router)
api.add_router("", match_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError):
    """Invalid input is HTTP 422 naming each field and the reason, never a 500."""
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body")]
        errors.append({"field": ".".join(location), "reason": error.get("msg", "invalid")})
    return problem(422, "invalid input", errors=errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """A body that is not JSON is invalid input too (422 naming the body), like a wrong type."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        errors = [{"field": "body", "reason": "the request body is not valid JSON"}]
        return problem(422, "invalid input", errors=errors)
    return problem(exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return problem(404, "No such resource.")
