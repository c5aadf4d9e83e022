"""Private service instances for fault tests: a redis-server or a PostgreSQL cluster of our own.

A fault test that stops, restarts or breaks a service must never touch the shared ones (other
test runs use them). These helpers start a throwaway instance on a free port with its data in a
temporary directory, and stop and delete it afterwards:

    with PrivateRedis() as redis:          # redis.url, redis.stop(), redis.start()
        ...
    with PrivatePostgres() as pg:          # pg.url(dbname), pg.stop(), pg.start(), pg.restart()
        ...

Robustness: every wait has a deadline; the context managers clean up on any exception; and a
detached watchdog process removes the instance and its directory if this test process dies
without running its ``finally`` (SIGKILL, a killed CI job), so no server is left behind.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

PG_BIN = Path(os.environ.get("ZP_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("ZP_REDIS_SERVER", "redis-server")


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(condition, timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll ``condition()`` until it is true; ``TimeoutError`` naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _start_watchdog(cleanup_command: str) -> subprocess.Popen:
    """Run ``cleanup_command`` once this process is gone (unless the watchdog is killed first)."""
    script = f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; {cleanup_command}"
    return subprocess.Popen(
        ["/bin/sh", "-c", script],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop_watchdog(watchdog: subprocess.Popen | None) -> None:
    if watchdog is not None and watchdog.poll() is None:
        watchdog.kill()
        watchdog.wait(5)


class _Service:
    """``with Private…() as service:`` starts it, and closes it (stops it, removes its files)
    at the end, or at once when starting fails."""

    def _open(self) -> None:
        self.start()

    def __enter__(self) -> Self:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PrivateRedis(_Service):
    """A redis-server of our own: no persistence, a free port, stopped and started at will."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="zp-redis-"))
        self.process: subprocess.Popen | None = None
        self._watchdog: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 15) -> None:
        if self.running:
            return
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        pid_file = self.directory / "redis.pid"
        pid_file.write_text(str(self.process.pid))
        if self._watchdog is None:
            self._watchdog = _start_watchdog(
                f"kill -TERM $(cat '{pid_file}') 2>/dev/null; rm -rf '{self.directory}'"
            )
        wait_until(self._answers, timeout, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        if not self.running:
            raise RuntimeError(
                "redis-server exited:\n" + (self.directory / "redis.log").read_text()
            )
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout: float = 10) -> None:
        """Stop the server (SIGTERM, then SIGKILL): its port refuses connections afterwards."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.process = None
        wait_until(lambda: not port_open(self.port), timeout, f"port {self.port} to close")

    def close(self) -> None:
        try:
            self.stop()
        finally:
            _stop_watchdog(self._watchdog)
            shutil.rmtree(self.directory, ignore_errors=True)


VARNISHD = os.environ.get("ZP_VARNISHD", "varnishd")


class PrivateVarnish(_Service):
    """A varnishd of our own running ``deploy/varnish.vcl`` in front of ``backend_port``.

    The project's VCL with only the backend port changed; a free port, its working directory in
    a temp dir (readable by the unprivileged user varnishd drops to when started as root).
    """

    def __init__(self, backend_port: int, port: int | None = None):
        self.backend_port = backend_port
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="zp-varnish-"))
        self.directory.chmod(0o755)
        self.process: subprocess.Popen | None = None
        self._watchdog: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        vcl = (Path(__file__).resolve().parent.parent / "deploy" / "varnish.vcl").read_text()
        if '.port = "8000";' not in vcl:
            raise RuntimeError("deploy/varnish.vcl no longer names its backend port 8000")
        vcl_path = self.directory / "portal.vcl"
        vcl_path.write_text(vcl.replace('.port = "8000";', f'.port = "{self.backend_port}";'))
        vcl_path.chmod(0o644)
        command = [VARNISHD, "-F", "-a", f"127.0.0.1:{self.port}", "-f", str(vcl_path)]
        command += ["-n", str(self.directory / "work"), "-s", "malloc,64m", "-T", "none"]
        with open(self.directory / "varnish.log", "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        pid_file = self.directory / "varnish.pid"
        pid_file.write_text(str(self.process.pid))
        self._watchdog = _start_watchdog(
            f"kill -TERM -$(cat '{pid_file}') 2>/dev/null; rm -rf '{self.directory}'"
        )

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "varnishd exited:\n" + (self.directory / "varnish.log").read_text()
                )
            return port_open(self.port)

        wait_until(answers, timeout, f"varnishd on port {self.port}", interval=0.1)

    def print_failed_fetches(self) -> None:
        """Print why Varnish answered 5xx, from its shared-memory log (what it still holds)."""
        command = [
            shutil.which("varnishlog") or "varnishlog",
            "-d",
            "-n",
            str(self.directory / "work"),
        ]
        command += [
            "-g",
            "request",
            "-q",
            "RespStatus >= 500",
            "-i",
            "FetchError,BereqURL,RespStatus,Timestamp",
        ]
        try:
            found = subprocess.run(command, capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"varnishlog could not be read: {exc}")
            return
        if found.strip():
            print("Varnish answered 5xx:\n" + found[-6000:])

    def close(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(15)
        finally:
            _stop_watchdog(self._watchdog)
            shutil.rmtree(self.directory, ignore_errors=True)


class PrivatePostgres(_Service):
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, data in a temp dir.

    As root the cluster runs as the ``postgres`` user (PostgreSQL refuses to run as root);
    otherwise as the current user. Authentication is ``trust`` for the superuser ``zoneportal``
    on 127.0.0.1 only. Durability is switched off (fsync, full-page writes): it is thrown away.
    """

    superuser = "zoneportal"

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="zp-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        self._watchdog: subprocess.Popen | None = None
        self._user = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam(os.environ.get("ZP_PG_OS_USER", "postgres"))
            os.chown(self.directory, self._user.pw_uid, self._user.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, timeout: float = 60, check: bool = True):
        kwargs = {}
        if self._user is not None:
            kwargs.update(user=self._user.pw_uid, group=self._user.pw_gid, extra_groups=[])
        return subprocess.run(
            [str(PG_BIN / command[0]), *command[1:]],
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            **kwargs,
        )

    def initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.superuser,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"port = {self.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.directory}'\n"
            "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
            "max_connections = 50\n"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(options)
        pg_ctl = PG_BIN / "pg_ctl"
        as_user = f"runuser -u {self._user.pw_name} -- " if self._user else ""
        self._watchdog = _start_watchdog(
            f"{as_user}'{pg_ctl}' stop -D '{self.data}' -m immediate; rm -rf '{self.directory}'"
        )

    def pg_ctl(self, action: str, *extra: str, timeout: float = 60) -> None:
        """``pg_ctl ACTION -w`` (waits until done); the server log is in the error on failure."""
        result = self._run(
            "pg_ctl",
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(int(timeout)),
            *extra,
            timeout=timeout + 10,
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl {action} failed: {result.stderr}\n{log[-3000:]}")

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.pg_ctl("restart", "-m", mode)

    @property
    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.superuser, name)

    def close(self) -> None:
        try:
            if self.data.exists() and self.running:
                self.stop("immediate")
        finally:
            _stop_watchdog(self._watchdog)
            shutil.rmtree(self.directory, ignore_errors=True)

    def _open(self) -> None:
        self.initdb()
        self.start()


@contextlib.contextmanager
def process_group(command: list[str], *, log_path: Path, env: dict, cwd: Path | None = None):
    """Run ``command`` in its own session; on exit SIGTERM (then SIGKILL) its whole group."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    watchdog = _start_watchdog(f"kill -KILL -{process.pid} 2>/dev/null")
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        _stop_watchdog(watchdog)


ROOT = Path(__file__).resolve().parent.parent


def portal_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a portal process (test settings) on ``database_url``."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="zoneportal.settings.test",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def migrate(database_url: str, log_path: Path, timeout: float = 300) -> None:
    """``manage.py migrate`` against ``database_url`` (a private cluster's database)."""
    import sys

    with open(log_path, "ab") as log:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=portal_env(database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=True,
        )


def http_get(base: str, path: str, timeout: float = 10) -> tuple[int, str, bytes]:
    """GET ``base + path`` on a new connection: (status, content type, body)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path, *, workers: int = 2, timeout: float = 60):
    """A gunicorn serving the portal on a free port; yields its base URL once it answers."""
    import sys

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "zoneportal.wsgi:application"]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "30"]
    base = f"http://127.0.0.1:{port}"
    with process_group(command, log_path=log_path, env=env, cwd=ROOT) as process:

        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + log_path.read_text(errors="replace"))
            try:
                http_get(base, "/healthz", timeout=5)
            except OSError:
                return False
            return True

        wait_until(answers, timeout, f"gunicorn on port {port}", interval=0.2)
        yield base
