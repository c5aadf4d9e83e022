"""The admin home shows each member of staff the work waiting for them, and only what their
permissions allow: a count per kind of work, linked to the page where it is done."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from enquiries import services as enquiries
from enquiries.models import DepartmentHandler, Enquiry
from policies.models import Department
from policies.roles import (
    APPLICATION_REVIEWERS,
    ENQUIRY_DISPATCHERS,
    ENQUIRY_HANDLERS,
    ENTERPRISE_VERIFIERS,
    FINANCE,
    FULFILMENT_OFFICERS,
    POLICY_EDITORS,
)
from tests.factories import make_application, make_enterprise, make_policy, make_user

pytestmark = pytest.mark.django_db

LABELS = {
    "review": "待评审的申报",
    "open_enquiries": "办理中的诉求",
    "overdue_enquiries": "已超期的诉求",
    "verify": "待核验的企业",
    "accounts": "待核验的银行账户",
    "batch": "待编入拨付批次的款项",
    "acceptance": "待审核的验收报告",
}


def staff(groups, email, department=None):
    user = make_user(email, is_staff=True)
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    if department is not None:
        DepartmentHandler.objects.create(department=department, user=user)
    return user


def work_on_home(client, user) -> dict[str, tuple[str, int]]:
    """The panel's rows: label → (link, count); {} without the panel."""
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    panel = re.search(r'id="work-to-do-section".*?</table>', html, re.S)
    if not panel:
        return {}
    rows = re.findall(
        r'<td class="title"><a href="([^"]+)">([^<]+)</a></td>\s*<td><strong>(\d+)</strong>',
        panel.group(0),
    )
    return {label: (href.replace("&amp;", "&"), int(count)) for href, label, count in rows}


@pytest.fixture
def world():
    first, second = Department.objects.order_by("pk")[:2]
    company = make_enterprise(name="蓉城智造有限公司")  # registered: waiting for verification
    asker = company.memberships.get().user
    for department in (first, second):
        enquiries.ask(
            company,
            by=asker,
            kind="difficulty",
            subject="问题",
            text="请协助解决。",
            policy=make_policy(department=department),
        )
    overdue = Enquiry.objects.filter(department=second).get()
    overdue.flag = enquiries.OVERDUE
    overdue.save(update_fields=["flag"])
    make_application(submit=True)  # a verified company, and an application to review
    return {"first": first, "second": second}


def test_a_reviewer_sees_the_applications_waiting_and_nothing_else(client, world):
    work = work_on_home(client, staff([APPLICATION_REVIEWERS], "r@zone.example"))
    assert work == {LABELS["review"]: (reverse("application_review:queue"), 1)}


def test_a_verifier_sees_the_companies_waiting(client, world):
    work = work_on_home(client, staff([ENTERPRISE_VERIFIERS], "v@zone.example"))
    assert work == {LABELS["verify"]: (reverse("enterprise_verification:queue"), 1)}


def test_a_handler_counts_only_the_enquiries_of_their_department(client, world):
    queue = reverse("enquiry_admin:queue")
    handler = staff([ENQUIRY_HANDLERS], "h@zone.example", world["first"])
    assert work_on_home(client, handler) == {
        LABELS["open_enquiries"]: (queue, 1),
        LABELS["overdue_enquiries"]: (f"{queue}?flag=overdue", 0),
    }
    dispatcher = staff([ENQUIRY_DISPATCHERS], "d@zone.example")
    assert work_on_home(client, dispatcher) == {
        LABELS["open_enquiries"]: (queue, 2),
        LABELS["overdue_enquiries"]: (f"{queue}?flag=overdue", 1),
    }


def test_finance_and_fulfilment_officers_see_their_own_work(client, world):
    finance = work_on_home(client, staff([FINANCE], "f@zone.example"))
    assert set(finance) == {LABELS["accounts"], LABELS["batch"]}
    assert finance[LABELS["batch"]][0] == reverse("fulfilment_admin:instalments")
    officer = work_on_home(client, staff([FULFILMENT_OFFICERS], "o@zone.example"))
    assert set(officer) == {LABELS["acceptance"]}


def test_several_roles_see_all_their_work_in_menu_order(client, world):
    user = staff([ENTERPRISE_VERIFIERS, APPLICATION_REVIEWERS], "two@zone.example")
    assert list(work_on_home(client, user)) == [LABELS["verify"], LABELS["review"]]


def test_staff_without_such_work_see_no_panel(client, world):
    assert work_on_home(client, staff([POLICY_EDITORS], "e@zone.example")) == {}
