"""Time ``manage.py import_policies`` on a generated file of 20,000 policies (issue 12, "Load").

    DJANGO_SETTINGS_MODULE=zoneportal.settings.test .venv/bin/python benchmarks/import_bench.py \
        [--policies 20000 --seed 7] [--drafts] [--database-url URL] [--keep] [--profile FILE]

Generates the policies with ``benchmarks/corpus.py`` as rows of the import format
(docs/policy-import.md), writes them to a temporary JSON file, creates and migrates a private
PostgreSQL database (``importbench_<random>``, dropped at the end unless ``--keep``) and runs the
real management command on the file, with ``--publish`` unless ``--drafts``. Prints the time of
the import alone (migration and file generation are not in it), then imports the same file again
to time the idempotent "nothing changed" pass. Target: 20,000 policies in ≤ 90 s.

``--keep NAME`` keeps the database under that name (the load benchmark serves it, see
benchmarks/README.md). ``--profile FILE`` writes a cProfile of the first import.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneportal.settings.test")

TARGET_SECONDS = 90


def import_rows(n: int, seed: int, today: datetime.date) -> list[dict]:
    """The generated policies as records of the import file (after ``django.setup()``: the
    corpus reads the criteria kinds, which read the reference models)."""
    import corpus

    rows = []
    for record in corpus.generate_policies(n, seed, today):
        department = corpus.DEPARTMENTS[record.department][0]
        rows.append(
            {
                "external_id": record.external_id,
                "title": record.title[:255],
                "title_en": record.title_en[:255],
                "department": department,
                "document_number": record.document_number,
                "policy_type": record.policy_type,
                "effective_date": record.effective_date.isoformat(),
                "expiry_date": record.expiry_date.isoformat() if record.expiry_date else None,
                "summary": record.summary,
                "summary_en": record.summary_en,
                "body": "\n\n".join(record.body),
                # The corpus holds the interpretation as stored HTML; the file carries text.
                "interpretation": _strip_tags(record.interpretation),
                "apply_free": record.apply_free,
                "tags": record.tags,
                "criteria": record.criteria or None,
            }
        )
    return rows


def _strip_tags(html_text: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html_text.replace("</p>", "</p>\n\n")).strip()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str):
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


def _execute(url: str, statement) -> None:
    with _admin(url) as conn:
        conn.execute(statement)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drafts", action="store_true", help="import without --publish")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal"
        ),
        help="the PostgreSQL server to create the private database on",
    )
    parser.add_argument("--keep", metavar="NAME", help="keep the database under this name")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the import")
    args = parser.parse_args(argv)

    from psycopg import sql

    name = args.keep or f"importbench_{uuid.uuid4().hex[:8]}"
    if args.keep:
        _execute(
            args.database_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )
    _execute(args.database_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = _with_database(args.database_url, name)
    status = 0
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"database {name} migrated in {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        rows = import_rows(args.policies, args.seed, datetime.date.today())
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed in finally
            "w", suffix=".json", delete=False, encoding="utf-8"
        )
        with handle:
            json.dump({"policies": rows}, handle, ensure_ascii=False)
        size = Path(handle.name).stat().st_size
        print(
            f"{len(rows)} policies generated in {time.perf_counter() - started:.1f} s "
            f"({size / 1e6:.1f} MB of JSON)"
        )
        options = ["--create-departments", "--no-index"] + ([] if args.drafts else ["--publish"])
        try:
            out = io.StringIO()
            profiler = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            call_command("import_policies", handle.name, *options, stdout=out)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            first = time.perf_counter() - started
            print(f"import: {out.getvalue().strip()}")

            out = io.StringIO()
            started = time.perf_counter()
            call_command("import_policies", handle.name, *options, stdout=out)
            again = time.perf_counter() - started
            print(f"again:  {out.getvalue().strip()}")
        finally:
            os.unlink(handle.name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM policies_policypage")
            (pages,) = cursor.fetchone()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        verdict = "PASS" if first <= TARGET_SECONDS else "MISS"
        print(
            f"\nimport of {args.policies} policies: {first:.1f} s "
            f"({args.policies / first:.0f} per second; target ≤ {TARGET_SECONDS} s: {verdict})"
        )
        print(f"second import of the same file (all unchanged): {again:.1f} s")
        print(f"policy pages in the database: {pages}; load average {load}")
        if verdict != "PASS":
            status = 1
        connection.close()
    finally:
        if not args.keep:
            _execute(
                args.database_url,
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
            )
        else:
            print(f"kept the database {name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
