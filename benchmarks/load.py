"""Load test of the production stack with Locust (issue 12, "Load").

    .venv/bin/python benchmarks/load.py [--prepare] [--database zp_loadbench] \
        [--users 20 --warm-up 20 --seconds 60 --workers 5 --port 8765] \
        [--worker-class sync --threads 4] [--access-log FILE]

Run as a script, it:

1. with ``--prepare``: imports 20,000 generated policies into a fresh database on the shared
   PostgreSQL (``benchmarks/import_bench.py --keep``), adds the demo content and accounts
   (``seed_demo``: news, guides, programmes, ``company@demo.zoneportal.cn``) and rebuilds the
   search indices under the prefix ``loadbench``;
2. collects the static files into a temporary folder and starts gunicorn with
   ``zoneportal.settings.production``, ``--workers 5`` and the production ``gunicorn.conf.py``
   (synchronous workers; ``--worker-class gthread --threads N`` to compare), on 127.0.0.1
   only, with throwaway secrets (``DJANGO_SECURE_SSL_REDIRECT=false``: the clients say
   ``X-Forwarded-Proto: https`` as the TLS proxy in front would);
   In front of it, as in production, the Varnish of ``deploy/varnish.vcl`` (a private
   varnishd on a free port; ``--no-frontend-cache`` drives gunicorn directly);
3. runs Locust headless against it (this file is also the locustfile): ``--users`` clients,
   a realistic mix of anonymous pages, search, the match API and signed-in enterprise pages,
   for ``--warm-up`` seconds not counted (sign-ins, each worker's first requests) and then
   ``--seconds`` counted; ``--access-log FILE`` keeps gunicorn's log with each request's
   time in the server, and the frontend cache's failed fetches, if any, are printed;
4. prints p50/p95 per page group and the errors, compared with the goals: anonymous pages
   p95 ≤ 60 ms, signed-in pages and search p95 ≤ 150 ms, no errors. Exit status 1 on a miss.

It never touches the test databases; gunicorn and varnishd are stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://zoneportal:zoneportal@127.0.0.1:5544"
PREFIX = "loadbench"
ACCESS_FORMAT = '%(t)s <%(p)s> "%(r)s" %(s)s %(M)s'
DEMO_USER = "company@demo.zoneportal.cn"
DEMO_PASSWORD = "zone-demo-2026"  # noqa: S105 - the public demo account's password
GOALS = {"anonymous": 60.0, "search": 150.0, "signed-in": 150.0, "api": 150.0}
#: What visitors search for: seven searches in ten are among the popular few, the rest a long
#: tail of single words and pairs (each seen once or twice a run), and one in ten asks for the
#: second page. The popular ones are answered from the node's request cache after their first
#: time (search.queries.PolicyQuery.msearch); the tail mostly is not.
QUERIES = ["研发", "高新技术企业", "人才", "补贴", "专精特新", "贷款贴息", "R&D", "瞪羚企业"]
TAIL_WORDS = [
    "知识产权", "技术改造", "融资", "专利", "孵化器", "创业", "出口", "软件", "集成电路",
    "生物医药", "人工智能", "数字经济", "节能", "上市", "房租", "社保", "稳岗", "培训",
    "博士后", "留学", "科技型中小企业", "小微企业", "首台套", "绿色工厂",
]  # fmt: skip
LONG_TAIL = TAIL_WORDS + [f"{a} {b}" for a, b in itertools.combinations(TAIL_WORDS[:14], 2)]
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

# --- the locustfile ---------------------------------------------------------------------

try:
    from locust import HttpUser, between, events, task
except ImportError:  # running the script without the benchmarks extra installed
    HttpUser = None

#: Seconds of traffic before the figures count (the runner passes ``--warm-up``).
WARM_UP_VARIABLE = "ZP_LOAD_WARM_UP_SECONDS"

if HttpUser is not None:

    @events.test_start.add_listener
    def _count_after_warm_up(environment, **kwargs):
        """Forget the figures of the first seconds: the members sign in (a password hash is
        ~0.5 s of a core each, all at once), and each worker serves its first search and match
        (lazy imports, connections). What is reported is the steady state."""
        seconds = float(os.environ.get(WARM_UP_VARIABLE, "0"))
        if seconds > 0:
            import gevent

            def reset():
                environment.stats.reset_all()
                print(f"warm-up over after {seconds:.0f} s: counting from now", flush=True)

            gevent.spawn_later(seconds, reset)

    HTTPS = {"X-Forwarded-Proto": "https"}
    _policy_paths: list[str] = []
    _news_paths: list[str] = []

    def _links(html: str, prefix: str) -> list[str]:
        found = re.findall(r'href="(' + re.escape(prefix) + r'[^"#?]+/)"', html)
        return sorted({p for p in found if p != prefix})

    class Visitor(HttpUser):
        """An anonymous visitor: home, the policy list and pages, news, search, match API."""

        weight = 3
        wait_time = between(0.1, 0.5)

        def on_start(self):
            if not _policy_paths:
                for page in (1, 2, 3):
                    html = self.client.get(
                        f"/policies/?page={page}", headers=HTTPS, name="setup"
                    ).text
                    _policy_paths.extend(_links(html, "/policies/"))
            if not _news_paths:
                _news_paths.extend(
                    _links(self.client.get("/news/", headers=HTTPS, name="setup").text, "/news/")
                )

        @task(3)
        def home(self):
            self.client.get("/", headers=HTTPS, name="anonymous: home")

        @task(3)
        def policy_list(self):
            page = random.randint(1, 20)  # noqa: S311 - benchmark traffic
            self.client.get(f"/policies/?page={page}", headers=HTTPS, name="anonymous: policy list")

        @task(6)
        def policy_detail(self):
            if _policy_paths:
                path = random.choice(_policy_paths)  # noqa: S311
                self.client.get(path, headers=HTTPS, name="anonymous: policy detail")

        @task(2)
        def news(self):
            self.client.get("/news/", headers=HTTPS, name="anonymous: news list")
            if _news_paths:
                path = random.choice(_news_paths)  # noqa: S311
                self.client.get(path, headers=HTTPS, name="anonymous: news detail")

        @task(3)
        def search(self):
            popular = random.random() < 0.7  # noqa: S311 - benchmark traffic
            params = {"q": random.choice(QUERIES if popular else LONG_TAIL)}  # noqa: S311
            if random.random() < 0.1:  # noqa: S311
                params["page"] = "2"
            self.client.get("/policies/search/", params=params, headers=HTTPS, name="search")

        @task(2)
        def match(self):
            # The first page, as a client showing results 20 at a time asks for it.
            self.client.post("/api/v1/match?limit=20", json=FACTS, headers=HTTPS, name="api: match")

    class Member(HttpUser):
        """A signed-in company member: my company, my matches, messages."""

        weight = 1
        wait_time = between(0.2, 1.0)

        def on_start(self):
            self.cookies = {}
            origin = f"https://{self.host.split('://', 1)[1]}"
            login = self.client.get("/accounts/login/", headers=HTTPS, name="setup")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
            csrf = login.cookies.get("csrftoken") or self.client.cookies.get("csrftoken")
            response = self.client.post(
                "/accounts/login/",
                data={
                    "login": DEMO_USER,
                    "password": DEMO_PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={**HTTPS, "Origin": origin, "Referer": origin + "/accounts/login/"},
                cookies={"csrftoken": csrf or ""},
                allow_redirects=False,
                name="setup",
            )
            # The production cookies are Secure: the client keeps them, but would not send them
            # over plain HTTP, so they go back by hand.
            session = response.cookies.get("sessionid") or self.client.cookies.get("sessionid")
            if not session:
                raise RuntimeError(f"login failed: {response.status_code}")
            self.cookies = {"sessionid": session}

        def get(self, path, name):
            return self.client.get(path, headers=HTTPS, cookies=self.cookies, name=name)

        @task(2)
        def my_company(self):
            self.get("/enterprise/", "signed-in: my company")

        @task(2)
        def my_matches(self):
            self.get("/enterprise/matches/", "signed-in: my matches")

        @task(1)
        def messages(self):
            self.get("/enterprise/messages/", "signed-in: messages")


# --- the runner -------------------------------------------------------------------------


def _run(command, env, **kwargs):
    print("$", " ".join(str(c) for c in command), flush=True)
    subprocess.run(command, env=env, check=True, cwd=ROOT, **kwargs)  # noqa: S603


def prepare(database: str, env: dict, *, import_policies: bool = True) -> None:
    python = str(ROOT / ".venv" / "bin" / "python")
    if import_policies:
        _run(
            [python, "benchmarks/import_bench.py", "--keep", database, "--database-url", SERVER],
            {**env, "DJANGO_SETTINGS_MODULE": "zoneportal.settings.test"},
        )
    seed_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "zoneportal.settings.test",
        "DATABASE_URL": f"{SERVER}/{database}",
        "ZP_TEST_INDEX_PREFIX": PREFIX,
    }
    _run([python, "manage.py", "seed_demo"], seed_env, stdout=subprocess.DEVNULL)
    _run([python, "manage.py", "search_index", "rebuild"], seed_env)
    # The test settings hash passwords with MD5, which production does not read: the demo
    # account's password is set again under the production settings.
    set_password = (
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.get(email={DEMO_USER!r}); "
        f"u.set_password({DEMO_PASSWORD!r}); u.save()"
    )
    with tempfile.TemporaryDirectory() as tmp:
        _run(
            [python, "manage.py", "shell", "-c", set_password],
            serve_env(database, tmp, 0),
        )


def serve_env(database: str, static_root: str, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zoneportal.settings.production",
        "DJANGO_SECRET_KEY": "loadbench-throwaway-" + "x" * 40,
        "CERTIFICATE_SIGNING_KEY": "loadbench-throwaway-" + "y" * 40,
        "MFA_ENCRYPTION_KEY": "loadbench-throwaway-" + "z" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": f"{SERVER}/{database}",
        "REDIS_URL": "redis://127.0.0.1:6389/7",
        "ELASTICSEARCH_URL": "http://127.0.0.1:9209",
        "SEARCH_INDEX_PREFIX": PREFIX,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "EMAIL_URL": "consolemail://",
    }


def warm_up(host: str) -> int:
    """Visit every anonymous page of the mix once, as the frontend cache is in steady state (a
    page is fetched again in the background when its time is up, and after a publish only),
    and run each search once (Elasticsearch's caches as in service)."""
    headers = {"X-Forwarded-Proto": "https"}

    def get(path: str) -> str:
        request = urllib.request.Request(host + path, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1
            return response.read().decode()

    paths = ["/", "/news/"] + [f"/policies/?page={n}" for n in range(1, 21)]
    found = []
    for path in paths:
        html = get(path)
        if path.startswith("/policies/?page=") and int(path.rsplit("=", 1)[1]) <= 3:
            found += re.findall(r'href="(/policies/[^"#?]+/)"', html)
        if path == "/news/":
            found += re.findall(r'href="(/news/[^"#?]+/)"', html)
    for path in sorted(set(found) - {"/policies/", "/news/"}):
        get(path)
    # The search index was just rebuilt: each query once, as a node in service has seen them.
    for query in QUERIES:
        get("/policies/search/?" + urllib.parse.urlencode({"q": query}))
    return len(paths) + len(set(found)) + len(QUERIES)


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own 127.0.0.1
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def report(stats_csv: Path) -> int:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    print(f"\n{'page group':32} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}  goal")
    misses = 0
    for row in rows:
        name = row["Name"]
        if name in ("Aggregated", "setup"):
            continue
        group = name.split(":")[0]
        goal = GOALS.get(group)
        p50, p95 = float(row["50%"]), float(row["95%"])
        errors = int(row["Failure Count"])
        verdict = ""
        if goal is not None:
            ok = p95 <= goal and errors == 0
            verdict = f"p95 ≤ {goal:.0f} ms: {'PASS' if ok else 'MISS'}"
            misses += not ok
        print(f"{name:32} {row['Request Count']:>9} {errors:>7} {p50:>8.0f} {p95:>8.0f}  {verdict}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"{'all':32} {total['Request Count']:>9} {total['Failure Count']:>7} "
        f"{float(total['50%']):>8.0f} {float(total['95%']):>8.0f}  "
        f"{float(total['Requests/s']):.0f} requests/s"
    )
    return 1 if misses else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", action="store_true", help="build the served database first")
    parser.add_argument(
        "--keep-policies",
        action="store_true",
        help="with --prepare: keep the imported policies, only add the demo content and reindex",
    )
    parser.add_argument("--database", default="zp_loadbench")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60, help="seconds counted")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=20,
        help="seconds of the same traffic before the counted ones (default 20; 0 counts all)",
    )
    parser.add_argument(
        "--access-log",
        default=None,
        help="write gunicorn's access log here, with each request's time in the server (ms)",
    )
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--worker-class",
        choices=("gthread", "sync"),
        default=None,
        help="gunicorn's worker class (default: gunicorn.conf.py's, as in production)",
    )
    parser.add_argument(
        "--locust",
        default=str(ROOT / ".venv" / "bin" / "locust"),
        help="the locust command (default: .venv's, from the benchmarks extra)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--no-frontend-cache",
        action="store_true",
        help="drive gunicorn directly, without the Varnish of deploy/varnish.vcl in front",
    )
    args = parser.parse_args(argv)
    if args.database.startswith("test_") or args.database in ("zoneportal",):
        parser.error("use a benchmark database, not a test or the main one")

    python = str(ROOT / ".venv" / "bin" / "python")
    if args.prepare:
        prepare(args.database, dict(os.environ), import_policies=not args.keep_policies)
    if args.seconds <= 0:
        return 0
    with tempfile.TemporaryDirectory(prefix="loadbench-") as tmp:
        env = serve_env(args.database, str(Path(tmp) / "static"), args.port)
        _run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "zoneportal.wsgi:application",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
                *(
                    ["--access-logfile", args.access_log, "--access-logformat", ACCESS_FORMAT]
                    if args.access_log
                    else []
                ),
                *(["--worker-class", args.worker_class] if args.worker_class else []),
                *(["--threads", str(args.threads)] if args.threads else []),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        front = None
        try:
            host = f"http://127.0.0.1:{args.port}"
            _wait_until_up(f"{host}/healthz")
            if not args.no_frontend_cache:
                sys.path.insert(0, str(ROOT))
                from tests.private_services import PrivateVarnish

                front = PrivateVarnish(args.port)
                front.start()
                host = front.url
                print(f"varnish (deploy/varnish.vcl) in front at {host}", flush=True)
                print(f"warmed the frontend cache with {warm_up(host)} pages", flush=True)
            print(
                f"gunicorn: {args.workers} workers, worker class "
                f"{args.worker_class or 'from gunicorn.conf.py'}, threads "
                f"{args.threads or 'from gunicorn.conf.py'}",
                flush=True,
            )
            print(f"load average before: {os.getloadavg()}", flush=True)
            prefix = Path(tmp) / "locust"
            _run(
                [
                    args.locust,
                    "-f",
                    __file__,
                    "--headless",
                    "--host",
                    host,
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.users),
                    "--run-time",
                    f"{args.seconds + args.warm_up}s",
                    "--stop-timeout",
                    "5",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--exit-code-on-error",
                    "0",
                ],
                {**os.environ, WARM_UP_VARIABLE: str(args.warm_up)},
            )
            if front is not None:
                front.print_failed_fetches()
            print(f"load average after: {os.getloadavg()}", flush=True)
            return report(Path(f"{prefix}_stats.csv"))
        finally:
            if front is not None:
                front.close()
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
