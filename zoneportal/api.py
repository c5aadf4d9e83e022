"""The public JSON API, version 1 (OpenAPI document at ``/api/v1/openapi.json``)."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from search.api import router as match_router
from search.policy_api import router as policies_router

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
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """A body that is not JSON is invalid input too (422 naming the body), like a wrong type."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        errors = [{"field": "body", "reason": "the request body is not valid JSON"}]
        return api.create_response(
            request, {"detail": "invalid input", "errors": errors}, status=422
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
