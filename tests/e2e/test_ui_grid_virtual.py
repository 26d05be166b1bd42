"""A 10,000-row console result in the virtual grid (issue 18, item 7): the DOM holds a window of
rows however long the result, scrolling and the keyboard reach the last row, and the find box
(Ctrl+F) searches every loaded row, steps through the matches and scrolls each into view.
(How fast it paints and scrolls is measured by tests/benchmarks/bench_grid.py, not asserted.)"""

from __future__ import annotations

from playwright.async_api import Page, expect

from .test_ui_interactions import run_in_console
from .test_ui_smoke import sign_in

ROWS = 10_000
# A recursive CTE runs on SQLite and PostgreSQL alike.
TEN_THOUSAND = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
    "SELECT i, 'row ' || i AS label, i * 2 AS twice FROM n"
)
MOST_ROWS_RENDERED = 120


async def rendered_rows(page: Page) -> int:
    return await page.locator("table.grid tbody tr").count()


async def test_ten_thousand_rows_render_a_bounded_window(page: Page) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, TEN_THOUSAND)
    await expect(page.get_by_role("status")).to_contain_text("10,000 rows")
    grid = page.get_by_role("grid")
    await expect(grid).to_have_attribute("aria-rowcount", str(ROWS + 1))
    await expect(page.locator("table.grid tbody tr").first.locator("td").first).to_have_text("1")
    assert 10 < await rendered_rows(page) < MOST_ROWS_RENDERED

    # Scrolled to the end, the last rows are there (and still only a window of them).
    scroller = page.locator(".grid-scroll")
    await scroller.evaluate("el => { el.scrollTop = el.scrollHeight }")
    last = page.locator("table.grid tbody tr[aria-rowindex='10001'] td").first
    await expect(last).to_have_text("10,000")  # grouped on display only
    await expect(last).to_be_in_viewport()
    assert await rendered_rows(page) < MOST_ROWS_RENDERED

    # The keyboard gets there too, from the top: Ctrl+Home, then PageDown scrolls along.
    await scroller.evaluate("el => { el.scrollTop = 0 }")
    await page.locator("table.grid tbody tr").first.locator("td").nth(1).click()
    await page.keyboard.press("PageDown")
    active = page.locator("table.grid td.active")
    await expect(active).to_be_in_viewport()
    first_page_end = int((await active.locator("xpath=..").get_attribute("aria-rowindex")) or 0)
    assert first_page_end > 5  # a page of rows down, however tall the result area
    await page.keyboard.press("Control+End")
    await expect(active).to_have_text(f"{ROWS * 2:,}")  # grouped on display only
    await expect(active).to_be_in_viewport()
    await page.keyboard.press("Control+Home")
    await expect(active).to_have_text("1")
    await expect(active).to_be_in_viewport()


async def test_find_box_searches_all_loaded_rows_and_scrolls_to_matches(page: Page) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, TEN_THOUSAND)
    await expect(page.get_by_role("status")).to_contain_text("10,000 rows")
    await page.locator("table.grid tbody tr").first.locator("td").first.click()
    await page.keyboard.press("Control+f")
    find = page.get_by_role("searchbox", name="Find in the loaded rows")
    await expect(find).to_be_focused()

    await find.fill("row 9876")  # far below the rendered window
    search = page.get_by_role("search")
    await expect(search).to_contain_text("1 of 1")
    match = page.locator("table.grid td.match.current")
    await expect(match).to_have_text("row 9876")
    await expect(match).to_be_in_viewport()

    await find.fill("ROW 999")  # row 999 and rows 9990-9999: case does not matter
    await expect(search).to_contain_text("1 of 11")
    await expect(match).to_have_text("row 999")
    await find.press("Enter")
    await expect(search).to_contain_text("2 of 11")
    await expect(match).to_have_text("row 9990")
    await expect(match).to_be_in_viewport()
    await find.press("Shift+Enter")
    await find.press("Shift+Enter")
    await expect(search).to_contain_text("11 of 11")
    await expect(match).to_have_text("row 9999")
    await page.get_by_role("button", name="Next match (Enter)").click()
    await expect(match).to_have_text("row 999")
    await expect(match).to_be_in_viewport()

    await find.fill("no such text")
    await expect(search).to_contain_text("No matches")
    await find.press("Escape")
    await expect(search).to_have_count(0)
    await expect(page.get_by_role("grid")).to_be_focused()
