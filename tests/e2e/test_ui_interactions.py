"""The grid, the console and the session as a user drives them in a real browser: sorting by
header clicks, filters with chosen operators, cursor paging, long values, foreign-key links,
the console's keyboard, errors and plans, the Excel export, sign-out, an expired session and
markup in values. Expected rows come from the fixture data, so every assertion is exact."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.async_api import Locator, Page, Request, expect

from ..conftest import PASSWORD
from ..support.fixture_data import JSON_VALUE, LARGE_TEXT, LARGE_TEXT_CHARS, Row
from ..support.fixture_schema import FIXTURE_DATA
from .conftest import USER
from .test_ui_smoke import sign_in

CUSTOMERS = FIXTURE_DATA["customers"]
ORDERS = FIXTURE_DATA["orders"]
PAGE_SIZE = 20  # the server's PAGE_SIZE_DEFAULT
MAX_CELL_TEXT = 10_000  # the server's MAX_CELL_TEXT default
CELL_PREVIEW_CHARS = 120  # what a grid cell shows before "…" (lib/format.ts)
# Column positions (1-based, for :nth-child) in the fixture's tables.
ORDER_COLS = {"id": 1, "customer_id": 2, "ordered_at": 3, "total": 4, "status": 5}
CUSTOMER_COLS = {"id": 1, "name": 2, "email": 3, "city": 4, "created_at": 5, "balance": 6}
XSS = "<img src=x onerror=alert(1)>"


def column(page: Page, position: int) -> Locator:
    """Every body cell of one grid column, top to bottom."""
    return page.locator(f"table.grid tbody tr td:nth-child({position})")


def header(page: Page, position: int) -> Locator:
    return page.locator(f"table.grid thead tr.heads th:nth-child({position})")


def pager_range(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Pagination").locator(".range")


def money(value: Decimal) -> re.Pattern[str]:
    """A NUMERIC(12,2) value as the grid may show it, digits grouped as en-US does:
    "4,972.90", or "4,972.9" on SQLite, whose driver hands back a float that the API writes in
    its shortest form (README)."""
    forms = {f"{value:,.2f}", f"{value:,.1f}", f"{value:,.0f}", f"{value:,.0f}.0"}
    exact = [f for f in forms if Decimal(f.replace(",", "")) == value]
    return re.compile("|".join(f"^{re.escape(f)}$" for f in exact))


def totals_of(rows: Iterable[Row]) -> list[re.Pattern[str]]:
    return [money(row["total"]) for row in rows]


def rows_range(first: int, last: int, total: int) -> str:
    """The pager's "Rows X to Y of N", with an en dash and counts grouped as en-US does."""
    return f"Rows {first:,}\N{EN DASH}{last:,} of {total:,}"


def ids(rows: Iterable[Row]) -> list[str]:
    return [str(row["id"]) for row in rows]


def ordered(rows: Iterable[Row], key: Callable[[Row], Any], reverse: bool = False) -> list[Row]:
    return sorted(rows, key=key, reverse=reverse)


async def run_in_console(page: Page, sql: str) -> None:
    """Replace the editor's text with `sql` and run it with the keyboard shortcut."""
    editor = page.locator(".cm-content")
    # Focus, not click: the completion list of the previous statement may still cover the
    # editor (it closes on Escape; issue 18 makes running a statement close it).
    await editor.focus()
    await page.keyboard.press("Escape")
    await page.keyboard.press("Control+a")
    await page.keyboard.insert_text(sql)
    await page.keyboard.press("Control+Enter")


async def test_header_clicks_sort_and_shift_click_adds_a_secondary_sort(page: Page) -> None:
    await sign_in(page, "/browse/orders")
    total_head = header(page, ORDER_COLS["total"])
    customer_head = header(page, ORDER_COLS["customer_id"])
    await expect(column(page, 1)).to_have_text(ids(ORDERS[:PAGE_SIZE]))
    await expect(total_head).not_to_have_attribute("aria-sort", re.compile("."))

    await total_head.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"/browse/orders\?sort=total&order=asc$"))
    await expect(total_head).to_have_attribute("aria-sort", "ascending")
    await expect(total_head.locator(".arrow .pi-arrow-up")).to_be_visible()
    cheapest = ordered(ORDERS, lambda r: r["total"])[:PAGE_SIZE]
    await expect(column(page, ORDER_COLS["total"])).to_have_text(totals_of(cheapest))
    await expect(column(page, 1)).to_have_text(ids(cheapest))

    await total_head.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"sort=total&order=desc$"))
    await expect(total_head).to_have_attribute("aria-sort", "descending")
    await expect(total_head.locator(".arrow .pi-arrow-down")).to_be_visible()
    dearest = ordered(ORDERS, lambda r: r["total"], reverse=True)[:PAGE_SIZE]
    await expect(column(page, ORDER_COLS["total"])).to_have_text(totals_of(dearest))

    # A plain click on another column sorts by it alone; Shift+click then adds a second key.
    await customer_head.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"sort=customer_id&order=asc$"))
    await expect(total_head).not_to_have_attribute("aria-sort", re.compile("."))
    await total_head.get_by_role("button").click(modifiers=["Shift"])
    await expect(page).to_have_url(re.compile(r"sort=customer_id,total&order=asc,asc$"))
    await expect(customer_head).to_have_attribute("aria-sort", "ascending")
    await expect(total_head).to_have_attribute("aria-sort", "ascending")
    await expect(customer_head.locator(".arrow sup")).to_have_text("1")
    await expect(total_head.locator(".arrow sup")).to_have_text("2")
    both = ordered(ORDERS, lambda r: (r["customer_id"], r["total"]))[:PAGE_SIZE]
    assert len({r["customer_id"] for r in both}) < PAGE_SIZE, "the second key must matter"
    await expect(column(page, 1)).to_have_text(ids(both))

    await total_head.get_by_role("button").click(modifiers=["Shift"])
    await expect(page).to_have_url(re.compile(r"sort=customer_id,total&order=asc,desc$"))
    await expect(total_head).to_have_attribute("aria-sort", "descending")
    mixed = ordered(ORDERS, lambda r: (r["customer_id"], -r["total"]))[:PAGE_SIZE]
    await expect(column(page, 1)).to_have_text(ids(mixed))


async def test_two_filters_with_chosen_operators_and_removing_one_chip(page: Page) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_text(ids(CUSTOMERS[:PAGE_SIZE]))

    await page.get_by_label("Filter operator for name").select_option(label="starts with")
    await page.get_by_label("Filter value for name").fill("anna")
    await page.get_by_label("Filter value for name").press("Enter")
    annas = [r for r in CUSTOMERS if r["name"].lower().startswith("anna")]
    await expect(column(page, 1)).to_have_text(ids(annas))

    await page.get_by_label("Filter operator for balance").select_option(label="≥")
    await page.get_by_label("Filter value for balance").fill("50000")
    await page.get_by_label("Filter value for balance").press("Enter")
    await expect(page).to_have_url(
        re.compile(r"filter_name_startswith=anna&filter_balance_ge=50000")
    )
    rich = [r for r in annas if r["balance"] is not None and r["balance"] >= 50000]
    assert 0 < len(rich) < len(annas)
    await expect(column(page, 1)).to_have_text(ids(rich))
    await expect(pager_range(page)).to_have_text(rows_range(1, len(rich), len(rich)))
    chips = page.get_by_role("list", name="Active filters").get_by_role("listitem")
    await expect(chips).to_have_text(["name starts with anna", "balance at least 50000"])

    await page.get_by_role(
        "button", name="Remove filter balance at least 50000", exact=True
    ).click()
    await expect(chips).to_have_text(["name starts with anna"])
    await expect(column(page, 1)).to_have_text(ids(annas))
    await expect(pager_range(page)).to_have_text(rows_range(1, len(annas), len(annas)))
    await expect(page).not_to_have_url(re.compile("filter_balance"))


async def test_next_next_previous_pages_by_cursor(page: Page) -> None:
    data_requests: list[str] = []

    def record(request: Request) -> None:
        if "/api/tables/orders/data" in request.url:
            data_requests.append(request.url)

    page.on("request", record)
    await sign_in(page, "/browse/orders?sort=total&order=desc")
    by_total = ordered(ORDERS, lambda r: r["total"], reverse=True)
    pages = [by_total[i : i + PAGE_SIZE] for i in range(0, 3 * PAGE_SIZE, PAGE_SIZE)]
    totals = column(page, ORDER_COLS["total"])
    await expect(totals).to_have_text(totals_of(pages[0]))
    await expect(pager_range(page)).to_have_text(rows_range(1, 20, len(ORDERS)))
    first_requests = len(data_requests)

    next_page = page.get_by_role("button", name="Next page")
    await next_page.click()
    await expect(page).to_have_url(re.compile(r"page=2$"))
    await expect(totals).to_have_text(totals_of(pages[1]))
    await expect(pager_range(page)).to_have_text(rows_range(21, 40, len(ORDERS)))
    await next_page.click()
    await expect(page).to_have_url(re.compile(r"page=3$"))
    await expect(totals).to_have_text(totals_of(pages[2]))
    await expect(pager_range(page)).to_have_text(rows_range(41, 60, len(ORDERS)))
    await page.get_by_role("button", name="Previous page").click()
    await expect(page).to_have_url(re.compile(r"page=2$"))
    await expect(totals).to_have_text(totals_of(pages[1]))
    await expect(column(page, 1)).to_have_text(ids(pages[1]))
    await expect(pager_range(page)).to_have_text(rows_range(21, 40, len(ORDERS)))

    later = data_requests[first_requests:]
    assert len(later) == 3, data_requests
    assert all("cursor=" in url and "page=" not in url for url in later), later
    assert all("cursor=" not in url for url in data_requests[:first_requests])


async def test_long_text_and_json_open_in_the_side_panel(page: Page) -> None:
    await sign_in(page, "/browse/types?sort=id")
    long_cell = page.locator("table.grid tbody tr").first.get_by_role(
        "button", name=re.compile("Open the full value of txt$")
    )
    preview = LARGE_TEXT[:CELL_PREVIEW_CHARS] + "…"
    await expect(long_cell).to_have_text(preview)
    await long_cell.click()
    panel = page.locator(".value-panel")
    await expect(panel).to_be_visible()
    await expect(panel.get_by_text("Value of txt")).to_be_visible()
    await expect(panel.get_by_text(f"Showing the first {MAX_CELL_TEXT:,} of")).to_have_text(
        f"Showing the first {MAX_CELL_TEXT:,} of {LARGE_TEXT_CHARS:,} characters; "
        "the export has the whole value."
    )
    content = panel.locator("pre.content")
    await expect(content).to_be_visible()
    assert await content.text_content() == LARGE_TEXT[:MAX_CELL_TEXT]
    await page.keyboard.press("Escape")
    await expect(panel).to_be_hidden()

    json_cell = page.locator("table.grid tbody tr").first.get_by_role(
        "button", name=re.compile("Open the full value of doc$")
    )
    await json_cell.click()
    await expect(panel.get_by_text("Value of doc")).to_be_visible()
    # JSON.stringify(value, null, 2) and json.dumps(indent=2) lay JSON out alike.
    pretty = json.dumps(JSON_VALUE, indent=2, ensure_ascii=False)
    await expect(panel.locator("pre.content")).to_have_text(pretty)
    assert await panel.locator("pre.content").text_content() == pretty


async def test_foreign_key_value_opens_the_referenced_customer(page: Page) -> None:
    await sign_in(page, "/browse/orders?sort=id")
    order = ORDERS[0]
    customer = CUSTOMERS[order["customer_id"] - 1]
    assert customer["id"] == order["customer_id"]
    link = column(page, ORDER_COLS["customer_id"]).first.get_by_role("link")
    await expect(link).to_have_text(str(order["customer_id"]))
    await link.click()
    await expect(page).to_have_url(re.compile(rf"/browse/customers\?filter_id={customer['id']}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^(public\.)?customers$")
    )
    await expect(column(page, 1)).to_have_text([str(customer["id"])])
    await expect(column(page, CUSTOMER_COLS["name"])).to_have_text([customer["name"]])
    await expect(pager_range(page)).to_have_text(rows_range(1, 1, 1))
    chips = page.get_by_role("list", name="Active filters").get_by_role("listitem")
    await expect(chips).to_have_text([f"id equals {customer['id']}"])


async def test_console_keyboard_run_explain_and_readable_errors(page: Page) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT id, name FROM customers WHERE id <= 3 ORDER BY id")
    result = page.locator("table.grid")
    await expect(column(page, 1)).to_have_text(["1", "2", "3"])
    await expect(column(page, 2)).to_have_text([r["name"] for r in CUSTOMERS[:3]])
    await expect(result.locator("thead th")).to_have_text([re.compile("^id"), re.compile("^name")])
    await expect(page.get_by_role("status")).to_contain_text(re.compile(r"3 rows in \d+(\.\d)? ms"))

    await page.get_by_role("button", name="Explain").click()
    await expect(page.get_by_role("heading", name="Query plan")).to_be_visible()
    # SQLite: "SEARCH customers USING INTEGER PRIMARY KEY"; PostgreSQL: an Index or Seq Scan.
    await expect(page.get_by_role("main")).to_contain_text(
        re.compile(r"(SEARCH|SCAN) customers|Index Scan|Seq Scan")
    )
    await expect(result).to_have_count(0)

    # Text that is not SQL is refused before it reaches the database, with the reason.
    await run_in_console(page, "SELEC 1")
    error = page.get_by_role("alert")
    await expect(error).to_contain_text("The query failed")
    await expect(error).to_contain_text("SELEC does not start a read statement")
    await expect(error).to_contain_text(re.compile(r"Request ID \w+"))

    # A missing table gets as far as the database, whose own message is shown.

    await run_in_console(page, "SELECT * FROM no_such_table")
    await expect(error).to_contain_text(
        re.compile(r'relation "no_such_table" does not exist|no such table: no_such_table')
    )

    await run_in_console(page, "SELECT COUNT(*) AS n FROM orders")
    await expect(error).to_have_count(0)
    await expect(column(page, 1)).to_have_text([f"{len(ORDERS):,}"])  # grouped on display
    await expect(page.get_by_role("status")).to_contain_text(re.compile(r"^\s*1 row in"))


async def test_console_says_one_row_in_the_singular(page: Page) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT 1 AS n")
    await expect(column(page, 1)).to_have_text(["1"])
    await expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"^\s*1 row in \d+(\.\d)? ms"), timeout=2000
    )


#: Runs for many minutes on either backend unless stopped (a billion recursive steps).
ENDLESS = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
    "SELECT count(*) AS n FROM c"
)


async def test_a_running_statement_shows_its_time_and_cancel_stops_it(page: Page) -> None:
    """Run becomes Cancel with the seconds so far; Cancel (and Esc) stop the statement, the
    result area says so, and on PostgreSQL the database is no longer running it."""
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT 1 AS n")  # an earlier result, to be gone after cancel
    await expect(column(page, 1)).to_have_text(["1"])

    await run_in_console(page, ENDLESS)
    cancel = page.get_by_test_id("cancel-button")
    await expect(cancel).to_have_text(re.compile(r"Cancel · \d+\.\d s"))
    await expect(cancel).to_have_text(re.compile(r"Cancel · (0\.[3-9]|[1-9]\d*\.\d) s"))
    await cancel.click()
    cancelled = page.get_by_test_id("cancelled")
    await expect(cancelled).to_contain_text(re.compile(r"Cancelled after \d+\.\d s"))
    await expect(page.locator("table.grid")).to_have_count(0)  # not the earlier rows
    await expect(page.get_by_role("button", name="Run")).to_be_visible()

    await run_in_console(page, ENDLESS)  # Esc cancels too, from anywhere on the page
    await expect(page.get_by_test_id("cancel-button")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(cancelled).to_contain_text("Cancelled after")

    config = await (await page.request.get("/api/config")).json()
    if config["database"]["dialect"] == "postgresql":
        running = (
            "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%x < 1000000000%' "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        for _ in range(60):  # stopped within the cancel's round trip, or when the
            await run_in_console(page, running)  # server notices the client left
            await expect(page.get_by_role("status")).to_contain_text("1 row")
            if await column(page, 1).inner_text() == "0":
                break
            await page.wait_for_timeout(250)
        await expect(column(page, 1)).to_have_text(["0"])


async def test_ctrl_enter_runs_the_statement_under_the_cursor_or_the_selection(
    page: Page,
) -> None:
    """Several statements in the editor: Ctrl+Enter runs the one under the cursor, or the
    selection; Ctrl+Shift+Enter runs them all in turn and stops at the first that fails.
    Running closes the completion list."""
    await sign_in(page, "/query")
    heading = page.locator("table.grid thead th")
    await run_in_console(page, "SELECT 1 AS a;\nSELECT 2 AS b;\n\nSELECT 3 AS c")
    await expect(heading).to_have_text([re.compile("^c")])  # the cursor is at the end
    await expect(column(page, 1)).to_have_text(["3"])

    await page.keyboard.press("Control+Home")
    await page.keyboard.press("Control+Enter")
    await expect(heading).to_have_text([re.compile("^a")])

    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Home")
    await page.keyboard.press("Shift+End")  # selects "SELECT 2 AS b;"
    await page.keyboard.press("Control+Enter")
    await expect(heading).to_have_text([re.compile("^b")])
    await expect(column(page, 1)).to_have_text(["2"])

    await page.keyboard.press("Control+Shift+Enter")  # all three; the last one's rows
    await expect(heading).to_have_text([re.compile("^c")])

    await run_in_console(page, "SELECT 1 AS a; SELEC 2; SELECT 4 AS d")
    await expect(heading).to_have_text([re.compile("^d")])  # Ctrl+Enter: the last one
    await page.keyboard.press("Control+Shift+Enter")
    await expect(page.get_by_role("alert")).to_contain_text("SELEC does not start a read")
    await expect(page.locator("table.grid")).to_have_count(0)

    editor = page.locator(".cm-content")
    await editor.focus()
    await page.keyboard.press("Control+a")
    await page.keyboard.type("SELECT id FROM custo")
    completion = page.locator(".cm-tooltip-autocomplete")
    await expect(completion).to_be_visible()
    await page.keyboard.press("Control+Enter")
    await expect(completion).to_have_count(0)


async def test_the_place_a_statement_failed_is_underlined_in_the_editor(page: Page) -> None:
    """PostgreSQL says where a statement failed: that word is underlined, in the statement
    that ran (here the second of two), with the message on hover. SQLite gives no place."""
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT 1 AS a;\nSELECT id\nFROM no_such_table")
    await expect(page.get_by_role("alert")).to_contain_text("no_such_table")
    marked = page.locator(".cm-lintRange-error")
    config = await (await page.request.get("/api/config")).json()
    if config["database"]["dialect"] != "postgresql":
        await expect(marked).to_have_count(0)
        return
    await expect(marked).to_have_text("no_such_table")
    await marked.hover()
    await expect(page.locator(".cm-tooltip-lint")).to_contain_text("does not exist")
    await run_in_console(page, "SELECT 1 AS a")  # a new run clears the mark
    await expect(column(page, 1)).to_have_text(["1"])
    await expect(marked).to_have_count(0)


async def test_xlsx_export_of_a_filtered_sorted_table_matches_the_grid(page: Page) -> None:
    query = "filter_city=Oslo&filter_balance_ge=10000&sort=balance&order=desc"
    await sign_in(page, f"/browse/customers?{query}")
    expected = ordered(
        (r for r in CUSTOMERS if r["city"] == "Oslo" and (r["balance"] or 0) >= 10000),
        lambda r: r["balance"],
        reverse=True,
    )
    assert 1 < len(expected) <= PAGE_SIZE  # the whole result is on the grid's first page
    await expect(column(page, 1)).to_have_text(ids(expected))
    heads = [
        (await th.locator(".name").inner_text()).strip()
        for th in await page.locator("table.grid thead tr.heads th").all()
    ]
    grid_rows = [
        [cell.strip() for cell in await row.locator("td").all_inner_texts()]
        for row in await page.locator("table.grid tbody tr").all()
    ]

    await page.get_by_role("button", name="Export").click()
    await expect(page.get_by_role("menuitem", name="JSON Lines")).to_be_visible()
    async with page.expect_download() as download_info:
        await page.get_by_role("menuitem", name="Excel (XLSX)").click()
    download = await download_info.value
    assert re.match(r"customers_\d{8}-\d{6}\.xlsx$", download.suggested_filename)
    await expect(
        page.get_by_text(f"Exported {len(expected)} rows to {download.suggested_filename}")
    ).to_be_visible()

    content = Path(await download.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [str(v) for v in values[0]] == heads == list(CUSTOMERS[0])
    body = values[1:]
    assert [int(row[0]) for row in body] == [r["id"] for r in expected]
    assert [row[1] for row in body] == [r["name"] for r in expected]
    assert [row[3] for row in body] == ["Oslo"] * len(expected)
    assert [Decimal(str(row[5])) for row in body] == [r["balance"] for r in expected]
    # And cell for cell, the file holds what the grid shows (ids, names, cities, balances).
    for grid_row, file_row in zip(grid_rows, body, strict=True):
        assert grid_row[0] == str(file_row[0])
        assert grid_row[1] == file_row[1]
        assert grid_row[3] == file_row[3]
        # The grid groups digits on display only (issue 18 item 10); the file has the number.
        assert Decimal(grid_row[5].replace(",", "")) == Decimal(str(file_row[5]))


async def test_sign_out_from_the_user_menu_ends_the_session(page: Page) -> None:
    await sign_in(page, "/browse/customers")
    await expect(column(page, 1).first).to_have_text("1")
    await page.get_by_role("button", name=f"User menu for {USER}").click()
    await page.get_by_role("menuitem", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/login\?signed_out=1$"))
    await expect(page.get_by_text("You are signed out.")).to_be_visible()
    me = await page.request.get("/api/me")
    assert me.status == 401, await me.text()

    await page.goto("/browse")
    await expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)browse$"))
    await expect(page.locator("#login-username")).to_be_visible()
    await expect(page.locator("table.grid")).to_have_count(0)


async def test_expired_session_returns_to_the_same_view_after_signing_in(page: Page) -> None:
    target = "/browse/customers?filter_city=Berlin&sort=id"
    berlin = [r for r in CUSTOMERS if r["city"] == "Berlin"][:PAGE_SIZE]
    await sign_in(page, target)
    await expect(column(page, 1)).to_have_text(ids(berlin))

    await page.context.clear_cookies()
    await page.get_by_role("button", name="Refresh").click()
    await expect(page).to_have_url(re.compile(r"/login\?next=.*&expired=1$"))
    await expect(page.get_by_text("Your session expired. Please sign in again.")).to_be_visible()
    await page.locator("#login-username").fill(USER)
    await page.locator("#login-password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    await expect(column(page, 1)).to_have_text(ids(berlin))
    await expect(column(page, CUSTOMER_COLS["city"])).to_have_text(["Berlin"] * len(berlin))


async def test_markup_in_values_is_shown_as_text_and_never_runs(page: Page) -> None:
    dialogs: list[str] = []

    async def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    await sign_in(page, "/query")
    await run_in_console(page, f"SELECT '{XSS}' AS v")
    cell = column(page, 1)
    await expect(cell).to_have_text([XSS])
    assert await cell.first.text_content() == XSS
    await expect(page.locator("table.grid img")).to_have_count(0)

    # The same text typed as a filter comes back in the chip and the empty grid, as text.
    await page.goto("/browse/customers")
    value = page.get_by_label("Filter value for name")
    await value.fill(XSS)
    await value.press("Enter")
    chips = page.get_by_role("list", name="Active filters").get_by_role("listitem")
    await expect(chips).to_have_text([f"name contains {XSS}"])
    await expect(page.get_by_text("No rows match these filters.")).to_be_visible()
    await expect(page.locator('img[src="x"]')).to_have_count(0)
    assert dialogs == []
