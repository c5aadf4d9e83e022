#!/usr/bin/env python
"""Enquiries benchmark: the public performance page at 100,000 enquiries (issue 13, item 9).

    DATABASE_URL=postgres://zoneportal:zoneportal@127.0.0.1:5544/zp_bench \
    DJANGO_SETTINGS_MODULE=zoneportal.settings.test .venv/bin/python \
        benchmarks/enquiries_bench.py [--enquiries 100000 --requests 200 --seed 7]

Target: p95 ≤ 100 ms. A throw-away test database (``test_<name>``) is created and migrated,
``--enquiries`` enquiries are bulk-inserted for one company over this year and last, spread over
every department with answers, on-time flags, working days and ratings as the transitions would
write them; then ``enquiries.views.performance`` is called ``--requests`` times (this year's page,
last year's page and the CSV in turn) through Django's request handling without the anonymous
page cache (``RequestFactory``), after 10 warm-up calls: first *cold*, the cache of counts
cleared before every call (the grouped query runs each time), then *as served*, with the counts
cached for ``ENQUIRY_PERFORMANCE_CACHE_SECONDS`` as in production. The target applies to the
page as served; the cold figure says what a recount costs. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 100.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")
    import django

    django.setup()
    for name in ("wagtail", "celery"):
        logging.getLogger(name).setLevel(logging.WARNING)


def fill(count: int, rng: random.Random) -> None:
    from enquiries.models import Enquiry, EnquiryKind, EnquiryState
    from policies.models import Department
    from tests.factories import make_enterprise
    from zoneportal.clock import ZONE, local_today

    company = make_enterprise()
    asker = company.memberships.get().user
    departments = list(Department.objects.all()) + [None]
    kinds = EnquiryKind.values
    year = local_today().year
    start = datetime.datetime(year - 1, 1, 1, tzinfo=ZONE)
    span = (datetime.datetime.now(ZONE) - start).total_seconds()
    batch = []
    for n in range(count):
        submitted = start + datetime.timedelta(seconds=rng.random() * span)
        answered = rng.random() < 0.8
        rating = rng.choice([5, 5, 4, 4, 4, 3, 2, 1]) if answered and rng.random() < 0.7 else None
        batch.append(
            Enquiry(
                number=f"ZX-B-{n:07d}",
                kind=rng.choice(kinds),
                state=EnquiryState.CLOSED if answered else EnquiryState.ACCEPTED,
                enterprise=company,
                asker=asker,
                department=rng.choice(departments),
                subject="基准测试",
                text="基准测试内容",
                submitted_at=submitted,
                accept_due=submitted.date(),
                first_answered_at=submitted + datetime.timedelta(days=3) if answered else None,
                answer_working_days=rng.randint(1, 15) if answered else None,
                answered_on_time=(rng.random() < 0.9) if answered else None,
                first_rating=rating,
                rating=rating,
                rectified=bool(rating and rating <= 2 and rng.random() < 0.6),
            )
        )
        if len(batch) == 5000:
            Enquiry.objects.bulk_create(batch)
            batch = []
    Enquiry.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE enquiries_enquiry")


def measure(requests: int, *, cold: bool) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.test import RequestFactory

    from enquiries.views import performance
    from zoneportal.clock import local_today

    factory = RequestFactory()
    year = local_today().year
    queries = [{"year": str(year)}, {"year": str(year - 1)}, {"year": str(year), "format": "csv"}]

    def call(i):
        request = factory.get("/enquiries/performance/", queries[i % len(queries)])
        request.user = AnonymousUser()
        response = performance(request)
        if response.status_code != 200:
            raise RuntimeError(f"the page answered {response.status_code}")
        return response

    for i in range(10):
        call(i)
    times = []
    for i in range(requests):
        if cold:
            cache.clear()
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "requests": requests,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        fill(args.enquiries, random.Random(args.seed))  # noqa: S311 - data, not secrets
        print(f"{args.enquiries} enquiries inserted in {time.perf_counter() - started:.1f} s")
        results = {}
        for cold in (True, False):
            result = results[cold] = measure(args.requests, cold=cold)
            print(
                f"performance page, {'cold (counted every time)' if cold else 'as served'}: "
                f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
                f"max {result['max_ms']} ms over {result['requests']} requests "
                f"(target p95 ≤ {TARGET_MS:.0f} ms); load average {os.getloadavg()[0]:.2f}"
            )
        return 0 if results[False]["p95_ms"] <= TARGET_MS else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
