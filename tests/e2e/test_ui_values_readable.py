"""Readable values in the grid (issue 18 item 10): dates and times in the browser's locale
(en-US here) with the exact ISO value as the tooltip, numbers right-aligned and grouped on
display only (big integers digit for digit), booleans as check marks, binary values by size,
named as an image when their first bytes are an image's."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from playwright.async_api import Locator, Page, expect
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..browsing import direct
from ..conftest import TestDatabase
from ..support.fixture_data import BIG_INT
from .test_ui_interactions import run_in_console
from .test_ui_smoke import sign_in

TYPES_COLS = {"id": 1, "big": 2, "dec": 3, "flt": 4, "flag": 5, "d": 6, "ts": 7, "t": 8, "bin": 10}


def cell(page: Page, row: int, column: str) -> Locator:
    return page.locator(f"table.grid tbody tr:nth-child({row}) td:nth-child({TYPES_COLS[column]})")


async def test_dates_numbers_booleans_and_binary_read_naturally(page: Page) -> None:
    await sign_in(page, "/browse/types?sort=id")
    first = cell(page, 1, "d")
    await expect(first).to_have_text("Feb 29, 2024")
    await expect(first.locator("span")).to_have_attribute("title", "2024-02-29")
    await expect(cell(page, 2, "d")).to_have_text("Jan 1, 1970")
    timestamp = cell(page, 1, "ts")
    await expect(timestamp).to_have_text("Feb 29, 2024, 11:59:59.123 PM")
    await expect(timestamp.locator("span")).to_have_attribute("title", "2024-02-29T23:59:59.123456")
    await expect(cell(page, 1, "t")).to_have_text("1:37:42.500 PM")
    await expect(cell(page, 2, "t").locator("span")).to_have_attribute("title", "00:00:00")

    # 2^53 + 1 arrives as a string and is grouped without losing its last digit.
    await expect(cell(page, 1, "big")).to_have_text(f"{BIG_INT:,}")
    assert await cell(page, 1, "big").evaluate("td => getComputedStyle(td).textAlign") == "right"
    await expect(cell(page, 1, "id")).to_have_text("1")

    await expect(cell(page, 1, "flag")).to_have_text("✓")
    await expect(cell(page, 2, "flag")).to_have_text("✗")
    await expect(cell(page, 3, "flag")).to_have_text("NULL")

    await expect(cell(page, 1, "bin")).to_have_text("binary, 6 B")

    # Filters keep the exact value: the grouped number is not what the filter box gets.
    await page.goto(f"/browse/types?filter_big={BIG_INT}")
    await expect(page.locator("table.grid tbody tr")).to_have_count(1)
    await expect(cell(page, 1, "big")).to_have_text(f"{BIG_INT:,}")


async def test_an_image_is_named_by_its_magic_bytes(page: Page) -> None:
    await sign_in(page, "/query")
    config = await (await page.request.get("/api/config")).json()
    png = "89504e470d0a1a0a0000000d49484452"
    if config["database"]["dialect"] == "postgresql":
        sql = f"SELECT '\\x{png}'::bytea AS img, 1234567 AS n"
    else:
        sql = f"SELECT X'{png}' AS img, 1234567 AS n"
    await run_in_console(page, sql)
    image = page.locator("table.grid tbody tr td").first
    await expect(image).to_have_text("PNG image, 16 B")
    await expect(page.locator("table.grid tbody tr td").nth(1)).to_have_text("1,234,567")
    await image.get_by_role("button").click()
    panel = page.get_by_role("dialog")
    await expect(panel).to_contain_text("A PNG image")
    await expect(panel.locator("pre.content")).to_contain_text(re.compile(r"89 50 4e 47"))


def one_pixel_png() -> bytes:
    """A real 1x1 PNG, so the browser can decode the preview."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_an_image_value_is_previewed_in_the_side_panel(
    page: Page, databases: dict[str, Any]
) -> None:
    await sign_in(page, "/browse")
    config = await (await page.request.get("/api/config")).json()
    db: TestDatabase = await databases["get"](config["database"]["dialect"])
    blob = "bytea" if db.dialect == "postgresql" else "blob"
    async with direct(db) as conn:
        await conn.execute(text(f"CREATE TABLE pictures (id int PRIMARY KEY, img {blob})"))
        if db.dialect == "postgresql":
            reader = make_url(db.readonly_url).username
            await conn.execute(text(f'GRANT SELECT ON pictures TO "{reader}"'))
        await conn.execute(text("INSERT INTO pictures VALUES (1, :png)"), {"png": one_pixel_png()})
    try:
        await page.request.get("/api/tables?refresh=1")
        await page.goto("/browse/pictures")
        cell = page.locator("table.grid tbody tr td:nth-child(2)")
        await expect(cell).to_have_text(f"PNG image, {len(one_pixel_png())} B")
        await cell.get_by_role("button").click()
        preview = page.get_by_role("dialog").get_by_role("img", name="The image in img")
        await expect(preview).to_be_visible()
        loaded = (
            "img => img.complete ? img.naturalWidth"
            " : new Promise((done) => { img.onload = () => done(img.naturalWidth) })"
        )
        assert await preview.evaluate(loaded) == 1  # decoded: the whole value arrived
    finally:
        async with direct(db) as conn:
            await conn.execute(text("DROP TABLE pictures"))
        await page.request.get("/api/tables?refresh=1")
