"""Every page runs a fixed number of queries, whatever the number of items it shows.

Each test builds the page's items twice — N, then 3N more — and asserts the same ceiling both
times (django_assert_max_num_queries), so a query per item fails the second measurement.
"""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    fresh_cache_generation,
    make_member,
    make_policy,
    make_verified_enterprise,
)

N = 4


@pytest.fixture(autouse=True)
def navigation_cache(settings):
    """The cached menu and breadcrumbs as in production, from a fresh generation."""
    settings.NAVIGATION_CACHE_SECONDS = 60
    fresh_cache_generation()


def add_policies(count, **fields):
    return [
        make_policy(criteria={}, effective_date=datetime.date(2025, 1, 1), **fields)
        for _ in range(count)
    ]


def add_news(count):
    from cms.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.get()
    pages = []
    for n in range(count):
        page = NewsPage(
            title=f"高新区新闻{n}-{timezone.now().timestamp()}",
            slug=f"news-{n}-{int(timezone.now().timestamp() * 1e6)}",
            date=datetime.date(2025, 3, 1),
            summary="新闻摘要。",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        pages.append(page)
        index.refresh_from_db()
    return pages


def add_guides(count):
    from cms.models import ServiceGuideIndexPage, ServiceGuidePage

    index = ServiceGuideIndexPage.objects.get()
    pages = []
    for n in range(count):
        page = ServiceGuidePage(
            title=f"办事指南{n}-{timezone.now().timestamp()}",
            slug=f"guide-{n}-{int(timezone.now().timestamp() * 1e6)}",
            audience="在高新区注册的企业",
            time_limit="5个工作日",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        pages.append(page)
        index.refresh_from_db()
    return pages


def measure(client, django_assert_max_num_queries, path, limit, grow, **kwargs):
    """Assert ``limit`` on ``path`` with N items, then with 4N (``grow(count)`` adds items)."""
    grow(N)
    for _ in range(2):
        # Warm per-process caches (site root paths, settings). The first request of a test
        # also creates the site's contact settings row (a site setting is created when first
        # read), which starts a new page-cache generation: the second warms the new one.
        for _warm in range(2):
            client.get(path, **kwargs)
        with django_assert_max_num_queries(limit):
            response = client.get(path, **kwargs)
        assert response.status_code == 200, path
        grow(3 * N)


@pytest.mark.django_db
def test_home_page(client, django_assert_max_num_queries):
    measure(
        client, django_assert_max_num_queries, "/", 11, lambda n: (add_policies(n), add_news(n))
    )


@pytest.mark.django_db
def test_policy_list(client, django_assert_max_num_queries):
    measure(client, django_assert_max_num_queries, "/policies/", 13, add_policies)


@pytest.mark.django_db
def test_policy_detail(client, django_assert_max_num_queries):
    from tests.factories import make_programme

    policy = make_policy(criteria={"industries": ["I65"], "areas": ["south"]})

    def grow(count):
        for _ in range(count):
            make_programme(policy)

    measure(client, django_assert_max_num_queries, policy.url, 17, grow)


@pytest.mark.django_db
def test_news_list_and_detail(client, django_assert_max_num_queries):
    measure(client, django_assert_max_num_queries, "/news/", 14, add_news)
    page = add_news(1)[0]
    measure(client, django_assert_max_num_queries, page.url, 12, add_news)


@pytest.mark.django_db
def test_service_guides(client, django_assert_max_num_queries):
    from cms.models import ServiceGuideIndexPage

    index_url = ServiceGuideIndexPage.objects.get().url
    measure(client, django_assert_max_num_queries, index_url, 11, add_guides)
    page = add_guides(1)[0]
    measure(client, django_assert_max_num_queries, page.url, 11, add_guides)


@pytest.mark.django_db
def test_search_page_and_api(
    client, search_index, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def grow(count):
        with django_capture_on_commit_callbacks(execute=True):
            add_policies(count, title="成都高新区研发补贴政策", summary="研发投入补贴。")

    measure(client, django_assert_max_num_queries, "/policies/search/?q=研发", 10, grow)
    measure(client, django_assert_max_num_queries, "/api/v1/policies?q=研发", 9, grow)
    policy = add_policies(1)[0]
    measure(client, django_assert_max_num_queries, f"/api/v1/policies/{policy.pk}", 6, grow)


@pytest.mark.django_db
def test_match_calculator(client, search_index, django_assert_max_num_queries):
    measure(
        client,
        django_assert_max_num_queries,
        "/policies/match/?industry=I6513&area=south",
        7,
        add_policies,
    )


@pytest.mark.django_db
def test_signed_in_enterprise_pages(client, django_assert_max_num_queries):
    from notifications.models import Notification

    enterprise = make_verified_enterprise()
    owner = enterprise.memberships.get().user
    client.force_login(owner)

    def grow(count):
        for n in range(count):
            make_member(enterprise)
            Notification.objects.create(
                user=owner,
                enterprise=enterprise,
                kind="system",
                key=f"probe-{timezone.now().timestamp()}-{n}",
                title="您有一条新消息",
                body="请查看。",
            )

    measure(client, django_assert_max_num_queries, "/enterprise/", 15, grow)
    measure(client, django_assert_max_num_queries, "/enterprise/messages/", 12, grow)
