"""The console's results as a user sees them, on SQLite and PostgreSQL: each run opens a tab
(the last five stay, any can be closed, an error leaves them there), a tab shows its own
statement and exports exactly that, and header clicks sort the rows in the browser by value
(numbers as numbers, NULLs last) without running the statement again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Request, expect

from ..conftest import PASSWORD
from ..support.fixture_schema import FIXTURE_DATA
from ..support.live_server import LiveServer, live_server
from .conftest import USER
from .test_ui_interactions import column, header, run_in_console
from .test_ui_smoke import sign_in

CUSTOMERS = FIXTURE_DATA["customers"]


@pytest.fixture
async def capped_server(
    databases: dict[str, Any], tmp_path: Path, browser_ready: None
) -> AsyncIterator[LiveServer]:
    """SQLite with a console row cap of 5 (MAX_RECORDS_RETRIEVE), so a result is truncated."""
    db = await databases["get"]("sqlite")
    with live_server(tmp_path, DATABASE_URL=db.readonly_url, ADMIN_USER=USER,
                     ADMIN_PASSWORD=PASSWORD, MAX_RECORDS_RETRIEVE="5") as running:  # fmt: skip
        yield running


async def type_statements(page: Page, sql: str) -> None:
    editor = page.locator(".cm-content")
    await editor.focus()
    await page.keyboard.press("Control+a")
    await page.keyboard.insert_text(sql)


def by(rows: list[dict[str, Any]], key: str, reverse: bool = False) -> list[str]:
    """Ids in the order of `key`, NULLs last in either direction."""
    present = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key], reverse=reverse)
    return [str(r["id"]) for r in present + [r for r in rows if r[key] is None]]


async def test_each_run_opens_a_tab_the_last_five_stay_and_export_follows_the_tab(
    page: Page,
) -> None:
    await sign_in(page, "/query")
    tabs = page.get_by_role("tab")
    heading = page.locator("table.grid thead th")
    await type_statements(page, ";\n".join(f"SELECT {i} AS n{i}" for i in range(1, 7)))
    await page.keyboard.press("Control+Shift+Enter")  # six runs, six results
    await expect(tabs).to_have_text([f"Result {i}" for i in range(2, 7)])
    newest = page.get_by_role("tab", name="Result 6")
    await expect(newest).to_have_attribute("aria-selected", "true")
    await expect(heading).to_have_text([re.compile("^n6")])
    await expect(page.get_by_test_id("result-sql")).to_have_text("SELECT 6 AS n6")
    await expect(page.get_by_role("status")).to_contain_text(re.compile(r"1 row in \d"))

    await page.get_by_role("tab", name="Result 3").click()
    await expect(heading).to_have_text([re.compile("^n3")])
    await expect(column(page, 1)).to_have_text(["3"])
    await page.get_by_role("tab", name="Result 3").focus()
    await page.keyboard.press("Delete")  # (the mouse: the close mark beside the tab)
    await expect(tabs).to_have_text(["Result 2", "Result 4", "Result 5", "Result 6"])
    await expect(heading).to_have_text([re.compile("^n4")])  # the next one is shown

    # The export is the chosen tab's statement, not the editor's text.
    await page.get_by_role("button", name="Export").click()
    async with page.expect_download() as download_info:
        await page.get_by_role("menuitem", name="CSV").click()
    content = Path(await (await download_info.value).path()).read_text(encoding="utf-8-sig")
    assert [line.strip('"') for line in content.splitlines()] == ["n4", "4"], content

    # A failure shows its error in place of the result; the tabs stay, one click away.
    await run_in_console(page, "SELECT nope FROM customers")
    failed = page.get_by_role("alert").filter(has_text="The query failed")
    await expect(failed).to_contain_text("nope")
    await expect(page.locator("table.grid")).to_have_count(0)
    await expect(tabs).to_have_text(["Result 2", "Result 4", "Result 5", "Result 6"])
    await page.get_by_role("tab", name="Result 5").click()
    await expect(failed).to_have_count(0)
    await expect(heading).to_have_text([re.compile("^n5")])
    await page.keyboard.press("ArrowRight")  # the tab strip's keys: the next tab, then round
    await expect(heading).to_have_text([re.compile("^n6")])
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_role("tab", name="Result 2")).to_be_focused()
    await expect(heading).to_have_text([re.compile("^n2")])
    await page.get_by_title("Close result 2").click()  # the mouse's way to close one
    await expect(tabs).to_have_text(["Result 4", "Result 5", "Result 6"])


async def test_header_clicks_sort_the_result_by_value_with_nulls_last(page: Page) -> None:
    rows = [r for r in CUSTOMERS if r["id"] <= 15]
    assert any(r["balance"] is None for r in rows) and len(rows) == 15
    await sign_in(page, "/query")
    await run_in_console(
        page, "SELECT id, balance, created_at FROM customers WHERE id <= 15 ORDER BY id"
    )
    ids = column(page, 1)
    await expect(ids).to_have_text([str(r["id"]) for r in rows])
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/api/query" in r.url else None)

    await header(page, 2).get_by_role("button").click()
    await expect(header(page, 2)).to_have_attribute("aria-sort", "ascending")
    await expect(ids).to_have_text(by(rows, "balance"))
    await header(page, 2).get_by_role("button").click()
    await expect(header(page, 2)).to_have_attribute("aria-sort", "descending")
    await expect(ids).to_have_text(by(rows, "balance", reverse=True))  # NULLs still last

    await header(page, 1).get_by_role("button").click()
    await header(page, 1).get_by_role("button").click()  # 15, 14, ... 1: not "9" first
    await expect(ids).to_have_text([str(r["id"]) for r in reversed(rows)])
    await header(page, 3).get_by_role("button").click()
    await expect(ids).to_have_text(by(rows, "created_at"))
    assert not sent, [r.url for r in sent]  # sorted here, not run again


async def test_a_truncated_result_says_so_and_sorts_only_what_was_fetched(
    browser: Browser, capped_server: LiveServer
) -> None:
    context = await browser.new_context(base_url=capped_server.url)
    page = await context.new_page()
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT id FROM customers ORDER BY id")
    await expect(page.get_by_role("status")).to_contain_text(re.compile(r"5 rows in \d"))
    await expect(page.get_by_text("Only the first 5 rows are shown.")).to_be_visible()
    await header(page, 1).get_by_role("button").click()
    await header(page, 1).get_by_role("button").click()
    await expect(column(page, 1)).to_have_text(["5", "4", "3", "2", "1"])
    await run_in_console(page, "SELECT 1 AS n")  # a new tab, not truncated
    await expect(page.get_by_text("Only the first 5 rows are shown.")).to_have_count(0)
    await page.get_by_role("tab", name="Result 1").click()
    await expect(page.get_by_text("Only the first 5 rows are shown.")).to_be_visible()
    await expect(column(page, 1)).to_have_text(["5", "4", "3", "2", "1"])  # its sort kept
    await context.close()
