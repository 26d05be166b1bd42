"""The grid's cells as a spreadsheet user drives them (issue 18, items 9 and 15): click, Shift+
click and drag select, arrow/Home/End/Page keys move, Ctrl+C copies TSV, the context menu copies
CSV/JSON/Markdown/SQL and filters by a value, Enter follows the active cell's link, and the grid
is one tab stop. The clipboard is read back from the browser; expected text from the fixture."""

from __future__ import annotations

import json
import re

from playwright.async_api import Locator, Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .test_ui_interactions import CUSTOMER_COLS, column, run_in_console
from .test_ui_smoke import sign_in

CUSTOMERS = FIXTURE_DATA["customers"]
ORDERS = FIXTURE_DATA["orders"]


def cell(page: Page, row: int, col: int) -> Locator:
    """A body cell by 1-based row (of the rendered rows) and column."""
    return page.locator(f"table.grid tbody tr:nth-child({row}) td:nth-child({col})")


def active_cell(page: Page) -> Locator:
    """The cell the grid's aria-activedescendant names."""
    return page.locator("table.grid td.active")


async def clipboard(page: Page) -> str:
    return str(await page.evaluate("navigator.clipboard.readText()"))


async def copied(page: Page, expected: str) -> None:
    """Waits for the clipboard to hold `expected` (a menu command copies asynchronously)."""
    await page.wait_for_function(
        "async (text) => (await navigator.clipboard.readText()) === text",
        arg=expected,
        timeout=5000,
    )


async def allow_clipboard(page: Page) -> None:
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])


def tsv_field(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[\t\r\n"]', text) else text


async def test_shift_click_selects_a_range_and_ctrl_c_copies_it_as_tsv(page: Page) -> None:
    await allow_clipboard(page)
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_count(20)
    await cell(page, 2, CUSTOMER_COLS["id"]).click()
    await cell(page, 4, CUSTOMER_COLS["city"]).click(modifiers=["Shift"])
    selected = page.locator("table.grid tbody td[aria-selected=true]")
    await expect(selected).to_have_count(3 * 4)
    await page.keyboard.press("Control+c")
    await expect(page.get_by_text("Copied 12 cells")).to_be_visible()
    expected = "\n".join(
        "\t".join(tsv_field(str(r[c])) for c in ("id", "name", "email", "city"))
        for r in CUSTOMERS[1:4]
    )
    assert '"The ""Boss"""' in expected  # a quote in a name is quoted, as spreadsheets do
    assert await clipboard(page) == expected

    # A drag selects too: from id of row 1 down to name of row 2.
    await cell(page, 1, 1).hover()
    await page.mouse.down()
    await cell(page, 2, 2).hover()
    await page.mouse.up()
    await expect(selected).to_have_count(4)
    await page.keyboard.press("Control+c")
    assert await clipboard(page) == f"1\t{CUSTOMERS[0]['name']}\n2\t{CUSTOMERS[1]['name']}"

    # The menu key (Shift+F10) opens the context menu of the selection; arrows choose.
    await page.keyboard.press("Shift+F10")
    await expect(page.get_by_role("menubar")).to_be_focused()  # once it has opened
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await copied(page, f"id,name\r\n1,{CUSTOMERS[0]['name']}\r\n2,{CUSTOMERS[1]['name']}")
    await expect(page.get_by_role("menubar")).to_have_count(0)
    await expect(page.get_by_role("grid")).to_be_focused()


async def test_keys_move_the_active_cell_and_the_grid_is_one_tab_stop(page: Page) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    grid = page.get_by_role("grid")
    await expect(column(page, 1)).to_have_count(20)
    await cell(page, 1, CUSTOMER_COLS["name"]).click()
    await expect(grid).to_be_focused()
    await expect(active_cell(page)).to_have_text(CUSTOMERS[0]["name"])
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await expect(active_cell(page)).to_have_text(CUSTOMERS[2]["name"])
    active_id = await active_cell(page).get_attribute("id")
    await expect(grid).to_have_attribute("aria-activedescendant", active_id or "-")
    await page.keyboard.press("ArrowRight")
    await expect(active_cell(page)).to_have_text(CUSTOMERS[2]["email"])
    await page.keyboard.press("Home")
    await expect(active_cell(page)).to_have_text(str(CUSTOMERS[2]["id"]))
    await page.keyboard.press("Control+End")
    await expect(active_cell(page)).to_have_attribute("aria-colindex", str(len(CUSTOMER_COLS) + 1))
    await expect(page.locator("table.grid tr:has(td.active) td").first).to_have_text("20")
    await page.keyboard.press("PageUp")
    await page.keyboard.press("Control+Home")
    await expect(active_cell(page)).to_have_text("1")
    await page.keyboard.press("Shift+ArrowDown")
    await expect(page.locator("table.grid tbody td[aria-selected=true]")).to_have_count(2)

    # One tab stop: Tab leaves the grid for the pager, past the header's sort buttons and
    # filters, which ArrowUp from the top row reaches (and Shift+Tab from the pager).
    await page.keyboard.press("Tab")
    pager = page.get_by_role("navigation", name="Pagination")
    assert await pager.evaluate("nav => nav.contains(document.activeElement)")
    await page.keyboard.press("Shift+Tab")
    in_filters = "!!document.activeElement.closest('table.grid thead tr.filters')"
    assert await page.evaluate(in_filters)
    await grid.focus()
    await page.keyboard.press("Control+Home")
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("ArrowUp")
    await expect(page.get_by_label("Filter value for name")).to_be_focused()


async def test_enter_follows_the_foreign_key_of_the_active_cell(page: Page) -> None:
    await sign_in(page, "/browse/orders?sort=id")
    await expect(column(page, 1)).to_have_count(20)
    await cell(page, 1, 1).click()
    await page.keyboard.press("ArrowRight")  # customer_id, a foreign key
    await page.keyboard.press("Enter")
    customer = ORDERS[0]["customer_id"]
    await expect(page).to_have_url(re.compile(rf"/browse/customers\?filter_id={customer}$"))
    await expect(column(page, 1)).to_have_text([str(customer)])


async def test_context_menu_copies_formats_and_filters_by_the_value(page: Page) -> None:
    await allow_clipboard(page)
    await sign_in(page, "/browse/customers?sort=id")
    await expect(column(page, 1)).to_have_count(20)
    await cell(page, 3, CUSTOMER_COLS["id"]).click()
    await cell(page, 4, CUSTOMER_COLS["name"]).click(modifiers=["Shift"])
    menu = page.get_by_role("menubar")

    await cell(page, 4, CUSTOMER_COLS["name"]).click(button="right")
    await menu.get_by_role("menuitem", name="Copy as an SQL IN list").click()
    await copied(page, "IN (3, 'O''Brien', 4, 'The \"Boss\"')")

    await cell(page, 3, 1).click(button="right")  # inside the range: keeps it
    await menu.get_by_role("menuitem", name="Copy as JSON").click()
    rows = [{"id": 3, "name": "O'Brien"}, {"id": 4, "name": 'The "Boss"'}]
    await copied(page, json.dumps(rows, indent=2, ensure_ascii=False))

    await cell(page, 4, 1).click(button="right")
    await menu.get_by_role("menuitem", name="Copy as a Markdown table").click()
    await copied(page, '| id | name |\n| ---: | --- |\n| 3 | O\'Brien |\n| 4 | The "Boss" |')

    await cell(page, 3, 2).click(button="right")
    await menu.get_by_role("menuitem", name="Copy as CSV").click()
    await copied(page, 'id,name\r\n3,O\'Brien\r\n4,"The ""Boss"""')

    # Outside the range a right click selects that one cell; filter by its value.
    city = CUSTOMERS[0]["city"]
    await cell(page, 1, CUSTOMER_COLS["city"]).click(button="right")
    await expect(page.locator("table.grid tbody td[aria-selected=true]")).to_have_count(1)
    await menu.get_by_role("menuitem", name="Filter by this value").click()
    await expect(page).to_have_url(re.compile(r"filter_city="))
    same_city = [str(r["id"]) for r in CUSTOMERS if r["city"] == city][:20]
    await expect(column(page, 1)).to_have_text(same_city)
    chips = page.get_by_role("list", name="Active filters").get_by_role("listitem")
    await expect(chips).to_have_text([f"city equals {city}"])


async def test_the_console_grid_offers_copy_but_no_filter(page: Page) -> None:
    await allow_clipboard(page)
    await sign_in(page, "/query")
    await run_in_console(page, "SELECT id, name FROM customers WHERE id IN (3, 4) ORDER BY id")
    await expect(column(page, 1)).to_have_text(["3", "4"])
    await cell(page, 1, 2).click(button="right")
    menu = page.get_by_role("menubar")
    await expect(menu.get_by_role("menuitem", name="Copy as CSV")).to_be_visible()
    await expect(menu.get_by_role("menuitem", name="Filter by this value")).to_have_count(0)
    await menu.get_by_role("menuitem", name="Copy (tab-separated)").click()
    await copied(page, "O'Brien")
