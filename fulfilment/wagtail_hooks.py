"""The staff side of fulfilment in the Wagtail admin, and the payment plans snippet."""

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from zoneportal import converters  # noqa: F401 - registers <id:…>
from zoneportal.admin_home import WorkItem, work_source

from . import admin_views, rules
from .models import (
    AcceptanceReport,
    AccountState,
    BankAccount,
    Instalment,
    InstalmentState,
    PaymentPlan,
)

admin_urls = [
    path("", admin_views.overview, name="overview"),
    path("accounts/", admin_views.accounts, name="accounts"),
    path("accounts/<id:pk>/", admin_views.account, name="account"),
    path("instalments/", admin_views.instalments, name="instalments"),
    path("instalments/<id:pk>/requeue/", admin_views.requeue, name="requeue"),
    path("batches/", admin_views.batches, name="batches"),
    path("batches/<id:pk>/", admin_views.batch, name="batch"),
    path("batches/<id:pk>/export/", admin_views.export, name="export"),
    path("acceptance/", admin_views.acceptance_queue, name="acceptance"),
    path("acceptance/<id:pk>/file/", admin_views.acceptance_file, name="acceptance_file"),
    path("awards/<id:pk>/", admin_views.award, name="award"),
    path("rosters/", admin_views.roster_list, name="rosters"),
    path("rosters/<id:pk>/", admin_views.roster, name="roster"),
]


@hooks.register("register_admin_urls")
def register_fulfilment_urls():
    return [
        path("fulfilment/", include((admin_urls, "fulfilment_admin"), namespace="fulfilment_admin"))
    ]


class RightMenuItem(MenuItem):
    def __init__(self, *args, rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rights = rights

    def is_shown(self, request):
        if not self.rights:
            return rules.is_fulfilment_staff(request.user)
        return any(rules.may(request.user, right) for right in self.rights)


@hooks.register("register_admin_menu_item")
def register_fulfilment_menu_item():
    items = [
        ("Budgets", "overview", "table", ()),
        ("Bank accounts", "accounts", "user", (rules.VERIFY,)),
        ("Instalments", "instalments", "list-ul", (rules.PREPARE,)),
        ("Payment batches", "batches", "download", (rules.PREPARE,)),
        ("Acceptance reports", "acceptance", "tick", (rules.ACCEPTANCE,)),
        ("Apply-free rosters", "rosters", "group", (rules.ROSTERS,)),
    ]
    labels = {
        "Budgets": pgettext_lazy("admin menu", "Budgets"),
        "Bank accounts": pgettext_lazy("admin menu", "Bank accounts"),
        "Instalments": pgettext_lazy("admin menu", "Instalments"),
        "Payment batches": pgettext_lazy("admin menu", "Payment batches"),
        "Acceptance reports": pgettext_lazy("admin menu", "Acceptance reports"),
        "Apply-free rosters": pgettext_lazy("admin menu", "Apply-free rosters"),
    }
    return SubmenuMenuItem(
        pgettext_lazy("admin menu", "Fulfilment"),
        Menu(
            items=[
                RightMenuItem(
                    labels[label],
                    reverse(f"fulfilment_admin:{name}"),
                    name=f"fulfilment-{name}",
                    icon_name=icon,
                    order=100 * (n + 1),
                    rights=rights,
                )
                for n, (label, name, icon, rights) in enumerate(items)
            ]
        ),
        name="fulfilment",
        icon_name="pick",
        order=280,
    )


class PaymentPlanViewSet(SnippetViewSet):
    model = PaymentPlan
    icon = "pick"
    menu_label = pgettext_lazy("admin menu", "Payment plans")
    list_display = ["programme", "shares", "requires_acceptance"]


register_snippet(PaymentPlanViewSet)


@work_source
def fulfilment_work(user):
    """Per right: bank accounts to verify, instalments to gather into a payment batch,
    acceptance reports to check (the counts of the pages the items link to)."""
    items = []
    if rules.may(user, rules.VERIFY):
        items.append(
            WorkItem(
                _("Bank accounts to verify"),
                BankAccount.objects.filter(state=AccountState.PENDING).count(),
                reverse("fulfilment_admin:accounts"),
                order=281,
            )
        )
    if rules.may(user, rules.PREPARE):
        items.append(
            WorkItem(
                _("Instalments to put in a payment batch"),
                Instalment.objects.filter(state=InstalmentState.DUE, batch=None).count(),
                reverse("fulfilment_admin:instalments"),
                order=282,
            )
        )
    if rules.may(user, rules.ACCEPTANCE):
        items.append(
            WorkItem(
                _("Acceptance reports to check"),
                AcceptanceReport.objects.filter(state="submitted").count(),
                reverse("fulfilment_admin:acceptance"),
                order=283,
            )
        )
    return items
