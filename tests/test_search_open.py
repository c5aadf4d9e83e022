"""The "open for applications" filter: a programme's window open now, judged when the search runs.

Against the real node: programmes are added on the policy and the page published again (what the
editor's "Applications" tab does), which re-indexes the policy with its windows.
"""

import datetime

import pytest
from django.utils import timezone

from policies.models import PolicyPage
from search import fallback
from search.client import get_client
from search.documents import index_name
from search.queries import PolicyQuery, SearchParams, facet_counts, facet_results
from tests.factories import make_policy, make_programme

pytestmark = pytest.mark.django_db

URL = "/policies/search/"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def windows(search_index, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        policies = {
            name: make_policy(title=f"{title}申报指南", summary="研发补贴。", criteria={})
            for name, title in [
                ("open", "集成电路流片补贴"),
                ("closed", "首台套装备奖励"),
                ("future", "人工智能算力券"),
                ("none", "人才安居补贴"),
            ]
        }
    make_programme(policies["open"], opens_at=now - 10 * DAY, closes_at=now + 30 * DAY)
    make_programme(policies["open"], opens_at=now - 60 * DAY, closes_at=now - 30 * DAY)
    make_programme(policies["closed"], opens_at=now - 60 * DAY, closes_at=now - DAY)
    make_programme(policies["future"], opens_at=now + 5 * DAY, closes_at=now + 60 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        for policy in policies.values():
            PolicyPage.objects.get(pk=policy.pk).save_revision().publish()
    return policies


def found(response):
    return {hit.page.pk for hit in response.context["result"].hits}


def test_only_policies_with_a_window_open_now_are_found(client, windows):
    response = client.get(URL, {"open": "1"})
    assert found(response) == {windows["open"].pk}
    result = response.context["result"]
    assert result.total == 1
    # The facet's count (every other filter applied, not its own) agrees with the hits.
    counts = {b.value: b.count for b in result.facets["open"].buckets}
    assert counts == {"1": 1}
    assert found(client.get(URL)) == {policy.pk for policy in windows.values()}


def test_the_facet_counts_agree_with_the_filter_under_a_query(client, windows):
    response = client.get(URL, {"q": "补贴"})
    counts = {b.value: b.count for b in response.context["result"].facets["open"].buckets}
    with_filter = client.get(URL, {"q": "补贴", "open": "1"})
    assert counts == {"1": len(found(with_filter))} == {"1": 1}


def test_windows_open_and_close_without_reindexing(windows):
    """The index holds the windows; the moment is the search's, so nothing is re-indexed."""

    def open_at(moment):
        body = PolicyQuery(
            SearchParams(filters={"open": ["1"]}), moment.date(), now=moment, suggest=False
        ).to_dict()
        answer = get_client().search(index=index_name("policies"), body=body)
        ids = {int(hit["_id"]) for hit in answer["hits"]["hits"]}
        open_facet = facet_results(answer["aggregations"])["open"]
        assert dict(facet_counts(open_facet)) == {"1": len(ids)}
        return ids

    now = timezone.now()
    assert open_at(now) == {windows["open"].pk}
    assert open_at(now + 10 * DAY) == {windows["open"].pk, windows["future"].pk}
    assert open_at(now + 45 * DAY) == {windows["future"].pk}
    assert open_at(now + 90 * DAY) == set()


def test_the_database_fallback_applies_the_same_rule(windows):
    _total, _page, pages, _highlights = fallback.database_search(
        SearchParams(filters={"open": ["1"]}), timezone.localdate()
    )
    assert {page.pk for page in pages} == {windows["open"].pk}
