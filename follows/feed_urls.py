"""Public feeds under ``/feeds/`` (namespace ``feeds``): Atom and iCalendar."""

from django.urls import path
from django.views.decorators.http import require_GET

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("policies.atom", require_GET(feeds.NewPolicies()), name="policies"),
    path("departments/<id:pk>.atom", require_GET(feeds.DepartmentPolicies()), name="department"),
    # Tags are Chinese words, and so are their slugs.
    path("tags/<str:slug>.atom", require_GET(feeds.TagPolicies()), name="tag"),
    path("programmes.ics", feeds.programme_calendar, name="programmes"),
]
