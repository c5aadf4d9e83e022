"""Fulfilment pages: the applicant sees each instalment on the application page, finance works
a batch in the admin (a refused result file shows its report), the ledger and the public totals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fulfilment import services
from fulfilment.models import Instalment
from tests.factories import make_programme, make_verified_enterprise
from tests.fulfilment_support import final_award, finance, line, plan, result_csv, verified_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client):
    company = make_verified_enterprise()
    programme = make_programme()
    plan(programme, [50, 50], acceptance=True)
    award = final_award(company, programme)
    money = finance()
    verified_account(company, money)
    client.force_login(money)
    response = client.post(
        reverse("fulfilment_admin:batches"),
        {"instalment": [award.instalments.get(number=1).pk], "note": "十二月第一批"},
    )
    batch_url = response.url
    client.post(batch_url, {"action": "submit"})
    return {"company": company, "award": award, "finance": money, "batch_url": batch_url}


def test_the_applicant_sees_each_instalment_and_its_payment(client, submitted):
    award = submitted["award"]
    first = award.instalments.get(number=1)
    assert first.state == "submitted"
    data = result_csv([line(first, date="2026-12-03")])
    client.post(
        submitted["batch_url"],
        {"action": "results", "file": SimpleUploadedFile("result.csv", data)},
    )
    client.force_login(submitted["company"].memberships.get(role="admin").user)
    page = client.get(reverse("applications:detail", args=[award.application_id])).content.decode()
    assert "已拨付" in page and "2026-12-03" in page
    assert "待验收" in page  # the second instalment waits for acceptance
    ledger = client.get(reverse("fulfilment:ledger")).content.decode()
    assert "已拨付" in ledger
    csv = client.get(reverse("fulfilment:ledger") + "?format=csv").content.decode("utf-8-sig")
    assert "2026-12-03" in csv


def test_a_refused_result_file_shows_every_wrong_line(client, submitted):
    first = submitted["award"].instalments.get(number=1)
    data = result_csv([line(first, amount=1), line(first)])
    response = client.post(
        submitted["batch_url"],
        {"action": "results", "file": SimpleUploadedFile("result.csv", data)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "import-report" in page
    assert Instalment.objects.get(pk=first.pk).state == "submitted"


def test_the_export_is_an_xlsx_workbook(client, submitted):
    response = client.get(submitted["batch_url"] + "export/")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_public_totals_with_a_server_side_chart(client, submitted):
    batch = services.create_batch(by=submitted["finance"])  # another draft, unrelated
    assert batch.number.startswith("PB-")
    page = client.get(reverse("fulfilment:totals")).content.decode()
    assert "<svg" in page and "<rect" in page
    assert submitted["award"].programme.page.title in page
    assert submitted["company"].name not in page
    csv = client.get(reverse("fulfilment:totals") + "?format=csv").content.decode("utf-8-sig")
    assert submitted["award"].programme.page.title in csv
