"""Keeping the policies index true: signals, versions, rebuild without downtime, status.

These run the tasks eagerly in the test process (``django_capture_on_commit_callbacks`` runs
what ``transaction.on_commit`` queued); ``test_indexing_worker.py`` runs the same path through
a real Celery worker and Redis.
"""

import dataclasses
import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command

from notifications.models import OutboxMessage
from policies.models import PolicyIndexPage, PolicyPage
from search import indexing
from search.client import get_client
from search.policy_index import POLICIES, policy_document, policy_queryset, policy_version
from search.registry import KINDS
from search.tasks import sync_policy
from tests.factories import make_policy

pytestmark = pytest.mark.django_db


def document(page_id):
    client = get_client()
    alias = indexing.alias_of("policies")
    response = client.options(ignore_status=404).get(index=alias, id=str(page_id))
    return response.body if response.body.get("found") else None


def search_ids(q):
    client = get_client()
    response = client.search(
        index=indexing.alias_of("policies"),
        query={"multi_match": {"query": q, "fields": ["title", "title_seg"], "operator": "and"}},
        size=100,
    )
    return {int(hit["_id"]) for hit in response["hits"]["hits"]}


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Make a policy, running the tasks its publication queues (eagerly)."""

    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_policy(**fields)

    return make


# --- signals → tasks → index ------------------------------------------------------------------


def test_publish_makes_a_policy_searchable(search_index, publish):
    page = publish(title="瞪羚企业培育奖励办法", document_number="成高新经发〔2025〕8号")
    doc = document(page.pk)
    assert doc["_source"]["title"] == "瞪羚企业培育奖励办法"
    assert "瞪羚企业" in doc["_source"]["title_seg"].split()
    assert doc["_source"]["document_number_key"] == "成高新经发〔2025〕8号"
    assert doc["_source"]["url_path"] == page.get_url()
    assert doc["_version"] == policy_version(policy_queryset().get(pk=page.pk))
    assert search_ids("瞪羚") == {page.pk}


def test_a_saved_draft_never_reaches_the_index(
    search_index, publish, django_capture_on_commit_callbacks
):
    page = publish(title="原标题政策")
    before = document(page.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft = page.get_latest_revision_as_object()
        draft.title = "草稿里的新标题"
        draft.save_revision()
    assert not [c for c in callbacks if "index_policy" in repr(c)]
    after = document(page.pk)
    assert after["_source"]["title"] == "原标题政策"
    assert after["_version"] == before["_version"]
    assert search_ids("草稿") == set()


def test_republish_updates_unpublish_removes(
    search_index, publish, django_capture_on_commit_callbacks
):
    page = publish(title="第一版政策")
    with django_capture_on_commit_callbacks(execute=True):
        draft = page.get_latest_revision_as_object()
        draft.title = "第二版政策"
        draft.save_revision().publish()
    assert document(page.pk)["_source"]["title"] == "第二版政策"
    with django_capture_on_commit_callbacks(execute=True):
        PolicyPage.objects.get(pk=page.pk).unpublish()
    assert document(page.pk) is None
    assert search_ids("政策") == set()


def test_delete_removes(search_index, publish, django_capture_on_commit_callbacks):
    page = publish(title="将被删除的政策")
    assert document(page.pk) is not None
    with django_capture_on_commit_callbacks(execute=True):
        PolicyPage.objects.get(pk=page.pk).delete()
    assert document(page.pk) is None


def test_a_move_reindexes_with_the_new_url(
    search_index, publish, django_capture_on_commit_callbacks
):
    from cms.models import HomePage

    page = publish(title="搬家的政策")
    other = PolicyIndexPage(title="其他政策", slug="other-policies")
    HomePage.objects.get().add_child(instance=other)
    other.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        PolicyPage.objects.get(pk=page.pk).move(other, pos="last-child")
    assert document(page.pk)["_source"]["url_path"].startswith("/other-policies/")


def test_a_renamed_department_reindexes_its_policies(
    search_index, publish, django_capture_on_commit_callbacks
):
    page = publish(title="部门改名的政策")
    department = page.department
    with django_capture_on_commit_callbacks(execute=True):
        department.name = "成都高新区科技创新局（新名）"
        department.save()
    assert document(page.pk)["_source"]["department"] == "成都高新区科技创新局（新名）"


def test_a_page_behind_a_view_restriction_is_not_indexed(search_index, publish):
    from wagtail.models import PageViewRestriction

    page = publish(title="内部政策")
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert sync_policy(page.pk) == indexing.DELETED
    assert document(page.pk) is None


# --- versions ---------------------------------------------------------------------------------


def test_an_older_version_arriving_late_does_not_overwrite(
    search_index, publish, django_capture_on_commit_callbacks
):
    page = publish(title="版本一")
    old_row = policy_queryset().get(pk=page.pk)
    old_source, old_version = policy_document(old_row), policy_version(old_row)
    with django_capture_on_commit_callbacks(execute=True):
        draft = page.get_latest_revision_as_object()
        draft.title = "版本二"
        draft.save_revision().publish()
    # The task that read version one only now gets to write it.
    assert indexing.upsert_source(POLICIES, page.pk, old_source, old_version) == indexing.STALE
    assert document(page.pk)["_source"]["title"] == "版本二"


def test_an_older_write_cannot_bring_back_an_unpublished_policy(
    search_index, publish, django_capture_on_commit_callbacks
):
    page = publish(title="撤回的政策")
    row = policy_queryset().get(pk=page.pk)
    source, version = policy_document(row), policy_version(row)
    with django_capture_on_commit_callbacks(execute=True):
        PolicyPage.objects.get(pk=page.pk).unpublish()
    assert indexing.upsert_source(POLICIES, page.pk, source, version) == indexing.STALE
    assert document(page.pk) is None


def test_tasks_are_idempotent(search_index, publish):
    page = publish(title="重复执行")
    first = document(page.pk)
    assert sync_policy(page.pk) == indexing.INDEXED
    assert sync_policy(page.pk) == indexing.INDEXED
    again = document(page.pk)
    assert again["_version"] == first["_version"] and again["_source"] == first["_source"]
    assert sync_policy(999_999_999) in (indexing.MISSING, indexing.DELETED)


def test_with_the_node_down_an_eager_task_defers_and_publishing_still_works(
    search_index, settings, django_capture_on_commit_callbacks, caplog
):
    url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens: connection refused
    get_client.cache_clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            page = make_policy(title="节点宕机时发布")
        assert PolicyPage.objects.get(pk=page.pk).live
        # The indexing waits in the outbox, to be tried again (search_index status shows it).
        waiting = OutboxMessage.objects.get(task="search.index_policy", kwargs={"page_id": page.pk})
        assert waiting.done_at is None and "Connection" in waiting.last_error
    finally:
        settings.ELASTICSEARCH_URL = url
        get_client.cache_clear()
    assert document(page.pk) is None  # the drift `search_index status` reports


# --- rebuild and status -----------------------------------------------------------------------


def _many(n, prefix="批量政策"):
    return [make_policy(title=f"{prefix}{i:03d}", criteria={}) for i in range(n)]


def test_rebuild_under_concurrent_searches_loses_no_answer(search_index, publish):
    target = publish(title="瞪羚企业培育奖励办法")
    _many(40)  # published without indexing: only the rebuild brings them in
    indexing.rebuild("policies", batch_size=5)
    old_indices = indexing.concrete_indices("policies")

    client = get_client()
    alias = indexing.alias_of("policies")
    answers, errors = [], []
    stop = threading.Event()

    def search_in_a_loop():
        while not stop.is_set():
            try:
                response = client.search(
                    index=alias, query={"match_phrase": {"title": "瞪羚企业"}}, size=5
                )
                answers.append([hit["_id"] for hit in response["hits"]["hits"]])
            except Exception as exc:  # noqa: BLE001 - any failure is what this test counts
                errors.append(exc)

    slow_batches = []

    def progress(done, total):
        slow_batches.append(done)
        time.sleep(0.05)  # let the searches interleave with every batch

    thread = threading.Thread(target=search_in_a_loop)
    thread.start()
    try:
        report = indexing.rebuild("policies", batch_size=5, progress=progress)
    finally:
        stop.set()
        thread.join(10)
    assert not errors
    assert len(answers) > 20
    assert all(answer == [str(target.pk)] for answer in answers)
    assert report.indexed == 41 and len(slow_batches) > 5
    new_indices = indexing.concrete_indices("policies")
    assert new_indices == [report.index] and new_indices != old_indices
    assert not any(client.indices.exists(index=name) for name in old_indices)


def test_writes_during_a_rebuild_reach_the_new_index(
    search_index, django_capture_on_commit_callbacks
):
    _many(12)
    published = []

    def progress(done, total):
        if done and not published:  # a policy is published while the rebuild streams
            with django_capture_on_commit_callbacks(execute=True):
                published.append(make_policy(title="重建期间发布的政策", criteria={}))

    indexing.rebuild("policies", batch_size=4, progress=progress)
    assert document(published[0].pk)["_source"]["title"] == "重建期间发布的政策"


def test_a_failed_rebuild_leaves_the_live_index_alone(search_index, publish, monkeypatch):
    page = publish(title="保持在线的政策")
    before = indexing.concrete_indices("policies")

    def broken(row):
        raise RuntimeError("boom")

    monkeypatch.setitem(KINDS, "policies", dataclasses.replace(POLICIES, to_document=broken))
    with pytest.raises(RuntimeError):
        indexing.rebuild("policies")
    assert indexing.concrete_indices("policies") == before
    assert document(page.pk) is not None
    client = get_client()
    assert not client.indices.exists_alias(name=indexing.next_alias_of("policies"))


def test_status_shows_drift_and_rebuild_repairs_it(search_index, publish):
    indexed = publish(title="已索引")
    missing = make_policy(title="未索引")  # on_commit never ran: not in the index
    ghost = 987_654_321
    indexing.upsert_source(POLICIES, ghost, {"title": "幽灵"}, 1)

    state = indexing.status("policies")
    assert state.database_count == 2 and state.index_count == 2
    assert state.missing == [str(missing.pk)] and state.extra == [str(ghost)]
    assert state.drift

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("search_index", "status", "--kind", "policies", "--check", stdout=out)
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert f"missing from the index: {missing.pk}" in text
    assert f"in the index but not in the database: {ghost}" in text

    out = io.StringIO()
    call_command("search_index", "rebuild", "--kind", "policies", "--batch-size", "1", stdout=out)
    assert "100% 2/2" in out.getvalue()
    assert "[" in out.getvalue() and "#" in out.getvalue()

    out = io.StringIO()
    call_command("search_index", "status", "--kind", "policies", "--check", stdout=out)
    assert "No drift." in out.getvalue()
    assert document(indexed.pk) is not None and document(ghost) is None


def test_rebuild_and_status_cover_every_registered_kind(search_index, publish):
    publish(title="全部重建")
    out = io.StringIO()
    call_command("search_index", "rebuild", stdout=out)
    for kind in KINDS:
        assert f"Rebuilding {kind}" in out.getvalue()
    out = io.StringIO()
    call_command("search_index", "status", "--check", stdout=out)
    assert "No drift." in out.getvalue()
    assert all(name in out.getvalue() for name in KINDS)


def test_status_of_a_missing_index(settings, db):
    settings.SEARCH_INDEX_PREFIX = settings.SEARCH_INDEX_PREFIX + "-absent"
    state = indexing.status("policies")
    assert state.index_count is None and state.drift


def test_the_command_rejects_unknown_kinds(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="unknown kind"):
        call_command("search_index", "rebuild", "--kind", "martians")


def test_a_rebuild_refuses_to_run_twice_at_once(search_index):
    client = get_client()
    stray = indexing.alias_of("policies") + "-stray"
    client.indices.create(index=stray, aliases={indexing.next_alias_of("policies"): {}})
    try:
        with pytest.raises(indexing.RebuildError, match="seems to be running"):
            indexing.rebuild("policies")
        indexing.rebuild("policies", force=True)  # takes over and cleans up
        assert not client.indices.exists(index=stray)
    finally:
        client.indices.delete(index=stray, ignore_unavailable=True)


def test_the_mapping_uses_core_features_only(search_index):
    mapping = get_client().indices.get_mapping(index=indexing.alias_of("policies"))
    properties = next(iter(mapping.body.values()))["mappings"]["properties"]
    analysers = {p.get("analyzer") for p in properties.values() if p.get("type") == "text"}
    assert analysers <= {"standard", "whitespace"}
    assert properties["suggest"]["type"] == "completion"
    dates = datetime.date  # documents carry ISO dates
    assert dates.fromisoformat("9999-12-31")
