#!/usr/bin/env python
"""What the pinyin, slip and all-words clauses cost a search (issue 16, "Search").

    DATABASE_URL=postgres://zoneportal:zoneportal@127.0.0.1:5544/zp_loadbench \
    ZP_TEST_INDEX_PREFIX=loadbench DJANGO_SETTINGS_MODULE=zoneportal.settings.test \
        .venv/bin/python benchmarks/search_tolerance_ab.py [--queries 200 --rounds 3]

Runs on an index that already holds the 20,000 generated policies (``benchmarks/load.py
--prepare`` builds it as ``loadbench``; rebuild it with ``manage.py search_index rebuild`` after
a mapping change). The queries are the search benchmark's (``benchmarks/corpus.py``: Chinese
words, phrases, English, document numbers, Traditional) plus one in ten typed in pinyin or
initials. Each query is sent the way the search page sends it (``_msearch`` of hits and facets)
twice in turn: as built now (A) and with the tolerant clauses and the all-words weight removed
(B), interleaved so that both see the same machine. Prints p50/p95 of the wall time and of
Elasticsearch's ``took`` for each, and per kind of query.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PINYIN_QUERIES = [
    "denglingqiye", "zhuanjingtexin", "yanfafeiyong", "gaoxinjishuqiye", "rencaianju",
    "dlqy", "zjtx", "gxjsqy", "suanliquan", "jichengdianlu",
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")
    import django

    django.setup()
    from benchmarks import corpus
    from search.client import get_client
    from search.documents import index_name
    from search.queries import PolicyQuery, SearchParams, clean_filters
    from zoneportal.clock import local_today

    class WithoutTolerance(PolicyQuery):
        def tolerant(self):
            return []

        def all_terms(self):
            return None

    today = local_today()
    policies = corpus.generate_policies(2000, args.seed, today)
    queries = [
        (q.q, q.filters, q.kind) for q in corpus.generate_queries(args.queries, args.seed, policies)
    ]
    rng = random.Random(args.seed)  # noqa: S311
    for i in range(len(queries) // 10):
        queries[i * 10] = (rng.choice(PINYIN_QUERIES), {}, "pinyin")
    client = get_client()
    index = index_name("policies")
    count = client.count(index=index)["count"]
    print(f"index {index}: {count} policies; {len(queries)} queries x {args.rounds} rounds")

    def run(builder_class, q, filters):
        params = SearchParams(q=q, filters=clean_filters(filters))
        builder = builder_class(params, today)
        started = time.perf_counter()
        searches = builder.msearch(index)
        # Each round repeats the queries: the hits bypass the request cache, or only the
        # first round would measure anything.
        searches[0] = {**searches[0], "request_cache": False}
        responses = client.msearch(searches=searches).body["responses"]
        wall = (time.perf_counter() - started) * 1000
        if any("error" in r for r in responses):
            raise RuntimeError(responses)
        hits = responses[1]["hits"]["total"]["value"]
        return wall, max(r["took"] for r in responses), hits

    for q, filters, _kind in queries[:20]:  # warm-up
        run(PolicyQuery, q, filters)
        run(WithoutTolerance, q, filters)
    figures = {"A": {"wall": [], "took": []}, "B": {"wall": [], "took": []}}
    by_kind: dict = {}
    more_hits = 0
    for _round in range(args.rounds):
        for q, filters, kind in queries:
            order = [("A", PolicyQuery), ("B", WithoutTolerance)]
            rng.shuffle(order)
            hits = {}
            for name, builder_class in order:
                wall, took, hits[name] = run(builder_class, q, filters)
                figures[name]["wall"].append(wall)
                figures[name]["took"].append(took)
                by_kind.setdefault((kind, name), []).append(wall)
            more_hits += hits["A"] > hits["B"]
    print(f"load average: {os.getloadavg()}")
    for name, label in (("A", "as built (pinyin, slips, all words first)"), ("B", "without them")):
        wall, took = figures[name]["wall"], figures[name]["took"]
        print(
            f"{name} {label:45} wall p50 {statistics.median(wall):6.1f} ms  p95 "
            f"{percentile(wall, 95):6.1f} ms   took p50 {statistics.median(took):5.1f}  p95 "
            f"{percentile(took, 95):5.1f} ms"
        )
    for kind in sorted({k for k, _n in by_kind}):
        a, b = by_kind[(kind, "A")], by_kind[(kind, "B")]
        print(
            f"  {kind:12} A p50 {statistics.median(a):6.1f} p95 {percentile(a, 95):6.1f}   "
            f"B p50 {statistics.median(b):6.1f} p95 {percentile(b, 95):6.1f}  (n={len(a)})"
        )
    print(f"queries finding more with A: {more_hits / args.rounds:.0f} of {len(queries)}")
    print(f"date {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
