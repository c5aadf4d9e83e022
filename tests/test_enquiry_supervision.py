"""督办: supervisors see every department's open and overdue work as of today, and the ask form
takes several attachments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from enquiries import services
from enquiries.models import Enquiry
from policies.models import Department
from policies.roles import ENQUIRY_HANDLERS, ENQUIRY_SUPERVISORS
from tests.factories import make_enquiry_staff, make_enterprise, make_policy, pdf_upload
from zoneportal.clock import local_today

pytestmark = pytest.mark.django_db


staff = make_enquiry_staff


@pytest.fixture
def world():
    first, second = Department.objects.order_by("pk")[:2]
    company = make_enterprise(name="蓉城智造有限公司")
    return {
        "company": company,
        "asker": company.memberships.get().user,
        "first": first,
        "second": second,
        "policy1": make_policy(department=first),
        "policy2": make_policy(department=second),
        "handler": staff(ENQUIRY_HANDLERS, "h@zone.example", first),
        "supervisor": staff(ENQUIRY_SUPERVISORS, "sup@zone.example"),
    }


def ask(world, policy=None, subject="问题", now=None):
    return services.ask(
        world["company"],
        by=world["asker"],
        kind="difficulty",
        subject=subject,
        text="请协助解决。",
        policy=policy,
        now=now,
    )


def at(day: datetime.date):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def test_overdue_work_is_counted_per_department_as_of_today(world):
    today = datetime.date(2026, 11, 16)  # a Monday
    long_ago = at(today - datetime.timedelta(days=14))
    late = ask(world, world["policy1"], "迟迟未受理", now=long_ago)  # accept_due long past
    ask(world, world["policy1"], "刚提交", now=at(today))  # due tomorrow: due soon
    unrouted = ask(world, None, "待分派", now=long_ago)
    ask(world, world["policy2"], "按时", now=at(today))
    closed = ask(world, world["policy2"], "已办结", now=long_ago)
    Enquiry.objects.filter(pk=closed.pk).update(state="closed")

    rows = {row.department: row for row in services.open_work_by_department(today)}
    first, second = rows[world["first"]], rows[world["second"]]
    assert (first.open, first.overdue, first.due_soon) == (2, 1, 1)
    assert [e.pk for e, _due, _days in first.late] == [late.pk]
    assert first.late[0][2] > 0  # working days overdue
    assert (second.open, second.overdue) == (1, 0)  # the closed one is not work
    assert rows[None].overdue == 1 and rows[None].late[0][0].pk == unrouted.pk
    # The most overdue department first.
    assert services.open_work_by_department(today)[0].overdue == 1


def test_the_supervisor_sees_the_overview_and_a_handler_does_not(client, world):
    long_ago = at(local_today() - datetime.timedelta(days=30))
    late = ask(world, world["policy1"], "迟迟未受理的诉求", now=long_ago)
    client.force_login(world["supervisor"])
    with translation.override("zh-hans"):
        page = client.get(reverse("enquiry_admin:supervision")).content.decode()
    assert world["first"].name in page
    assert f"迟迟未受理的诉求（{late.number}）" in page
    assert reverse("enquiry_admin:detail", args=[late.pk]) in page

    client.force_login(world["handler"])
    response = client.get(reverse("enquiry_admin:supervision"))
    assert response.status_code == 302 and response.url == reverse("enquiry_admin:queue")


def test_the_ask_form_takes_several_attachments_and_refuses_a_sixth(
    client, world, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(world["asker"])
    form = {"kind": "difficulty", "subject": "厂房租金", "text": "租金补贴何时到账？"}
    response = client.post(
        reverse("enquiries:ask"),
        {**form, "attachments": [pdf_upload(f"附件{i}.pdf") for i in range(2)]},
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert sorted(a.original_name for a in enquiry.attachments.all()) == ["附件0.pdf", "附件1.pdf"]

    response = client.post(
        reverse("enquiries:ask"),
        {**form, "attachments": [pdf_upload(f"附件{i}.pdf") for i in range(6)]},
    )
    assert response.status_code == 200
    assert Enquiry.objects.count() == 1
    assert "5" in response.content.decode() and "error-summary" in response.content.decode()
