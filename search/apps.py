from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        # Index kinds and the signal handlers that keep the indices true. Each module
        # registers itself; a module not written yet is simply absent.
        for module in ("search.policy_index", "search.enterprise_index", "search.signals"):
            if find_spec(module) is not None:
                import_module(module)
