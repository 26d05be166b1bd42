"""A 301-column table in the virtual grid (issue 18, item 7, "columns on wide tables"): only the
columns in view are rendered, however wide the table; scrolling sideways, the keyboard, the
find box and a link to a far column's filter each bring that column into view; the key column
stays in view throughout."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from .test_ui_smoke import sign_in

COLUMNS = 301  # the fixtures' `wide`: id and c001 … c300
MOST_COLUMNS_RENDERED = 40


async def rendered_headings(page: Page) -> list[str]:
    heads = page.locator("table.grid thead tr.heads th[data-column]")
    names: list[str] = await heads.evaluate_all("ths => ths.map(th => th.dataset.column)")
    return names


def body_cell(page: Page, row: int, column: int) -> Locator:
    """The body cell of data row `row` (1-based) and column `column` (1-based)."""
    return page.locator(
        f"table.grid tbody tr[aria-rowindex='{row + 2}'] td[aria-colindex='{column}']"
    )


async def test_wide_table_renders_the_columns_in_view(page: Page) -> None:
    await sign_in(page, "/browse/wide")
    grid = page.get_by_role("grid")
    await expect(grid).to_have_attribute("aria-colcount", str(COLUMNS))
    await expect(body_cell(page, 1, 1)).to_have_text("1")
    shown = await rendered_headings(page)
    assert shown[:3] == ["id", "c001", "c002"]
    assert len(shown) < MOST_COLUMNS_RENDERED
    first_row = page.locator("table.grid tbody tr").first
    assert await first_row.locator("td[aria-colindex]").count() == len(shown)

    # Scrolled to the far right: the last columns are rendered, beside the sticky key column.
    await page.locator(".grid-scroll").evaluate("el => { el.scrollLeft = el.scrollWidth }")
    last = body_cell(page, 3, COLUMNS)
    await expect(last).to_have_text("3,300")  # c300: an integer column, 3 * 1000 + 300
    await expect(last).to_be_in_viewport()
    await expect(body_cell(page, 3, 1)).to_be_in_viewport()
    shown = await rendered_headings(page)
    assert shown[0] == "id" and shown[-1] == "c300" and "c100" not in shown
    assert len(shown) < MOST_COLUMNS_RENDERED

    # The keyboard gets there from the left: Home, then End along the row.
    await page.locator(".grid-scroll").evaluate("el => { el.scrollLeft = 0 }")
    await body_cell(page, 2, 2).click()
    await page.keyboard.press("End")
    active = page.locator("table.grid td.active")
    await expect(active).to_have_attribute("aria-colindex", str(COLUMNS))
    await expect(active).to_be_in_viewport()
    await page.keyboard.press("Home")
    await expect(active).to_have_attribute("aria-colindex", "1")
    await expect(body_cell(page, 2, 2)).to_be_in_viewport()


async def test_wide_table_find_and_filter_links_reach_far_columns(page: Page) -> None:
    await sign_in(page, "/browse/wide")
    await expect(body_cell(page, 1, 1)).to_have_text("1")
    await body_cell(page, 1, 1).click()
    await page.keyboard.press("Control+f")
    find = page.get_by_role("searchbox", name="Find in the loaded rows")
    await find.fill("v2_297")  # row 2, column c297: far right of the rendered columns
    await expect(page.get_by_role("search")).to_contain_text("1 of 1")
    match = page.locator("table.grid td.match.current")
    await expect(match).to_have_text("v2_297")
    await expect(match).to_be_in_viewport()
    await find.press("Escape")

    # 1ClickDBPro's filter form for a far column: its filter is scrolled to and focused.
    await page.goto("/browse/wide?panel=filters&column=c250")
    await expect(page.get_by_label("Filter value for c250")).to_be_focused()
    await expect(page.get_by_label("Filter value for c250")).to_be_in_viewport()
