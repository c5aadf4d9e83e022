#!/usr/bin/env python
"""Certificate benchmark: render time of one certificate, warm (issue 6, "Acceptance").

    DJANGO_SETTINGS_MODULE=zoneportal.settings.test .venv/bin/python \
        benchmarks/certificate_bench.py [--renders 60 --warmup 5 --seed 7] [--json out.json]

1. **Render** (target: median ≤ 300 ms warm): ``certificates.render.render_pdf`` — the
   template, the inline SVG (emblem, seal, QR code), WeasyPrint's layout and the PDF/A-3b file
   with subset, embedded fonts — for ``--renders`` certificates with varied companies, policies
   and amounts (so each one's font subset differs, as real ones do), after ``--warmup``
   renderings in the same process (the worker's steady state: fonts discovered, stylesheet
   parsed). Prints median, p95, min and max, and the share of the HTML step, and which fonts
   were used: the cut ones (``python -m certificates.fonts``, built by ``make test``)
   or, if they were never built, the full system Noto Serif CJK SC (about twice as slow).
2. **Worker throughput over 500 certificates** (``--throughput``, 0 to skip): one real Celery
   worker issues them through ``certificates.tasks.issue``; see ``worker_throughput``.
   Needs the local services (PostgreSQL on 5544 via ``DATABASE_URL``, Redis on 6389).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0

COMPANY_HEADS = ["成都", "四川", "蓉城", "天府", "高新", "锦江", "西部", "芯"]
COMPANY_CORES = [
    "蓉芯微电子",
    "云图智联",
    "天府生物医药",
    "极光数据",
    "锐思软件",
    "博瑞康医疗器械",
    "星河算力",
    "迈普通信",
    "麟海光电",
    "骏翔航空装备",
    "汇智创新",
    "青禾新材料",
    "华耀半导体",
    "瀚宇信息",
    "德晟精密制造",
    "睿鹰检测",
    "沐阳新能源",
    "岷江智能装备",
]
COMPANY_TAILS = ["科技有限公司", "股份有限公司", "技术有限公司", "有限责任公司"]
GRANTS = [
    (
        "研发投入补助",
        "R&D investment subsidy",
        "成都高新区支持企业加大研发投入的若干政策",
        "Measures to support enterprise R&D investment",
        "成高管发〔2024〕3号",
        "成都高新区科技创新局",
        "Science and Technology Innovation Bureau, Chengdu High-tech Zone",
    ),
    (
        "高新技术企业认定奖励",
        "Award for first HNTE recognition",
        "成都高新区关于促进高新技术企业高质量发展的实施细则",
        "Rules for high-quality HNTE development",
        "成高科发〔2025〕12号",
        "成都高新区科技创新局",
        "Science and Technology Innovation Bureau, Chengdu High-tech Zone",
    ),
    (
        "首台套重大技术装备奖励",
        "Award for first major technical equipment",
        "成都高新区推动制造业高质量发展若干政策",
        "Measures for high-quality manufacturing",
        "成高经发〔2025〕7号",
        "成都高新区经济运行局",
        "Economic Operation Bureau, Chengdu High-tech Zone",
    ),
    (
        "中小微企业贷款贴息",
        "Loan interest subsidy for small businesses",
        "成都高新区金融支持实体经济发展的若干措施",
        "Financial support for the real economy",
        "成高财发〔2024〕21号",
        "成都高新区财政金融局",
        "Finance Bureau, Chengdu High-tech Zone",
    ),
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")
    import django

    django.setup()
    # WeasyPrint logs every step at INFO, and the setup every eager task: noise here.
    for name in ("weasyprint", "weasyprint.progress", "fontTools", "celery", "wagtail", "search"):
        logging.getLogger(name).setLevel(logging.WARNING)


def credit_code(rng: random.Random) -> str:
    """A well-formed unified social credit code (with its check character)."""
    from enterprises.credit_code import check_character

    body = "91510100" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + check_character(body)


def sample_contents(count: int, seed: int):
    from certificates.content import CertificateContent
    from certificates.signing import new_certificate_number

    rng = random.Random(seed)  # noqa: S311 — reproducible test data, not secrets
    contents = []
    for _ in range(count):
        granted, granted_en, title, title_en, docno, dept, dept_en = rng.choice(GRANTS)
        name = rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_CORES) + rng.choice(COMPANY_TAILS)
        cents = rng.choice([rng.randrange(100, 10**9) * 100, rng.randrange(1, 10**11)])
        contents.append(
            CertificateContent(
                number=new_certificate_number(2026),
                enterprise_name=name,
                credit_code=credit_code(rng),
                granted=granted,
                granted_en=granted_en,
                amount=Decimal(cents).scaleb(-2),
                policy_title=title,
                policy_title_en=title_en,
                document_number=docno,
                department=dept,
                department_en=dept_en,
                issued_date=datetime.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                site="https://qyfw.cdht.gov.cn",
            )
        )
    return contents


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def render_time(renders: int, warmup: int, seed: int) -> dict:
    from certificates import fonts
    from certificates.render import render_html, render_pdf

    contents = sample_contents(warmup + renders, seed)
    started = time.perf_counter()
    render_pdf(contents[0])
    cold_ms = (time.perf_counter() - started) * 1000
    for content in contents[1:warmup]:
        render_pdf(content)
    timings, html_timings, sizes = [], [], []
    for content in contents[warmup:]:
        started = time.perf_counter()
        render_html(content)
        html_timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        pdf = render_pdf(content)
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(len(pdf))
    return {
        "renders": renders,
        "cold_first_ms": round(cold_ms, 1),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "html_median_ms": round(statistics.median(html_timings), 1),
        "pdf_median_bytes": int(statistics.median(sizes)),
        "fonts": "cut" if len(fonts.available()) == len(fonts.FACES) else "full",
    }


def worker_throughput(count: int) -> dict | None:
    """Certificates per second of one real Celery worker issuing ``count`` certificates.

    A private database (``test_<name>``, created and migrated here, dropped at the end) holds
    ``count`` applications put straight into the approved state (the review path is not what
    is measured); ``certificates.tasks.issue`` is queued for each through Redis to one
    ``--pool=solo`` worker (``tests.workers``), and the clock runs from the first task queued to
    the last certificate row: locking, rendering, storing the PDF and its SHA-256 included.
    """
    from django.db import connection

    from applications.models import Application
    from certificates import tasks
    from certificates.models import Certificate
    from tests.factories import make_application, make_policy, make_programme
    from tests.workers import celery_worker, tasks_sent_to_the_broker

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        programme = make_programme(
            make_policy(title="成都高新区支持企业加大研发投入的若干政策", criteria={}),
            budget=Decimal("1E+12"),
        )
        ids = [make_application(programme=programme, submit=True).pk for _ in range(count)]
        Application.objects.filter(pk__in=ids).update(
            state="approved", amount_approved=Decimal("250000.00")
        )
        log_dir = Path(tempfile.mkdtemp(prefix="certificate-bench-"))
        with celery_worker(log_dir, "certificate-bench"), tasks_sent_to_the_broker():
            started = time.perf_counter()
            for pk in ids:
                tasks.issue.delay(pk)
            deadline = started + 60 + count * 5
            while Certificate.objects.count() < count:
                if time.perf_counter() > deadline:
                    raise RuntimeError("the worker did not issue every certificate in time")
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        return {
            "certificates": count,
            "seconds": round(elapsed, 1),
            "per_second": round(count / elapsed, 2),
            "ms_per_certificate": round(elapsed * 1000 / count, 1),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--throughput", type=int, default=500, help="certificates for step 2")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    setup_django()

    load = os.getloadavg()
    print(
        f"Certificate benchmark · {platform.node()} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()} · load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    figures = {"render": render_time(args.renders, max(1, args.warmup), args.seed)}
    render = figures["render"]
    verdict = "PASS" if render["median_ms"] <= TARGET_MS else "MISS"
    print(f"\n1. Render one certificate (warm, {render['renders']} renderings, PDF/A-3b)")
    print(
        f"   median {render['median_ms']:.0f} ms   p95 {render['p95_ms']:.0f} ms   "
        f"min {render['min_ms']:.0f} ms   max {render['max_ms']:.0f} ms   "
        f"target ≤ {TARGET_MS:.0f} ms median: {verdict}"
    )
    print(
        f"   first (cold) rendering {render['cold_first_ms']:.0f} ms; HTML step median "
        f"{render['html_median_ms']:.1f} ms; PDF median {render['pdf_median_bytes'] / 1024:.0f} KiB"
    )
    print(
        "   fonts: "
        + (
            "the cut Noto Serif CJK SC (certificates.fonts)"
            if render["fonts"] == "cut"
            else "the full system Noto Serif CJK SC (cut fonts not built: slower)"
        )
    )

    throughput = worker_throughput(args.throughput) if args.throughput > 0 else None
    figures["worker"] = throughput
    print(f"\n2. Worker throughput over {args.throughput} certificates")
    if throughput is None:
        print("   skipped (--throughput 0)")
    else:
        print(
            f"   {throughput['certificates']} certificates in {throughput['seconds']:.1f} s: "
            f"{throughput['per_second']:.2f} per second "
            f"({throughput['ms_per_certificate']:.0f} ms each, one solo worker)"
        )
    load = os.getloadavg()
    print(f"\nload after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
