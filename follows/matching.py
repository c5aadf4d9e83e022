"""Which saved searches a newly published policy matches: reverse matching of searches.

Each saved search is the search page's own query (``search.queries.PolicyQuery``) restricted
to the one policy; they are asked in batches with ``_msearch``, so a thousand saved searches cost
a few requests. The status filter of a saved search is left out: a new policy is news whether
it is in force today or from next month.
"""

from __future__ import annotations

from policies.models import PolicyType
from search.client import get_client
from search.documents import index_name
from search.queries import PolicyQuery, SearchParams, clean_filters
from zoneportal.clock import local_today

BATCH = 200


def search_request(query: dict, policy_id: int, today) -> dict:
    filters = clean_filters(query.get("filters") or {}, policy_types=PolicyType.values)
    filters.pop("status", None)
    built = PolicyQuery(SearchParams(q=query.get("q", ""), filters=filters), today, suggest=False)
    clauses = [{"ids": {"values": [str(policy_id)]}}, *built.filter_clauses()]
    return {
        "query": {"bool": {"must": [built.scored_query()], "filter": clauses}},
        "size": 0,
        "track_total_hits": True,
    }


def matching_searches(policy_id: int, follows, today=None) -> list:
    """The saved-search follows (of ``follows``) whose search finds the policy."""
    today = today or local_today()
    follows = list(follows)
    client, index = get_client(), index_name("policies")
    found = []
    for start in range(0, len(follows), BATCH):
        batch = follows[start : start + BATCH]
        searches = []
        for follow in batch:
            searches.extend([{}, search_request(follow.query, policy_id, today)])
        answer = client.msearch(index=index, searches=searches)
        for follow, response in zip(batch, answer["responses"], strict=True):
            if "error" in response:
                raise RuntimeError(f"saved search {follow.pk}: {response['error']}")
            if response["hits"]["total"]["value"] > 0:
                found.append(follow)
    return found
