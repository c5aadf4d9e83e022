"""The enterprises index: documents built from the database and kept true on commit."""

import datetime
from decimal import Decimal

import pytest

from enterprises.models import Qualification, QualificationType
from policies.matching import Facts, HeldQualification
from search.enterprise_index import enterprise_version, facts_document, sync_enterprise
from tests.factories import make_enterprise
from tests.matching_support import (
    admin_client,
    enterprises_index,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def source(alias, pk):
    client = admin_client()
    client.indices.refresh(index=alias)
    found = client.options(ignore_status=404).get(index=alias, id=str(pk))
    return found["_source"] if found.get("found") else None


def test_the_document_holds_exact_facts():
    doc = facts_document(
        Facts(
            industry="i6513",
            area="south",
            established=datetime.date(2019, 5, 1),
            employees=120,
            revenue_wan=Decimal("500"),
            rd_expense_wan=Decimal("15"),
            qualifications=(
                HeldQualification("hnte", datetime.date(2025, 1, 1)),
                HeldQualification("hnte", datetime.date(2027, 12, 31)),
            ),
            good_credit=True,
        )
    )
    assert doc["industry"] == "I6513"
    assert doc["industry_prefixes"] == ["I65", "I651", "I6513"]
    assert doc["size"] == "small"  # software row: 120 employees, but revenue below 1,000
    assert doc["revenue_cents"] == doc["revenue_cents_ceil"] == 50000
    assert doc["rd_ratio_bp"] == 300  # exactly 3 %
    assert doc["qual_until"] == {"hnte": "2027-12-31"}  # the latest validity per code
    assert doc["quals_stated"] is True and doc["good_credit"] is True


def test_missing_facts_are_absent():
    doc = facts_document(Facts())
    assert set(doc) == {"quals_stated", "qual_until"}
    assert doc["quals_stated"] is False


def test_profile_and_qualification_changes_reach_the_index(
    enterprises_index,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    alias = enterprises_index.alias
    with django_capture_on_commit_callbacks(execute=True):
        enterprise = make_enterprise(industry_code="I65", employees=50, revenue_wan=2000)
    doc = source(alias, enterprise.pk)
    assert doc["industry"] == "I65" and doc["employees"] == 50 and doc["qual_until"] == {}

    with django_capture_on_commit_callbacks(execute=True):
        enterprise.employees = 300
        enterprise.save()
    assert source(alias, enterprise.pk)["employees"] == 300

    before = enterprise_version(enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        Qualification.objects.create(
            enterprise=enterprise,
            type=QualificationType.objects.get(code="hnte"),
            certificate_number="GR2024510001",
            valid_from=datetime.date(2024, 1, 1),
            valid_until=datetime.date(2026, 12, 31),
        )
    enterprise.refresh_from_db()
    assert enterprise_version(enterprise) > before  # a qualification moves the version on
    assert source(alias, enterprise.pk)["qual_until"] == {"hnte": "2026-12-31"}

    with django_capture_on_commit_callbacks(execute=True):
        enterprise.delete()
    assert source(alias, enterprise.pk) is None


def test_an_older_version_never_overwrites_a_newer_one(enterprises_index):  # noqa: F811
    from search import indexing

    enterprise = make_enterprise(employees=10)
    stale = facts_document(Facts.from_enterprise(enterprise))
    old_version = enterprise_version(enterprise)
    enterprise.employees = 99
    enterprise.save()
    assert sync_enterprise(enterprise.pk) == "indexed"
    assert indexing.upsert_source("enterprises", enterprise.pk, stale, old_version) == "stale"
    assert source(enterprises_index.alias, enterprise.pk)["employees"] == 99
