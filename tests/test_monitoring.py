"""Monitoring: /metrics (gated, counts that match the requests made), one access-log line
per request, slow-query warnings, and /api/health/ready with PyDBPro's own store."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from pydbpro.settings import Settings

from .conftest import TestDatabase, require_server, running_app
from .support.databases import create_database, drop_database
from .support.tcp_proxy import proxied

TOKEN = "Zq8-metrics-Xv3pL0aK7mWc2RtY9sNf4hJd6uBe1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DATA_ROUTE = "/api/tables/<path:table>/data"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scrape: dict[Any, float], name: str, **labels: str) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(client: Any) -> dict[Any, float]:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return samples(await response.get_data(as_text=True))


async def test_metrics_are_off_unless_configured(app: Any) -> None:
    response = await app.test_client().get("/metrics")
    assert response.status_code == 404
    assert (await response.get_json())["code"] == "METRICS_DISABLED"


async def test_metrics_need_the_token(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, metrics_token=TOKEN)
    async with running_app(settings) as app:
        client = app.test_client()
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        right = await client.get("/metrics", headers=AUTH)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert wrong.status_code == 401
    assert right.status_code == 200


async def test_metrics_allowed_addresses(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url,
                             metrics_allowed_addresses="10.0.0.0/8")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        inside = await client.get("/metrics", scope_base={"client": ("10.1.2.3", 5000)})
        outside = await client.get("/metrics", scope_base={"client": ("192.0.2.1", 5000)})
    assert inside.status_code == 200
    assert outside.status_code == 403 and (await outside.get_json())["code"] == "METRICS_FORBIDDEN"


async def test_metrics_count_the_requests_made(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, metrics_token=TOKEN)
    async with running_app(settings) as app:
        client = app.test_client()
        before = await scrape(client)
        await login(client, password="wrong", expect=401)
        await login(client)
        for page in (1, 2, 3):
            assert (await client.get(f"/api/tables/customers/data?page={page}")).status_code == 200
        assert (await client.get("/api/tables/no_such_table/data")).status_code == 404
        assert (await client.get("/no/such/page/at/all.txt")).status_code == 404
        ok = await client.post("/api/query", json={"sql": "SELECT 1 AS one"})
        refused = await client.post("/api/query", json={"sql": "DELETE FROM customers"})
        assert (ok.status_code, refused.status_code) == (200, 403)
        export = await client.get("/api/tables/customers/export/csv?filter_city=Berlin")
        body = await export.get_data()
        csv_rows = body.count(b"\n") - 1
        after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("pydbpro_http_requests_total", method="GET", route=DATA_ROUTE, status="200") == 3
    assert grew("pydbpro_http_requests_total", method="GET", route=DATA_ROUTE, status="404") == 1
    assert grew("pydbpro_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
    assert grew("pydbpro_http_requests_total", method="POST", route="/api/login", status="401") == 1
    assert grew("pydbpro_http_request_duration_seconds_count", method="GET", route=DATA_ROUTE) == 4
    assert grew("pydbpro_queries_total", source="browse", outcome="ok") == 3
    assert grew("pydbpro_queries_total", source="console", outcome="ok") == 1
    assert grew("pydbpro_queries_total", source="console", outcome="refused") == 1
    assert grew("pydbpro_login_failures_total", reason="wrong_password") == 1
    assert grew("pydbpro_exports_total", format="csv", outcome="completed") == 1
    assert grew("pydbpro_export_rows_total", format="csv") == csv_rows > 0
    assert grew("pydbpro_export_bytes_total", format="csv") == len(body)
    assert grew("pydbpro_export_duration_seconds_count", format="csv") == 1
    assert value(after, "pydbpro_http_requests_active") == 1  # the scrape itself
    assert value(after, "pydbpro_db_pool_size") == settings.db_pool_size
    assert value(after, "pydbpro_db_pool_in_use") == 0
    assert value(after, "pydbpro_db_pool_waiting") == 0
    assert value(after, "pydbpro_db_breaker_open") == 0
    assert value(after, "pydbpro_audit_events_dropped_total", reason="queue_full") == 0


async def test_one_access_log_line_per_request(
    backend_client: Any, app_log: pytest.LogCaptureFixture
) -> None:
    response = await backend_client.get("/api/tables/customers/export/csv")
    body = await response.get_data()
    await backend_client.get("/api/tables/customers/data?page_size=5")
    lines = [r.getMessage() for r in app_log.records if r.name == "pydbpro.access"]
    assert len(lines) == 2
    export_line, data_line = (dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)) for line in lines)
    assert export_line["route"] == "/api/tables/<path:table>/export/<fmt>"
    assert export_line["bytes"] == str(len(body))  # counted to the last streamed byte
    assert export_line["status"] == "200" and export_line["user"] == "alice"
    assert data_line["method"] == "GET" and data_line["path"] == "/api/tables/customers/data"
    assert float(data_line["duration_ms"]) > 0
    assert export_line["request_id"] == response.headers["X-Request-ID"]


async def test_slow_queries_and_exports_are_warned_about(
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    login: Any,
    app_log: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, slow_query_seconds=1e-9)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await client.post("/api/query", json={"sql": "SELECT 1 AS one"})
        await (await client.get("/api/tables/customers/export/csv")).get_data()
    warnings = [r.getMessage() for r in app_log.records
                if r.name == "pydbpro.slow" and r.levelname == "WARNING"]  # fmt: skip
    assert len(warnings) == 3, warnings  # the console query, the export's query, the export
    assert warnings[0].startswith("slow console: ") and "sql_sha256=" in warnings[0]
    assert "SELECT 1" not in " ".join(warnings)
    assert warnings[2].startswith("slow export: ") and "format=csv" in warnings[2]


async def test_fast_requests_are_not_warned_about(
    backend_client: Any, app_log: pytest.LogCaptureFixture
) -> None:
    await backend_client.get("/api/tables/customers/data")
    assert not [r for r in app_log.records if r.name == "pydbpro.slow"]


async def test_ready_checks_the_store_too(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path
) -> None:
    require_server("postgresql")
    store_db = await create_database("postgresql", tmp_path)
    try:
        async with proxied(store_db.full_url) as (proxy, via_proxy):
            settings = make_settings(database_url=sqlite_db.readonly_url,
                                     app_database_url=via_proxy)  # fmt: skip
            async with running_app(settings) as app:
                client = app.test_client()
                up = await client.get("/api/health/ready")
                await proxy.stop()
                down = await client.get("/api/health/ready")
                live = await client.get("/api/health")  # liveness does not look at the store
                alive = await client.get("/api/health/live")  # nor does the process's liveness
                await proxy.start()
                again = await client.get("/api/health/ready")
    finally:
        await drop_database(store_db)
    assert up.status_code == 200
    assert await up.get_json() == {
        "status": "ok", "database": "ok", "store": "ok", "redis": "off", "role": "read_only"
    }
    assert down.status_code == 503
    assert await down.get_json() == {
        "status": "degraded", "database": "ok", "store": "unavailable", "redis": "off",
        "role": "read_only",
    }
    assert live.status_code == 200
    assert alive.status_code == 200
    assert again.status_code == 200
