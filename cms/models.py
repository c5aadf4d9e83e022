"""The Wagtail site: home, standard, news/notice and service-guide pages, site settings.

Every page carries an optional English title beside its (Chinese) title; templates show the
title of the active language through ``display_title``.
"""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import BodyBlock, MaterialBlock, QuickLinkBlock, StepBlock


def is_english() -> bool:
    return (get_language() or "").startswith("en")


class PortalPage(Page):
    """Base of every portal page: an English title and English intro beside the Chinese ones."""

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_title(self):
        if is_english() and self.title_en:
            return self.title_en
        return self.title

    def bilingual(self, field: str) -> str:
        """The value of ``field`` in the active language, falling back to Chinese."""
        if is_english():
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)


class HomePage(PortalPage):
    """The portal's front door: what it offers, the newest policies and news, quick ways in."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    quick_links = StreamField(
        [("link", QuickLinkBlock())], verbose_name=_("quick links"), blank=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("quick_links"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def latest_news(self, count=5):
        return NewsPage.objects.live().public().order_by("-date", "-pk")[:count]


class StandardPage(PortalPage):
    """A plain content page: about the zone, contact, privacy notice, accessibility statement."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_snippet
class NewsCategory(models.Model):
    """A category of news items (新闻动态, 通知公告, 活动预告 …), managed by editors."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), unique=True)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_en if is_english() and self.name_en else self.name


class NewsIndexPage(PortalPage):
    """Lists news and notices, newest first, filterable by category."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk")
        category = request.GET.get("category", "")
        if category:
            items = items.filter(categories__slug=category)
        context["categories"] = NewsCategory.objects.all()
        context["current_category"] = category
        context["page_obj"] = Paginator(items.prefetch_related("categories"), 15).get_page(
            request.GET.get("page")
        )
        return context


class NewsPage(PortalPage):
    """A news item or a notice (通知公告) with its date and categories."""

    KIND_NEWS = "news"
    KIND_NOTICE = "notice"
    KIND_CHOICES = [(KIND_NEWS, _("News")), (KIND_NOTICE, _("Notice"))]

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=KIND_NEWS)
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    categories = ParentalManyToManyField(NewsCategory, blank=True, verbose_name=_("categories"))

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("date"),
                FieldPanel("source"),
                FieldPanel("categories"),
            ],
            heading=_("About this item"),
        ),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news or notice")
        verbose_name_plural = _("news and notices")


class ServiceGuideIndexPage(PortalPage):
    """Lists the service guides (办事指南)."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ServiceGuidePage"]

    class Meta:
        verbose_name = _("service guide index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = ServiceGuidePage.objects.child_of(self).live().public()
        return context


class ServiceGuidePage(PortalPage):
    """A service guide (办事指南): who it is for, steps, materials, time limit, fees, contact."""

    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    audience = models.TextField(_("who it is for"))
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"))
    materials = StreamField(
        [("material", MaterialBlock())], verbose_name=_("materials"), blank=True
    )
    time_limit = models.CharField(_("time limit"), max_length=200)
    fees = models.CharField(_("fees"), max_length=200, default="不收费")
    office = models.CharField(_("where to go"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    legal_basis = RichTextField(_("legal basis"), blank=True, features=["bold", "italic", "link"])

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("audience"),
        index.SearchField("steps"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("audience"),
        FieldPanel("steps"),
        FieldPanel("materials"),
        MultiFieldPanel(
            [
                FieldPanel("time_limit"),
                FieldPanel("fees"),
                FieldPanel("office"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Time, fees and contact"),
        ),
        FieldPanel("legal_basis"),
    ]
    parent_page_types = ["cms.ServiceGuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service guide")


@register_setting(icon="site")
class SiteContact(BaseSiteSetting):
    """The contacts shown in the footer of every page."""

    organisation = models.CharField(
        _("organisation"), max_length=100, default="成都高新技术产业开发区管理委员会"
    )
    organisation_en = models.CharField(
        _("organisation (English)"),
        max_length=150,
        default="Administrative Committee of Chengdu High-tech Industrial Development Zone",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=250, blank=True)
    phone = models.CharField(_("service hotline"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=120, blank=True)
    icp_number = models.CharField(_("ICP registration number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("site contacts")

    def bilingual(self, field):
        if is_english():
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)
