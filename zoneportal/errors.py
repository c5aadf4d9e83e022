"""Error responses: branded bilingual pages for the site, RFC 9457 problem details for the API.

The site's 403 and 404 pages extend ``base.html`` (navigation helps a lost visitor); the 400 and
500 pages use ``errors/plain.html``, which needs no request context at all: a 500 may come from
a database that is down, a 400 from a Host header that every Wagtail site lookup would refuse
again. Under ``/api/`` every error is ``application/problem+json`` (the handlers below answer
for Django's own 400/403/404/500, ``ApiProblemMiddleware`` rewrites anything else, such as a
405 from django-ninja or a 413 from the request size limit).
"""

import json
import logging
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str | None = None, **extra) -> JsonResponse:
    """An RFC 9457 problem document: ``type``, ``title``, ``status``, ``detail`` and ``extra``.

    ``type`` is ``about:blank``: the HTTP status says everything a client needs, and the title
    is its standard phrase; ``detail`` says what went wrong with this request.
    """
    phrase = _phrase(status)
    body = {"type": "about:blank", "title": phrase, "status": status, "detail": detail or phrase}
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False}
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api(request):
        return problem(400)
    return _plain_page("400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api(request):
        return problem(403)
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api(request):
        return problem(404, "No such resource.")
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return problem(500, "The server could not answer; the error has been logged.")
    return _plain_page("500.html", 500)


def _plain_page(template_name: str, status: int) -> HttpResponse:
    # Rendered without the request: no context processor runs, so no query is made.
    return HttpResponse(loader.get_template(template_name).render({}), status=status)


class ApiProblemMiddleware:
    """Every error answer under ``/api/`` is ``application/problem+json``.

    The API's own exception handlers (``zoneportal.api``) already answer that way; this turns
    whatever else reaches a client (django-ninja's 405, the request size limit's 413, a JSON
    ``{"detail": …}`` from a library) into a problem document too, keeping its ``detail``.
    Placed first in ``MIDDLEWARE`` so that it sees every other middleware's answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or response.get("Content-Type", "").startswith(PROBLEM_JSON)
        ):
            return response
        converted = problem(response.status_code, _detail_of(response))
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                converted[header] = response[header]
        return converted


def _detail_of(response) -> str | None:
    if getattr(response, "streaming", False):
        return None
    content_type = response.get("Content-Type", "")
    try:
        if content_type.startswith("application/json"):
            detail = json.loads(response.content).get("detail")
            return detail if isinstance(detail, str) else None
        if content_type.startswith("text/plain"):
            return response.content.decode(response.charset or "utf-8")[:500] or None
    except (ValueError, AttributeError):
        return None
    return None
