"""Published versions of a policy (历史版本), their differences, and repeal (废止)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies import history
from policies.in_force import EXPIRED, IN_FORCE, UPCOMING, last_day, status_on
from policies.models import PolicyPage
from tests.factories import make_policy

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def revise(policy, **changes):
    page = policy.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    policy.refresh_from_db()
    return policy


def test_every_published_version_is_kept_and_shown_with_its_differences(client):
    policy = make_policy(
        title="研发投入补贴办法",
        summary="按研发投入给予补贴。最高100万元。",
        criteria={"industries": ["I65"]},
    )
    revise(policy, summary="按研发投入给予补贴。最高200万元。", criteria={"industries": ["C27"]})
    # A draft saved afterwards is not public history.
    draft = policy.get_latest_revision_as_object()
    draft.summary = "草稿中的秘密修改。"
    draft.save_revision()

    listing = client.get(policy.url + "history/")
    assert listing.status_code == 200
    assert [v.number for v in listing.context["versions"]] == [2, 1]
    assert "草稿中的秘密修改" not in listing.content.decode()

    page = client.get(policy.url + "history/2/")
    html = page.content.decode()
    assert page.status_code == 200
    changed = {c.label for c in page.context["changes"]}
    assert changed == {"政策概要", "支持对象与条件"}
    # Inside the changed sentence, only the figure is marked.
    assert "<del>1</del><ins>2</ins>" in html
    assert "草稿中的秘密修改" not in html
    criteria = next(c for c in page.context["changes"] if c.lines)
    assert [op for op, _text in criteria.segments] == ["delete", "insert"]

    first = client.get(policy.url + "history/1/")
    assert first.status_code == 200 and first.context["previous"] is None
    assert client.get(policy.url + "history/3/").status_code == 404
    assert client.get(policy.url + "history/x/").status_code == 404


def test_an_unchanged_republish_has_an_empty_difference():
    policy = make_policy()
    revise(policy)
    versions = history.published_versions(policy)
    assert len(versions) == 2
    assert history.compare(versions[0].page, versions[1].page) == []
    assert history.fingerprint(versions[0].page) == history.fingerprint(versions[1].page)


def test_the_text_diff_marks_sentences_and_characters():
    segments = history.diff_text("第一句。第二句保留。", "第二句保留。第三句新增。")
    assert ("delete", "第一句。") in segments
    assert ("insert", "第三句新增。") in segments
    assert ("equal", "第二句保留。") in segments


def test_a_repealed_policy_is_no_longer_in_force_and_links_its_successor(client):
    successor = make_policy(title="新版研发补贴办法")
    old = make_policy(title="旧版研发补贴办法", effective_date=datetime.date(2020, 1, 1))
    assert PolicyPage.objects.in_force(TODAY).filter(pk=old.pk).exists()
    revise(old, repealed_on=datetime.date(2026, 6, 1), superseded_by=successor)

    assert not old.is_in_force(TODAY)
    assert old.is_in_force(datetime.date(2026, 5, 31))  # the day before the repeal
    assert not PolicyPage.objects.in_force(TODAY).filter(pk=old.pk).exists()
    html = client.get(old.url).content.decode()
    assert "已废止" in html and "2026-06-01" in html
    assert successor.url in html
    assert old.title in client.get(successor.url).content.decode()  # "supersedes"
    # The policy list shows the policies in force by default, and all on request.
    listing = client.get("/policies/").content.decode()
    assert "旧版研发补贴办法" not in listing and "新版研发补贴办法" in listing
    assert "旧版研发补贴办法" in client.get("/policies/", {"status": "all"}).content.decode()
    # What changed is in the history too.
    labels = {c.label for c in client.get(old.url + "history/2/").context["changes"]}
    assert {"废止日期", "被替代为"} <= labels


def test_superseding_needs_a_repeal_date():
    from django.core.exceptions import ValidationError

    successor = make_policy()
    old = make_policy()
    old.superseded_by = successor
    with pytest.raises(ValidationError) as error:
        old.full_clean()
    assert "repealed_on" in error.value.message_dict


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 12, 31))


@given(effective=dates, expiry=st.none() | dates, repealed=st.none() | dates, day=dates)
def test_the_status_rule_agrees_with_the_database_rule(effective, expiry, repealed, day):
    """``status_on`` and the last day in force say the same thing for every combination."""
    status = status_on(effective, expiry, day, repealed)
    end = last_day(expiry, repealed)
    if end is not None and end < day:
        assert status == EXPIRED
    elif effective > day:
        assert status == UPCOMING
    else:
        assert status == IN_FORCE
    if repealed is not None and repealed <= day:
        assert status == EXPIRED


def test_a_repealed_policy_leaves_the_in_force_search(
    client, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        policy = make_policy(title="将被废止的人才政策", effective_date=datetime.date(2020, 1, 1))
    found = client.get("/policies/search/", {"q": "人才政策", "status": "in_force"})
    assert [h.page.pk for h in found.context["result"].hits] == [policy.pk]
    with django_capture_on_commit_callbacks(execute=True):
        revise(policy, repealed_on=datetime.date(2024, 1, 1))
    found = client.get("/policies/search/", {"q": "人才政策", "status": "in_force"})
    assert found.context["result"].hits == []
    found = client.get("/policies/search/", {"q": "人才政策", "status": "expired"})
    assert [h.page.pk for h in found.context["result"].hits] == [policy.pk]
