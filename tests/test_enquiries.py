"""Enquiries (诉求): asking, routing, the transition table, deadlines in working days, rating,
supervision, the daily flags, the company's pages, the staff queue and the public performance."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enquiries import services
from enquiries.models import Enquiry, EnquiryState
from notifications.models import Notification
from policies.models import Department
from policies.roles import ENQUIRY_DISPATCHERS, ENQUIRY_HANDLERS, ENQUIRY_SUPERVISORS
from tests.factories import make_enquiry_staff, make_enterprise, make_policy, make_user, pdf_upload
from tests.outbox_support import deliver
from zoneportal.clock import ZONE

pytestmark = pytest.mark.django_db
S = EnquiryState
D = datetime.date


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, 0, tzinfo=ZONE)


staff = make_enquiry_staff


@pytest.fixture
def world():
    first, second = Department.objects.order_by("pk")[:2]
    company = make_enterprise()
    asker = company.memberships.get().user
    return {
        "company": company,
        "asker": asker,
        "policy": make_policy(department=first),
        "first": first,
        "second": second,
        "handler": staff(ENQUIRY_HANDLERS, "h1@zone.example", first),
        "handler2": staff(ENQUIRY_HANDLERS, "h2@zone.example", second),
        "dispatcher": staff(ENQUIRY_DISPATCHERS, "disp@zone.example"),
        "supervisor": staff(ENQUIRY_SUPERVISORS, "sup@zone.example"),
    }


def ask(world, now=None, **kw):
    values = {"kind": "policy", "subject": "研发费用补贴的口径", "text": "请问研发费用如何计算？"}
    values.update(kw)
    return services.ask(world["company"], by=world["asker"], now=now, **values)


def test_asking_gives_a_tracking_number_routes_to_the_policy_department_and_tells_people(world):
    enquiry = ask(world, policy=world["policy"], now=at(2026, 9, 30), attachments=[pdf_upload()])
    assert enquiry.number == "ZX-2026-000001"
    assert ask(world, now=at(2026, 10, 1)).number == "ZX-2026-000002"
    assert enquiry.department == world["first"]
    assert enquiry.state == S.SUBMITTED
    # 受理 within one working day: the eve of National Day → the first working day after it.
    assert enquiry.accept_due == D(2026, 10, 8)
    assert enquiry.attachments.get().content_type == "application/pdf"
    deliver()
    assert Notification.objects.filter(user=world["asker"], key__startswith="enquiry-event:")
    assert Notification.objects.filter(user=world["handler"]).count() == 1
    assert not Notification.objects.filter(user=world["handler2"]).exists()


def test_without_a_linked_policy_the_dispatcher_triages(world):
    enquiry = ask(world, kind="difficulty")
    assert enquiry.department is None
    with pytest.raises(services.EnquiryError):
        services.transition(enquiry, "accept", by=world["handler"])  # not its department
    services.transition(enquiry, "route", by=world["dispatcher"], department=world["second"])
    outcome = services.transition(enquiry, "accept", by=world["handler2"])
    assert outcome.enquiry.state == S.ACCEPTED


def test_a_disguised_file_is_refused(world):
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(services.EnquiryError):
        ask(world, attachments=[fake])
    assert not Enquiry.objects.exists()


def test_outsiders_may_not_ask_for_a_company(world):
    with pytest.raises(services.EnquiryError):
        services.ask(
            world["company"], by=make_user("x@test.example"), kind="policy", subject="s", text="t"
        )


@pytest.mark.parametrize(
    ("kind", "due"),
    [("policy", D(2026, 10, 13)), ("difficulty", D(2026, 10, 20)), ("complaint", D(2026, 10, 27))],
)
def test_the_answer_is_due_in_working_days_by_kind(world, kind, due):
    enquiry = ask(world, kind=kind, policy=world["policy"])
    outcome = services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 30))
    assert outcome.enquiry.due_date == due


def test_answer_days_are_configurable(world, settings):
    settings.ENQUIRY_ANSWER_DAYS = {"policy": 1, "difficulty": 10, "complaint": 15}
    enquiry = ask(world, policy=world["policy"])
    outcome = services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 30))
    assert outcome.enquiry.due_date == D(2026, 10, 8)


def test_transfers_need_a_reason_and_after_two_go_back_to_the_dispatcher(world):
    enquiry = ask(world, policy=world["policy"])
    services.transition(enquiry, "accept", by=world["handler"])
    with pytest.raises(services.EnquiryError):
        services.transition(enquiry, "transfer", by=world["handler"], department=world["second"])
    e = services.transition(
        enquiry, "transfer", by=world["handler"], department=world["second"], comment="属人社局"
    ).enquiry
    assert (e.state, e.department) == (S.TRANSFERRED, world["second"])
    with pytest.raises(services.EnquiryError):  # the first department no longer holds it
        services.transition(enquiry, "accept", by=world["handler"])
    e = services.transition(
        enquiry, "transfer", by=world["handler2"], department=world["first"], comment="退回"
    ).enquiry
    assert e.department == world["first"]
    e = services.transition(
        enquiry, "transfer", by=world["handler"], department=world["second"], comment="再转"
    ).enquiry
    assert e.department is None  # the third transfer goes to the dispatcher
    assert e.transfer_count == 3
    services.transition(enquiry, "route", by=world["dispatcher"], department=world["first"])
    assert services.transition(enquiry, "accept", by=world["handler"]).enquiry.state == S.ACCEPTED


def test_answer_rate_and_the_figures_the_performance_page_counts(world):
    enquiry = ask(world, policy=world["policy"], now=at(2026, 9, 28))
    services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 29))
    e = services.transition(
        enquiry, "answer", by=world["handler"], comment="按审计报告口径。", now=at(2026, 10, 9)
    ).enquiry
    assert e.state == S.ANSWERED
    assert e.answer_working_days == 4  # 9/29, 9/30, 10/8, 10/9 (the holiday does not count)
    assert e.answered_on_time is True
    with pytest.raises(services.EnquiryError):  # only the company rates
        services.rate(enquiry, by=world["handler"], rating=5)
    e = services.rate(enquiry, by=world["asker"], rating=4, comment="清楚").enquiry
    assert (e.state, e.rating, e.first_rating) == (S.CLOSED, 4, 4)


def test_a_poor_rating_reopens_once_for_rectification_in_15_working_days(world):
    enquiry = ask(world, policy=world["policy"])
    services.transition(enquiry, "accept", by=world["handler"])
    services.transition(enquiry, "answer", by=world["handler"], comment="见政策原文。")
    deliver()
    e = services.rate(enquiry, by=world["asker"], rating=2, comment="没有回答问题")
    assert e.enquiry.state == S.REOPENED
    assert e.enquiry.rectify_due == services.add_working_days(e.event.created_at, 15)
    deliver()
    assert Notification.objects.filter(user=world["handler"], title__contains="整改").exists()
    services.transition(enquiry, "answer", by=world["handler"], comment="口径如下……")
    e = services.rate(enquiry, by=world["asker"], rating=1).enquiry
    assert e.state == S.CLOSED  # no second reopening
    assert (e.first_rating, e.rating, e.rectified) == (2, 1, True)


def test_extension_needs_a_reason_and_a_supervisors_approval(world):
    enquiry = ask(world, policy=world["policy"])
    e = services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 30)).enquiry
    assert e.due_date == D(2026, 10, 13)
    with pytest.raises(services.EnquiryError):
        services.transition(enquiry, "request_extension", by=world["handler"], days=5)
    services.transition(enquiry, "request_extension", by=world["handler"], days=5, comment="需会商")
    with pytest.raises(services.EnquiryError):  # a handler cannot approve
        services.transition(enquiry, "approve_extension", by=world["handler"])
    e = services.transition(enquiry, "approve_extension", by=world["supervisor"]).enquiry
    assert e.due_date == D(2026, 10, 20)
    assert e.extension_days is None


def test_daily_flags_and_supervision(world):
    enquiry = ask(world, policy=world["policy"])
    services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 30))
    assert services.flag_due(D(2026, 10, 9)) == {services.DUE_SOON: [], services.OVERDUE: []}
    flagged = services.flag_due(D(2026, 10, 12))  # due 10/13: within one working day
    assert flagged[services.DUE_SOON] == [enquiry.pk]
    flagged = services.flag_due(D(2026, 10, 14))
    assert flagged[services.OVERDUE] == [enquiry.pk]
    assert services.flag_due(D(2026, 10, 14))[services.OVERDUE] == []  # flagged once
    with pytest.raises(services.EnquiryError):
        services.transition(enquiry, "supervise", by=world["handler"], comment="x")
    e = services.transition(
        enquiry,
        "supervise",
        by=world["supervisor"],
        comment="请于10月20日前答复",
        due_date=D(2026, 10, 20),
        now=at(2026, 10, 16),
    ).enquiry
    assert (e.due_date, e.flag) == (D(2026, 10, 20), "")
    deliver()
    assert Notification.objects.filter(user=world["handler"], title__contains="督办").exists()
    assert e.events.filter(action="supervise", actor=world["supervisor"]).exists()


def test_the_daily_task_tells_the_department_once(world):
    from enquiries.tasks import daily

    enquiry = ask(world, policy=world["policy"])
    Enquiry.objects.filter(pk=enquiry.pk).update(accept_due=D(2020, 1, 2))
    result = daily()
    assert result["overdue"] == 1 and result["told"] == 1
    assert daily()["told"] == 0


# --- pages --------------------------------------------------------------------------------------
def test_the_policy_page_offers_to_ask(client, world):
    response = client.get(world["policy"].url)
    assert reverse("enquiries:ask") + f"?policy={world['policy'].pk}" in response.content.decode()


def test_a_member_asks_follows_the_timeline_and_rates(client, world):
    client.force_login(world["asker"])
    url = reverse("enquiries:ask") + f"?policy={world['policy'].pk}"
    response = client.post(
        url,
        {
            "kind": "policy",
            "subject": "补贴口径",
            "text": "请问如何计算？",
            "policy": world["policy"].pk,
        },
    )
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "enquiries:detail", args=[enquiry.pk]
    )
    assert enquiry.policy == world["policy"] and enquiry.department == world["first"]
    page = client.get(response.url).content.decode()
    assert enquiry.number in page
    services.transition(enquiry, "accept", by=world["handler"])
    services.transition(enquiry, "answer", by=world["handler"], comment="按审计口径计算。")
    page = client.get(response.url).content.decode()
    assert "按审计口径计算。" in page and "已受理" in page
    client.post(reverse("enquiries:rate", args=[enquiry.pk]), {"rating": "5", "comment": "好"})
    assert Enquiry.objects.get().state == S.CLOSED
    assert enquiry.number in client.get(reverse("enquiries:index")).content.decode()


def test_staff_queue_marks_overdue_and_staff_act_in_the_admin(client, world):
    enquiry = ask(world, policy=world["policy"])
    Enquiry.objects.filter(pk=enquiry.pk).update(accept_due=D(2020, 1, 2))
    client.force_login(world["handler"])
    page = client.get(reverse("enquiry_admin:queue")).content.decode()
    assert enquiry.number in page and "2020-01-02" in page and "zp-overdue" in page
    detail = reverse("enquiry_admin:detail", args=[enquiry.pk])
    client.post(detail, {"action": "accept"})
    client.post(detail, {"action": "answer", "comment": "已答复。"})
    assert Enquiry.objects.get().state == S.ANSWERED
    client.force_login(world["handler2"])  # another department's handler sees nothing of it
    assert enquiry.number not in client.get(reverse("enquiry_admin:queue")).content.decode()
    assert client.get(detail).status_code == 404


def test_the_dispatcher_routes_in_bulk(client, world):
    one, two = ask(world), ask(world, kind="complaint")
    client.force_login(world["dispatcher"])
    client.post(
        reverse("enquiry_admin:bulk_route"),
        {"enquiry": [one.pk, two.pk], "department": world["second"].pk},
    )
    assert set(Enquiry.objects.values_list("department", flat=True)) == {world["second"].pk}


def test_the_performance_page_shows_totals_only_with_a_chart_and_csv(client, world):
    enquiry = ask(world, policy=world["policy"], subject="机密的主题", now=at(2026, 9, 28))
    services.transition(enquiry, "accept", by=world["handler"], now=at(2026, 9, 29))
    services.transition(enquiry, "answer", by=world["handler"], comment="答", now=at(2026, 10, 9))
    services.rate(enquiry, by=world["asker"], rating=2)
    ask(world, now=at(2026, 9, 29))
    response = client.get(reverse("enquiries:performance") + "?year=2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "机密的主题" not in page and world["company"].name not in page
    csv_text = client.get(
        reverse("enquiries:performance") + "?year=2026&format=csv"
    ).content.decode("utf-8-sig")
    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    by_department = {r[1]: r for r in rows[1:]}
    first = by_department[world["first"].name]
    assert first[:4] == ["2026-09", world["first"].name, "1", "1"]
    assert first[4:] == ["100.0", "4.0", "0.0", "1", "0"]


def test_seed_demo_creates_enquiries_in_every_state(settings):
    import io

    from django.core.management import call_command

    settings.DEMO_CONTENT_ALLOWED = True
    call_command("seed_demo", stdout=io.StringIO())
    states = set(Enquiry.objects.values_list("state", flat=True))
    assert states == set(S.values)
    assert Enquiry.objects.filter(rectified=True, state=S.CLOSED).exists()
    assert Enquiry.objects.filter(events__action="supervise").exists()
    assert Enquiry.objects.filter(events__action="approve_extension").exists()
    rows = services_performance_rows()
    assert sum(r["received"] for r in rows) == Enquiry.objects.count()
    count = Enquiry.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Enquiry.objects.count() == count  # idempotent


def services_performance_rows():
    from enquiries import performance
    from zoneportal.clock import local_today

    rows = []
    for year in {local_today().year, local_today().year - 1}:
        rows += performance.table(str(year))["rows"]
    return rows
