"""Helpers for browse tests: direct SQL on the fixture database, to compare with the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from .support.databases import TestDatabase


@asynccontextmanager
async def direct(db: TestDatabase) -> AsyncIterator[AsyncConnection]:
    """A full-rights connection to the test database, bypassing PyDBPro entirely."""
    engine = create_async_engine(db.admin_async_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            yield conn
            await conn.commit()
    finally:
        await engine.dispose()


def quote(conn: AsyncConnection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


async def scalar_list(db: TestDatabase, sql: str, **params: Any) -> list[Any]:
    async with direct(db) as conn:
        return [row[0] for row in await conn.execute(text(sql), params)]


async def get_json(client: Any, url: str, expect: int = 200, **kwargs: Any) -> Any:
    response = await client.get(url, **kwargs)
    body = await response.get_json()
    assert response.status_code == expect, (url, response.status_code, body)
    return body
