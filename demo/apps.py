from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo content (``manage.py seed_demo``): it reaches into every app, so it sits on top."""

    name = "demo"
    verbose_name = _("Demo content")
