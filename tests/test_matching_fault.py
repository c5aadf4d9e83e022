"""Degrade, don't fail: with the Elasticsearch node hung, matching answers from the database.

The node is paused (SIGSTOP: its socket stays open but nothing answers, as when it hangs), so
every request to it times out. The API and the pages still answer, with the same statuses as
before, and say they are degraded; once the node resumes, matching uses it again.
"""

import json
import time

import pytest
from django.conf import settings

from enterprises.models import Area
from tests.factories import make_enterprise, make_policy, make_user
from tests.matching_support import (
    admin_client,
    policies_index,  # noqa: F401
)
from tests.services import paused, port_of

pytestmark = pytest.mark.django_db

FACTS = {"industry": "I65", "area": "south", "revenue_wan": 2000, "rd_expense_wan": 150}


def match(client):
    response = client.post("/api/v1/match", data=json.dumps(FACTS), content_type="application/json")
    assert response.status_code == 200
    return response.json()


def summary(data):
    return [
        (r["policy"]["id"], r["status"], [c["met"] for c in r["criteria"]]) for r in data["results"]
    ]


def test_matching_degrades_while_the_node_hangs_and_recovers(client, policies_index):  # noqa: F811
    policies_index(
        make_policy(title="研发补贴", criteria={"industries": ["I65"], "min_rd_ratio": 3}),
        make_policy(title="西部园区", criteria={"areas": ["west"]}),
        make_policy(title="普惠", criteria={}),
    )
    owner = make_user("owner@test.example")
    make_enterprise(owner, industry_code="I65", area=Area.objects.get(code="south"))
    client.force_login(owner)

    healthy = match(client)
    assert healthy["degraded"] is False
    assert [s for _id, s, _m in summary(healthy)] == ["eligible", "eligible", "near"]

    with paused(port_of(settings.ELASTICSEARCH_URL)):
        started = time.monotonic()
        degraded = match(client)
        page = client.get("/en/enterprise/matches/")
        calculator = client.get("/en/policies/match/?industry=I65&area=south")
        elapsed = time.monotonic() - started
    assert degraded["degraded"] is True
    assert summary(degraded) == summary(healthy)  # the same answer, from the database
    assert page.status_code == 200 and "Simplified matching." in page.content.decode()
    assert calculator.status_code == 200 and "Simplified matching." in calculator.content.decode()
    assert elapsed < 20  # each request gives up after the search timeout

    # The node is back: matching uses it again (the client may rest the node for a moment).
    client_es = admin_client()
    client_es.cluster.health(wait_for_status="yellow", timeout="30s")
    deadline = time.monotonic() + 30
    while match(client)["degraded"] and time.monotonic() < deadline:
        time.sleep(0.5)
    recovered = match(client)
    assert recovered["degraded"] is False
    assert summary(recovered) == summary(healthy)
