"""Editors submit, approvers publish; scheduled pages go live when their time comes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.tasks import publish_scheduled_pages
from policies.models import PolicyPage
from policies.roles import WORKFLOW_NAME
from tests.factories import make_policy


def edit_data(page, **extra):
    data = {
        "title": page.title,
        "title_en": page.title_en,
        "slug": page.slug,
        "department": page.department_id,
        "document_number": page.document_number,
        "policy_type": page.policy_type,
        "effective_date": page.effective_date.isoformat(),
        "expiry_date": "",
        "summary": page.summary,
        "summary_en": "",
        "body": streamfield([("paragraph", rich_text("第一条 修订后的条款。"))]),
        "interpretation": rich_text(""),
        "attachments": inline_formset([]),
        "programmes": inline_formset([]),
        "exclusivity_group": "",
        "tags": "",
        "comments": inline_formset([]),
        "max_amount_wan": "",
    }
    data.update(extra)
    return nested_form_data(data)


@pytest.mark.django_db
def test_the_site_is_covered_by_the_policy_review_workflow(policy):
    assert policy.get_workflow().name == WORKFLOW_NAME


@pytest.mark.django_db
def test_an_editor_cannot_publish_but_an_approver_can(client, editor, approver):
    page = make_policy(title="待审核的政策", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))

    client.force_login(editor)
    client.post(edit_url, edit_data(page, **{"action-publish": "publish"}))
    page.refresh_from_db()
    assert not page.live, "an editor must not be able to publish"

    response = client.post(edit_url, edit_data(page, **{"action-submit": "submit"}))
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state

    # The editor cannot approve their own submission.
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)
    )
    client.post(approve_url, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.force_login(approver)
    response = client.post(approve_url, {"comment": "同意发布"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert "修订后的条款" in str(page.body[0].value)


@pytest.mark.django_db
def test_an_approver_may_publish_directly(client, approver):
    page = make_policy(title="直接发布的政策", publish=False)
    client.force_login(approver)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        edit_data(page, **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live


@pytest.mark.django_db
def test_a_saved_draft_does_not_change_the_public_page(client, policy):
    draft = policy.get_latest_revision_as_object()
    draft.summary = "尚未发布的修改"
    draft.save_revision()
    assert "尚未发布的修改" not in client.get(policy.url).content.decode()
    assert PolicyPage.objects.get(pk=policy.pk).has_unpublished_changes


@pytest.mark.django_db
def test_scheduled_publishing_runs_from_the_periodic_task(client):
    page = make_policy(title="定时发布的政策", publish=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=2)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live  # scheduled, not yet published
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None

    publish_scheduled_pages()  # too early: nothing happens
    page.refresh_from_db()
    assert not page.live

    # Let the clock pass the scheduled time (in the revision and its approval).
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    publish_scheduled_pages()
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_beat_runs_scheduled_publishing_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"]
    assert entry["task"] == publish_scheduled_pages.name
    assert entry["schedule"].minute == set(range(60))


@pytest.mark.django_db
def test_page_tree_root_is_not_editable_by_editors(editor):
    root = Page.objects.get(depth=1)
    perms = root.permissions_for_user(editor)
    assert not perms.can_publish()
