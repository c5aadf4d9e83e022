"""The staff side of enquiries (诉求办理) in the Wagtail admin, and the handlers snippet."""

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from zoneportal import converters  # noqa: F401 - registers <id:…>
from zoneportal.admin_home import WorkItem, work_source

from . import admin_views, rules, services, states
from .models import DepartmentHandler, Enquiry

admin_urls = [
    path("", admin_views.queue, name="queue"),
    path("route/", admin_views.bulk_route, name="bulk_route"),
    path("<id:pk>/", admin_views.detail, name="detail"),
    path("<id:pk>/faq/", admin_views.publish_faq, name="publish_faq"),
    path("supervision/", admin_views.supervision, name="supervision"),
    path("faqs/", admin_views.faqs, name="faqs"),
    path("faqs/<id:pk>/", admin_views.edit_faq, name="edit_faq"),
]


@hooks.register("register_admin_urls")
def register_enquiry_urls():
    return [path("enquiries/", include((admin_urls, "enquiry_admin"), namespace="enquiry_admin"))]


class EnquiryMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.is_enquiry_staff(request.user)


class SupervisionMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.is_supervisor(request.user) or rules.is_dispatcher(request.user)


@hooks.register("register_admin_menu_item")
def register_enquiry_menu_item():
    return SubmenuMenuItem(
        pgettext_lazy("admin menu", "Enquiries"),
        Menu(
            items=[
                EnquiryMenuItem(
                    pgettext_lazy("admin menu", "Enquiry queue"),
                    reverse("enquiry_admin:queue"),
                    name="enquiry-queue",
                    icon_name="list-ul",
                    order=100,
                ),
                SupervisionMenuItem(
                    pgettext_lazy("admin menu", "Supervision"),
                    reverse("enquiry_admin:supervision"),
                    name="enquiry-supervision",
                    icon_name="warning",
                    order=200,
                ),
                EnquiryMenuItem(
                    pgettext_lazy("admin menu", "Questions and answers"),
                    reverse("enquiry_admin:faqs"),
                    name="enquiry-faqs",
                    icon_name="help",
                    order=300,
                ),
            ]
        ),
        name="enquiries",
        icon_name="help",
        order=270,
    )


class DepartmentHandlerViewSet(SnippetViewSet):
    model = DepartmentHandler
    icon = "group"
    menu_label = pgettext_lazy("admin menu", "Enquiry handlers")
    list_display = ["department", "user"]


register_snippet(DepartmentHandlerViewSet)


@work_source
def enquiry_work(user):
    """Handlers (their departments'), dispatchers and supervisors (all): open and overdue
    enquiries, as the queue counts them."""
    if not rules.is_enquiry_staff(user):
        return []
    open_ = rules.visible_to_staff(user, Enquiry.objects.filter(state__in=states.OPEN))
    queue = reverse("enquiry_admin:queue")
    return [
        WorkItem(_("Open enquiries"), open_.count(), queue, order=270),
        WorkItem(
            _("Overdue enquiries"),
            open_.filter(flag=services.OVERDUE).count(),
            f"{queue}?flag={services.OVERDUE}",
            order=271,
        ),
    ]
