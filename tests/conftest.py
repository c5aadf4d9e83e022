"""Shared fixtures: users in the staff groups, policies built through the real page tree."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import fresh_cache_generation, make_policy, make_user
from tests.outbox_support import CommittingClient

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
def client():
    return CommittingClient()


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


# --- Elasticsearch ------------------------------------------------------------------------
# Index names carry this process's unique prefix (settings.SEARCH_INDEX_PREFIX); every index
# under it is deleted when the session ends.


@pytest.fixture(scope="session", autouse=True)
def _remove_test_indices():
    yield
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from search.indexing import delete_all

    try:
        delete_all()
    except (ApiError, TransportError) as exc:  # the node may be stopped by a fault test
        print(f"could not delete the test indices: {exc}")


@pytest.fixture
def search_index():
    """An empty policies index behind its alias (documents of earlier tests removed)."""
    from search import indexing
    from search.client import get_client

    # Generous: another test run sharing the node may be pausing it for a fault test.
    client = get_client().options(request_timeout=30)
    for name in indexing.concrete_indices("policies", client):
        client.indices.delete(index=name)
    return indexing.ensure_index("policies", client)


@pytest.fixture
def page_cache(settings):
    """The page cache on, from a generation no other test used, emptied at the end."""
    from django.core.cache import cache

    from zoneportal.page_cache import GENERATION_KEY

    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 60
    fresh_cache_generation()
    yield
    cache.incr(GENERATION_KEY)
