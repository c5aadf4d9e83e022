from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from zoneportal.page_cache import invalidate_on_change, invalidate_on_signal

        from .models import NewsCategory, SiteContact

        # Anything visitors see changed: forget every cached anonymous page. (Policies and
        # applications connect their own models: departments, programmes.)
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ):
            signal.connect(invalidate_on_signal, dispatch_uid=f"page_cache.page_{name}")
        post_delete.connect(invalidate_on_signal, sender=Page, dispatch_uid="page_cache.page")
        # The site contacts row is created by the first request that renders the footer.
        for model, receiver in (
            (NewsCategory, invalidate_on_signal),
            (SiteContact, invalidate_on_change),
        ):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    receiver,
                    sender=model,
                    dispatch_uid=f"page_cache.{model.__name__}_{name}",
                )
