"""Programmes are edited on the policy's "Applications" tab; applied-to ones cannot be removed."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from applications.models import Programme
from tests.factories import make_application, make_programme, make_user
from tests.test_workflow import edit_data


def programme_form(programme, **extra):
    data = {
        "id": programme.pk,
        "name": programme.name,
        "name_en": programme.name_en,
        "description": "",
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2026-12-31 17:00",
        "max_amount": "500000.00",
        "budget": "2000000.00",
        "review_days": 15,
        "notice_days": 5,
        "objection_contact": "",
        "documents": streamfield([]),
        "questions": streamfield([]),
    }
    data.update(extra)
    return data


def post(client, page, programmes):
    data = edit_data(page, **{"action-publish": "publish"})
    data.update(
        nested_form_data({"programmes": inline_formset(programmes, initial=len(programmes))})
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)


@pytest.fixture
def superuser(client, db):
    user = make_user("root@zone.example", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_a_window_that_closes_before_it_opens_is_refused(client, superuser):
    programme = make_programme()
    response = post(
        client,
        programme.page,
        [programme_form(programme, opens_at="2026-12-01 09:00", closes_at="2026-11-01 09:00")],
    )
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.opens_at < programme.closes_at


def test_a_programme_without_applications_can_be_removed(client, superuser):
    programme = make_programme()
    response = post(client, programme.page, [programme_form(programme, DELETE="1")])
    assert response.status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_a_programme_with_applications_stays(client, superuser, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    application = make_application(submit=True)
    programme = application.programme
    response = post(client, programme.page, [programme_form(programme, DELETE="1")])
    assert response.status_code == 200
    assert "cannot be removed" in response.content.decode() or "不能删除" in (
        response.content.decode()
    )
    assert Programme.objects.filter(pk=programme.pk).exists()
