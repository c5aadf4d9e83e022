"""WSGI entry point (gunicorn serves ``zoneportal.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.production")
application = get_wsgi_application()
