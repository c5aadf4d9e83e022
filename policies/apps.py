from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from zoneportal.page_cache import invalidate_pages_when_saved

        from .models import Department

        # Departments are shown on public pages: a change empties the anonymous page cache.
        invalidate_pages_when_saved(Department, "Department")
