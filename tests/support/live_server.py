"""A real ``pydbpro serve`` (Hypercorn) in a subprocess, for tests that need a real socket:
the serve command itself and the browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[str]
    stderr: str = ""  # the server's log, once it has stopped


@contextmanager
def live_server(workdir: Path, **settings: str) -> Iterator[LiveServer]:
    """``pydbpro serve`` with its packaged hypercorn.toml and these settings; stopped
    (SIGINT, as an operator would) when the block ends."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = clean_env(**{"PORT": str(port), "DATA_DIR": str(workdir / "var"),
                       "SECRET_KEY": SECRET, **settings})  # fmt: skip
    # The log goes to a file, not a pipe: a pipe nobody reads until the end fills up (64 KB,
    # a few hundred access-log lines) and then blocks the server in mid-request.
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pydbpro", "serve"], cwd=workdir, env=env,
            stdout=subprocess.DEVNULL, stderr=log, text=True,
        )  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_listening(port, time.monotonic() + 60)
        yield server
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.stderr = log_path.read_text()
