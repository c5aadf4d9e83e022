"""Fulfilment benchmark: an apply-free roster over 200,000 companies (target ≤ 30 s) and a
10,000-line bank result import (target ≤ 20 s).

    DJANGO_SETTINGS_MODULE=zoneportal.settings.test \
        .venv/bin/python benchmarks/fulfilment_bench.py \
        [--companies 200000 --rows 10000 --seed 7]

It creates a private PostgreSQL database ``bench_<random>`` (migrated) and indices
``bench-<random>-*`` and deletes both at the end. Steps:

1. ``benchmarks/corpus.generate_companies`` (the search benchmark's zone): the companies are
   written to the database (bulk) and their documents, built by
   ``search.enterprise_index.facts_document``, to a real enterprises index.
2. **Roster**: for an apply-free programme whose policy asks for good credit (94 % of
   companies; 70 % are verified), the officer's request (``fulfilment.rosters.start``: the
   checks, the roster "generating" and its outbox row) and then the task's work
   (``fulfilment.fill_roster``, run eagerly when the request commits): the reverse-matching
   scroll with the evidence of each company, the database check of verification, the
   exclusivity and programme checks, and the bulk insert of the entries — each timed.
3. **Bank result import**: ``--rows`` roster entries become awards with one instalment each,
   submitted in one batch; a result CSV with every line (5 % failed) is read, checked and
   applied by ``fulfilment.bankfiles.import_results`` — timed as one call. A file with one wrong
   line is timed as well (refused whole, nothing applied).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search_bench import (
    DEFAULT_DATABASE_URL,
    _with_database,
    create_database,
    drop_database,
)


def say(text=""):
    print(text, flush=True)


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def run(args) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from elasticsearch import helpers

    from benchmarks import corpus
    from enterprises.models import Area, Enterprise
    from fulfilment import bankfiles, rosters
    from fulfilment.models import (
        Award,
        Instalment,
        PaymentBatch,
        RosterEntry,
    )
    from search import indexing
    from search.client import get_client
    from search.documents import index_name
    from search.enterprise_index import ENTERPRISES, facts_document
    from tests.factories import make_credit_code, make_policy, make_programme, make_user
    from zoneportal.clock import local_today

    figures = {}
    today = local_today()
    client = get_client().options(request_timeout=300)

    say(f"[1] {args.companies} companies (load {load()})")
    t = time.monotonic()
    companies = corpus.generate_companies(args.companies, args.seed, today)
    areas = {a.code: a.pk for a in Area.objects.all()}
    rows = []
    for c in companies:
        f = c.facts
        rows.append(
            Enterprise(
                pk=c.pk,
                name=c.name,
                credit_code=make_credit_code(c.pk),
                legal_representative="张三",
                registered_address="成都高新区",
                established=f.established or today,
                industry_code=f.industry or "",
                area_id=areas.get(f.area),
                employees=f.employees,
                revenue_wan=f.revenue_wan,
                verification_status="verified" if c.verified else "pending",
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('enterprises_enterprise','id'), "
            "(SELECT max(id) FROM enterprises_enterprise))"
        )
    say(f"    database rows in {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    alias = index_name("enterprises")
    concrete = f"{alias}-bench-{uuid.uuid4().hex[:6]}"
    indexing.create_index(
        ENTERPRISES, concrete, client=client, aliases={alias: {}}, refresh_interval="-1"
    )
    actions = (
        {
            "_index": concrete,
            "_id": str(c.pk),
            "_source": facts_document(c.facts, name=c.name, verified=c.verified),
        }
        for c in companies
    )
    helpers.bulk(client, actions, chunk_size=1000)
    client.indices.put_settings(index=concrete, settings={"refresh_interval": "1s"})
    client.indices.refresh(index=concrete)
    say(f"    indexed in {time.monotonic() - t:.1f} s")

    officer = make_user("bench-officer@zone.example", is_staff=True, is_superuser=True, mfa=False)
    policy = make_policy(criteria={"requires_good_credit": True}, apply_free=True)
    programme = make_programme(
        policy, max_amount=Decimal("10000.00"), budget=Decimal("10000000000.00")
    )

    say(f"[2] roster (load {load()})")
    t = time.monotonic()
    with transaction.atomic():  # the request's transaction
        roster = rosters.start(programme, by=officer, amount=Decimal("10000.00"))
        request_ms = (time.monotonic() - t) * 1000
        t = time.monotonic()
    # The commit hands the outbox row over; tasks are eager here, so this runs
    # fulfilment.fill_roster as a worker would.
    seconds = time.monotonic() - t
    roster.refresh_from_db()
    if roster.state != "draft":
        raise SystemExit(f"the roster was not generated: {roster.failure}")
    listed = roster.entries.count()
    figures["roster_request_ms"] = round(request_ms, 1)
    figures["roster_seconds"] = round(seconds, 2)
    figures["roster_entries"] = listed
    say(f"    the officer's request (check, start, outbox row): {request_ms:.0f} ms")
    say(f"    {listed} companies listed of {args.companies} in {seconds:.1f} s (target ≤ 30 s)")

    say(f"[3] bank result import of {args.rows} lines (load {load()})")
    entries = list(roster.entries.order_by("pk")[: args.rows])
    RosterEntry.objects.filter(pk__in=[e.pk for e in entries]).update(state="confirmed")
    awards = Award.objects.bulk_create(
        [
            Award(
                enterprise_id=e.enterprise_id,
                programme=programme,
                source="apply_free",
                roster_entry_id=e.pk,
                amount=Decimal("10000.00"),
                granted_on=today,
            )
            for e in entries
        ],
        batch_size=2000,
    )
    batch = PaymentBatch.objects.create(number="PB-BENCH-0001", state="submitted")
    instalments = Instalment.objects.bulk_create(
        [
            Instalment(
                award=a,
                number=1,
                amount=a.amount,
                state="submitted",
                batch=batch,
                account={
                    "account_name": "x",
                    "bank_name": "y",
                    "account_number": f"62166{a.pk:012d}",
                },
            )
            for a in awards
        ],
        batch_size=2000,
    )
    lines = ["业务编号,收款账号,金额,结果,失败原因,日期"]
    for n, i in enumerate(instalments):
        failed = n % 20 == 0
        lines.append(
            f"{i.reference},{i.account['account_number']},{i.amount:.2f},"
            f"{'失败' if failed else '成功'},{'账户已冻结' if failed else ''},{today.isoformat()}"
        )
    bad = list(lines)
    bad[-1] = bad[-1].replace("10000.00", "9999.00")
    t = time.monotonic()
    report, applied = bankfiles.import_results(
        batch, SimpleUploadedFile("bad.csv", "\n".join(bad).encode("utf-8-sig")), by=officer
    )
    refused = time.monotonic() - t
    if applied is not None or len(report.errors) != 1:
        raise SystemExit(f"the wrong file was not refused: {report.errors[:3]}")
    say(f"    a file with one wrong line refused in {refused:.1f} s (nothing applied)")
    t = time.monotonic()
    report, applied = bankfiles.import_results(
        batch, SimpleUploadedFile("ok.csv", "\n".join(lines).encode("utf-8-sig")), by=officer
    )
    seconds = time.monotonic() - t
    if applied is None:
        raise SystemExit(f"the clean file was refused: {report.errors[:3]}")
    figures["import_seconds"] = round(seconds, 2)
    figures["import_refused_seconds"] = round(refused, 2)
    say(
        f"    {applied.paid} paid, {applied.returned} returned in {seconds:.1f} s "
        f"(target ≤ 20 s; load {load()})"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    token = uuid.uuid4().hex[:8]
    prefix = f"bench-{token}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")
    os.environ["ZP_TEST_INDEX_PREFIX"] = prefix
    os.environ["SEARCH_INDEX_PREFIX"] = prefix
    os.environ.setdefault("ZP_TEST_TASKS_EAGER", "true")
    server_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    database = f"bench_{token}"
    create_database(server_url, database)
    os.environ["DATABASE_URL"] = _with_database(server_url, database)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.SEARCH_INDEX_PREFIX = prefix
        say(f"Migrating {database} …")
        call_command("migrate", verbosity=0)
        figures = run(args)
        say(f"Figures: {figures}")
    finally:
        from django.db import connections

        try:  # every index under the prefix (publishing the policy indexed it too)
            from search.indexing import delete_all

            delete_all(prefix)
        except Exception as exc:  # noqa: BLE001 - cleaning up; say what is left
            say(f"could not delete the {prefix}-* indices: {exc}")
        connections.close_all()
        drop_database(server_url, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
