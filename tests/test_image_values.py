"""A binary value that is an image, whole, for the value panel's preview
(``GET /api/tables/<t>/image?column=<c>&<key>=<v>``); everything else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from .browsing import direct, get_json
from .conftest import TestDatabase

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
BLOB = {"postgresql": "bytea", "mysql": "longblob", "sqlite": "blob"}


@pytest.fixture
async def pictures(backend_db: TestDatabase, backend_client: Any) -> AsyncIterator[str]:
    """A table of an image, a non-image and a NULL, visible to the shared app."""
    name = "pictures"
    async with direct(backend_db) as conn:
        await conn.execute(text(f"CREATE TABLE {name} (id int PRIMARY KEY, "
                                f"img {BLOB[backend_db.dialect]})"))  # fmt: skip
        if backend_db.dialect == "postgresql":
            reader = make_url(backend_db.readonly_url).username
            await conn.execute(text(f'GRANT SELECT ON {name} TO "{reader}"'))
        await conn.execute(
            text(f"INSERT INTO {name} (id, img) VALUES (1, :png), (2, :other), (3, NULL)"),
            {"png": PNG, "other": b"%PDF-1.7 not an image"},
        )
    await get_json(backend_client, "/api/tables?refresh=1")
    try:
        yield name
    finally:
        async with direct(backend_db) as conn:
            await conn.execute(text(f"DROP TABLE {name}"))
        await get_json(backend_client, "/api/tables?refresh=1")


async def test_an_image_is_served_whole(backend_client: Any, pictures: str) -> None:
    response = await backend_client.get(f"/api/tables/{pictures}/image?column=img&id=1")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert await response.get_data() == PNG
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_what_is_not_an_image_is_refused(backend_client: Any, pictures: str) -> None:
    base = f"/api/tables/{pictures}/image"
    other = await get_json(backend_client, f"{base}?column=img&id=2", expect=400)
    assert other["code"] == "NOT_AN_IMAGE"
    null = await get_json(backend_client, f"{base}?column=img&id=3", expect=400)
    assert null["code"] == "NOT_AN_IMAGE"
    missing = await get_json(backend_client, f"{base}?column=img&id=9", expect=404)
    assert missing["code"] == "ROW_NOT_FOUND"
    not_binary = await get_json(backend_client, f"{base}?column=id&id=1", expect=400)
    assert not_binary["code"] == "NOT_BINARY"
    no_key = await get_json(backend_client, f"{base}?column=img", expect=400)
    assert no_key["code"] == "MISSING_KEY"
