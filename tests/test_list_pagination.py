"""A company's long lists come a page at a time (20 per page), newest first, with the shared
previous/next links: applications and enquiries."""

import pytest

from tests.factories import make_application, make_programme, make_verified_enterprise


@pytest.fixture
def member_client(client):
    enterprise = make_verified_enterprise()
    user = enterprise.memberships.get().user
    client.force_login(user)
    return client, enterprise, user


@pytest.mark.django_db
def test_applications_are_listed_twenty_a_page(member_client):
    client, enterprise, user = member_client
    made = [
        make_application(enterprise, make_programme(), user=user, complete=False) for _ in range(21)
    ]
    first = client.get("/applications/")
    assert len(first.context["applications"]) == 20
    assert first.context["page_obj"].paginator.num_pages == 2
    assert 'rel="next"' in first.content.decode()
    second = client.get("/applications/?page=2")
    assert [a.pk for a in second.context["applications"]] == [made[0].pk]  # the oldest last
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.django_db
def test_enquiries_are_listed_twenty_a_page_none_left_out(member_client):
    from enquiries import services

    client, enterprise, user = member_client
    asked = [
        services.ask(enterprise, by=user, kind="policy", subject=f"问题{n}", text="请问如何申报？")
        for n in range(21)
    ]
    first = client.get("/enquiries/")
    assert len(first.context["enquiries"]) == 20
    second = client.get("/enquiries/?page=2")
    assert [e.pk for e in second.context["enquiries"]] == [asked[0].pk]
    shown = {e.pk for e in first.context["enquiries"]} | {e.pk for e in second.context["enquiries"]}
    assert shown == {e.pk for e in asked}
