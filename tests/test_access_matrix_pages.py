"""The access matrix for the public pages of issue 16: /programmes/, /sitemap/, /accessibility/
and /sitemap.xml. Read from the URLconf (the ``programmes`` and ``site`` namespaces), so a new
URL there without an entry fails the suite.

Each is public and read-only: anonymous visitors, a member of company A, a member of company B
and zone staff all get 200 for GET, 405 for POST; and a signed-in member sees no other
company's facts there (these pages show none).
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.factories import make_application, make_member, make_programme, make_user

# name → methods anyone may use
PUBLIC = {
    "programmes:list": ("GET",),
    "site:sitemap": ("GET",),
    "site:accessibility": ("GET",),
    "sitemap_xml": ("GET",),
}


def names_in(namespace: str) -> list[str]:
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return [f"{namespace}:{pattern.name}" for pattern in resolver.url_patterns]


def test_every_public_page_url_is_in_the_matrix():
    mounted = names_in("programmes") + names_in("site") + ["sitemap_xml"]
    assert sorted(mounted) == sorted(PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_for_every_visitor(name):
    programme = make_programme()
    a = make_application(programme=programme)
    b = make_application(programme=programme)
    visitors = {
        "anonymous": None,
        "member of A": make_member(a.enterprise),
        "member of B": b.enterprise.memberships.first().user,
        "staff": make_user(f"staff-pages-{name.replace(':', '-')}@zone.example", is_staff=True),
    }
    path = reverse(name)
    for who, user in visitors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, (who, path)
        body = response.content.decode()
        assert b.enterprise.name not in body, (who, "another company's name")
        assert b.enterprise.credit_code not in body, (who, "another company's code")
        assert client.post(path).status_code == 405, (who, path)
