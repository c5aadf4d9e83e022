"""Questions and answers (问答): staff publish an answered policy question, anonymised and with
the asker's consent, on the policy page; search finds the policy by the FAQ's words."""

import pytest
from django.urls import reverse

from enquiries import services
from enquiries.models import FAQ, Enquiry, EnquiryState
from enquiries.rules import EnquiryError
from policies.models import Department
from policies.roles import ENQUIRY_DISPATCHERS, ENQUIRY_HANDLERS, ENQUIRY_SUPERVISORS
from tests.factories import make_enquiry_staff, make_enterprise, make_policy, make_user
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db
S = EnquiryState
QUESTION = "研发费用加计扣除的归集口径如何确定？"
ANSWER = "按税务口径归集，委托研发按实际发生额的80%计入。"


staff = make_enquiry_staff


@pytest.fixture
def world():
    first, second = Department.objects.order_by("pk")[:2]
    company = make_enterprise(name="蓉芯微电子有限公司")
    return {
        "company": company,
        "asker": company.memberships.get().user,
        "policy": make_policy(department=first, title="企业研发费用补助办法"),
        "first": first,
        "handler": staff(ENQUIRY_HANDLERS, "h1@zone.example", first),
        "handler2": staff(ENQUIRY_HANDLERS, "h2@zone.example", second),
        "dispatcher": staff(ENQUIRY_DISPATCHERS, "disp@zone.example"),
        "supervisor": staff(ENQUIRY_SUPERVISORS, "sup@zone.example"),
    }


def answered(world, *, kind="policy", consent=True, answer=True, **kw):
    enquiry = services.ask(
        world["company"],
        by=world["asker"],
        kind=kind,
        subject="研发费用口径",
        text="蓉芯微电子有限公司想问：研发费用如何归集？",
        policy=world["policy"],
        faq_consent=consent,
        **kw,
    )
    services.transition(enquiry, "accept", by=world["handler"])
    if answer:
        services.transition(enquiry, "answer", by=world["handler"], comment="按税务口径归集。")
    return Enquiry.objects.get(pk=enquiry.pk)


def publish(enquiry, by):
    return services.publish_faq(enquiry, by=by, question=QUESTION, answer=ANSWER)


def refused(enquiry, by) -> str:
    with pytest.raises(EnquiryError) as caught:
        publish(enquiry, by)
    assert not FAQ.objects.exists()
    return caught.value.code


def test_an_answered_policy_question_with_consent_is_published(world):
    enquiry = answered(world)
    faq = publish(enquiry, world["handler"])
    assert (faq.policy, faq.question, faq.answer) == (world["policy"], QUESTION, ANSWER)
    assert faq.enquiry == enquiry and faq.published and faq.published_by == world["handler"]
    with pytest.raises(EnquiryError) as caught:  # once only
        publish(enquiry, world["supervisor"])
    assert caught.value.code == "published" and FAQ.objects.count() == 1


def test_a_rated_and_closed_question_may_be_published_by_a_supervisor(world):
    enquiry = answered(world)
    services.rate(enquiry, by=world["asker"], rating=5)
    enquiry.refresh_from_db()
    assert enquiry.state == S.CLOSED
    assert publish(enquiry, world["supervisor"]).enquiry == enquiry


def test_without_the_askers_consent_nothing_is_published(world):
    assert refused(answered(world, consent=False), world["handler"]) == "consent"


@pytest.mark.parametrize("kind", ["difficulty", "complaint"])
def test_only_policy_questions_become_faqs(world, kind):
    assert refused(answered(world, kind=kind), world["handler"]) == "kind"


def test_an_unanswered_or_reopened_question_is_not_published(world):
    assert refused(answered(world, answer=False), world["handler"]) == "state"
    enquiry = answered(world)
    services.rate(enquiry, by=world["asker"], rating=1)  # reopened for rectification
    assert refused(Enquiry.objects.get(pk=enquiry.pk), world["handler"]) == "state"


def test_only_the_handling_department_or_a_supervisor_publishes(world):
    enquiry = answered(world)
    assert refused(enquiry, world["handler2"]) == "forbidden"
    assert refused(enquiry, world["asker"]) == "forbidden"
    assert refused(enquiry, make_user("editor@zone.example", is_staff=True)) == "forbidden"


def test_the_question_and_answer_must_be_written(world):
    enquiry = answered(world)
    with pytest.raises(EnquiryError) as caught:
        services.publish_faq(enquiry, by=world["handler"], question=" ", answer=ANSWER)
    assert caught.value.code == "text" and not FAQ.objects.exists()


def test_the_policy_page_in_english_lists_the_faqs(client, world):
    publish(answered(world), world["handler"])
    deliver()
    page = client.get("/en" + world["policy"].url).content.decode()
    assert "Frequently asked questions" in page and QUESTION in page


def test_staff_publish_from_the_admin_and_the_policy_page_shows_it(client, world):
    enquiry = answered(world)
    client.force_login(world["handler"])
    detail = reverse("enquiry_admin:detail", args=[enquiry.pk])
    page = client.get(detail).content.decode()
    # The form starts from the enquiry's text and answer, for the staff member to anonymise.
    assert reverse("enquiry_admin:publish_faq", args=[enquiry.pk]) in page
    assert "蓉芯微电子有限公司想问" in page and "按税务口径归集。" in page
    response = client.post(
        reverse("enquiry_admin:publish_faq", args=[enquiry.pk]),
        {"question": QUESTION, "answer": ANSWER},
    )
    assert response.status_code == 302 and response.url == detail
    assert FAQ.objects.get().question == QUESTION
    assert "已于" in client.get(detail).content.decode()  # published, no second form

    client.logout()
    policy_page = client.get(world["policy"].url).content.decode()
    assert "常见问答" in policy_page and QUESTION in policy_page and ANSWER in policy_page
    assert "蓉芯微电子" not in policy_page  # the staff's anonymised text, not the enquiry's


def test_the_admin_says_when_the_asker_did_not_consent(client, world):
    enquiry = answered(world, consent=False)
    client.force_login(world["handler"])
    page = client.get(reverse("enquiry_admin:detail", args=[enquiry.pk])).content.decode()
    assert "未同意公开" in page
    assert reverse("enquiry_admin:publish_faq", args=[enquiry.pk]) not in page
    client.post(
        reverse("enquiry_admin:publish_faq", args=[enquiry.pk]),
        {"question": QUESTION, "answer": ANSWER},
    )
    assert not FAQ.objects.exists()


def test_another_departments_handler_cannot_publish(client, world):
    enquiry = answered(world)
    client.force_login(world["handler2"])
    response = client.post(
        reverse("enquiry_admin:publish_faq", args=[enquiry.pk]),
        {"question": QUESTION, "answer": ANSWER},
    )
    assert response.status_code == 404
    assert not FAQ.objects.exists()


def test_a_policy_without_faqs_shows_no_faq_section(client, world):
    assert "常见问答" not in client.get(world["policy"].url).content.decode()


def test_search_finds_the_policy_by_its_faq_with_the_faq_badge(
    client, world, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world["policy"].save_revision().publish()  # indexed as it is, without a FAQ
    deliver()
    assert not _found(client, "归集口径")

    enquiry = answered(world)
    with django_capture_on_commit_callbacks(execute=True):
        publish(enquiry, world["handler"])
    deliver()
    response = _found(client, "归集口径")
    assert [hit.page.pk for hit in response.context["result"].hits] == [world["policy"].pk]
    page = response.content.decode()
    assert "问答" in page and "tag--faq" in page
    assert "研发费用加计扣除的" in page  # the matching question is shown with the result


def _found(client, q):
    response = client.get("/policies/search/", {"q": q})
    assert response.status_code == 200
    return response if response.context["result"].hits else None


def test_seed_demo_publishes_a_faq_on_the_demo_policy(client, settings):
    import io

    from django.core.management import call_command

    settings.DEMO_CONTENT_ALLOWED = True
    call_command("seed_demo", stdout=io.StringIO())
    faq = FAQ.objects.get()
    assert faq.enquiry.faq_consent and faq.enquiry.kind == "policy"
    assert faq.question in client.get(faq.policy.url).content.decode()
    call_command("seed_demo", stdout=io.StringIO())
    assert FAQ.objects.count() == 1  # idempotent


def test_staff_correct_a_faq_and_take_it_off_the_page_and_out_of_search(
    client, world, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world["policy"].save_revision().publish()
    faq = publish(answered(world), world["handler"])
    deliver()
    assert _found(client, "归集口径")

    client.force_login(world["handler"])
    edit = reverse("enquiry_admin:edit_faq", args=[faq.pk])
    assert QUESTION in client.get(reverse("enquiry_admin:faqs")).content.decode()
    corrected = "委托研发费用如何计入加计扣除？"
    response = client.post(edit, {"question": corrected, "answer": ANSWER, "published": "on"})
    assert response.status_code == 302
    deliver()
    client.logout()
    policy_page = client.get(world["policy"].url).content.decode()
    assert corrected in policy_page and QUESTION not in policy_page
    assert _found(client, "加计扣除 委托研发")  # found by the corrected words

    client.force_login(world["supervisor"])  # a supervisor may take any FAQ off
    client.post(edit, {"question": corrected, "answer": ANSWER})  # "published" unticked
    deliver()
    client.logout()
    assert "常见问答" not in client.get(world["policy"].url).content.decode()
    assert not _found(client, "加计扣除 委托研发")
    assert FAQ.objects.get().published is False  # kept, for putting back


def test_a_faq_edit_needs_both_texts_and_the_right(client, world):
    faq = publish(answered(world), world["handler"])
    with pytest.raises(EnquiryError) as caught:
        services.edit_faq(faq, by=world["handler"], question=" ", answer=ANSWER, published=True)
    assert caught.value.code == "text"
    with pytest.raises(EnquiryError) as caught:
        services.edit_faq(faq, by=world["handler2"], question="改", answer="改", published=True)
    assert caught.value.code == "forbidden"
    assert FAQ.objects.get().question == QUESTION
