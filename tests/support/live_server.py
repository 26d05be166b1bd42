"""A real ``pydbpro serve`` (Hypercorn) in a subprocess, for tests that need a real socket:
the serve command itself, the browser tests, several instances behind a balancer."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..cli import clean_env

REPO = Path(__file__).resolve().parents[2]
SECRET = "live-server-test-secret-0123456789-abcdefghijkl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing started listening on port {port}")


def listening_sockets(port: int) -> int:
    """How many sockets listen on ``port`` (127.0.0.1 or any address, IPv4 or IPv6): one
    shared by the workers, or with several workers on Linux one per worker."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()  # local address (hex ip:port), remote, state (0A: LISTEN)
            count += int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A"
    return count


def connections_held(port: int, pids: list[int]) -> dict[int, int]:
    """How many established connections to ``port`` each process in ``pids`` holds: which
    worker accepted which connection (from /proc/net/tcp* and each process's fds)."""
    server_ends = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()  # local address, remote, state (01: ESTABLISHED) ... inode
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                server_ends.add(f"socket:[{fields[9]}]")
    held = {}
    for pid in pids:
        count = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                count += os.readlink(fd) in server_ends
            except FileNotFoundError:
                pass  # closed meanwhile
        held[pid] = count
    return held


def wait_until_workers_listen(server: LiveServer, count: int, deadline: float) -> None:
    """Until ``count`` sockets listen on the server's port: every worker has started (one
    still loading the app would miss connections, and die of a SIGTERM)."""
    while listening_sockets(server.port) < count:
        assert server.process.poll() is None, f"the server exited: {server.log_path.read_text()}"
        assert time.monotonic() < deadline, f"fewer than {count} sockets listen"
        time.sleep(0.1)


def refuses_connections(port: int) -> bool:
    """Whether a connection to the port is refused (nothing listens there)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[str]
    log_path: Path
    stderr: str = ""  # the server's log, once it has stopped

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def write_hypercorn_toml(workdir: Path, workers: int) -> None:
    """./hypercorn.toml in ``workdir``, which serve then reads: the packaged one with
    ``workers`` Hypercorn workers."""
    packaged = (REPO / "hypercorn.toml").read_text()
    text, replaced = re.subn(r"(?m)^workers = \d+$", f"workers = {workers}", packaged)
    assert replaced == 1, "the packaged hypercorn.toml has no `workers = N` line"
    (workdir / "hypercorn.toml").write_text(text)


def worker_pids(server: LiveServer) -> list[int]:
    """The Hypercorn master's workers (multiprocessing's resource tracker, a child too, is
    not one)."""
    pid = server.process.pid
    children = map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    return [
        child
        for child in children
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def start_server(
    workdir: Path, port: int | None = None, workers: int | None = None, **settings: str
) -> LiveServer:
    """``pydbpro serve`` with its packaged hypercorn.toml (with ``workers``, when given) and
    these settings, started (not yet listening: see wait_until_listening / wait_until_ready)."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    if workers is not None:
        write_hypercorn_toml(workdir, workers)
    env = clean_env(**{"PORT": str(port), "DATA_DIR": str(workdir / "var"),
                       "SECRET_KEY": SECRET, **settings})  # fmt: skip
    # The log goes to a file, not a pipe: a pipe nobody reads until the end fills up (64 KB,
    # a few hundred access-log lines) and then blocks the server in mid-request.
    log_path = workdir / "server.log"
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pydbpro", "serve"], cwd=workdir, env=env,
            stdout=subprocess.DEVNULL, stderr=log, text=True,
        )  # fmt: skip
    return LiveServer(f"http://127.0.0.1:{port}", process, log_path)


def stop_server(server: LiveServer, signum: int = signal.SIGINT, timeout: float = 30) -> int:
    """Stop it with ``signum`` (SIGINT as an operator would; SIGTERM as an orchestrator),
    killed if it is not gone within ``timeout``; its exit status."""
    if server.process.poll() is None:
        server.process.send_signal(signum)
    try:
        status = server.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        raise
    finally:
        server.stderr = server.log_path.read_text()
    return status


def wait_until_ready(server: LiveServer, deadline: float) -> None:
    """Until /api/health/ready answers 200 (the app started, its databases answer)."""
    while True:
        assert server.process.poll() is None, f"the server exited: {server.log_path.read_text()}"
        try:
            with urllib.request.urlopen(f"{server.url}/api/health/ready", timeout=5) as answer:
                if json.load(answer)["status"] == "ok":
                    return
        except (OSError, urllib.error.URLError):
            pass
        assert time.monotonic() < deadline, f"{server.url} did not become ready"
        time.sleep(0.1)


@contextmanager
def live_server(workdir: Path, workers: int | None = None, **settings: str) -> Iterator[LiveServer]:
    """``pydbpro serve`` (start_server), listening; stopped with SIGINT when the block ends."""
    server = start_server(workdir, workers=workers, **settings)
    try:
        wait_until_listening(server.port, time.monotonic() + 60)
        yield server
    finally:
        try:
            stop_server(server)
        except subprocess.TimeoutExpired:
            pass  # killed; the test's own assertions say what went wrong
