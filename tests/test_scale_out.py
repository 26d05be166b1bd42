"""Three `pydbpro serve` instances behind nginx behave as one, on 127.0.0.1 only.

The instances share a PostgreSQL store and Redis (REDIS_URL); nginx runs the production proxy
configuration (deploy/nginx/pydbpro.conf: round robin, no affinity, a connection error sends
an idempotent request to the next instance, a POST is never resent). Which instance answered
is nginx's own ``$upstream_addr`` (tests/support/balancer.py).

- A login works on every instance; a logout, and a token revoked on one instance, are
  refused by all at once (Redis: the lookup cache is cleared on every instance at once, even
  for lookups each instance had just cached).
- Failed logins count on every instance.
- A rolling restart with SIGTERM under load (20 clients: pages, console queries, and one long
  CSV export read slowly) fails no request, and the export in flight finishes with every row.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from .cli import run_cli
from .support.balancer import Balancer, nginx_balancer
from .support.databases import (
    NAME_PREFIX,
    TestDatabase,
    create_database,
    drop_database,
    redis_url,
    require_server,
)
from .support.live_server import (
    LiveServer,
    free_port,
    refuses_connections,
    start_server,
    stop_server,
    wait_until_ready,
)
from .support.load import Call, Report, connection, load
from .support.redis import delete_keys

ADMIN, ADMIN_PASSWORD = "operator", "the operator's long password"
VICTOR, VICTOR_PASSWORD = "victor", "victor's long password"
#: About 100 MB of CSV: more than the socket buffers between the instance, nginx and the
#: client can hold (Linux grows a receive buffer up to tcp_rmem's maximum, 32 MB on some
#: machines), so the instance is still sending when its SIGTERM comes.
BIG_ROWS = 500_000
CLIENTS = 20
LOAD_SECONDS = 20.0
#: Seconds each client waits between requests: 20 users, not 20 benchmark loops (those
#: saturate two cores, and then an instance takes 15 s to start instead of 3).
THINK_TIME = 0.2


@dataclass
class Cluster:
    balancer: Balancer
    servers: list[LiveServer]
    workdir: Path
    settings: dict[str, str]
    retired: list[LiveServer] = field(default_factory=list)

    @property
    def upstreams(self) -> set[str]:
        return {f"127.0.0.1:{server.port}" for server in self.servers}

    def replace(self, index: int) -> tuple[LiveServer, LiveServer]:
        """SIGTERM instance ``index``; once it no longer accepts connections (it still
        finishes what it has), start its replacement on the same port."""
        old = self.servers[index]
        old.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while not refuses_connections(old.port):
            assert time.monotonic() < deadline, "the stopped instance still accepts connections"
            time.sleep(0.02)
        new = start_server(self.workdir / f"instance-{index}-{len(self.retired)}", old.port,
                           **self.settings)  # fmt: skip
        self.servers[index] = new
        self.retired.append(old)
        return old, new


@dataclass
class Answer:
    status: int
    upstream: str
    body: Any
    headers: dict[str, str]


def _call(url: str, method: str, path: str, body: object = None,
          cookie: str | None = None, token: str | None = None) -> Answer:  # fmt: skip
    """One request through a new connection, as a new client would make it."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if cookie:
        headers["Cookie"] = f"pydbpro_session={cookie}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = connection(url, timeout=30)
    try:
        conn.request(method, path, None if body is None else json.dumps(body), headers)
        response = conn.getresponse()
        raw = response.read()
        found = {name.lower(): value for name, value in response.getheaders()}
    finally:
        conn.close()
    is_json = found.get("content-type", "").startswith("application/json")
    parsed = json.loads(raw) if raw and is_json else raw
    return Answer(response.status, found.get("x-upstream", ""), parsed, found)


def _log_in(url: str, username: str = ADMIN, password: str = ADMIN_PASSWORD) -> Answer:
    return _call(url, "POST", "/api/login", {"username": username, "password": password})


def _session(answer: Answer) -> str:
    assert answer.status == 200, answer.body
    return answer.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]


async def _big_table(db: TestDatabase) -> None:
    """A table whose CSV export lasts while a client reads it slowly."""
    engine = create_async_engine(db.admin_async_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "CREATE TABLE big AS SELECT g AS id, repeat('x', 190) AS note "
                f"FROM generate_series(1, {BIG_ROWS}) AS g"))  # fmt: skip
            await conn.execute(sa.text("ALTER TABLE big ADD PRIMARY KEY (id)"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_server("postgresql")
    require_server("redis")
    workdir = tmp_path_factory.mktemp("scale-out")
    prefix = f"{NAME_PREFIX}{secrets.token_hex(4)}:"
    explored = asyncio.run(create_database("postgresql", workdir))
    store = asyncio.run(create_database("postgresql", workdir))
    servers: list[LiveServer] = []
    cluster_: Cluster | None = None
    try:
        asyncio.run(_big_table(explored))
        for user, password, role in ((ADMIN, ADMIN_PASSWORD, "admin"),
                                     (VICTOR, VICTOR_PASSWORD, "viewer")):  # fmt: skip
            added = run_cli(workdir, "users", "add", user, "--role", role,
                            stdin=password + "\n", APP_DATABASE_URL=store.full_url,
                            DATA_DIR=str(workdir / "cli"))  # fmt: skip
            assert added.returncode == 0, added.stderr
        settings = {
            "DATABASE_URL": explored.readonly_url,
            "APP_DATABASE_URL": store.full_url,
            "REDIS_URL": redis_url(),
            "REDIS_KEY_PREFIX": prefix,
            "REDIS_TIMEOUT": "2",  # a loaded machine is no outage
            "TRUSTED_PROXIES": "127.0.0.1",
        }
        ports = [free_port() for _ in range(3)]
        servers = [start_server(workdir / f"instance-{index}", port, **settings)
                   for index, port in enumerate(ports)]  # fmt: skip
        deadline = time.monotonic() + 90
        for server in servers:
            wait_until_ready(server, deadline)
        with nginx_balancer(workdir / "nginx", ports) as balancer:
            cluster_ = Cluster(balancer, servers, workdir, settings)
            yield cluster_
    finally:
        for server in (cluster_.servers + cluster_.retired) if cluster_ else servers:
            try:
                stop_server(server, signal.SIGTERM, timeout=40)
            except Exception:  # noqa: S110 -- killed; cleaning up whatever happened
                pass
        asyncio.run(drop_database(explored))
        asyncio.run(drop_database(store))
        asyncio.run(delete_keys(prefix))


def _round(url: str, method: str, path: str, count: int = 6, **kwargs: Any) -> list[Answer]:
    return [_call(url, method, path, **kwargs) for _ in range(count)]


def test_a_session_works_on_every_instance_and_a_logout_ends_it_on_all(cluster: Cluster) -> None:
    url = cluster.balancer.url
    cookie = _session(_log_in(url))
    answers = _round(url, "GET", "/api/me", cookie=cookie)
    assert {a.status for a in answers} == {200}
    assert {a.upstream for a in answers} == cluster.upstreams  # every instance has served it
    assert _call(url, "POST", "/api/logout", cookie=cookie).status == 200
    answers = _round(url, "GET", "/api/me", cookie=cookie)
    assert [a.status for a in answers] == [401] * len(answers)
    assert {a.upstream for a in answers} == cluster.upstreams


def test_a_token_revoked_on_one_instance_is_refused_by_all_at_once(cluster: Cluster) -> None:
    url = cluster.balancer.url
    cookie = _session(_log_in(url))
    made = _call(url, "POST", "/api/tokens", {"name": "script"}, cookie=cookie)
    assert made.status == 201, made.body
    token, token_id = made.body["token"], made.body["info"]["id"]
    answers = _round(url, "GET", "/api/me", token=token)  # each instance caches the lookup
    assert {a.status for a in answers} == {200}
    assert {a.upstream for a in answers} == cluster.upstreams
    revoked = _call(url, "DELETE", f"/api/tokens/{token_id}", cookie=cookie)
    assert revoked.status == 200, revoked.body
    # No waiting for the cache to expire: the revocation cleared it on every instance.
    answers = _round(url, "GET", "/api/me", token=token)
    assert [a.status for a in answers] == [401] * len(answers)
    assert {a.upstream for a in answers} == cluster.upstreams


def test_failed_logins_count_on_every_instance(cluster: Cluster) -> None:
    url = cluster.balancer.url
    failures = _round(url, "POST", "/api/login", count=5,  # LOGIN_MAX_FAILURES
                      body={"username": VICTOR, "password": "wrong password"})  # fmt: skip
    assert [a.status for a in failures] == [401] * 5
    assert {a.upstream for a in failures} == cluster.upstreams
    refused = [_log_in(url, VICTOR, VICTOR_PASSWORD) for _ in range(3)]  # the right password
    assert [a.status for a in refused] == [429] * 3
    assert {a.upstream for a in refused} == cluster.upstreams


def _mixed_calls(index: int) -> Call:
    """What the load's clients ask: pages, console queries (POST: never resent), who am I."""
    match index % 4:
        case 0:
            return Call("GET", f"/api/tables/big/data?page_size=50&page={index % 40 + 1}")
        case 1:
            sql = f"SELECT id, note FROM big WHERE id BETWEEN {index} AND {index + 20}"
            return Call("POST", "/api/query", json.dumps({"sql": sql}))
        case 2:
            return Call("GET", "/api/tables/customers/data")
        case _:
            return Call("GET", "/api/me")


@dataclass
class Download:
    upstream: str = ""
    rows: int = -1
    error: str = ""
    started: threading.Event = field(default_factory=threading.Event)


def _slow_export(url: str, cookie: str, download: Download) -> None:
    """The long CSV export, read at about 6 MB/s (a slow client: it lasts ~16 s)."""
    conn = connection(url, timeout=120)
    try:
        conn.request("GET", "/api/tables/big/export/csv",
                     headers={"Cookie": f"pydbpro_session={cookie}"})  # fmt: skip
        response = conn.getresponse()
        download.upstream = response.getheader("X-Upstream") or ""
        download.started.set()
        assert response.status == 200, response.read()[:300]
        lines = 0
        while chunk := response.read(64 * 1024):
            lines += chunk.count(b"\n")
            time.sleep(0.01)
        download.rows = lines - 1  # the header line
    except Exception as error:  # the test reports it
        download.error = f"{type(error).__name__}: {error}"
    finally:
        download.started.set()
        conn.close()


@dataclass
class Restart:
    """One instance's restart: seconds from its SIGTERM to the replacement's readiness, and
    to the old process's exit (it finishes what it has first)."""

    index: int
    old: LiveServer
    stopped: float
    ready_after: float = 0.0
    exited_after: float = 0.0

    def watch(self) -> threading.Thread:
        def wait() -> None:
            self.old.process.wait()
            self.exited_after = time.monotonic() - self.stopped

        thread = threading.Thread(target=wait, daemon=True)
        thread.start()
        return thread


def _rolling_restart(cluster: Cluster, first: str) -> list[Restart]:
    """Every instance in turn, the one at ``first`` (host:port) first: SIGTERM, replacement
    started, replacement ready, next."""
    order = sorted(range(len(cluster.servers)),
                   key=lambda i: f"127.0.0.1:{cluster.servers[i].port}" != first)  # fmt: skip
    restarts = []
    for index in order:
        stopped = time.monotonic()
        old, new = cluster.replace(index)
        restart = Restart(index, old, stopped)
        restart.watch()
        wait_until_ready(new, time.monotonic() + 90)
        restart.ready_after = time.monotonic() - stopped
        restarts.append(restart)
    return restarts


def test_a_rolling_restart_under_load_fails_no_request(cluster: Cluster) -> None:
    url = cluster.balancer.url
    cookie = _session(_log_in(url))
    download = Download()
    exporter = threading.Thread(target=_slow_export, args=(url, cookie, download), daemon=True)
    started = time.monotonic()
    headers = {"Cookie": f"pydbpro_session={cookie}"}
    with load(url, CLIENTS, _mixed_calls, headers, THINK_TIME) as report:
        exporter.start()
        assert download.started.wait(30) and download.upstream, download.error
        time.sleep(1)
        # The export's instance first, so that its SIGTERM comes while the export runs.
        restarts = _rolling_restart(cluster, download.upstream)
        while time.monotonic() - started < LOAD_SECONDS:
            time.sleep(0.2)
    exporter.join(timeout=120)
    exits = [stop_server(restart.old, signal.SIGTERM, timeout=60) for restart in restarts]
    _print_figures(report, download, restarts, time.monotonic() - started)
    assert report.failures == []
    assert report.requests > CLIENTS * 10
    assert (download.error, download.rows) == ("", BIG_ROWS)  # every row
    assert exits == [0, 0, 0]
    # The export's instance stopped only when it had sent the export, the others at once.
    assert restarts[0].exited_after > max(restart.exited_after for restart in restarts[1:])
    for restart in restarts:
        assert "Traceback" not in restart.old.stderr, restart.old.stderr


def _print_figures(
    report: Report, download: Download, restarts: list[Restart], seconds: float
) -> None:
    print(f"\nrolling restart under load ({CLIENTS} clients, {seconds:.1f} s): {report.summary()}")
    print(f"export via {download.upstream}: {download.rows} rows {download.error}")
    for restart in restarts:
        print(f"instance {restart.index}: replacement ready {restart.ready_after:.1f} s, "
              f"old one exited {restart.exited_after:.1f} s after SIGTERM")  # fmt: skip
    for failure in report.failures[:20]:
        print("FAILED", failure)
