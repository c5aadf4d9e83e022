"""Helpers for fault tests: find the real service processes and pause them on purpose.

A paused (SIGSTOP) process keeps its socket open but answers nothing, which is what a hung or
blocked service looks like to the portal; SIGCONT resumes it. This is quicker and harsher than
a clean stop, and the node needs no restart afterwards.
"""

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def pid_listening_on(port: int) -> int | None:
    """The pid of the process listening on the TCP ``port`` (we are root or its owner)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


@contextlib.contextmanager
def paused(port: int, max_seconds: int = 120):
    """Freeze the service listening on ``port`` for the duration of the block."""
    pid = pid_listening_on(port)
    if pid is None:
        raise RuntimeError(f"no service is listening on port {port}")
    # A detached watchdog resumes the service even if this test process is killed inside the
    # block (a `finally` does not run on SIGKILL): a frozen shared node would break every run.
    subprocess.Popen(
        ["/bin/sh", "-c", f"sleep {max_seconds}; kill -CONT {pid} 2>/dev/null"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


def port_of(url: str) -> int:
    """The TCP port of a service URL from settings (``http://127.0.0.1:9209`` → 9209)."""
    from urllib.parse import urlsplit

    return urlsplit(url).port
