"""The console's editor as a user drives it, on SQLite and PostgreSQL: where a statement failed
is underlined and scrolled into view (the database's position on PostgreSQL, sqlglot's parse
on SQLite, the statement check's parse for a refusal), completion offers the aliased table's
columns and the select list's tables' columns, and Format lays the SQL out."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .test_ui_interactions import run_in_console
from .test_ui_smoke import sign_in

#: Offered in alphabetical order (the editor sorts what matches an empty prefix).
CUSTOMER_COLUMNS = sorted(FIXTURE_DATA["customers"][0])
#: Lines after the error: the editor shows the end (where typing left the cursor) until the
#: run scrolls back to the mark.
FILLER = "".join(f"\n  AND id <> {i}" for i in range(80))


async def editor_text(page: Page) -> str:
    lines = await page.locator(".cm-content .cm-line").all_inner_texts()
    return "\n".join(lines)



async def settle_completion(page: Page) -> None:
    """CodeMirror ignores Enter for ``interactionDelay`` (75 ms) after the list last changed,
    so that a key pressed as it updates picks nothing by accident: a user's pace, not a
    test's."""
    await page.wait_for_timeout(200)

async def test_the_failing_word_is_underlined_and_scrolled_into_view(page: Page) -> None:
    """PostgreSQL says where; SQLite says only 'near "oops"', so sqlglot's parse of the
    statement places it. Either way the second statement's 'oops', 80 lines above the cursor,
    is underlined and in view."""
    await sign_in(page, "/query")
    marked = page.locator(".cm-lintRange-error")
    sql = f"SELECT 1 AS a;\nSELECT id FROM customers\nWHERE id IN (1 oops){FILLER}"
    await run_in_console(page, sql)
    await expect(page.get_by_role("alert")).to_contain_text("oops")
    await expect(marked).to_have_text("oops")
    await expect(marked).to_be_in_viewport()

    # Refused by PyDBPro's own check (it does not parse, and INTO is a write word): the place
    # sqlglot's parse stopped is marked, though the database never saw the statement.
    await run_in_console(page, "SELECT id, name\nFROM customers INTO")
    await expect(page.get_by_role("alert")).to_contain_text("could not be checked")
    await expect(marked).to_have_text("INTO")


async def test_completion_offers_an_aliases_columns_and_the_from_tables_columns(
    page: Page,
) -> None:
    await sign_in(page, "/query")
    editor = page.locator(".cm-content")
    options = page.locator(".cm-tooltip-autocomplete li")
    await editor.focus()
    async with page.expect_response(re.compile(r"/api/tables/customers/schema")):
        await page.keyboard.insert_text("SELECT c. FROM customers c")
    await page.keyboard.press("Home")
    for _ in "SELECT c.":
        await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Control+Space")
    await expect(options.locator(".cm-completionLabel")).to_have_text(CUSTOMER_COLUMNS)
    await page.keyboard.type("na")
    await expect(options.locator(".cm-completionLabel")).to_have_text(["name"])
    await settle_completion(page)
    await page.keyboard.press("Enter")
    assert await editor_text(page) == "SELECT c.name FROM customers c"

    # The select list, before FROM in the text: the columns of the tables FROM and JOIN name.
    await page.keyboard.press("Control+a")
    async with page.expect_response(re.compile(r"/api/tables/orders/schema")):
        await page.keyboard.insert_text(
            "SELECT  FROM orders o JOIN customers c ON c.id = o.customer_id"
        )
    await page.keyboard.press("Home")
    for _ in "SELECT ":
        await page.keyboard.press("ArrowRight")
    await page.keyboard.type("tot")
    total = options.filter(has_text=re.compile(r"^total"))
    await expect(total).to_have_count(1)
    await expect(total.locator(".cm-completionDetail")).to_have_text("orders")
    await expect(options.first.locator(".cm-completionLabel")).to_have_text("total")
    await expect(options.first).to_have_attribute("aria-selected", "true")
    await settle_completion(page)
    await page.keyboard.press("Enter")
    assert (await editor_text(page)).startswith("SELECT total FROM orders o")


async def test_format_lays_the_sql_out_and_marks_what_does_not_parse(page: Page) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, "select id,name from customers where id=1 -- the first")
    await expect(page.locator("table.grid tbody tr")).to_have_count(1)
    await page.get_by_role("button", name="Format").click()
    formatted = ["SELECT", "  id,", "  name", "FROM customers", "WHERE", "  id = 1 /* the first */"]
    await expect(page.locator(".cm-content .cm-line")).to_have_text(formatted)
    await page.keyboard.press("Control+Enter")  # the formatted statement still runs
    await expect(page.locator("table.grid tbody tr")).to_have_count(1)

    await run_in_console(page, "SELECT id FROM customers WHERE id IN (1 oops)")
    await page.get_by_role("button", name="Format").click()
    await expect(page.get_by_text("The SQL could not be formatted")).to_be_visible()
    await expect(page.locator(".cm-lintRange-error")).to_have_text("oops")
    assert await editor_text(page) == "SELECT id FROM customers WHERE id IN (1 oops)"
