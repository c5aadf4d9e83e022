"""Test data built through the same code paths the portal uses (pages added to the tree)."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

_counter = itertools.count(1)

DEFAULT_CRITERIA = {
    "industries": ["I65"],
    "areas": ["south"],
    "sizes": ["small", "medium"],
    "qualifications_all": ["hnte"],
    "qualifications_any": [],
    "min_years_established": 1,
    "min_rd_ratio": 3.0,
    "min_revenue_wan": 500,
    "max_revenue_wan": None,
    "min_employees": None,
    "requires_good_credit": True,
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("correct-horse-battery")


def make_user(email, **kwargs):
    return UserFactory(email=email, **kwargs)


def make_policy(*, publish=True, parent=None, **fields):
    """Create a PolicyPage under the policy index (and publish it unless told not to)."""
    from policies.models import Department, PolicyIndexPage, PolicyPage

    n = next(_counter)
    parent = parent or PolicyIndexPage.objects.get()
    values = {
        "title": f"测试政策{n}",
        "slug": f"test-policy-{n}",
        "department": Department.objects.order_by("pk").first(),
        "document_number": f"成高管发〔2025〕{n}号",
        "policy_type": "subsidy",
        "effective_date": datetime.date(2025, 1, 1),
        "summary": "支持企业研发投入。",
        "criteria": dict(DEFAULT_CRITERIA),
    }
    values.update(fields)
    page = PolicyPage(**values, live=False)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
