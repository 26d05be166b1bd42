"""GET /api/config: branding for everyone, features and the database only when logged in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydbpro.settings import Settings

from .conftest import TestDatabase, running_app


async def test_config_shows_branding_to_all_and_the_database_to_users(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(
        database_url=sqlite_db.readonly_url,
        app_name="Acme Data",
        footer_text="Internal use only",
        theme="dark",
        allow_sql_console=False,
        page_size_options=[10, 25],
        page_size_default=25,
    )
    async with running_app(settings) as app:
        client = app.test_client()
        anonymous = await (await client.get("/api/config")).get_json()
        assert anonymous["app_name"] == "Acme Data" and anonymous["theme"] == "dark"
        assert anonymous["footer_text"] == "Internal use only"
        assert anonymous["database"] is None
        await login(client)
        config = await (await client.get("/api/config")).get_json()
        assert config["database"] == {"name": "fixture.sqlite3", "dialect": "sqlite"}
        assert config["allow_sql_console"] is False and config["allow_export"] is True
        assert config["page_size_options"] == [10, 25] and config["page_size_default"] == 25
        await client.post("/api/logout")
        assert (await (await client.get("/api/config")).get_json())["database"] is None
