"""Shared fixtures: users in the staff groups, policies built through the real page tree."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import make_policy, make_user

OUTPUT_DIR = Path(
    os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parent.parent / "test-output")
)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Simplified Chinese), whatever ran before."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def policy_index():
    from policies.models import PolicyIndexPage

    return PolicyIndexPage.objects.get()


@pytest.fixture
def department():
    from policies.models import Department

    return Department.objects.get(name="成都高新区科技创新局")


@pytest.fixture
def policy(db):
    return make_policy(
        title="成都高新区支持企业加大研发投入的若干政策",
        title_en="Measures to support enterprise R&D investment",
        effective_date=datetime.date(2024, 1, 1),
    )


def _staff(group_name, email):
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    from policies.roles import POLICY_EDITORS

    return _staff(POLICY_EDITORS, "editor@test.example")


@pytest.fixture
def approver(db):
    from policies.roles import POLICY_APPROVERS

    return _staff(POLICY_APPROVERS, "approver@test.example")
