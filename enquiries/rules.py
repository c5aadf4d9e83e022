"""The rules of enquiries, for reading and checking: who may see and act, numbers, deadlines.

Nothing here moves an enquiry (``services`` and the table in ``states`` do). Staff are
recognised by permission, never by group name: ``enquiries.handle_enquiry`` (a department's
handler, for the departments of their ``DepartmentHandler`` rows), ``enquiries.dispatch_enquiry``
(the dispatcher: every enquiry, routing) and ``enquiries.supervise_enquiry`` (督办: every
enquiry, supervision, extensions).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import Membership
from policies.workdays import as_local_date
from zoneportal.refusals import Refusal, is_active_staff

from .models import DepartmentHandler, Enquiry, EnquiryCounter

User = get_user_model()

HANDLE = "enquiries.handle_enquiry"
DISPATCH = "enquiries.dispatch_enquiry"
SUPERVISE = "enquiries.supervise_enquiry"
MAX_TEXT_CHARS = 5000
MAX_COMMENT_CHARS = 2000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Transfers a department may make before the enquiry goes back to the dispatcher.
MAX_TRANSFERS = 2


class EnquiryError(Refusal):
    """An enquiry cannot do what was asked; the message says why, for the person asking."""


def is_handler(user) -> bool:
    return is_active_staff(user) and user.has_perm(HANDLE)


def is_dispatcher(user) -> bool:
    return is_active_staff(user) and user.has_perm(DISPATCH)


def is_supervisor(user) -> bool:
    return is_active_staff(user) and user.has_perm(SUPERVISE)


def is_enquiry_staff(user) -> bool:
    return is_handler(user) or is_dispatcher(user) or is_supervisor(user)


def department_ids(user) -> set[int]:
    return set(DepartmentHandler.objects.filter(user=user).values_list("department_id", flat=True))


def visible_to_staff(user, queryset=None):
    """The enquiries ``user`` handles: all for dispatchers and supervisors, else their
    departments'."""
    queryset = queryset if queryset is not None else Enquiry.objects.all()
    if is_dispatcher(user) or is_supervisor(user):
        return queryset
    if is_handler(user):
        return queryset.filter(department_id__in=department_ids(user))
    return queryset.none()


def may_handle(user, enquiry: Enquiry) -> bool:
    """Whether ``user`` may act for the department holding ``enquiry``."""
    if is_dispatcher(user) or is_supervisor(user):
        return True
    return (
        is_handler(user)
        and enquiry.department_id is not None
        and enquiry.department_id in department_ids(user)
    )


def handlers_of(department_id) -> list[int]:
    """The ids of the people told about a department's enquiries (the dispatchers when none)."""
    if department_id is not None:
        ids = list(
            DepartmentHandler.objects.filter(
                department_id=department_id, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        if ids:
            return ids
    return holders_of("dispatch_enquiry")


def holders_of(codename: str) -> list[int]:
    permission = Permission.objects.get(content_type__app_label="enquiries", codename=codename)
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def member(enterprise, user) -> None:
    if not Membership.objects.filter(enterprise=enterprise, user=user).exists():
        raise EnquiryError(_("You are not a member of this company."), code="forbidden")


def answer_days(kind: str) -> int:
    return int(settings.ENQUIRY_ANSWER_DAYS[kind])


def next_number(now) -> str:
    """The next tracking number of the year (ZX-2026-000123), under a row lock."""
    year = as_local_date(now).year
    EnquiryCounter.objects.get_or_create(year=year)
    counter = EnquiryCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"ZX-{year}-{counter.last:06d}"
