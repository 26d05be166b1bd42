"""A client that leaves early still leaves a trace: every request is one access-log line and
one count, the active-requests gauge comes back down, and every export it abandoned is one
``export`` activity event with outcome ``aborted``. A request left before its response
started is logged with status 499 (nginx's "client closed request")."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from quart import Quart

from pydbpro.settings import Settings

from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .test_export_streaming import counter
from .test_monitoring import TOKEN, scrape, value

HEADERS = {"Content-Type": "application/json"}
EXPORT = "/api/query/export/csv"
#: A statement whose export takes two seconds before its first byte (the bounded count and
#: the stream each sleep once).
SLOW_TO_START = "SELECT x FROM generate_series(1, 3) AS x, pg_sleep(1) AS nap"


@pytest.fixture
async def pg_app(
    make_settings: Callable[..., Settings], databases: dict[str, Any], login: Any
) -> AsyncIterator[tuple[Quart, Any, TestDatabase]]:
    """An app on PostgreSQL (``pg_sleep`` makes "not started yet" last) with metrics and the
    activity log (store sink) on, and a logged-in client."""
    db: TestDatabase = await databases["get"]("postgresql")
    settings = make_settings(database_url=db.readonly_url, metrics_token=TOKEN,
                             enable_activity_log=True, audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        yield app, client, db


async def leave(client: Any, path: str, payload: dict[str, Any], after_bytes: int = 0) -> int:
    """POST ``payload`` and hang up: after a moment with no response yet (``after_bytes``
    0), or once that much of the body has arrived. Returns the status the client saw (0:
    none, the response had not started)."""
    async with client.request(path, method="POST", headers=HEADERS) as conn:
        await conn.send(json.dumps(payload).encode())
        await conn.send_complete()
        if after_bytes == 0:
            await asyncio.sleep(0.3)
            assert conn.status_code is None, "the response started too early for this test"
        received = 0
        while received < after_bytes:
            received += len(await asyncio.wait_for(conn.receive(), 10))
        await conn.disconnect()
    return conn.status_code or 0


def access_lines(app_log: pytest.LogCaptureFixture, path: str) -> list[dict[str, str]]:
    lines = [r.getMessage() for r in app_log.records if r.name == "pydbpro.access"]
    parsed = [dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)) for line in lines]
    return [line for line in parsed if line["path"] == path]


async def idle_gauge(client: Any) -> float:
    """The active-requests gauge as a scrape sees it (the scrape itself is one), once the
    abandoned requests' tasks have ended."""
    for _ in range(20):
        gauge = value(await scrape(client), "pydbpro_http_requests_active")
        if gauge == 1:
            break
        await asyncio.sleep(0.1)
    return gauge


async def test_a_query_left_before_its_response_is_logged_and_counted_once(
    pg_app: tuple[Quart, Any, TestDatabase], app_log: pytest.LogCaptureFixture
) -> None:
    app, client, _ = pg_app
    before = await scrape(client)
    assert await leave(client, "/api/query", {"sql": "SELECT pg_sleep(2)"}) == 0
    after = await scrape(client)
    gauge_after = await idle_gauge(client)

    def grew(status: str) -> float:
        labels = {"method": "POST", "route": "/api/query", "status": status}
        return value(after, "pydbpro_http_requests_total", **labels) - value(
            before, "pydbpro_http_requests_total", **labels
        )

    assert (value(before, "pydbpro_http_requests_active"), gauge_after) == (1, 1)
    assert [line["status"] for line in access_lines(app_log, "/api/query")] == ["499"]
    assert (grew("499"), grew("200"), grew("500")) == (1, 0, 0)
    events = await audit_events(app, client, event="query_executed")
    assert [e["outcome"] for e in events] == ["aborted"]
    assert value(after, "pydbpro_queries_total", source="console", outcome="aborted") == 1


async def test_many_abandoned_exports_each_leave_one_line_and_one_event(
    pg_app: tuple[Quart, Any, TestDatabase], app_log: pytest.LogCaptureFixture
) -> None:
    """Half leave before the first byte (while the export's statement runs), half after the
    first chunk; in groups, as impatient users do."""
    app, client, _ = pg_app
    before = await scrape(client)
    slow, streaming = {"sql": SLOW_TO_START}, {"sql": counter("postgresql")}
    statuses: list[int] = []
    for _ in range(3):
        statuses += await asyncio.gather(
            *(leave(client, EXPORT, slow) for _ in range(5)),
            *(leave(client, EXPORT, streaming, after_bytes=1) for _ in range(5)),
        )
    gauge_after = await idle_gauge(client)
    lines = access_lines(app_log, EXPORT)
    events = await audit_events(app, client, event="export")
    print(f"gauge {value(before, 'pydbpro_http_requests_active')} -> {gauge_after}; "
          f"{len(lines)} access lines, {len(events)} export events for {len(statuses)} "
          f"abandoned exports")  # fmt: skip
    assert sorted(statuses) == [0] * 15 + [200] * 15
    assert gauge_after == 1
    assert sorted(line["status"] for line in lines) == ["200"] * 15 + ["499"] * 15
    assert len({line["request_id"] for line in lines}) == 30
    assert [e["outcome"] for e in events] == ["aborted"] * 30
    assert {e["request_id"] for e in events} == {line["request_id"] for line in lines}
    scraped = await scrape(client)
    assert value(scraped, "pydbpro_exports_total", format="csv", outcome="aborted") == 30
