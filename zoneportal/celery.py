"""The one Celery app of the project, configured from Django settings (``CELERY_`` namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.local")

app = Celery("zoneportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
