"""The applicant's pages: the task list from start to submission, errors kept, scoping."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application
from tests.factories import (
    make_application,
    make_member,
    make_programme,
    make_verified_enterprise,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _admin_of(enterprise):
    return enterprise.memberships.order_by("pk").first().user


def test_policy_page_offers_open_programmes(client):
    programme = make_programme()
    response = client.get(programme.page.url)
    assert response.status_code == 200
    assert reverse("applications:start", args=[programme.pk]) in response.content.decode()


def test_full_journey_through_the_task_list(client):
    enterprise = make_verified_enterprise()
    user = _admin_of(enterprise)
    programme = make_programme()
    client.force_login(user)

    response = client.post(reverse("applications:start", args=[programme.pk]))
    application = Application.objects.get(enterprise=enterprise, programme=programme)
    assert response.url == reverse("applications:detail", args=[application.pk])
    # A second start (double click) leads to the same application.
    client.post(reverse("applications:start", args=[programme.pk]))
    assert Application.objects.filter(enterprise=enterprise).count() == 1

    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "task-status--not_started" in page

    url = reverse("applications:applicant", args=[application.pk])
    response = client.post(
        url,
        {
            "contact_name": "王五",
            "contact_phone": "028-1234",
            "contact_email": "w@x.example",
            "continue": "",
        },
    )
    assert response.url == reverse("applications:project", args=[application.pk])

    url = reverse("applications:amount", args=[application.pk])
    response = client.post(url, {"amount_requested": "900000", "continue": ""})
    assert response.status_code == 200  # above the maximum: the form says so, input kept
    body = response.content.decode()
    assert "900000" in body and "500,000.00" in body

    client.post(url, {"amount_requested": "300000", "save_draft": ""})
    application.refresh_from_db()
    assert application.amount_requested == Decimal("300000")

    client.post(
        reverse("applications:project", args=[application.pk]),
        {"project_title": "项目", "project_summary": "概述", "q_q-staff": "12", "continue": ""},
    )
    response = client.post(
        reverse("applications:documents", args=[application.pk]),
        {
            "requirement": "doc-audit",
            "file": SimpleUploadedFile("fake.pdf", b"\x89PNG\r\n\x1a\n0000", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not application.documents.exists()
    client.post(
        reverse("applications:documents", args=[application.pk]),
        {"requirement": "doc-audit", "file": pdf_upload("审计报告.pdf")},
    )
    assert application.documents.count() == 1
    client.post(reverse("applications:declaration", args=[application.pk]), {"accept": "on"})

    check_url = reverse("applications:check", args=[application.pk])
    assert client.get(check_url).status_code == 200
    response = client.post(check_url)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert response.url == reverse("applications:submitted", args=[application.pk])
    assert application.reference in client.get(response.url).content.decode()
    # Posting again (back button, double click) makes no second submission.
    client.post(check_url)
    assert application.events.filter(action="submit").count() == 1


def test_other_company_cannot_reach_the_application(client):
    application = make_application(submit=True)
    document = application.documents.get()
    stranger = make_verified_enterprise()
    client.force_login(_admin_of(stranger))
    for name, args in [
        ("detail", [application.pk]),
        ("applicant", [application.pk]),
        ("check", [application.pk]),
        ("withdraw", [application.pk]),
        ("document_download", [application.pk, document.pk]),
    ]:
        assert client.get(reverse(f"applications:{name}", args=args)).status_code == 404
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.state == "submitted"


def test_member_downloads_document_and_withdraws(client):
    application = make_application(submit=True)
    client.force_login(make_member(application.enterprise))
    document = application.documents.get()
    response = client.get(
        reverse("applications:document_download", args=[application.pk, document.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.post(reverse("applications:withdraw", args=[application.pk]), {"comment": "不再需要"})
    application.refresh_from_db()
    assert application.state == "withdrawn"


def test_submitted_application_cannot_be_edited(client):
    application = make_application(submit=True)
    client.force_login(_admin_of(application.enterprise))
    response = client.post(
        reverse("applications:amount", args=[application.pk]), {"amount_requested": "1"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.amount_requested == Decimal("300000.00")
