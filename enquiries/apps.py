from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enquiries"
    verbose_name = _("Enquiries")

    def ready(self):
        from django.db.models import Prefetch

        from search.policy_index import register_faqs
        from zoneportal.page_cache import invalidate_pages_when_saved

        from .models import FAQ

        # Questions and answers are shown on policy pages and searched with their policy.
        invalidate_pages_when_saved(FAQ, "FAQ")
        register_faqs(
            Prefetch(
                "faqs",
                queryset=FAQ.objects.filter(published=True).only("policy_id", "question", "answer"),
                to_attr="published_faqs",
            ),
            lambda page: [(faq.question, faq.answer) for faq in page.published_faqs],
        )
