"""The policy search page, title suggestions and the search log, against the real node."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission

from search.models import SearchQuery
from tests.factories import make_policy, make_user

pytestmark = pytest.mark.django_db

URL = "/policies/search/"


def dept(name):
    from policies.models import Department

    return Department.objects.get(name=name)


@pytest.fixture
def catalogue(search_index, django_capture_on_commit_callbacks):
    """A handful of published policies, indexed through the real publish → task path."""
    science = dept("成都高新区科技创新局")
    newecon = dept("成都高新区新经济发展局")
    with django_capture_on_commit_callbacks(execute=True):
        policies = {
            "rd": make_policy(
                title="成都高新区企业研发投入补贴实施细则",
                title_en="Implementing rules on subsidies for enterprise R&D investment",
                document_number="成高科发〔2025〕3号",
                department=science,
                summary="按企业上年度研发投入增量给予最高100万元补贴。",
                summary_en="Up to CNY 1 million for growth in R&D investment.",
                criteria={"industries": ["I65"], "areas": ["south"]},
                effective_date=datetime.date(2025, 1, 1),
            ),
            "gazelle": make_policy(
                title="瞪羚企业培育奖励办法",
                title_en="Gazelle enterprise cultivation award",
                document_number="成高新经发〔2025〕8号",
                department=newecon,
                policy_type="award",
                apply_free=True,
                summary="对当年新认定的瞪羚企业给予最高50万元奖励，免申即享。",
                criteria={},
                effective_date=datetime.date(2025, 2, 1),
            ),
            "old": make_policy(
                title="2021年度研发费用补助办法",
                document_number="成高科发〔2021〕9号",
                department=science,
                summary="对研发费用给予补助。",
                criteria={"areas": ["west"]},
                effective_date=datetime.date(2021, 1, 1),
                expiry_date=datetime.date(2022, 12, 31),
            ),
            "draft": make_policy(title="未发布的研发草稿", publish=False),
        }
    return policies


def results(response):
    return [hit.page.pk for hit in response.context["result"].hits]


def test_a_chinese_word_finds_and_highlights_the_policy(client, catalogue):
    response = client.get(URL, {"q": "研发投入"})
    assert response.status_code == 200
    assert results(response)[0] == catalogue["rd"].pk
    html = response.content.decode()
    # Adjacent highlighted characters form one run, on the original (not segmented) text.
    assert "<mark>研发投入</mark>" in html
    assert catalogue["draft"].pk not in results(response)


def test_traditional_chinese_and_full_width_input_are_normalised(client, catalogue):
    assert results(client.get(URL, {"q": "研發投入"}))[0] == catalogue["rd"].pk
    assert results(client.get(URL, {"q": "ＧＡＺＥＬＬＥ"}))[0] == catalogue["gazelle"].pk


def test_document_numbers_match_exactly_and_by_their_tail(client, catalogue):
    assert results(client.get(URL, {"q": "成高科发〔2025〕3号"}))[0] == catalogue["rd"].pk
    assert results(client.get(URL, {"q": "成高科发[2025]3号"}))[0] == catalogue["rd"].pk
    assert results(client.get(URL, {"q": "2025〕8号"}))[0] == catalogue["gazelle"].pk


def test_facets_count_with_the_other_filters_applied(client, catalogue):
    response = client.get(URL, {"q": "研发", "status": "in_force"})
    result = response.context["result"]
    assert results(response) == [catalogue["rd"].pk]
    status = {b.value: b.count for b in result.facets["status"].buckets}
    # The status facet ignores its own filter (what choosing another value would give) …
    assert status == {"in_force": 1, "expired": 1}
    # … while every other facet counts only policies in force.
    types = {b.value: b.count for b in result.facets["type"].buckets}
    assert types == {"subsidy": 1}
    # Area "west" admits the old policy (west) and not the R&D one (south only).
    areas = {b.value: b.count for b in result.facets["area"].buckets}
    assert areas.get("south") == 1 and "west" not in areas


def test_industry_and_area_filters_admit_unrestricted_policies(client, catalogue):
    found = set(results(client.get(URL, {"industry": "I6513", "status": "all"})))
    assert found == {catalogue["rd"].pk, catalogue["gazelle"].pk, catalogue["old"].pk}
    found = set(results(client.get(URL, {"industry": "C27", "status": "all"})))
    assert found == {catalogue["gazelle"].pk, catalogue["old"].pk}
    found = set(results(client.get(URL, {"area": "west", "status": "all"})))
    assert found == {catalogue["gazelle"].pk, catalogue["old"].pk}


def test_sorting(client, catalogue):
    newest = results(client.get(URL, {"sort": "newest", "status": "all"}))
    assert newest == [catalogue["gazelle"].pk, catalogue["rd"].pk, catalogue["old"].pk]
    expiring = results(client.get(URL, {"sort": "expiring", "status": "all"}))
    # In force first (soonest expiry first, open-ended last), expired last.
    assert expiring[-1] == catalogue["old"].pk


def test_filters_in_the_url_are_shareable_and_toggle(client, catalogue):
    response = client.get(URL, {"q": "研发", "type": "subsidy"})
    result = response.context["result"]
    subsidy = next(b for b in result.facets["type"].buckets if b.value == "subsidy")
    assert subsidy.selected
    assert "type=subsidy" not in subsidy.url  # choosing it again removes it
    assert "q=%E7%A0%94%E5%8F%91" in subsidy.url


def test_apply_free_facet(client, catalogue):
    response = client.get(URL, {"apply_free": "1"})
    assert results(response) == [catalogue["gazelle"].pk]


def test_pinyin_and_initials_offer_the_chinese_title(client, catalogue):
    for typed in ("dengling", "dlqy", "deng ling"):
        titles = [s["title"] for s in client.get("/policies/suggest/", {"q": typed}).json()]
        assert titles == ["瞪羚企业培育奖励办法"], typed
    english = client.get("/en/policies/suggest/", {"q": "gazel"}).json()
    assert english[0]["label"] == "Gazelle enterprise cultivation award"
    assert english[0]["url"].startswith("/en/")


def test_nothing_found_suggests_titles_and_filters_to_relax(client, catalogue):
    # Full pinyin finds the policy (test_search_relevance); pinyin typed half-way finds
    # nothing, and the title is offered from the suggestions.
    response = client.get(URL, {"q": "denglingq"})
    html = response.content.decode()
    assert response.context["result"].total == 0
    assert "瞪羚企业培育奖励办法" in html  # "did you mean" from the pinyin

    response = client.get(URL, {"q": "瞪羚", "type": "subsidy"})
    result = response.context["result"]
    assert [(f.name, f.without_count) for f in result.relaxations] == [("type", 1)]
    assert result.relaxations[0].clear_url == "?q=%E7%9E%AA%E7%BE%9A&status=in_force"
    assert 'href="?q=%E7%9E%AA%E7%BE%9A&amp;status=in_force"' in response.content.decode()
    # The chosen type stays on offer (with 0) so that it can be removed again.
    chosen = [b for b in result.facets["type"].buckets if b.selected]
    assert [(b.value, b.count) for b in chosen] == [("subsidy", 0)]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "研" * 10_000,
        "title:foo AND (",
        'summary:"研发" OR body:* && !x~2 ^3 [1 TO 5] /reg.*ex/',
        "😀😀😀",
        "AI算力 券 R&D ☃ 研发",
        "\x00\x1f<script>alert(1)</script>",
        "' OR 1=1 --",
    ],
    ids=["empty", "10k", "lucene", "lucene-heavy", "emoji", "mixed", "control", "sql"],
)
def test_bad_input_gets_a_sensible_page(client, catalogue, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Exception" not in html and "search_phase" not in html
    assert not response.context["result"].degraded


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999999999999"},
        {"page": "-3"},
        {"page": "abc"},
        {"sort": "chaos"},
        {"type": "lottery", "department": "x", "industry": "%%%", "status": "maybe"},
        {"unknown": "1"},
    ],
)
def test_bad_parameters_are_ignored_or_clamped(client, catalogue, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    result = response.context["result"]
    # Bad values fall back to the defaults: the policies in force (not the expired "old").
    assert result.total == 2 and result.hits


def test_an_absurd_page_number_shows_the_last_page(client, catalogue):
    response = client.get(URL, {"page": "50"})
    assert response.context["result"].page == 1


def test_the_emoji_only_query_lists_everything_with_a_note(client, catalogue):
    response = client.get(URL, {"q": "😀", "status": "all"})
    assert response.context["result"].ignored_query
    assert response.context["result"].total == 3


def test_header_search_box_points_at_the_search_page(client, catalogue):
    html = client.get("/").content.decode()
    assert re.search(r'<form class="masthead__search"[^>]*action="/policies/search/"', html)
    html = client.get("/en/").content.decode()
    assert re.search(r'<form class="masthead__search"[^>]*action="/en/policies/search/"', html)


def test_english_page_shows_english_titles_highlighted(client, catalogue):
    response = client.get("/en/policies/search/", {"q": "gazelle"})
    html = response.content.decode()
    assert "<mark>Gazelle</mark> enterprise cultivation award" in html


# --- the search log and its report ----------------------------------------------------------


def test_each_search_is_logged_without_personal_data(client, catalogue):
    client.get(URL, {"q": "研發投入", "type": "subsidy"})
    client.get(URL, {"q": "没有这个词"})
    client.get(URL)  # browsing without a query is not a search
    rows = list(SearchQuery.objects.order_by("created_at"))
    assert [(r.query, r.hits, r.source) for r in rows] == [
        ("研发投入", 1, "page"),
        ("没有这个词", 0, "page"),
    ]
    assert rows[0].filters == {"type": ["subsidy"], "status": ["in_force"]}  # the default
    assert rows[0].took_ms >= 0 and not rows[0].degraded
    fields = {f.name for f in SearchQuery._meta.get_fields()}
    assert not fields & {"user", "ip", "session", "address", "email"}


def _staff(email, *, superuser=False, permission=False):
    from policies.roles import POLICY_EDITORS

    user = make_user(email, is_staff=True, is_superuser=superuser)  # with an authenticator app
    user.groups.add(Group.objects.get(name=POLICY_EDITORS))
    if permission:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="search", codename="view_searchquery")
        )
    return user


def test_staff_report_shows_top_and_zero_result_queries(client, db):
    searches = [
        ("研发", 3),
        ("研发", 2),
        ("研发", 1),
        ("瞪羚", 1),
        ("火星补贴", 0),
        ("火星补贴", 0),
    ]
    for query, hits in searches:
        SearchQuery.objects.create(query=query, hits=hits, took_ms=5, source="page")
    SearchQuery.objects.create(
        query="旧查询",
        hits=0,
        took_ms=5,
        source="api",
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    client.force_login(_staff("root@test.example", superuser=True))
    response = client.get("/admin/reports/search/")
    assert response.status_code == 200
    top = [row["query"] for row in response.context["top_queries"]]
    assert top[:2] == ["研发", "火星补贴"]
    assert [row["query"] for row in response.context["zero_queries"]] == ["火星补贴"]
    assert "旧查询" not in response.content.decode()
    assert "/admin/reports/search/" in client.get("/admin/").content.decode()


def test_the_report_needs_the_permission(client, db):
    client.force_login(_staff("editor-r@test.example"))
    assert client.get("/admin/reports/search/").status_code != 200
    assert "/admin/reports/search/" not in client.get("/admin/").content.decode()
    client.force_login(_staff("analyst@test.example", permission=True))
    assert client.get("/admin/reports/search/").status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_results(client, catalogue, publish_more):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL, {"q": "研发", "status": "all"})  # warm caches (site root paths, …)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "瞪羚", "status": "all"})
    publish_more(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "研发", "status": "all"})
    assert len(response.context["result"].hits) == 10
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


@pytest.fixture
def publish_more(django_capture_on_commit_callbacks):
    def publish(n):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                make_policy(title=f"研发支持政策{i}", summary="研发。", criteria={})

    return publish


def test_score_explanations_are_logged_when_asked_for(client, catalogue, caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="search.explain"):
        client.get(URL, {"q": "研发投入"})
    lines = [r.getMessage() for r in caplog.records if r.name == "search.explain"]
    assert lines and lines[0].startswith(str(catalogue["rd"].pk))


def test_industry_facet_counts_each_policy_once_per_division(
    client, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        two_codes = make_policy(
            title="软件和信息技术服务业发展扶持办法",
            summary="对软件企业给予扶持。",
            criteria={"industries": ["I6511", "I6513"]},
            effective_date=datetime.date(2025, 3, 1),
        )
    result = client.get(URL, {"status": "all"}).context["result"]
    industries = {b.value: b.count for b in result.facets["industry"].buckets}
    # I65: the two policies without an industry criterion, the R&D one (I65) and the one
    # naming two codes of the division (counted once). Divisions no policy names are not offered.
    assert industries == {"I65": 4}
    found = set(results(client.get(URL, {"industry": "I65", "status": "all"})))
    assert two_codes.pk in found and len(found) == 4
    areas = {b.value: b.count for b in result.facets["area"].buckets}
    # Area: the two policies without an area criterion admit every area, plus the one naming it.
    assert areas["south"] == 3 and areas["west"] == 3


def test_only_policies_in_force_by_default_and_all_on_request(client, catalogue):
    """Issue 15: search shows the documents in force unless asked for all."""
    default = client.get(URL, {"q": "研发"})
    assert catalogue["old"].pk not in results(default)
    status = {b.value: b for b in default.context["result"].facets["status"].buckets}
    assert status["in_force"].selected
    # Choosing "expired" too, or lifting the filter, brings the old policy back.
    everything = client.get(URL, {"q": "研发", "status": "all"})
    assert catalogue["old"].pk in results(everything)
    html = default.content.decode()
    assert "status=all" in html  # a link to every status is on offer
    # Unticking "in force" is "all statuses", not the default again.
    assert "status=all" in status["in_force"].url
    # Another filter chosen while seeing all keeps seeing all.
    links = {b.value: b.url for b in everything.context["result"].facets["type"].buckets}
    assert all("status=all" in url for url in links.values())
    # "Clear" goes back to the default view.
    assert "status" not in everything.context["clear_url"]


def _request_cache_hits(alias) -> int:
    from search.client import get_client

    stats = get_client().indices.stats(index=alias, metric="request_cache").body
    return sum(i["total"]["request_cache"]["hit_count"] for i in stats["indices"].values())


def test_a_repeated_search_is_answered_from_the_node_cache_until_a_publish(
    client, catalogue, publish_more
):
    """The hits and the facets of a search already asked come from the node's request cache
    (what keeps popular searches cheap under load), and a publish is seen at once all the
    same: the cache is dropped when the index changes."""
    from search.documents import index_name

    alias = index_name("policies")
    first = client.get(URL, {"q": "研发"})
    before = _request_cache_hits(alias)
    again = client.get(URL, {"q": "研发"})
    assert results(again) == results(first)
    assert _request_cache_hits(alias) >= before + 2  # the hits request and the facets request

    publish_more(1)
    after = client.get(URL, {"q": "研发"})
    assert after.context["result"].total == first.context["result"].total + 1
    assert any(hit.page.title == "研发支持政策0" for hit in after.context["result"].hits)
