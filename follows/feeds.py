"""Feeds anyone can subscribe to: Atom feeds of new policies, an iCalendar of programmes.

- ``/feeds/policies.atom`` — the 50 most recently first-published policies;
  ``/feeds/departments/<id>.atom`` and ``/feeds/tags/<slug>.atom`` — the same for one issuing
  department or one tag (``django.contrib.syndication``).
- ``/feeds/programmes.ics`` — every programme whose window is open, upcoming, or closed within
  the last 30 days: one event for the window and one for its deadline (``icalendar``), so a
  calendar reminds its owner whatever it is.

Only live, public policies appear; the language of the URL (``/en/feeds/…``) chooses the titles.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event
from taggit.models import Tag

from applications.models import Programme
from policies.models import Department, PolicyPage
from zoneportal.http import absolute_url

SIZE = 50
CALENDAR_PAST_DAYS = 30


class NewPolicies(Feed):
    feed_type = Atom1Feed

    def title(self, obj=None):
        return _("New policies of the Chengdu High-tech Zone")

    def subtitle(self, obj=None):
        return _("Policies as they are published on the enterprise-services portal.")

    def link(self, obj=None):
        return "/"

    def policies(self):
        return (
            PolicyPage.objects.live()
            .public()
            .select_related("department")
            .order_by("-first_published_at", "-pk")
        )

    def items(self, obj=None):
        return self.policies()[:SIZE]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.bilingual("summary")

    def item_link(self, item):
        return item.get_url() or "/"

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.department.display_name

    def item_categories(self, item):
        return [item.get_policy_type_display()]


class DepartmentPolicies(NewPolicies):
    def get_object(self, request, pk):
        return get_object_or_404(Department, pk=pk)

    def title(self, obj=None):
        return _("New policies of %(department)s") % {"department": obj.display_name}

    def items(self, obj=None):
        return self.policies().filter(department=obj)[:SIZE]


class TagPolicies(NewPolicies):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return _("New policies tagged “%(tag)s”") % {"tag": obj.name}

    def items(self, obj=None):
        return self.policies().filter(tags=obj).distinct()[:SIZE]


@require_GET
def programme_calendar(request):
    """Programme windows and deadlines as an iCalendar (RFC 5545) file."""
    since = timezone.now() - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    programmes = (
        Programme.objects.filter(
            closes_at__gte=since, page__in=PolicyPage.objects.live().public().values("pk")
        )
        .select_related("page")
        .order_by("closes_at", "pk")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Chengdu High-tech Zone//Zone Portal//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Programme windows and deadlines"))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    host = request.get_host().split(":")[0] or "zoneportal"
    stamp = timezone.now()
    for programme in programmes:
        policy = programme.page
        url = absolute_url(policy.get_url() or "/")
        names = {"programme": programme.display_name, "policy": policy.display_title}
        window = Event()
        window.add("uid", f"programme-{programme.pk}-window@{host}")
        window.add("dtstamp", stamp)
        window.add("summary", _("Applications open: %(programme)s") % names)
        window.add("description", _("%(policy)s — apply online: %(url)s") % {**names, "url": url})
        window.add("dtstart", programme.opens_at)
        window.add("dtend", programme.closes_at)
        window.add("url", url)
        calendar.add_component(window)
        deadline = Event()
        deadline.add("uid", f"programme-{programme.pk}-deadline@{host}")
        deadline.add("dtstamp", stamp)
        deadline.add("summary", _("Deadline: %(programme)s") % names)
        deadline.add("description", _("Applications to %(programme)s close now.") % names)
        deadline.add("dtstart", programme.closes_at)
        deadline.add("dtend", programme.closes_at)
        deadline.add("url", url)
        calendar.add_component(deadline)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="programmes.ics"'
    return response
