from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fulfilment"
    verbose_name = _("Fulfilment")

    def ready(self):
        from applications import rules as application_rules

        from . import rules

        # Apply-free awards spend the programme's budget and count for the no-double-benefit
        # rule exactly as approved applications do (applications sits below and cannot ask).
        application_rules.register_benefit_source(
            committed=rules.apply_free_committed, earlier=rules.earlier_apply_free_benefit
        )
