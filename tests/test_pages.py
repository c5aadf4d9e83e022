"""The page tree, every PolicyPage field, and validation in the editor's form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    ServiceGuideIndexPage,
    ServiceGuidePage,
    StandardPage,
)
from policies.models import Department, PolicyIndexPage, PolicyPage
from tests.factories import make_user


class TestPageTree(WagtailPageTestCase):
    """Where each page type may live."""

    def test_home_page_lives_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_section_indexes_live_under_home(self):
        for index in (NewsIndexPage, ServiceGuideIndexPage, PolicyIndexPage):
            self.assertAllowedParentPageTypes(index, {HomePage})

    def test_policies_live_only_in_the_policy_index_and_have_no_children(self):
        self.assertAllowedParentPageTypes(PolicyPage, {PolicyIndexPage})
        self.assertAllowedSubpageTypes(PolicyPage, set())
        self.assertAllowedSubpageTypes(PolicyIndexPage, {PolicyPage})

    def test_news_and_guides_live_in_their_indexes(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(ServiceGuidePage, {ServiceGuideIndexPage})
        self.assertAllowedSubpageTypes(ServiceGuideIndexPage, {ServiceGuidePage})

    def test_standard_pages_nest_under_home_or_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanNotCreateAt(PolicyIndexPage, StandardPage)

    def test_the_migrated_site_has_one_home_with_its_sections(self):
        home = HomePage.objects.get()
        assert home.get_parent().depth == 1
        kinds = {type(child.specific) for child in home.get_children()}
        assert {NewsIndexPage, ServiceGuideIndexPage, PolicyIndexPage} <= kinds
        self.assertPageIsRenderable(home)


def add_policy_url(parent):
    return reverse("wagtailadmin_pages:add", args=("policies", "policypage", parent.pk))


def policy_post_data(**overrides):
    department = Department.objects.get(name="成都高新区科技创新局")
    data = {
        "title": "成都高新区集成电路设计流片补贴",
        "title_en": "Tape-out subsidy for IC design",
        "slug": "ic-tapeout",
        "department": department.pk,
        "document_number": "成高新发〔2025〕8号",
        "policy_type": "subsidy",
        "effective_date": "2025-03-01",
        "expiry_date": "2027-02-28",
        "apply_free": "on",
        "max_amount_wan": "300",
        "summary": "对首次流片的集成电路设计企业给予补贴。",
        "summary_en": "A subsidy for first tape-outs.",
        "body": streamfield([("paragraph", rich_text("第一条 支持集成电路设计企业。"))]),
        "interpretation": rich_text("一句话：流片费用最高补贴30%。"),
        "attachments": inline_formset([]),
        "programmes": inline_formset([]),
        "tags": "集成电路, 流片",
        "crit_industries": ["I65", "C39"],
        "crit_areas": ["south"],
        "crit_sizes": ["small", "medium"],
        "crit_qualifications_all": ["hnte"],
        "crit_qualifications_any": ["srdi", "gazelle"],
        "crit_min_years_established": "2",
        "crit_min_employees": "20",
        "crit_min_revenue_wan": "500",
        "crit_max_revenue_wan": "50000",
        "crit_min_rd_ratio": "5",
        "crit_requires_good_credit": "on",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    # Multiple-choice fields go to the client as lists, beside the flattened nested data.
    lists = {key: data.pop(key) for key in list(data) if isinstance(data[key], list)}
    return {**nested_form_data(data), **lists}


@pytest.fixture
def admin_client(client, db):
    from wagtail.users.models import UserProfile

    admin = make_user("root@test.example", is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"  # these tests read the admin's messages in English
    profile.save()
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_every_policy_field_is_saved_from_the_editor(admin_client, policy_index):
    response = admin_client.post(
        add_policy_url(policy_index), policy_post_data(**{"action-publish": "publish"})
    )
    assert response.status_code == 302, response.context["form"].errors
    page = PolicyPage.objects.get(slug="ic-tapeout")
    assert page.live
    assert page.title_en == "Tape-out subsidy for IC design"
    assert page.department.name == "成都高新区科技创新局"
    assert page.document_number == "成高新发〔2025〕8号"
    assert page.policy_type == "subsidy"
    assert page.effective_date == datetime.date(2025, 3, 1)
    assert page.expiry_date == datetime.date(2027, 2, 28)
    assert page.apply_free is True
    assert page.max_amount_wan == 300
    assert page.body[0].block_type == "paragraph"
    assert "流片费用" in page.interpretation
    assert sorted(t.name for t in page.tags.all()) == ["流片", "集成电路"]
    assert page.criteria == {
        "industries": ["I65", "C39"],
        "areas": ["south"],
        "sizes": ["small", "medium"],
        "qualifications_all": ["hnte"],
        "qualifications_any": ["srdi", "gazelle"],
        "min_years_established": 2,
        "min_rd_ratio": 5,
        "min_revenue_wan": 500,
        "max_revenue_wan": 50000,
        "min_employees": 20,
        "requires_good_credit": True,
    }
    # The public page shows the facts and the criteria in words.
    html = admin_client.get(page.url).content.decode()
    for fact in ("成高新发〔2025〕8号", "2027-02-28", "成都高新区科技创新局", "流片"):
        assert fact in html


@pytest.mark.django_db
def test_editing_shows_the_stored_criteria(admin_client, policy):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(policy.pk,)))
    form = response.context["form"]
    assert form.initial["crit_industries"] == ["I65"]
    assert form.initial["crit_min_rd_ratio"] == 3
    assert form.initial["crit_requires_good_credit"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"crit_min_revenue_wan": "900", "crit_max_revenue_wan": "100"},
            "crit_max_revenue_wan",
            "below the minimum",
        ),
        ({"expiry_date": "2024-01-01"}, "expiry_date", "before the effective date"),
        ({"crit_industries": ["X99"]}, "crit_industries", "X99"),
        ({"crit_min_rd_ratio": "150"}, "crit_min_rd_ratio", "100"),
        ({"policy_type": "lottery"}, "policy_type", "lottery"),
        ({"document_number": ""}, "document_number", ""),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(
    admin_client, policy_index, overrides, field, fragment
):
    data = policy_post_data(**overrides, **{"action-publish": "publish"})
    response = admin_client.post(add_policy_url(policy_index), data)
    assert response.status_code == 200  # the form again, not a redirect
    form = response.context["form"]
    assert field in form.errors
    with translation.override("en"):  # lazy messages, read in the admin user's language
        messages = [str(message) for message in form.errors[field]]
    assert any(fragment in message for message in messages), messages
    # What the editor typed is still there.
    assert form["title"].value() == "成都高新区集成电路设计流片补贴"
    assert form["crit_min_employees"].value() == "20"
    assert not PolicyPage.objects.filter(slug="ic-tapeout").exists()


@pytest.mark.django_db
def test_policy_index_lists_filters_and_hides_drafts(client, policy_index):
    from tests.factories import make_policy

    live = make_policy(title="现行研发补贴", policy_type="subsidy")
    expired = make_policy(
        title="已废止旧政策",
        expiry_date=datetime.date(2020, 12, 31),
        effective_date=datetime.date(2018, 1, 1),
    )
    draft = make_policy(title="草稿中的政策", publish=False)
    award = make_policy(title="高企认定奖励", policy_type="award", summary="首次认定给予奖励。")

    html = client.get(policy_index.url).content.decode()
    assert live.title in html and award.title in html
    assert expired.title not in html  # in force only by default
    assert draft.title not in html
    html = client.get(policy_index.url, {"status": "expired"}).content.decode()
    assert expired.title in html and live.title not in html
    html = client.get(policy_index.url, {"type": "award"}).content.decode()
    assert award.title in html and live.title not in html
    html = client.get(policy_index.url, {"q": "研发"}).content.decode()
    assert live.title in html and award.title not in html
    assert client.get(draft.url or "/policies/test-draft/").status_code == 404


@pytest.mark.django_db
def test_policy_index_query_count_does_not_grow_with_policies(
    client, policy_index, django_assert_max_num_queries
):
    from tests.factories import make_policy

    for _ in range(15):
        make_policy()
    with django_assert_max_num_queries(25):
        assert client.get(policy_index.url).status_code == 200
