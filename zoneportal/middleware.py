"""Project middleware."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.common import CommonMiddleware
from django.utils import translation


class PortalCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, except that an unknown API path is a 404, not a redirect.

    With ``APPEND_SLASH`` an unknown ``/api/v1/policies/abc`` would be redirected to
    ``…/abc/``, which the site's catch-all page route resolves: an API client would follow a
    301 to an HTML page instead of reading a 404 problem document.
    """

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith("/api/"):
            return False
        return super().should_redirect_with_slash(request)


class ApiLanguageMiddleware:
    """API answers follow the caller's ``Accept-Language`` (default: Simplified Chinese).

    The site's pages take their language from the URL prefix; the API has no prefix, and
    Django's LocaleMiddleware would therefore always pick the default language for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than ``MAX_REQUEST_BYTES`` before anything reads it.

    Django would otherwise spool any multipart body to temporary files when the CSRF check
    reads the form, whatever the views' own size limits (20 MB documents, 5 MB certificate
    checks). A reverse proxy in front should set the same limit (see docs/operations.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse
        from django.utils.translation import gettext as _

        limit = getattr(settings, "MAX_REQUEST_BYTES", 25 * 1024 * 1024)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("The upload is too large: at most %(mb)d MB can be sent at once.") % {
                "mb": limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS`` on admin pages.

    Wagtail's admin (and Django's) use inline styles; the public site does not, so only the
    admin's pages get the extra sources. A view that sets its own policy (django-csp's
    decorators) keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.ADMIN_URL_PREFIXES):
            update = dict(parts.update or {})
            for directive, sources in settings.ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts
