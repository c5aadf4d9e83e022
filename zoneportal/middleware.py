"""Project middleware."""

from django.utils import translation


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
