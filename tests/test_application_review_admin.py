"""The reviewer's side of applications in the Wagtail admin: rights, queue, detail, actions,
documents, export and statistics."""

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from applications import services
from applications.models import Application, ApplicationEvent
from enterprises.models import Membership
from policies.roles import POLICY_EDITORS
from tests.factories import (
    make_application,
    make_programme,
    make_reviewer,
    make_user,
    make_verified_enterprise,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/application-review/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reviewer(db):
    user = make_reviewer("reviewer@zone.example")
    # The admin speaks the reviewer's language: English, so messages read as their msgids.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def plain_staff(db):
    user = make_user("editor-r@zone.example", is_staff=True)
    user.groups.add(Group.objects.get(name=POLICY_EDITORS))
    return user


def detail_url(application):
    return reverse("application_review:detail", args=(application.pk,))


def rows(response):
    return [row["application"].pk for row in response.context["rows"]]


def act(client, application, action, **data):
    application.refresh_from_db()
    payload = {"action": action, "version": application.version, **data}
    return client.post(detail_url(application), payload)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def submitted_days_ago(application, days):
    moment = timezone.now() - datetime.timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=moment, last_submitted_at=moment
    )


# --- who sees it -------------------------------------------------------------------------------
def test_the_menu_item_is_there_for_reviewers_only(client, reviewer, plain_staff):
    client.force_login(reviewer)
    assert QUEUE in client.get("/admin/").content.decode()
    client.force_login(make_user("root@zone.example", is_staff=True, is_superuser=True))
    assert QUEUE in client.get("/admin/").content.decode()
    client.force_login(plain_staff)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert QUEUE not in home.content.decode()


def test_staff_who_are_not_reviewers_get_403_everywhere(client, plain_staff):
    application = make_application(submit=True)
    document = application.documents.get()
    client.force_login(plain_staff)
    for path in (
        QUEUE,
        detail_url(application),
        reverse("application_review:document", args=(application.pk, document.pk)),
        reverse("application_review:export") + "?format=csv",
        reverse("application_review:statistics"),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "help-warning" in response.content.decode()
    response = client.post(detail_url(application), {"action": "accept", "version": 99})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == "submitted"


def test_anonymous_people_and_companies_are_kept_out(client):
    application = make_application(submit=True)
    document = application.documents.get()
    preview = reverse("application_review:document", args=(application.pk, document.pk))
    response = client.get(preview)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "/admin/login/" in response.url

    member = application.enterprise.memberships.get(role=Membership.Role.ADMIN).user
    client.force_login(member)
    for path in (QUEUE, detail_url(application), preview):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert not response.get("Content-Disposition")
    client.post(detail_url(application), {"action": "accept", "version": application.version})
    application.refresh_from_db()
    assert application.state == "submitted"


# --- the queue ---------------------------------------------------------------------------------
def test_the_queue_shows_submitted_work_oldest_first_and_never_drafts(reviewer_client):
    programme = make_programme()
    newer = make_application(programme=programme, submit=True)
    older = make_application(programme=programme, submit=True)
    draft = make_application(programme=programme)
    submitted_days_ago(older, 10)

    response = reviewer_client.get(QUEUE)
    assert response.status_code == 200
    assert rows(response) == [older.pk, newer.pk]
    first = response.context["rows"][0]
    older.refresh_from_db()
    assert first["days_waiting"] == older.days_waiting() > 0
    html = response.content.decode()
    assert older.reference in html and older.enterprise.name in html
    assert draft.enterprise.name not in html

    for state in ("all", "draft"):
        assert draft.pk not in rows(reviewer_client.get(QUEUE, {"state": state}))
    # A draft cannot be opened either.
    assert reviewer_client.get(detail_url(draft)).status_code == 404


def test_the_queue_filters_by_programme_state_waiting_and_overdue(reviewer_client, reviewer):
    first, second = make_programme(), make_programme()
    a = make_application(programme=first, submit=True)
    b = make_application(programme=second, submit=True)
    c = make_application(programme=second, submit=True)
    services.transition(c, "accept", by=reviewer)
    submitted_days_ago(b, 30)

    assert rows(reviewer_client.get(QUEUE, {"programme": first.pk})) == [a.pk]
    assert set(rows(reviewer_client.get(QUEUE, {"programme": second.pk}))) == {b.pk, c.pk}
    assert rows(reviewer_client.get(QUEUE, {"state": "accepted"})) == [c.pk]
    assert set(rows(reviewer_client.get(QUEUE, {"state": "submitted"}))) == {a.pk, b.pk}
    assert rows(reviewer_client.get(QUEUE, {"waiting_more_than": 5})) == [b.pk]
    assert rows(reviewer_client.get(QUEUE, {"waiting_more_than": 0})) == [b.pk]  # others: 0

    assert rows(reviewer_client.get(QUEUE, {"overdue": "on"})) == []
    Application.objects.filter(pk=c.pk).update(due_date=datetime.date(2020, 1, 2))
    response = reviewer_client.get(QUEUE, {"overdue": "on"})
    assert rows(response) == [c.pk]
    assert response.context["rows"][0]["overdue"] is True
    assert "zp-overdue" in response.content.decode()
    # Rubbish in a filter is ignored, not an error.
    response = reviewer_client.get(QUEUE, {"programme": "x", "waiting_more_than": "-3"})
    assert response.status_code == 200
    assert set(rows(response)) == {a.pk, b.pk, c.pk}


def test_waiting_more_than_counts_working_days(reviewer_client):
    """Exactly at the edge: waiting N working days is not "more than N"."""
    application = make_application(submit=True)
    submitted_days_ago(application, 21)
    application.refresh_from_db()
    waited = application.days_waiting()
    assert waited >= 10
    assert rows(reviewer_client.get(QUEUE, {"waiting_more_than": waited - 1})) == [application.pk]
    assert rows(reviewer_client.get(QUEUE, {"waiting_more_than": waited})) == []


def test_the_queue_does_not_query_per_row(reviewer_client, django_assert_max_num_queries):
    programme = make_programme()
    for _ in range(3):
        make_application(programme=programme, submit=True)
    with django_assert_max_num_queries(30) as few:
        reviewer_client.get(QUEUE)
    for _ in range(5):
        make_application(programme=programme, submit=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reviewer_client.get(QUEUE)
    assert len(response.context["rows"]) == 8


# --- one application ---------------------------------------------------------------------------
def test_the_detail_shows_snapshot_answers_documents_eligibility_and_internal_history(
    reviewer_client, reviewer
):
    application = make_application(submit=True)
    services.transition(
        application,
        "accept",
        by=reviewer,
        comment="已受理。",
        internal_note="内部：注意核对审计报告。",
    )
    enterprise = application.enterprise
    snapshot_name = application.profile_snapshot["name"]
    # The profile changes after submission; the page shows it as it was submitted.
    enterprise.name = "改名后的公司"
    enterprise.save(update_fields=["name"])

    response = reviewer_client.get(detail_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        application.reference,
        snapshot_name,
        application.profile_snapshot["credit_code"],
        "研发人员数",  # a question's label
        "项目阶段",
        "研发",
        "智能制造研发项目",
        "审计报告",
        "report.pdf",
        "内部：注意核对审计报告。",
        "已受理。",
        "300,000.00",
    ):
        assert text in html, text
    document = application.documents.get()
    assert reverse("application_review:document", args=(application.pk, document.pk)) in html
    context = response.context
    assert context["eligibility"]["stored"] == application.eligibility_snapshot
    assert context["remaining_budget"] == Decimal("2000000.00")
    assert [action.name for action, _ in context["action_forms"]] == [
        "return",
        "approve",
        "reject",
    ]
    approve_form = {a.name: f for a, f in context["action_forms"]}["approve"]
    assert approve_form["amount"].value() == Decimal("300000.00")
    assert approve_form["version"].value() == application.version + 1  # accepted since


def test_the_detail_shows_todays_eligibility_when_it_changed(reviewer_client):
    application = make_application(submit=True)
    Application.objects.filter(pk=application.pk).update(
        eligibility_snapshot={
            "status": "ineligible",
            "criteria": [{"key": "industries", "met": False, "explanation": "旧的说明"}],
        }
    )
    response = reviewer_client.get(detail_url(application))
    eligibility = response.context["eligibility"]
    assert eligibility["changed"] is True
    assert eligibility["current"]["status"] == "eligible"
    assert "旧的说明" in response.content.decode()


# --- actions -----------------------------------------------------------------------------------
def test_accept_return_resubmit_approve_through_the_admin(reviewer_client, reviewer):
    application = make_application(submit=True)
    applicant = application.created_by

    response = act(reviewer_client, application, "accept", internal_note="看过了")
    assert response.status_code == 302
    assert response.url == detail_url(application)
    application.refresh_from_db()
    assert application.state == "accepted"
    assert application.due_date is not None
    event = application.events.last()
    assert (event.action, event.actor, event.role, event.internal_note) == (
        "accept",
        reviewer,
        ApplicationEvent.Role.REVIEWER,
        "看过了",
    )
    page = reviewer_client.get(response.url)
    assert any(m.level_tag == "success" for m in page.context["messages"])

    response = act(
        reviewer_client,
        application,
        "return",
        **{
            "reason__doc-audit": "审计报告缺少盖章页。",
            "reason__q-staff": "",
            "comment": "请补正后重新提交。",
            "internal_note": "第二次退回前请电话联系。",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "returned"
    assert application.return_reasons == {"doc-audit": "审计报告缺少盖章页。"}
    event = application.events.last()
    assert event.reasons == {"doc-audit": "审计报告缺少盖章页。"}
    assert event.comment == "请补正后重新提交。"
    assert event.internal_note == "第二次退回前请电话联系。"
    html = reviewer_client.get(detail_url(application)).content.decode()
    assert "审计报告: 审计报告缺少盖章页。" in html  # the reason named by its document

    services.accept_declaration(application, by=applicant)
    services.submit(application, by=applicant)
    assert act(reviewer_client, application, "accept").status_code == 302
    response = act(reviewer_client, application, "approve", amount="250000.00", comment="同意")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.amount_approved == Decimal("250000.00")
    assert application.decided_by == reviewer
    assert [e.action for e in application.events.all()] == [
        "start",
        "submit",
        "accept",
        "return",
        "resubmit",
        "accept",
        "approve",
    ]


def test_rejecting_needs_a_reason(reviewer_client, reviewer):
    application = make_application(submit=True)
    services.transition(application, "accept", by=reviewer)
    response = act(reviewer_client, application, "reject", comment="  ", internal_note="留着")
    assert response.status_code == 400
    assert response.context["action_forms"][2][1].errors["comment"]
    assert "留着" in response.content.decode()  # the reviewer's input is kept
    application.refresh_from_db()
    assert application.state == "accepted"

    response = act(reviewer_client, application, "reject", comment="不符合研发投入要求。")
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == (
        "rejected",
        "不符合研发投入要求。",
    )


def test_returning_without_any_reason_is_refused_with_the_services_message(reviewer_client):
    application = make_application(submit=True)
    response = act(reviewer_client, application, "return", internal_note="我的笔记")
    assert response.status_code == 400
    assert any("Say what the applicant must correct" in m for m in messages_of(response))
    assert "我的笔记" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "submitted"


def test_an_illegal_action_is_refused_with_a_clear_message(reviewer_client):
    application = make_application(submit=True)
    events = application.events.count()
    response = act(reviewer_client, application, "approve", amount="1000", comment="直接通过")
    assert response.status_code == 409
    assert any("cannot be" in m and "Approve" in m for m in messages_of(response))
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.events.count() == events

    response = act(reviewer_client, application, "submit")  # not a reviewer's action at all
    assert response.status_code == 400
    response = act(reviewer_client, application, "withdraw")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == "submitted"


def test_a_stale_page_is_refused_and_the_text_kept(reviewer_client, reviewer):
    application = make_application(submit=True)
    services.transition(application, "accept", by=reviewer)
    application.refresh_from_db()
    seen = application.version
    # Another reviewer's change moves the version on without changing the state.
    Application.objects.filter(pk=application.pk).update(version=seen + 1)

    response = reviewer_client.post(
        detail_url(application),
        {"action": "reject", "version": seen, "comment": "我写了很久的理由。"},
    )
    assert response.status_code == 409
    assert any("changed after you opened it" in m for m in messages_of(response))
    assert "我写了很久的理由。" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "accepted"
    # The page now carries the current version: a second, deliberate post works.
    forms = {a.name: f for a, f in response.context["action_forms"]}
    assert int(forms["reject"]["version"].value()) == seen + 1
    response = reviewer_client.post(
        detail_url(application),
        {"action": "reject", "version": seen + 1, "comment": "我写了很久的理由。"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "rejected"


def test_a_decision_taken_meanwhile_is_refused(reviewer_client, reviewer):
    application = make_application(submit=True)
    services.transition(application, "accept", by=reviewer)
    application.refresh_from_db()
    seen = application.version
    services.transition(application, "reject", by=make_reviewer(), comment="另一位评审驳回")
    response = reviewer_client.post(
        detail_url(application),
        {"action": "approve", "version": seen, "amount": "1000"},
    )
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.state == "rejected"


def test_approving_over_the_budget_shows_the_services_message(reviewer_client, reviewer):
    programme = make_programme(budget=Decimal("500000.00"))
    first = make_application(programme=programme, submit=True)
    second = make_application(programme=programme, submit=True)
    for application in (first, second):
        services.transition(application, "accept", by=reviewer)
    assert act(reviewer_client, first, "approve", amount="300000").status_code == 302

    response = act(reviewer_client, second, "approve", amount="300000", internal_note="预算？")
    assert response.status_code == 400
    assert any("left in the budget" in m and "200,000.00" in m for m in messages_of(response))
    assert "预算？" in response.content.decode()
    second.refresh_from_db()
    assert second.state == "accepted"

    response = act(reviewer_client, second, "approve", amount="400000")
    assert any("more than the" in m and "requested" in m for m in messages_of(response))
    assert act(reviewer_client, second, "approve", amount="200000").status_code == 302
    second.refresh_from_db()
    assert second.amount_approved == Decimal("200000.00")


# --- documents ---------------------------------------------------------------------------------
def xlsx_upload(name):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "研发费用"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_documents_preview_inline_with_their_chinese_names(reviewer_client):
    application = make_application()
    user = application.created_by
    pdf = services.add_document(
        application, by=user, requirement_id="doc-audit", upload=pdf_upload("审计报告2025.pdf")
    )
    sheet = services.add_document(
        application, by=user, requirement_id="doc-rd", upload=xlsx_upload("研发费用.xlsx")
    )
    services.accept_declaration(application, by=user)
    services.submit(application, by=user)

    url = reverse("application_review:document", args=(application.pk, pdf.pk))
    response = reviewer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f"filename*=UTF-8''{quote('审计报告2025.pdf')}" in disposition
    assert disposition.encode("latin-1")  # the header itself stays ASCII
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    response = reviewer_client.get(
        reverse("application_review:document", args=(application.pk, sheet.pk))
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert quote("研发费用.xlsx") in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"

    # A document of another application under this one's number is not found.
    other = make_application(submit=True)
    wrong = reverse("application_review:document", args=(application.pk, other.documents.get().pk))
    assert reviewer_client.get(wrong).status_code == 404


def test_a_drafts_documents_are_not_for_reviewers(reviewer_client):
    draft = make_application()
    url = reverse("application_review:document", args=(draft.pk, draft.documents.get().pk))
    assert reviewer_client.get(url).status_code == 404


# --- export ------------------------------------------------------------------------------------
def test_csv_and_excel_exports_contain_the_filtered_rows(reviewer_client, reviewer):
    wanted, other = make_programme(), make_programme()
    a = make_application(programme=wanted, submit=True)
    b = make_application(programme=wanted, submit=True)
    make_application(programme=other, submit=True)
    make_application(programme=wanted)  # a draft: never exported
    services.transition(b, "accept", by=reviewer)
    submitted_days_ago(a, 8)
    export = reverse("application_review:export")

    response = reviewer_client.get(export, {"programme": wanted.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert len(header) == len(body[0])
    a.refresh_from_db()
    b.refresh_from_db()
    assert [r[0] for r in body] == [a.reference, b.reference]  # oldest waiting first
    assert body[0][1] == a.enterprise.name  # Chinese intact
    assert body[0][6] == "300000.00"
    assert body[0][10] == str(a.days_waiting())

    response = reviewer_client.get(
        export, {"programme": wanted.pk, "state": "accepted", "format": "xlsx"}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2
    assert values[1][0] == b.reference
    assert values[1][1] == b.enterprise.name
    assert Decimal(str(values[1][6])) == Decimal("300000")
    assert values[1][11].date() == b.due_date

    assert reviewer_client.get(export, {"format": "pdf"}).status_code == 400


def test_exports_never_turn_a_company_name_into_a_formula(reviewer_client):
    enterprise = make_verified_enterprise(name='=HYPERLINK("http://x")公司')
    application = make_application(enterprise=enterprise, submit=True)
    export = reverse("application_review:export")
    text = reviewer_client.get(export, {"format": "csv"}).content.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == application.reference)
    assert row[1].startswith("'=")
    sheet = openpyxl.load_workbook(
        io.BytesIO(reviewer_client.get(export, {"format": "xlsx"}).content)
    ).active
    cell = next(r for r in sheet.iter_rows() if r[0].value == application.reference)[1]
    assert cell.data_type == "s"
    assert cell.value == enterprise.name


# --- statistics --------------------------------------------------------------------------------
def test_statistics_count_states_budgets_and_review_time(reviewer_client, reviewer):
    programme = make_programme(budget=Decimal("1000000.00"))
    approved = make_application(programme=programme, submit=True)
    rejected = make_application(programme=programme, submit=True)
    waiting = make_application(programme=programme, submit=True)
    make_application(programme=programme)  # a draft, not counted
    for application in (approved, rejected):
        services.transition(application, "accept", by=reviewer)
    services.transition(approved, "approve", by=reviewer, amount="250000")
    services.transition(rejected, "reject", by=reviewer, comment="不符合")

    response = reviewer_client.get(reverse("application_review:statistics"))
    assert response.status_code == 200
    counts = {value: n for value, _, n in response.context["states"]}
    assert counts["approved"] == 1
    assert counts["rejected"] == 1
    assert counts["submitted"] == 1
    assert "draft" not in counts
    assert response.context["total"] == 3
    row = next(r for r in response.context["programmes"] if r["programme"] == programme)
    assert row["approved"] == Decimal("250000.00")
    assert row["remaining"] == Decimal("750000.00")
    assert row["applications"] == 3
    assert row["used_percent"] == 25
    # Both decided today, submitted today: no working day has passed.
    assert response.context["stats"]["average_review_days"] == 0
    assert response.context["stats"]["decided"] == 2
    assert "750,000.00" in response.content.decode()
    assert waiting.days_waiting() == 0  # submitted today, still waiting


def test_the_exclusivity_group_snippet_is_in_the_admin(client):
    client.force_login(make_user("root3@zone.example", is_staff=True, is_superuser=True))
    response = client.get(reverse("wagtailsnippets_policies_exclusivitygroup:add"))
    assert response.status_code == 200
    response = client.post(
        reverse("wagtailsnippets_policies_exclusivitygroup:add"),
        {"name": "研发补助类", "name_en": "R&D subsidies", "description": ""},
    )
    assert response.status_code == 302
    from policies.models import ExclusivityGroup

    assert ExclusivityGroup.objects.filter(name="研发补助类").exists()
