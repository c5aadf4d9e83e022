"""``{% application_payments application %}``: the instalments of an application's award, for
the application page (applications sits below fulfilment and cannot import it; its template
loads this library)."""

from django import template
from django.db.models import Prefetch

from ..models import Award, Instalment

register = template.Library()


@register.inclusion_tag("fulfilment/includes/application_payments.html")
def application_payments(application):
    award = (
        Award.objects.filter(application_id=application.pk)
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .prefetch_related("recoveries")
        .first()
    )
    return {"award": award, "application": application}
