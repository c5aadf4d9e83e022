"""The search query log: what people look for, for the staff report (no personal data)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchQuery(models.Model):
    """One policy search made on the portal or through the API.

    Deliberately anonymous: no user, session or address is stored — only the normalised query
    text, the filters, how many policies were found, how long it took and whether the answer
    came from the database fallback. The staff report (``search.wagtail_hooks``) reads it.
    """

    class Source(models.TextChoices):
        PAGE = "page", _("search page")
        API = "api", _("API")

    query = models.CharField(_("query"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    hits = models.PositiveIntegerField(_("policies found"))
    took_ms = models.PositiveIntegerField(_("time (ms)"))
    degraded = models.BooleanField(_("answered from the database"), default=False)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        indexes = [models.Index(fields=["created_at", "query"], name="search_query_when_what")]

    def __str__(self):
        return self.query
