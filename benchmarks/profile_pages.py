"""Time single requests to the signed-in pages, search and the match API, with query counts.

    DJANGO_SETTINGS_MODULE=zoneportal.settings.test ZP_TEST_INDEX_PREFIX=loadbench \
        DATABASE_URL=postgres://zoneportal:zoneportal@127.0.0.1:5544/zp_loadbench \
        .venv/bin/python benchmarks/profile_pages.py [--repeat 5] [--profile PATH]

Runs against the load benchmark's database and indices (benchmarks/load.py --prepare), in
process with Django's test client, signed in as the demo company's administrator. Prints the
median and the slowest of ``--repeat`` requests per page (after one warm-up request) and the
number of database queries of the last one. ``--profile PATH`` also profiles that path once
with cProfile and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEMO_USER = "company@demo.zoneportal.cn"
PAGES = [
    ("GET", "/enterprise/"),
    ("GET", "/enterprise/matches/"),
    ("GET", "/enterprise/matches/?page=3&near_page=2"),
    ("GET", "/enterprise/messages/"),
    ("GET", "/policies/search/?q=研发"),
    ("GET", "/policies/search/?q=高新技术企业"),
    ("POST", "/api/v1/match"),
]
FACTS = {
    "industry": "I6513",
    "area": "south",
    "established": "2020-05-01",
    "employees": 60,
    "revenue_wan": "3000",
    "rd_expense_wan": "200",
    "qualifications": [],
    "good_credit": True,
}


def request(client, method, path):
    if method == "POST":
        return client.post(path, FACTS, content_type="application/json")
    return client.get(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    from django.contrib.auth import get_user_model

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(email=DEMO_USER))
    print(f"{'page':48} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KB':>6}")
    for method, path in PAGES:
        request(client, method, path)  # warm-up
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = request(client, method, path)
                times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        print(
            f"{method + ' ' + path:48} {statistics.median(times):>10.1f} {max(times):>8.1f} "
            f"{len(queries.captured_queries):>8} {len(response.content) / 1024:>6.0f}"
        )
    if args.profile:
        method, _, path = args.profile.rpartition(" ")
        profiler = cProfile.Profile()
        profiler.enable()
        request(client, method or "GET", path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    sys.exit(main())
