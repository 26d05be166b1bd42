"""The structure tab shows what created the table: its DDL with a copy button, its triggers,
the primary key's index, the columns' comments and, on PostgreSQL, the partitions of a
partitioned table with a link to each -- on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from ..support.fixture_real import PG_PARTITIONS, TRIGGER
from .test_ui_smoke import sign_in

COMMENT = "Display name; may be ''"


async def _dialect(page: Page) -> str:
    config = await (await page.request.get("/api/config")).json()
    return str(config["database"]["dialect"])


async def test_the_ddl_is_shown_and_copied_whole(page: Page) -> None:
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_in(page, "/browse/customers?tab=structure")
    ddl = page.get_by_label("DDL text")
    await expect(ddl).to_contain_text(re.compile(r"CREATE TABLE \S*customers"))
    await expect(ddl).to_contain_text("PRIMARY KEY")
    await page.get_by_role("button", name="Copy DDL").click()
    await expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    copied = await page.evaluate("navigator.clipboard.readText()")
    assert copied == await ddl.inner_text() and "CREATE TABLE" in copied


async def test_triggers_primary_key_index_and_comments(page: Page) -> None:
    await sign_in(page, "/browse/customers?tab=structure")
    triggers = page.locator("section", has=page.get_by_role("heading", name="Triggers"))
    row = triggers.get_by_role("row").filter(has_text=TRIGGER)
    await expect(row.get_by_role("cell").nth(1)).to_have_text("BEFORE")
    await expect(row.get_by_role("cell").nth(2)).to_contain_text("UPDATE")
    await expect(row.get_by_role("cell").nth(3)).to_contain_text(TRIGGER)
    indexes = page.locator("section", has=page.get_by_role("heading", name="Indexes"))
    primary = indexes.get_by_role("row").filter(has_text="primary key")
    await expect(primary).to_have_count(1)
    await expect(primary.get_by_role("cell").nth(1)).to_have_text("id")
    columns = page.locator("section", has=page.get_by_role("heading", name="Columns"))
    if await _dialect(page) == "sqlite":  # SQLite keeps no comments: no such column
        await expect(columns.get_by_role("columnheader", name="Comment")).to_have_count(0)
        return
    await expect(columns.get_by_role("columnheader", name="Comment")).to_be_visible()
    name_row = columns.get_by_role("row").filter(
        has=page.get_by_role("cell", name="name", exact=True)
    )
    await expect(name_row.get_by_role("cell").last).to_have_text(COMMENT)


async def test_a_view_shows_its_definition(page: Page) -> None:
    await sign_in(page, "/browse/customer_orders?tab=structure")
    ddl = page.get_by_label("DDL text")
    await expect(ddl).to_contain_text(re.compile(r"CREATE VIEW", re.I))
    await expect(ddl).to_contain_text("orders")


async def test_partitions_are_listed_under_their_parent_with_links(
    page: Page, screenshots: Path
) -> None:
    await sign_in(page, "/browse/customers")
    if await _dialect(page) != "postgresql":
        await page.goto("/browse/customers?tab=structure")
        await expect(page.get_by_role("heading", name="Triggers")).to_be_visible()
        await expect(page.get_by_role("heading", name="Partitions")).to_have_count(0)
        return
    await page.goto("/browse/measurements?tab=structure")
    parts = page.locator("section", has=page.get_by_role("heading", name="Partitions"))
    await expect(parts.get_by_role("link")).to_have_text(list(PG_PARTITIONS))
    first = parts.get_by_role("row").filter(has_text=PG_PARTITIONS[0])
    await expect(first).to_contain_text("FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')")
    await expect(parts.get_by_role("row").filter(has_text=PG_PARTITIONS[-1])).to_contain_text(
        "DEFAULT"
    )
    await expect(page.get_by_label("DDL text")).to_contain_text("PARTITION BY RANGE (taken_on)")
    await page.screenshot(path=str(screenshots / "structure-partitions-ddl.png"), full_page=True)
    await parts.get_by_role("link", name=PG_PARTITIONS[0]).click()
    await expect(page).to_have_url(re.compile(rf"/browse/{PG_PARTITIONS[0]}\b"))
    await expect(page.locator("table.grid tbody tr")).to_have_count(2)  # its own rows
    await page.get_by_role("tab", name="Structure").click()
    await expect(page.get_by_label("DDL text")).to_contain_text("PARTITION OF public.measurements")
