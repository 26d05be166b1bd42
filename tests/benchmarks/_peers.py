"""PyDBPro's peers, served on the benchmark's own data: DbGate (PostgreSQL) and Datasette (SQLite).

Each is installed into a scratch folder (``--peers-dir``, outside the repository) the first time
and reused afterwards; neither is a project dependency and none of their code is kept. Each runs
as its own process group on a free loopback port and is stopped through that group, whatever
happens to the benchmark. See ../shared/peers-benchmark.md for how they were worked out.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ._builder import PG_ADMIN
from ._support import HOST, Load, Request, free_port, measure_load, process_tree

DATASETTE_VERSION = "0.65.5"
DBGATE_VERSION = "7.2.2"
PAGE_SIZE = 50
#: DbGate stops a database's helper process 40 s after the last ping: its UI pings every 10 s.
DBGATE_PING_SECONDS = 10.0


@dataclass
class Peer:
    """One peer server: a process group we started, the request that reads page 1 from it."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    request: Request

    def load(self, clients: int, seconds: float) -> Load:
        """run_load on page 1, with the CPU time per request of the peer's whole process tree
        (its helper processes are not workers sharing the requests: no split)."""
        load = measure_load(
            lambda: process_tree(self.process.pid), self.port, self.request, clients, seconds
        )
        return replace(load, worker_split=())

    def call(self, request: Request) -> tuple[int, bytes]:
        """One request on a fresh connection (checks and warm-up, not measurement)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(request.method, request.path, request.body or None, request.headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def install_datasette(folder: Path) -> Path:
    """A venv in ``folder`` holding Datasette; returns its ``datasette`` command."""
    venv = folder / "datasette-venv"
    command = venv / "bin" / "datasette"
    if not _has_version([str(command), "--version"], DATASETTE_VERSION):
        print(f"  installing datasette {DATASETTE_VERSION} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", f"datasette=={DATASETTE_VERSION}"]
        subprocess.run(pip, check=True)
    return command


def install_dbgate(folder: Path) -> Path:
    """``dbgate-serve`` installed with npm in ``folder``; returns the folder.

    Its API package depends on an npm package named ``http`` that has no published version:
    an ``overrides`` entry maps it to an empty local package (Node's built-in http is what
    gets loaded anyway).
    """
    root = folder / "dbgate"
    installed = root / "node_modules" / "dbgate-serve" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == DBGATE_VERSION:
        return root
    print(f"  installing dbgate-serve {DBGATE_VERSION} into {root} ...", flush=True)
    (root / "empty-http").mkdir(parents=True, exist_ok=True)
    (root / "empty-http" / "package.json").write_text('{"name": "http", "version": "0.0.0"}\n')
    package = {
        "name": "pydbpro-bench-dbgate",
        "private": True,
        "dependencies": {"dbgate-serve": DBGATE_VERSION},
        "overrides": {"http": "file:./empty-http"},
    }
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    npm = shutil.which("npm") or "npm"
    subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=root, check=True)
    return root


def _has_version(command: list[str], version: str) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return False
    return done.returncode == 0 and version in done.stdout


@contextmanager
def datasette(folder: Path, sqlite_file: Path) -> Iterator[Peer]:
    """Datasette serving ``sqlite_file``; page 1 is its default JSON table page of 50 rows
    (with its count) without the facet suggestions it would compute on every request."""
    command = install_datasette(folder)
    port = free_port()
    argv = [str(command), "serve", str(sqlite_file), "--host", HOST, "--port", str(port)]
    path = f"/{sqlite_file.stem}/events.json?_size={PAGE_SIZE}&_nosuggest=1"
    with _process_group(argv, folder, os.environ.copy(), folder / "datasette.log") as process:
        peer = Peer("Datasette", port, process, Request(path))
        _wait_until(peer, lambda: peer.call(peer.request)[0] == 200)
        _check_rows(peer, lambda body: body["rows"])
        yield peer


@contextmanager
def dbgate(folder: Path, database: str) -> Iterator[Peer]:
    """DbGate serving ``database`` on the local PostgreSQL; page 1 is the request its UI sends
    for a table's first 50 rows ordered by id, with the token of an anonymous login."""
    root = install_dbgate(folder)
    port = free_port()
    (root / "home").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(root / "home"),  # its settings and files go there
        "PORT": str(port),  # it listens on every interface: the benchmark uses loopback only
        "CONNECTIONS": "pg",
        "ENGINE_pg": "postgres@dbgate-plugin-postgres",
        "SERVER_pg": str(PG_ADMIN["host"]),
        "PORT_pg": str(PG_ADMIN["port"]),
        "USER_pg": str(PG_ADMIN["user"]),
        "PASSWORD_pg": "",
        "DATABASE_pg": database,
    }
    argv = [shutil.which("node") or "node", "node_modules/dbgate-serve/bin/dbgate-serve.js"]
    with _process_group(argv, root, env, root / "dbgate.log") as process:
        json_type = {"Content-Type": "application/json"}
        login = Request("/auth/login", json_type, "POST", '{"amoid": "none"}')
        peer = Peer("DbGate", port, process, login)
        _wait_until(peer, lambda: peer.call(login)[0] == 200)
        token = json.loads(peer.call(login)[1])["accessToken"]
        headers = {"Authorization": f"Bearer {token}", **json_type}
        select = {
            "commandType": "select",
            "from": {"name": {"schemaName": "public", "pureName": "events"}},
            "selectAll": True,
            "orderBy": [{"exprType": "column", "columnName": "id", "direction": "ASC"}],
            "range": {"offset": 0, "limit": PAGE_SIZE},
        }
        body = {"conid": "pg", "database": database, "select": select}
        peer.request = Request(
            "/database-connections/sql-select", headers, "POST", json.dumps(body)
        )
        ping = Request(
            "/database-connections/ping",
            headers,
            "POST",
            json.dumps({"conid": "pg", "database": database}),
        )
        with _every(DBGATE_PING_SECONDS, lambda: peer.call(ping)):
            _check_rows(peer, lambda body: body["rows"])
            yield peer


def _check_rows(peer: Peer, rows: Callable[[Any], list[Any]]) -> None:
    """Page 1 answers 200 with 50 rows (wrk sees only status codes, never bodies)."""
    status, body = peer.call(peer.request)
    got = len(rows(json.loads(body))) if status == 200 else 0
    if got != PAGE_SIZE:
        raise RuntimeError(f"{peer.name} page 1: status {status}, {got} rows: {body[:300]!r}")


def _wait_until(peer: Peer, ready: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if peer.process.poll() is not None:
            raise RuntimeError(f"{peer.name} exited with status {peer.process.returncode}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{peer.name} did not answer within {seconds:g} s")


@contextmanager
def _process_group(
    argv: list[str], cwd: Path, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` in a new session, its output in ``log``; the whole group is stopped on exit
    (SIGTERM, then SIGKILL after 10 s) so no helper process it forked outlives the benchmark.
    A new session also keeps a Ctrl-C in the terminal from reaching it before we stop it."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(process.pid, signal.SIGKILL)  # its helpers, if any are left
        process.wait()


def _signal_group(group: int, sig: signal.Signals) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass  # the group is gone already


@contextmanager
def _every(seconds: float, action: Callable[[], object]) -> Iterator[None]:
    """Run ``action`` every ``seconds`` in a thread for as long as the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                action()
            except OSError:
                pass  # a missed ping: the next one comes 10 s later, well within 40 s

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
