"""The site's own pages: the human sitemap (``/sitemap/``), ``/sitemap.xml`` and the
accessibility statement (``/accessibility/``); and the footer's registration numbers.

**Registration numbers.** Chinese government sites show, in the footer, the 网站标识码 (site
identification code), the ICP 备案号 (linking to beian.miit.gov.cn) and the 公安备案号 (public
security registration, linking to beian.mps.gov.cn). They come from the settings
(``SITE_IDENTIFICATION_CODE``, ``SITE_ICP_NUMBER``, ``SITE_PSB_NUMBER``; environment variables of
the same names, empty by default) and each is shown only when set. The ICP number falls back to
the one in the site contacts (``cms.SiteContact.icp_number``) when the setting is empty.

**sitemap.xml** lists every live, public Wagtail page (policies included, through
``wagtail.contrib.sitemaps``) and the public pages that are views (the programmes, the policy
search and calculator, the public notice, the certificate check …).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from cms.models import SiteContact

ICP_LINK = "https://beian.miit.gov.cn/"
PSB_LINK = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def registration(request) -> dict:
    """Context processor: ``site_registration`` with the footer's numbers (empty when unset)."""

    def numbers():
        icp = getattr(settings, "SITE_ICP_NUMBER", "")
        if not icp:
            try:
                icp = SiteContact.for_request(request).icp_number
            except Exception:  # noqa: BLE001 - no site (a bare request): nothing to show
                icp = ""
        psb = getattr(settings, "SITE_PSB_NUMBER", "")
        digits = "".join(re.findall(r"\d", psb))
        return {
            "identification_code": getattr(settings, "SITE_IDENTIFICATION_CODE", ""),
            "icp_number": icp,
            "icp_link": ICP_LINK,
            "psb_number": psb,
            "psb_link": PSB_LINK.format(code=digits) if digits else "",
        }

    return {"site_registration": numbers}


# --- /sitemap/ --------------------------------------------------------------------------------
# (heading, [(label, URL name, signed in only)]) — the journeys, in the order people take them.
SECTIONS = (
    (
        _("Policies"),
        [
            (_("Find policies"), "search:search", False),
            (_("Policy calculator"), "matching:calculator", False),
            (_("New policies (Atom feed)"), "feeds:policies", False),
        ],
    ),
    (
        _("Apply for support"),
        [
            (_("Now open for applications"), "programmes:list", False),
            (_("Programme calendar (iCalendar)"), "feeds:programmes", False),
            (_("Apply online: my applications"), "applications:index", True),
            (_("Public notice of approvals"), "application_notices:list", False),
            (_("Verify a certificate"), "certificates:verify_start", False),
        ],
    ),
    (
        _("For your company"),
        [
            (_("My company"), "enterprises:dashboard", True),
            (_("Policies that match my company"), "matching:my_matches", True),
            (_("What I follow"), "follows:index", True),
            (_("Enquiries and requests"), "enquiries:index", True),
            (_("Messages"), "notifications:inbox", True),
            (_("My certificates"), "certificates:mine", True),
            (_("Payments received"), "fulfilment:ledger", True),
        ],
    ),
    (
        _("Open government"),
        [
            (_("How we handle enquiries"), "enquiries:performance", False),
            (_("Subsidies paid"), "fulfilment:totals", False),
            (_("Apply-free rosters"), "fulfilment:rosters", False),
        ],
    ),
    (
        _("About this site"),
        [
            (_("Accessibility statement"), "site:accessibility", False),
            (_("Sitemap for search engines (XML)"), "sitemap_xml", False),
        ],
    ),
)


@require_safe
def sitemap_page(request):
    """The human sitemap: every section of the portal, the CMS's menu pages first."""
    sections = [
        (heading, [(label, reverse(name), private) for label, name, private in links])
        for heading, links in SECTIONS
    ]
    return render(request, "site/sitemap.html", {"sections": sections})


@require_safe
def accessibility(request):
    return render(request, "site/accessibility.html", {})


# --- /sitemap.xml -----------------------------------------------------------------------------
class PublicViewsSitemap(Sitemap):
    """The public pages that are views, not Wagtail pages (in Chinese: the default language)."""

    changefreq = "daily"

    def items(self):
        return [
            "programmes:list",
            "search:search",
            "matching:calculator",
            "application_notices:list",
            "certificates:verify_start",
            "enquiries:performance",
            "fulfilment:totals",
            "site:sitemap",
            "site:accessibility",
        ]

    def location(self, item):
        return reverse(item)


@require_safe
def sitemap_xml(request):
    return wagtail_sitemap(request, sitemaps={"pages": PageSitemap, "views": PublicViewsSitemap()})
