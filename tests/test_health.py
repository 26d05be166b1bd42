"""Health: 200 while the database answers, 503 while it does not, 200 again without restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pydbpro.settings import Settings

from .conftest import TestDatabase, require_server, running_app
from .support.tcp_proxy import proxied


async def test_health_ok_on_every_backend(backend_app: Any) -> None:
    response = await backend_app.test_client().get("/api/health")
    assert response.status_code == 200
    body = await response.get_json()
    assert body == {"status": "ok", "database": "ok"}


async def test_health_reveals_no_versions_or_hosts(
    backend_app: Any, backend_db: TestDatabase
) -> None:
    text = await (await backend_app.test_client().get("/api/health")).get_data(as_text=True)
    url = make_url(backend_db.readonly_url)
    for secret in filter(None, [url.host, url.username, url.database, "PostgreSQL", "MariaDB"]):
        assert secret not in text


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_health_follows_an_outage_and_recovers(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings]
) -> None:
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        async with running_app(make_settings(database_url=via_proxy)) as app:
            client = app.test_client()
            assert (await client.get("/api/health")).status_code == 200
            await proxy.stop()
            down = await client.get("/api/health")
            assert down.status_code == 503
            assert await down.get_json() == {"status": "degraded", "database": "unavailable"}
            await proxy.start()
            assert (await client.get("/api/health")).status_code == 200


@pytest.mark.parametrize("login", ["readonly", "owner"])
async def test_ready_says_whether_the_database_login_could_write(
    login: str,
    backend_db: TestDatabase,
    make_settings: Callable[..., Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A login that owns tables or holds write grants is reported (PyDBPro stays read-only);
    a SELECT-only login, and SQLite's file (always opened read-only), are not."""
    url = backend_db.readonly_url if login == "readonly" else backend_db.full_url
    async with running_app(make_settings(database_url=url)) as app:
        response = await app.test_client().get("/api/health/ready")
        again = await app.test_client().get("/api/health/ready")
    can_write = login == "owner" and backend_db.dialect != "sqlite"
    assert response.status_code == 200
    assert (await response.get_json())["role"] == ("can_write" if can_write else "read_only")
    assert (await again.get_json())["role"] == (await response.get_json())["role"]
    warnings = [r for r in caplog.records
                if r.levelname == "WARNING" and "login can change data" in r.getMessage()]
    assert len(warnings) == (1 if can_write else 0)
