"""A page that fails, as a user sees it: a refused filter value, an unknown sort column, a
timed-out or failed request and a view the database cannot read. The grid then shows why,
and never the rows, total or pager of the query before it; fixing the cause brings rows back,
and the rest of the app stays usable.

The 504 and the 500 are answered by the browser (`page.route`) for one request: a correct
server gives neither on demand, and what is tested is only what the UI does with them."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, Route, expect

from ..conftest import PASSWORD
from ..support.databases import TestDatabase
from ..support.fixture_schema import FIXTURE_DATA
from ..support.live_server import LiveServer, live_server
from .conftest import USER
from .test_ui_interactions import column, ids, pager_range, rows_range
from .test_ui_smoke import sign_in

CUSTOMERS = FIXTURE_DATA["customers"]
PAGE_SIZE = 20
SERVER_FAILED = "The server failed on this request without saying why"
# SQLite keeps a view whose table was dropped; reading it fails with this reason.
UNREADABLE_VIEW = "broken_view"
UNREADABLE_REASON = "no such table: main.gone"


def body_rows(page: Page) -> Locator:
    return page.locator("table.grid tbody tr")


def pager(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Pagination")


async def expect_no_rows_of_another_query(page: Page) -> None:
    """The state every failed page load must leave: no rows, no total, no pager, no export."""
    await expect(body_rows(page)).to_have_count(0)
    await expect(pager(page)).to_have_count(0)
    await expect(page.get_by_text(re.compile(r"^No rows"))).to_have_count(0)
    await expect(page.get_by_role("button", name="Export")).to_be_disabled()


async def settled(page: Page) -> None:
    """Wait for the notice's entry transition to end, so a screenshot shows it whole."""
    # Polled from here: wait_for_function evaluates a string, which the app's CSP forbids.
    running = "() => document.getAnimations().some((a) => a.playState === 'running')"
    for _ in range(50):
        if not await page.evaluate(running):
            return
        await page.wait_for_timeout(100)


async def test_a_refused_filter_value_leaves_no_rows_and_fixing_it_brings_them_back(
    page: Page,
) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))
    await expect(pager_range(page)).to_have_text(rows_range(1, PAGE_SIZE, len(CUSTOMERS)))

    value = page.get_by_label("Filter value for id")
    await value.fill("abc")
    await value.press("Enter")
    error = page.get_by_role("alert")
    await expect(error).to_contain_text("Could not load the rows.")
    await expect(error).to_contain_text("'abc' is not a valid integer for column 'id'")
    await expect_no_rows_of_another_query(page)
    await expect(error.get_by_role("button", name="Try again")).to_have_count(0)  # same again
    # The filter row stays, holding the refused value, so it can be fixed where it was typed.
    await expect(value).to_have_value("abc")

    await value.fill("7")
    await value.press("Enter")
    await expect(error).to_have_count(0)
    await expect(column(page, 1)).to_have_text(["7"])
    await expect(pager_range(page)).to_have_text(rows_range(1, 1, 1))

    # A date column, and this time the chip is how the filter goes away.
    created = page.get_by_label("Filter value for created_at")
    await created.fill("abc")
    await created.press("Enter")
    await expect(error).to_contain_text("'abc' is not a valid")
    await expect_no_rows_of_another_query(page)
    await page.get_by_role("button", name="Clear all").click()
    await expect(error).to_have_count(0)
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))


async def test_going_back_to_an_unknown_sort_column_shows_no_stale_rows(page: Page) -> None:
    await sign_in(page, "/browse/customers?sort=nope")
    error = page.get_by_role("alert")
    await expect(error).to_contain_text("nope")
    await expect_no_rows_of_another_query(page)

    await page.locator("table.grid thead tr.heads th").first.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"sort=id&order=asc$"))
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))

    await page.go_back()  # in the app: the rows of sort=id are on screen until the error
    await expect(page).to_have_url(re.compile(r"sort=nope"))
    await expect(error).to_contain_text("nope")
    await expect_no_rows_of_another_query(page)


async def answer_once(page: Page, status: int, body: dict[str, str]) -> None:
    """The next request for customers' rows gets this answer; later ones reach the server."""

    async def handler(route: Route) -> None:
        await route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    await page.route("**/api/tables/customers/data*", handler, times=1)


async def test_a_timeout_and_a_server_failure_show_no_stale_rows_and_retry_works(
    page: Page,
) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))

    timeout = {"error": "the query took too long and was stopped", "code": "QUERY_TIMEOUT",
               "request_id": "rid504"}  # fmt: skip
    await answer_once(page, 504, timeout)
    await page.get_by_role("button", name="Refresh").click()
    error = page.get_by_role("alert")
    await expect(error).to_contain_text("the query took too long and was stopped")
    await expect(error).to_contain_text("Request ID rid504")
    await expect_no_rows_of_another_query(page)
    await error.get_by_role("button", name="Try again").click()
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))

    failure = {"error": "internal server error", "code": "INTERNAL_ERROR", "request_id": "rid500"}
    await answer_once(page, 500, failure)
    await page.get_by_role("button", name="Refresh").click()
    await expect(error).to_contain_text(SERVER_FAILED)
    await expect(error).to_contain_text("Request ID rid500")
    await expect(error).not_to_contain_text("internal server error")
    await expect_no_rows_of_another_query(page)
    await page.locator('aside a[href="/browse/orders"]').click()
    await expect(error).to_have_count(0)
    await expect(body_rows(page)).to_have_count(PAGE_SIZE)


# --- a view the database cannot read: its own server on a copy of the SQLite fixture ---


@pytest.fixture(scope="module")
async def unreadable_server(
    databases: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, browser_ready: None
) -> AsyncIterator[LiveServer]:
    """The SQLite fixture plus a view whose table was dropped after it was created (SQLite
    allows that), in a copy of its own so no other test sees the view."""
    db: TestDatabase = await databases["get"]("sqlite")
    workdir = tmp_path_factory.mktemp("e2e-unreadable")
    path = workdir / "unreadable.sqlite3"
    shutil.copyfile(db.name, path)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            f"CREATE TABLE gone (x INTEGER); CREATE VIEW {UNREADABLE_VIEW} AS SELECT x FROM gone;"
            " DROP TABLE gone;"
        )
    conn.close()
    with pytest.raises(sqlite3.OperationalError, match=UNREADABLE_REASON):
        with sqlite3.connect(path) as check:
            check.execute(f"SELECT * FROM {UNREADABLE_VIEW}")
    check.close()
    with live_server(workdir, DATABASE_URL=f"sqlite:///{path}", ADMIN_USER=USER,
                     ADMIN_PASSWORD=PASSWORD) as running:  # fmt: skip
        yield running


@pytest.fixture
async def unreadable_page(browser: Browser, unreadable_server: LiveServer) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=unreadable_server.url, accept_downloads=True)
    page = await context.new_page()
    yield page
    await context.close()


async def test_a_view_the_database_cannot_read_says_why_in_place_of_grid_and_structure(
    unreadable_page: Page, screenshots: Path
) -> None:
    """Needs the server's 409 OBJECT_NOT_READABLE for the view (it answers 500 before)."""
    page = unreadable_page
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))

    await page.locator(f'aside a[href="/browse/{UNREADABLE_VIEW}"]').click()
    notice = page.get_by_role("status").filter(has_text="cannot be read")
    await expect(notice).to_contain_text("This view cannot be read")
    await expect(notice.locator("blockquote")).to_have_text(UNREADABLE_REASON)  # its own words
    await expect(page.get_by_role("alert")).to_have_count(0)  # a fact, not an error
    await expect(page.locator("table.grid")).to_have_count(0)
    await expect(pager(page)).to_have_count(0)
    await expect(page.get_by_role("button", name="Export")).to_be_disabled()
    await expect(page.get_by_label("Search text columns")).to_have_count(0)
    await settled(page)
    await page.screenshot(path=str(screenshots / "unreadable-view.png"))

    await page.get_by_role("tab", name="Structure").click()
    await expect(notice).to_contain_text("This view cannot be read")
    await expect(notice).to_contain_text(UNREADABLE_REASON)
    await expect(page.get_by_text("Indexes")).to_have_count(0)
    await settled(page)
    await page.screenshot(path=str(screenshots / "unreadable-view-structure.png"))

    # Group mode (here the row count of the whole view) tells it the same calm way.
    await page.goto(f"/browse/{UNREADABLE_VIEW}?measure=count")
    await expect(notice).to_contain_text("This view cannot be read")
    await expect(notice.locator("blockquote")).to_have_text(UNREADABLE_REASON)
    await expect(page.get_by_role("alert")).to_have_count(0)

    # The rest of the app is untouched: another table opens with its rows.
    await page.locator('aside a[href="/browse/orders"]').click()
    await expect(notice).to_have_count(0)
    await expect(body_rows(page)).to_have_count(PAGE_SIZE)
