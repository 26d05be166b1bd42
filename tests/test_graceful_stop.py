"""SIGTERM to a real `pydbpro serve`, as an orchestrator stops it: new connections are
refused at once (a proxy retries them elsewhere), a connection kept alive from before is
told "draining" and closed after its response, downloads in flight finish within
GRACEFUL_TIMEOUT, then the process exits cleanly."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from .cli import run_cli
from .support.live_server import live_server, refuses_connections, wait_until_workers_listen

PASSWORD = "a long passphrase for the export"
ROWS = 60_000


def _big_database(tmp_path: Path) -> Path:
    """About 12 MB of CSV: a download that lasts while the client reads slowly."""
    database = tmp_path / "big.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, note TEXT)")
        connection.executemany("INSERT INTO big VALUES (?, ?)",
                               ((i, "x" * 200) for i in range(ROWS)))  # fmt: skip
    added = run_cli(tmp_path, "users", "add", "exporter", "--role", "admin",
                    stdin=PASSWORD + "\n", DATA_DIR=str(tmp_path / "var"))  # fmt: skip
    assert added.returncode == 0, added.stderr
    return database


def _connection(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def _session_cookie(url: str) -> str:
    connection = _connection(url)
    body = json.dumps({"username": "exporter", "password": PASSWORD})
    connection.request("POST", "/api/login", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    cookie = response.getheader("Set-Cookie") or ""
    connection.close()
    return cookie.split(";", 1)[0]


def _worker_pids(pid: int) -> list[int]:
    """The Hypercorn master's children: its workers (and multiprocessing's helper)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.mark.parametrize("workers", [1, 2], ids=["1 worker", "2 workers"])
@pytest.mark.parametrize(
    "everyone", [False, True], ids=["to the main process", "to every process (systemd)"]
)
def test_sigterm_refuses_new_connections_drains_kept_alive_ones_and_finishes_exports(
    tmp_path: Path, everyone: bool, workers: int
) -> None:
    """A container engine and Kubernetes signal the main process; systemd (KillMode=
    control-group, its default) signals every process of the service, the workers too.
    With 2 workers each listens on its own socket: both stop listening, so new connections
    are refused, and each drains what it holds (the connections may be on either)."""
    database = _big_database(tmp_path)
    with live_server(tmp_path, workers=workers, DATABASE_URL=f"sqlite:///{database}") as server:
        wait_until_workers_listen(server, workers, time.monotonic() + 60)
        cookie = _session_cookie(server.url)
        kept_alive = _connection(server.url)
        kept_alive.request("GET", "/api/health/ready")
        ready = kept_alive.getresponse()
        assert (ready.status, json.loads(ready.read())["status"]) == (200, "ok")
        assert ready.getheader("Connection") != "close"

        download = _connection(server.url)
        download.request("GET", "/api/tables/big/export/csv", headers={"Cookie": cookie})
        export = download.getresponse()
        assert export.status == 200
        body = export.read(64 * 1024)

        for pid in _worker_pids(server.process.pid) if everyone else []:
            os.kill(pid, signal.SIGTERM)
        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while not refuses_connections(server.port):  # Hypercorn alone would queue them for nobody
            assert time.monotonic() < deadline, "new connections are still accepted"
            time.sleep(0.02)
        # The connection kept alive from before the stop still reaches the app for a moment:
        # it is told the instance is draining, and closed after that response.
        while True:
            kept_alive.request("GET", "/api/health/ready")
            ready = kept_alive.getresponse()
            status = json.loads(ready.read())["status"]
            if status != "ok":
                break
        assert (ready.status, status) == (503, "draining")
        assert ready.getheader("Connection") == "close"
        assert kept_alive.sock is None or kept_alive.sock.recv(1) == b""  # closed by the server
        kept_alive.close()

        assert server.process.poll() is None, "the server must wait for the download"
        while chunk := export.read(256 * 1024):
            body += chunk
            time.sleep(0.02)  # a slow client
        download.close()
        assert body.decode().count("\n") == ROWS + 1  # the header and every row
        assert server.process.wait(timeout=60) == 0
    assert "Traceback" not in server.stderr


def test_graceful_timeout_setting_bounds_the_wait_for_a_download(tmp_path: Path) -> None:
    database = _big_database(tmp_path)
    with live_server(tmp_path, DATABASE_URL=f"sqlite:///{database}",
                     GRACEFUL_TIMEOUT="2") as server:  # fmt: skip
        cookie = _session_cookie(server.url)
        download = _connection(server.url)
        download.request("GET", "/api/tables/big/export/csv", headers={"Cookie": cookie})
        export = download.getresponse()
        body = export.read(64 * 1024)
        server.process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        try:
            while server.process.poll() is None and (chunk := export.read(16 * 1024)):
                body += chunk
                time.sleep(0.05)  # a client far too slow for the grace period
        except http.client.IncompleteRead as error:
            body += error.partial
        download.close()
        assert server.process.wait(timeout=30) == 0
        assert time.monotonic() - stopped < 15
        assert body.decode().count("\n") < ROWS + 1, "the download was cut at the deadline"
