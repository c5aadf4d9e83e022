from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from zoneportal.page_cache import invalidate_pages_when_saved

        from .models import Programme

        # Programmes are shown on public pages: a change empties the anonymous page cache.
        invalidate_pages_when_saved(Programme, "Programme")
