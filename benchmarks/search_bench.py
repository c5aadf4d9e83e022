#!/usr/bin/env python
"""Search and matching benchmark of the Zone Portal, against the real Elasticsearch node.

    DJANGO_SETTINGS_MODULE=zoneportal.settings.test .venv/bin/python benchmarks/search_bench.py \
        [--policies 20000 --companies 200000 --queries 200 --seed 7]

What it does, in one run (benchmarks/README.md has the figures and the reasoning):

1. generates policies and companies with believable distributions (``benchmarks/corpus.py``);
2. builds each policy's document with the portal's own builder
   (``search.policy_index.policy_document``, given a stand-in page object since there are no
   database rows) and bulk-indexes them into the real ``PolicyDocument`` mapping; builds each
   company's document with ``search.enterprise_index.facts_document`` and bulk-indexes them into
   the real ``EnterpriseDocument`` mapping: documents per second for each;
3. rebuilds the policies through ``search.indexing.rebuild`` (new timestamped index, batches of
   500 with external versions, refresh, alias swap in one call, old index deleted), fed from the
   generated records through a stand-in queryset; the documents are built during the rebuild,
   as the portal's rebuild does;
4. times policy search (``search.queries.PolicyQuery`` + the Elasticsearch round trip, exactly
   the request ``search.service`` sends) over a query set, after a warm-up pass;
5. times matching (``search.matching.match``: company facts → policies);
6. times reverse matching (``search.reverse.reverse_match``: policy criteria → companies);
7. times the naive way: ``policies.matching.evaluate`` over every policy's criteria in Python,
   for the same companies, and checks the two evaluators agree on them;
8. prints a table with the targets of issue 4 and PASS / MISS.

Everything lives under a unique prefix (``bench-<random>-*`` indices, a ``bench_<random>``
PostgreSQL database migrated for the reference lists the Python evaluator names), deleted at
the end even on failure or Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import math
import os
import platform
import random
import signal
import sys
import time
import traceback
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal"
NOTES: list[str] = []  # what was substituted or went wrong: printed at the end


def note(text: str) -> None:
    NOTES.append(text)
    say(f"  NOTE: {text}")


def say(text: str = "") -> None:
    print(text, flush=True)


# --- statistics ----------------------------------------------------------------------------


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values) -> dict:
    values = list(values)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else math.nan,
        "mean": sum(values) / len(values) if values else math.nan,
    }


def fmt_ms(stats: dict) -> str:
    return (
        f"p50 {stats['p50']:7.1f} ms   p95 {stats['p95']:7.1f} ms   "
        f"max {stats['max']:7.1f} ms   (n={stats['n']})"
    )


LOADS: dict[str, str] = {}


def phase(key: str, title: str) -> None:
    """Print a phase title with the machine's load average (the machine may be shared)."""
    try:
        one, five, fifteen = os.getloadavg()
        load = f"{one:.2f} {five:.2f} {fifteen:.2f}"
    except OSError:
        load = "?"
    LOADS[key] = load
    say(f"\n{title}   [load average {load}]")


class Stopwatch:
    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


# --- database: a private, migrated database for the reference lists ------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def create_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connection(url) as conn:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(statement.format(sql.Identifier(name)))


# --- the stand-ins for database rows ------------------------------------------------------


class _Body:
    """What ``policy_index.body_text`` reads of a StreamField: its searchable paragraphs."""

    def __init__(self, paragraphs):
        self.paragraphs = paragraphs
        self.stream_block = self

    def __bool__(self):
        return bool(self.paragraphs)

    def get_searchable_content(self, value):
        return list(value.paragraphs)


class _Tags:
    def __init__(self, names):
        self._items = [SimpleNamespace(tag=SimpleNamespace(name=n)) for n in names]

    def all(self):
        return self._items


class _Programmes:
    """No programmes: the generated policies have no application windows."""

    def all(self):
        return []


class BenchPage:
    """A generated policy shaped like the ``PolicyPage`` attributes the document builder reads."""

    def __init__(self, record, departments):
        from policies.criteria import Criteria

        self.record = record
        self.pk = self.id = record.pk
        self.title = record.title
        self.title_en = record.title_en
        self.summary = record.summary
        self.summary_en = record.summary_en
        self.body = _Body(record.body)
        self.interpretation = record.interpretation
        self.tagged_items = _Tags(record.tags)
        self.programmes = _Programmes()
        self.external_id = record.external_id
        self.document_number = record.document_number
        self.department = departments[record.department]
        self.department_id = record.department + 1
        self.policy_type = record.policy_type
        self.effective_date = record.effective_date
        self.expiry_date = record.expiry_date
        self.repealed_on = None  # the generated zone repeals nothing
        self.apply_free = record.apply_free
        self.live_revision_id = record.pk
        self.url_path = f"/home/policies/{record.external_id}/"
        self.parsed_criteria = Criteria.parse(record.criteria)
        # What the FAQ source registered by ``enquiries`` reads (the generated zone has none).
        self.published_faqs = []

    def get_url(self):
        return f"/policies/{self.external_id}/"


class BenchQuerySet:
    """What ``indexing.rebuild`` asks of ``kind.queryset()``: a count and a batched iterator."""

    def __init__(self, rows):
        self.rows = rows

    def count(self):
        return len(self.rows)

    def iterator(self, chunk_size=500):
        return iter(self.rows)


# --- the benchmark ------------------------------------------------------------------------


@dataclasses.dataclass
class Figures:
    rows: list = dataclasses.field(default_factory=list)  # (label, value, unit, target, ok)
    extra: dict = dataclasses.field(default_factory=dict)

    def add(self, label, value, unit, target=None, ok=None):
        self.rows.append((label, value, unit, target, ok))


def machine_description(client) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    es = {}
    try:
        info = client.nodes.info(metric="jvm,os").body["nodes"]
        node = next(iter(info.values()))
        es = {
            "version": node.get("version"),
            "heap_max_mb": round(node["jvm"]["mem"]["heap_max_in_bytes"] / 2**20),
            "processors": node.get("os", {}).get("allocated_processors"),
        }
    except Exception as exc:  # noqa: BLE001 - a description, never a reason to stop
        es = {"error": type(exc).__name__}
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "elasticsearch": es,
    }


def jvm_stats(client) -> dict:
    try:
        nodes = client.nodes.stats(metric="jvm,thread_pool").body["nodes"]
        node = next(iter(nodes.values()))
        old = node["jvm"]["gc"]["collectors"].get("old", {})
        young = node["jvm"]["gc"]["collectors"].get("young", {})
        write = node.get("thread_pool", {}).get("write", {})
        return {
            "heap_used_percent": node["jvm"]["mem"]["heap_used_percent"],
            "heap_used_mb": round(node["jvm"]["mem"]["heap_used_in_bytes"] / 2**20),
            "old_gc_count": old.get("collection_count"),
            "old_gc_ms": old.get("collection_time_in_millis"),
            "young_gc_count": young.get("collection_count"),
            "young_gc_ms": young.get("collection_time_in_millis"),
            "write_rejected": write.get("rejected"),
        }
    except Exception as exc:  # noqa: BLE001
        return {"error": type(exc).__name__}


def run(args, prefix: str, figures: Figures) -> None:
    from django.utils import translation
    from elasticsearch import helpers

    from benchmarks import corpus
    from enterprises.reference import AREAS, INDUSTRIES
    from policies.matching import INELIGIBLE, STATUS_ORDER, evaluate
    from search import analysis, indexing
    from search.client import get_client
    from search.documents import PolicyDocument, index_name
    from search.registry import IndexKind
    from zoneportal.clock import local_today

    client = get_client()  # the portal's client: its timeouts, its retries
    long_client = client.options(request_timeout=300)
    today = local_today()
    figures.extra["machine"] = machine_description(client)
    figures.extra["today"] = today.isoformat()
    say(f"Machine: {json.dumps(figures.extra['machine'], ensure_ascii=False)}")
    say(f"Index prefix: {prefix}   today (Asia/Shanghai): {today}")

    # --- 1. data ------------------------------------------------------------------------
    phase("generate", "[1] Generating data")
    with Stopwatch() as sw:
        records = corpus.generate_policies(args.policies, args.seed, today)
    say(f"  {len(records)} policies in {sw.seconds:.1f} s")
    only_search = args.only == "search"
    with Stopwatch() as sw:
        companies = (
            [] if only_search else corpus.generate_companies(args.companies, args.seed, today)
        )
    say(f"  {len(companies)} companies in {sw.seconds:.1f} s")
    queries = corpus.generate_queries(args.queries, args.seed, records)
    body_chars = sorted(sum(len(p) for p in r.body) for r in records)
    expired = sum(1 for r in records if r.expiry_date and r.expiry_date < today)
    in_force_count = sum(
        1
        for r in records
        if r.effective_date <= today and (r.expiry_date is None or r.expiry_date >= today)
    )
    figures.extra["corpus"] = {
        "policies": len(records),
        "policies_in_force": in_force_count,
        "policies_expired": expired,
        "policies_apply_free": sum(r.apply_free for r in records),
        "body_chars_median": body_chars[len(body_chars) // 2] if body_chars else 0,
        "criteria_per_policy_mean": (
            sum(len(r.criteria) for r in records) / len(records) if records else 0
        ),
        "companies": len(companies),
        "queries": len(queries),
    }
    say(f"  corpus: {json.dumps(figures.extra['corpus'], ensure_ascii=False)}")

    departments = [
        SimpleNamespace(name=name, name_en=name_en) for name, name_en, _p, _w in corpus.DEPARTMENTS
    ]
    pages = [BenchPage(r, departments) for r in records]

    # The portal's document builder, given stand-in pages (there are no database rows).
    from search.policy_index import policy_document

    # --- 2a. build policy documents -----------------------------------------------------
    phase("bulk", "[2] Bulk indexing")
    analysis.segmented("预热")  # jieba's dictionary loads once (about a second)
    analysis.suggest_inputs("预热", "")
    gc.collect()
    with Stopwatch() as sw:
        documents = [policy_document(page) for page in pages]
    build_seconds = sw.seconds
    say(
        f"  built {len(documents)} policy documents with search.policy_index.policy_document "
        f"in {build_seconds:.1f} s ({len(documents) / build_seconds:.0f} docs/s, "
        "segmentation and pinyin in Python)"
    )
    figures.extra["policy_build_docs_per_s"] = len(documents) / build_seconds
    build_breakdown(pages[: min(500, len(pages))], figures, analysis)

    policy_alias = index_name("policies")
    bench_policies = IndexKind(
        name="policies",
        document=PolicyDocument,
        queryset=lambda: BenchQuerySet(pages),
        to_document=policy_document,
        version=lambda page: 1,
    )

    # --- 2b. bulk policies --------------------------------------------------------------
    first_index = f"{policy_alias}-bulk-{uuid.uuid4().hex[:6]}"
    indexing.create_index(
        bench_policies,
        first_index,
        client=long_client,
        aliases={policy_alias: {}},
        refresh_interval="-1",
    )
    actions = (
        {"_index": first_index, "_id": str(page.pk), "_source": doc}
        for page, doc in zip(pages, documents, strict=True)
    )
    with Stopwatch() as sw:
        ok, errors = helpers.bulk(
            long_client,
            actions,
            chunk_size=indexing.BATCH_SIZE,
            max_retries=3,
            raise_on_error=False,
        )
        long_client.indices.put_settings(
            index=first_index, settings={"index": {"refresh_interval": None}}
        )
        long_client.indices.refresh(index=first_index)
    if errors:
        note(f"{len(errors)} policy documents were rejected in bulk; first: {errors[0]}")
    rate = ok / sw.seconds
    say(
        f"  policies: {ok} documents in {sw.seconds:.1f} s = {rate:.0f} docs/s "
        f"(elasticsearch.helpers.bulk, batches of {indexing.BATCH_SIZE}, refresh off, "
        "real PolicyDocument mapping)"
    )
    figures.add("bulk index policies (prebuilt docs)", rate, "docs/s")
    figures.add("build policy documents (segmentation)", len(documents) / build_seconds, "docs/s")
    store = index_size(long_client, first_index)
    figures.extra["policy_index_store_mb"] = store
    say(f"  policies index: {store} MB")

    if only_search:  # --only search: the policies as bulk indexed, then step 4 alone
        # In the full run minutes of other steps pass before step 4; here the background
        # merges that follow the bulk load would still be running. Wait for them (≤ 3 min).
        with Stopwatch() as sw:
            for _ in range(180):
                stats = long_client.indices.stats(index=policy_alias, metric="merge")
                if not stats["_all"]["primaries"]["merges"]["current"]:
                    break
                time.sleep(1)
        say(f"  waited {sw.seconds:.0f} s for background merges to finish")
        long_client.indices.refresh(index=policy_alias)
        phase("search", "[4] Policy search (search.queries.PolicyQuery + round trip)")
        search_stats = bench_search(
            client, long_client, policy_alias, queries, today, INDUSTRIES, AREAS, figures
        )
        figures.add("search", search_stats["p50"], "ms p50")
        figures.add("search", search_stats["p95"], "ms p95", "≤ 50 ms", search_stats["p95"] <= 50)
        return

    # --- 2c. bulk companies -------------------------------------------------------------
    enterprise_alias = index_name("enterprises")
    from search.enterprise_index import ENTERPRISES, facts_document

    with Stopwatch() as sw:
        company_docs = [
            facts_document(c.facts, name=c.name, verified=c.verified) for c in companies
        ]
    say(
        f"  built {len(company_docs)} company documents with "
        f"search.enterprise_index.facts_document in {sw.seconds:.1f} s"
    )
    company_index = f"{enterprise_alias}-bulk-{uuid.uuid4().hex[:6]}"
    indexing.create_index(
        ENTERPRISES,
        company_index,
        client=long_client,
        aliases={enterprise_alias: {}},
        refresh_interval="-1",
    )
    heap_before = jvm_stats(client)
    actions = (
        {"_index": company_index, "_id": str(c.pk), "_source": doc}
        for c, doc in zip(companies, company_docs, strict=True)
    )
    company_chunk = 1000
    with Stopwatch() as sw:
        ok, errors = helpers.bulk(
            long_client,
            actions,
            chunk_size=company_chunk,
            max_retries=3,
            raise_on_error=False,
        )
        long_client.indices.put_settings(
            index=company_index, settings={"index": {"refresh_interval": None}}
        )
        long_client.indices.refresh(index=company_index)
    heap_after = jvm_stats(client)
    if errors:
        note(f"{len(errors)} company documents were rejected in bulk; first: {errors[0]}")
    rate = ok / sw.seconds
    say(
        f"  companies: {ok} documents in {sw.seconds:.1f} s = {rate:.0f} docs/s "
        f"(batches of {company_chunk}, real EnterpriseDocument mapping)"
    )
    say(f"  ES JVM before: {heap_before}")
    say(f"  ES JVM after:  {heap_after}")
    figures.extra["jvm_company_bulk"] = {"before": heap_before, "after": heap_after}
    figures.add("bulk index companies", rate, "docs/s")
    store = index_size(long_client, company_index)
    figures.extra["enterprise_index_store_mb"] = store
    say(f"  enterprises index: {store} MB")
    del company_docs

    # --- 3. rebuild ---------------------------------------------------------------------
    phase("rebuild", "[3] Rebuild of the policies through search.indexing.rebuild")
    spent = {"build": 0.0}

    def timed_document(page):
        start = time.perf_counter()
        try:
            return policy_document(page)
        finally:
            spent["build"] += time.perf_counter() - start

    rebuild_kind = dataclasses.replace(bench_policies, to_document=timed_document)
    report = None
    try:
        # The portal's client and defaults, as `manage.py search_index rebuild` runs it.
        report = indexing.rebuild(rebuild_kind)
    except Exception as exc:  # noqa: BLE001 - reported, then tried with a patient client
        note(
            f"rebuild with the portal's client failed: {type(exc).__name__}: {exc}; "
            "repeated with a 300 s request timeout"
        )
        spent["build"] = 0.0
        report = indexing.rebuild(rebuild_kind, client=long_client, force=True)
    say(
        f"  {report.indexed} documents in {report.seconds:.1f} s "
        f"({report.rate:.0f} docs/s) into {report.index}; building documents took "
        f"{spent['build']:.1f} s of it, Elasticsearch (bulk, refresh, alias swap, delete old) "
        f"{report.seconds - spent['build']:.1f} s; replaced {report.deleted_indices}"
    )
    figures.add(
        "rebuild 20k policies (build docs + bulk + swap)"
        if args.policies == 20000
        else f"rebuild {args.policies} policies (build docs + bulk + swap)",
        report.seconds,
        "s",
        "≤ 60 s",
        report.seconds <= 60,
    )
    figures.extra["rebuild"] = {
        "seconds": report.seconds,
        "document_build_seconds": spent["build"],
        "elasticsearch_seconds": report.seconds - spent["build"],
        "indexed": report.indexed,
    }
    # The same rebuild fed documents already built: what Elasticsearch alone costs.
    prebuilt = {page.pk: doc for page, doc in zip(pages, documents, strict=True)}
    prebuilt_kind = dataclasses.replace(
        bench_policies, to_document=lambda page, docs=prebuilt: docs[page.pk]
    )
    report2 = indexing.rebuild(prebuilt_kind, client=long_client)
    say(
        f"  the same rebuild with documents built beforehand: {report2.seconds:.1f} s "
        f"({report2.rate:.0f} docs/s)"
    )
    figures.add("rebuild, documents prebuilt (ES part only)", report2.seconds, "s")
    del prebuilt, documents
    long_client.indices.refresh(index=f"{policy_alias},{enterprise_alias}")

    # --- 4. search ----------------------------------------------------------------------
    phase("search", "[4] Policy search (search.queries.PolicyQuery + round trip)")
    search_stats = bench_search(
        client, long_client, policy_alias, queries, today, INDUSTRIES, AREAS, figures
    )
    figures.add("search", search_stats["p50"], "ms p50")
    figures.add("search", search_stats["p95"], "ms p95", "≤ 50 ms", search_stats["p95"] <= 50)

    # --- 5. match -----------------------------------------------------------------------
    phase("match", "[5] Match: company → policies (search.matching.match)")
    rng = random.Random(f"sample-{args.seed}")  # noqa: S311 - benchmark sampling
    sample = rng.sample(companies, min(len(companies), args.match_companies + 20))
    warm, sample = sample[:20], sample[20:]
    match_stats, es_results = bench_match(
        client, long_client, policy_alias, warm, sample, today, figures
    )
    figures.add("match", match_stats["p50"], "ms p50")
    figures.add("match", match_stats["p95"], "ms p95", "≤ 50 ms", match_stats["p95"] <= 50)

    # --- 6. reverse ---------------------------------------------------------------------
    phase("reverse", "[6] Reverse match: policy → companies (search.reverse.reverse_match)")
    policy_sample = rng.sample(pages, min(len(pages), args.reverse_policies + 10))
    reverse_stats = bench_reverse(
        client,
        long_client,
        enterprise_alias,
        policy_sample[:10],
        policy_sample[10:],
        today,
        figures,
    )
    figures.add("reverse match", reverse_stats["p50"], "ms p50")
    figures.add(
        "reverse match", reverse_stats["p95"], "ms p95", "≤ 200 ms", reverse_stats["p95"] <= 200
    )

    # --- 7. naive -----------------------------------------------------------------------
    phase("naive", "[7] Naive match: policies.matching.evaluate over every policy, in Python")
    policies_criteria = [(p.pk, p.parsed_criteria, p.effective_date, p.expiry_date) for p in pages]
    naive_times, mismatches, checked = [], 0, 0
    examples = []
    with translation.override("en"):
        for company in warm[:3]:  # warm-up: reference-name cache, code paths
            naive_match(company.facts, policies_criteria, today, evaluate, INELIGIBLE, STATUS_ORDER)
        for n, company in enumerate(sample):
            start = time.perf_counter()
            found = naive_match(
                company.facts, policies_criteria, today, evaluate, INELIGIBLE, STATUS_ORDER
            )
            naive_times.append((time.perf_counter() - start) * 1000)
            # Agreement: every policy Elasticsearch returned has the same status in Python;
            # it returned as many as Python finds (up to its size of 500); and when Python's
            # eligible + possible fit in those 500, Elasticsearch returned exactly those.
            statuses = {pk: status for _o, _f, pk, status in found}
            es = es_results[company.pk]
            checked += 1
            bad = [pk for pk, status in es if statuses.get(pk) != status]
            fitting = {pk for pk, status in statuses.items() if status != "near"}
            es_fitting = {pk for pk, status in es if status != "near"}
            if len(fitting) < 500 and fitting != es_fitting:
                bad += sorted(fitting ^ es_fitting)
            if bad or len(es) != min(500, len(statuses)):
                mismatches += 1
                if len(examples) < 3:
                    examples.append(
                        {
                            "company": company.pk,
                            "es_count": len(es),
                            "python_count": len(statuses),
                            "disagreeing_policies": bad[:5],
                        }
                    )
            if (n + 1) % 50 == 0:
                say(f"  {n + 1}/{len(sample)} companies, last {naive_times[-1]:.0f} ms")
    naive_stats = summary(naive_times)
    say(f"  naive: {fmt_ms(naive_stats)}")
    say(
        f"  agreement with Elasticsearch: {checked - mismatches}/{checked} companies identical"
        + (f"; examples: {examples}" if examples else "")
    )
    figures.extra["agreement"] = {
        "checked": checked,
        "mismatches": mismatches,
        "examples": examples,
    }
    if mismatches:
        note(f"Elasticsearch and Python disagreed for {mismatches} of {checked} companies")
    figures.add("naive match", naive_stats["p50"], "ms p50")
    figures.add("naive match", naive_stats["p95"], "ms p95")
    speedup50 = naive_stats["p50"] / match_stats["p50"]
    speedup95 = naive_stats["p95"] / match_stats["p95"]
    figures.add("speed-up naive/ES (p50)", speedup50, "×", "≥ 20×", speedup50 >= 20)
    figures.add("speed-up naive/ES (p95)", speedup95, "×", "≥ 20×", speedup95 >= 20)
    figures.extra["naive"] = naive_stats


def naive_match(facts, policies_criteria, today, evaluate, ineligible, order):
    """Every policy in force evaluated in Python; those not ineligible, ranked."""
    found = []
    for pk, criteria, effective, expiry in policies_criteria:
        if effective > today or (expiry is not None and expiry < today):
            continue
        evaluation = evaluate(criteria, facts, today)
        if evaluation.status != ineligible:
            found.append((order.index(evaluation.status), -evaluation.fit, pk, evaluation.status))
    found.sort()
    return found


def index_size(client, index) -> float:
    try:
        stats = client.indices.stats(index=index, metric="store").body
        return round(stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20, 1)
    except Exception:  # noqa: BLE001
        return math.nan


def build_breakdown(pages, figures, analysis) -> None:
    """Where building a policy document goes: segmentation, suggestion inputs, the rest."""
    from wagtail.rich_text import get_text_for_indexing

    from search.policy_index import body_text, policy_document

    seg = sug = total = 0.0
    for page in pages:
        start = time.perf_counter()
        policy_document(page)
        total += time.perf_counter() - start
        body = body_text(page)
        interpretation = get_text_for_indexing(page.interpretation or "")
        start = time.perf_counter()
        analysis.segmented(page.title)
        analysis.segmented(f"{page.summary}\n{page.summary_en}")
        analysis.segmented(body)
        analysis.segmented(interpretation)
        if page.title_en:
            analysis.segmented(page.title_en)
        seg += time.perf_counter() - start
        start = time.perf_counter()
        analysis.suggest_inputs(page.title, page.title_en)
        sug += time.perf_counter() - start
    n = len(pages) or 1
    say(
        f"  per document (sample of {len(pages)}): {total / n * 1000:.1f} ms = segmentation "
        f"{seg / n * 1000:.1f} ms + suggestion inputs (pinyin) {sug / n * 1000:.1f} ms + rest "
        f"{(total - seg - sug) / n * 1000:.1f} ms"
    )
    figures.extra["build_breakdown_ms"] = {
        "total": total / n * 1000,
        "segmentation": seg / n * 1000,
        "suggest_inputs": sug / n * 1000,
    }


def _search_kwargs(body: dict) -> dict:
    """The request as ``search.service.execute`` sends it."""
    body = dict(body)
    kwargs = {"from_": body.pop("from"), "source": body.pop("_source")}
    kwargs.update(body)
    return kwargs


def _without_facet(aggs: dict, name: str) -> dict:
    from search.queries import FACETS_AGGREGATION

    wrapper = aggs[FACETS_AGGREGATION]
    inner = {k: v for k, v in wrapper["aggs"].items() if k != name}
    return {FACETS_AGGREGATION: {**wrapper, "aggs": inner}}


def bench_search(client, long_client, alias, queries, today, industries, areas, figures) -> dict:
    from search.queries import FACETS_AGGREGATION, PolicyQuery, SearchParams
    from search.service import execute

    industry_codes = [code for code, _zh, _en in industries if len(code) == 3]
    area_codes = [code for code, _zh, _en in areas]

    class Unseen(PolicyQuery):
        """The portal's search as if never asked before: the hits request bypasses the node's
        request cache (the portal asks for it; the timed pass repeats the warm-up's queries).
        The facets (``size`` 0) are cached as the node does by default, as before."""

        def msearch(self, index):
            searches = super().msearch(index)
            searches[0] = {**searches[0], "request_cache": False}
            return searches

    def build(query):
        params = SearchParams(q=query.q, filters=query.filters)
        return Unseen(params, today, industry_codes=industry_codes, area_codes=area_codes)

    errors = 0
    for query in queries:  # warm-up pass
        try:
            execute(client, build(query))
        except Exception:  # noqa: BLE001 - counted below in the timed pass
            errors += 1
    gc.collect()
    wall, took, builds, hits, zero = [], [], [], [], 0
    by_kind: dict[str, list[float]] = {}
    failures = []
    for query in queries:
        building = time.perf_counter()
        build(query).msearch(alias)  # building alone, timed apart (it is also in the wall)
        built = time.perf_counter()
        start = time.perf_counter()
        try:
            response = execute(client, build(query))
        except Exception as exc:  # noqa: BLE001 - a failed search counts at its wall time
            failures.append(f"{query.q!r}: {type(exc).__name__}")
            wall.append((time.perf_counter() - start) * 1000)
            continue
        elapsed = (time.perf_counter() - start) * 1000
        wall.append(elapsed)
        builds.append((built - building) * 1000)
        took.append(response["took"])
        total = response["hits"]["total"]["value"]
        hits.append(total)
        zero += total == 0
        by_kind.setdefault(query.kind, []).append(elapsed)
    stats = summary(wall)
    say("  wall (build + round trip, search.service.execute: _msearch of hits and facets):")
    say(f"                             {fmt_ms(stats)}")
    say(f"    of which building the query in Python: {fmt_ms(summary(builds))}")
    say(f"    Elasticsearch 'took':                  {fmt_ms(summary(took))}")
    for kind, values in sorted(by_kind.items()):
        say(f"    {kind:12s} {fmt_ms(summary(values))}")
    say(
        f"  hits per query: median {percentile(hits, 50):.0f}, zero-hit queries {zero}, "
        f"failures {len(failures)} {failures[:3]}"
    )
    if failures:
        note(f"{len(failures)} search queries failed: {failures[:3]}")

    # Which part of the request costs what: the same queries sent as one request (the form
    # before the split into hits and facets), one part left out at a time.
    variants = {
        "full request (one request)": lambda b: b,
        "without facet aggregations": lambda b: {k: v for k, v in b.items() if k != "aggs"},
        "without the industry facet": lambda b: {
            **b,
            "aggs": _without_facet(b["aggs"], "industry"),
        },
        "facets at the top level (as before)": lambda b: {
            **b,
            "aggs": b["aggs"][FACETS_AGGREGATION]["aggs"],
        },
        "without highlight": lambda b: {k: v for k, v in b.items() if k != "highlight"},
        "without suggest": lambda b: {k: v for k, v in b.items() if k != "suggest"},
        "without track_total_hits": lambda b: {**b, "track_total_hits": False},
        "query + sort only": lambda b: (
            {k: v for k, v in b.items() if k not in ("aggs", "highlight", "suggest")}
            | {"track_total_hits": False}
        ),
    }
    breakdown = {}
    say("  Elasticsearch 'took' by part of the request (same queries):")
    for label, change in variants.items():
        values = []
        for query in queries:
            try:
                body = change(build(query).to_dict())
                response = long_client.search(index=alias, **_search_kwargs(body))
                values.append(response.body["took"])
            except Exception as exc:  # noqa: BLE001 - a diagnostic; counted, not fatal
                note(f"search variant {label!r} failed for {query.q!r}: {type(exc).__name__}")
        breakdown[label] = summary(values)
        say(f"    {label:28s} {fmt_ms(breakdown[label])}")
    figures.extra["search"] = {
        "wall": stats,
        "build": summary(builds),
        "took": summary(took),
        "by_kind": {k: summary(v) for k, v in by_kind.items()},
        "zero_hit_queries": zero,
        "failures": failures,
        "took_by_part": breakdown,
    }
    return stats


def _strip_names(node):
    if isinstance(node, dict):
        return {k: _strip_names(v) for k, v in node.items() if k != "_name"}
    if isinstance(node, list):
        return [_strip_names(v) for v in node]
    return node


def bench_match(client, long_client, alias, warm, sample, today, figures):
    from search.matching import compile_match, criterion_clauses, match

    for company in warm:
        match(client, alias, company.facts, today)
    gc.collect()
    wall, results, counts, failures = [], {}, [], []
    status_counts = {"eligible": [], "possible": [], "near": []}
    for company in sample:
        start = time.perf_counter()
        try:
            candidates = match(client, alias, company.facts, today)
        except Exception as exc:  # noqa: BLE001
            wall.append((time.perf_counter() - start) * 1000)
            failures.append(type(exc).__name__)
            results[company.pk] = []
            continue
        wall.append((time.perf_counter() - start) * 1000)
        results[company.pk] = [(c.policy_id, c.status) for c in candidates]
        counts.append(len(candidates))
        for status in status_counts:
            status_counts[status].append(sum(1 for c in candidates if c.status == status))
    stats = summary(wall)
    say(f"  wall (compile + round trip + parse): {fmt_ms(stats)}")
    say(
        f"  policies returned per company: median {percentile(counts, 50):.0f}, "
        f"max {max(counts) if counts else 0} (size 500); median eligible "
        f"{percentile(status_counts['eligible'], 50):.0f}, possible "
        f"{percentile(status_counts['possible'], 50):.0f}, near "
        f"{percentile(status_counts['near'], 50):.0f}"
    )
    if failures:
        note(f"{len(failures)} match calls failed: {failures[:3]}")

    # Where the time goes: compile in Python, and Elasticsearch with parts left out.
    compile_times, fails, pairs = [], [], []
    for company in sample:
        start = time.perf_counter()
        compiled = compile_match(company.facts, today).to_dict()
        compile_times.append((time.perf_counter() - start) * 1000)
        inner = compiled["function_score"]["query"]["bool"]
        pairs.append(len(inner.get("must_not", [])))
        fails.append(len(criterion_clauses(company.facts, today)[0]))
    say(f"  compiling the query in Python: {fmt_ms(summary(compile_times))}")
    say(
        f"  query shape: median {percentile(fails, 50):.0f} fail clauses, "
        f"{percentile(pairs, 50):.0f} clause for two or more fails (max {max(pairs, default=0)})"
    )

    source = [
        "title",
        "title_en",
        "external_id",
        "apply_free",
        "url_path",
        "policy_type",
        "department",
    ]

    def took(facts, size=500, strip=False, ids_only=True):
        query = compile_match(facts, today).to_dict()
        if strip:
            query = _strip_names(query)
        fetch = (
            {"source": False, "stored_fields": "_none_", "docvalue_fields": ["page_id"]}
            if ids_only
            else {"source": source}
        )
        response = long_client.search(
            index=alias, query=query, size=size, track_total_hits=False, **fetch
        ).body
        return response["took"]

    variants = {
        "as match() sends it (page id from doc values)": lambda f: took(f),
        "without the business-scope words": lambda f: took(
            dataclasses.replace(f, business_scope="")
        ),
        "size 50 instead of 500": lambda f: took(f, size=50),
        "without named queries": lambda f: took(f, strip=True),
        "with _source and _id (the previous fetch)": lambda f: took(f, ids_only=False),
        "criteria only, size 50": lambda f: took(
            dataclasses.replace(f, business_scope=""), size=50, strip=True
        ),
    }
    breakdown = {}
    say("  Elasticsearch 'took' by variant (same companies):")
    for label, run_variant in variants.items():
        values = []
        for company in sample:
            try:
                values.append(run_variant(company.facts))
            except Exception as exc:  # noqa: BLE001 - a diagnostic; counted, not fatal
                note(f"match variant {label!r} failed: {type(exc).__name__}")
        breakdown[label] = summary(values)
        say(f"    {label:46s} {fmt_ms(breakdown[label])}")
    figures.extra["match"] = {
        "wall": stats,
        "compile": summary(compile_times),
        "fail_clauses_median": percentile(fails, 50),
        "must_not_clauses_median": percentile(pairs, 50),
        "took_by_variant": breakdown,
        "returned_median": percentile(counts, 50),
        "failures": failures,
    }
    return stats, results


def bench_reverse(client, long_client, alias, warm, sample, today, figures):
    from policies.matching import POSSIBLE
    from search import reverse

    for page in warm:
        reverse.reverse_match(client, alias, page.parsed_criteria, today)
    gc.collect()
    wall, found, failures = [], [], []
    for page in sample:
        start = time.perf_counter()
        try:
            candidates = reverse.reverse_match(client, alias, page.parsed_criteria, today)
        except Exception as exc:  # noqa: BLE001
            failures.append(type(exc).__name__)
            wall.append((time.perf_counter() - start) * 1000)
            continue
        wall.append((time.perf_counter() - start) * 1000)
        found.append(len(candidates))
    stats = summary(wall)
    say(f"  wall (compile + round trip, up to 1000 companies): {fmt_ms(stats)}")
    say(
        f"  companies returned per policy: median {percentile(found, 50):.0f}, "
        f"{sum(1 for n in found if n >= 1000)} of {len(found)} policies hit the 1000 cap"
    )
    if failures:
        note(f"{len(failures)} reverse-match calls failed: {failures[:3]}")

    # The notification task's path: every eligible company id (scroll) + a count of possible.
    task_wall, eligible_counts = [], []
    for page in sample:
        start = time.perf_counter()
        try:
            ids = list(
                reverse.eligible_enterprise_ids(long_client, alias, page.parsed_criteria, today)
            )
            reverse.count(long_client, alias, page.parsed_criteria, today, status=POSSIBLE)
        except Exception as exc:  # noqa: BLE001 - a diagnostic; counted, not fatal
            note(f"notification path failed for policy {page.pk}: {type(exc).__name__}")
        else:
            task_wall.append((time.perf_counter() - start) * 1000)
            eligible_counts.append(len(ids))
    say(
        f"  notification task path (all eligible ids by scroll + possible count): "
        f"{fmt_ms(summary(task_wall))}; eligible companies per policy median "
        f"{percentile(eligible_counts, 50):.0f}, max {max(eligible_counts, default=0)}"
    )
    figures.extra["reverse"] = {
        "wall": stats,
        "returned_median": percentile(found, 50),
        "task_path": summary(task_wall),
        "eligible_median": percentile(eligible_counts, 50),
        "failures": failures,
    }
    return stats


def print_table(figures: Figures) -> None:
    say("\n" + "=" * 92)
    say(f"{'figure':46s} {'value':>12s} {'unit':8s} {'target':>10s}  result")
    say("-" * 92)
    for label, value, unit, target, ok in figures.rows:
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        result = "" if ok is None else ("PASS" if ok else "MISS")
        say(f"{label:46s} {shown:>12s} {unit:8s} {target or '—':>10s}  {result}")
    say("=" * 92)
    if NOTES:
        say("Notes:")
        for text in NOTES:
            say(f"  - {text}")


def cleanup_indices(prefix: str) -> list[str]:
    from search.client import get_client

    client = get_client().options(request_timeout=120)
    names = sorted(client.indices.get(index=f"{prefix}-*", expand_wildcards="all").body)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
    return names


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=200_000)
    parser.add_argument(
        "--queries", type=int, default=200, help="search queries timed (at least 100 is meaningful)"
    )
    parser.add_argument(
        "--match-companies",
        type=int,
        default=200,
        help="companies timed for match and for the naive way",
    )
    parser.add_argument("--reverse-policies", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url",
        default=None,
        help="an already migrated database to read reference names from "
        "(default: create bench_<random>, migrate it, drop it at the end)",
    )
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument(
        "--only",
        choices=["search"],
        default=None,
        help="search: generate and bulk index the policies, then time the search step alone "
        "(no companies, rebuild, matching; about 2 minutes at full size)",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    token = uuid.uuid4().hex[:8]
    prefix = f"bench-{token}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")
    # Both settings modules read their prefix from the environment; set after setup as well.
    os.environ["ZP_TEST_INDEX_PREFIX"] = prefix
    os.environ["SEARCH_INDEX_PREFIX"] = prefix
    os.environ.setdefault("ZP_TEST_TASKS_EAGER", "true")

    server_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    database = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        database = f"bench_{token}"
        create_database(server_url, database)
        os.environ["DATABASE_URL"] = _with_database(server_url, database)

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    started = time.monotonic()
    figures = Figures()
    status = 0
    try:
        import django

        django.setup()
        from django.conf import settings

        settings.SEARCH_INDEX_PREFIX = prefix
        if database:
            from django.core.management import call_command

            say(f"Migrating the private database {database} (reference lists) …")
            with Stopwatch() as sw:
                call_command("migrate", verbosity=0, interactive=False)
            say(f"  migrated in {sw.seconds:.0f} s")
        say(
            f"Command: {' '.join(sys.argv)}  (policies {args.policies}, companies "
            f"{args.companies}, queries {args.queries}, seed {args.seed})"
        )
        run(args, prefix, figures)
    except KeyboardInterrupt as exc:
        say(f"\nInterrupted ({exc}); cleaning up.")
        status = 130
    except Exception:  # noqa: BLE001 - printed; the indices and database are still removed
        traceback.print_exc()
        status = 1
    finally:
        figures.extra["total_seconds"] = time.monotonic() - started
        figures.extra["load_average_by_phase"] = LOADS
        if figures.rows:
            print_table(figures)
            say(f"Load average (1/5/15 min) at the start of each phase: {LOADS}")
            say(f"Total run time: {figures.extra['total_seconds'] / 60:.1f} min")
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "rows": figures.rows,
                        "extra": figures.extra,
                        "notes": NOTES,
                        "args": vars(args),
                    },
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
        try:
            deleted = cleanup_indices(prefix)
            say(f"Deleted {len(deleted)} benchmark indices ({prefix}-*).")
        except Exception as exc:  # noqa: BLE001
            say(f"Could not delete the indices {prefix}-*: {exc!r}")
            status = status or 1
        if database:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up
                pass
            try:
                drop_database(server_url, database)
                say(f"Dropped the database {database}.")
            except Exception as exc:  # noqa: BLE001
                say(f"Could not drop the database {database}: {exc!r}")
                status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
