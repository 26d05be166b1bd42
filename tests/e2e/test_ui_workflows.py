"""What a user does in the UI, in a real browser: sort, filter, page, read the structure,
run SQL, export. Each test asserts what the user sees (or downloads)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.async_api import Page, expect

from .test_ui_smoke import sign_in


async def test_sort_filter_and_page_through_a_table(page: Page) -> None:
    await sign_in(page, "/browse/customers")
    grid = page.locator("table.grid")
    await expect(grid.get_by_text("Zoë Müller")).to_be_visible()

    await page.get_by_label("Filter value for city").fill("Berlin")
    await page.get_by_label("Filter value for city").press("Enter")
    await expect(page).to_have_url(re.compile(r"filter_city"))
    cities = grid.locator("tbody tr td:nth-child(4)")
    await expect(cities.first).to_have_text(re.compile("Berlin"))
    assert {text.strip() for text in await cities.all_inner_texts()} == {"Berlin"}

    await page.get_by_role("button", name="Next page").click()
    await expect(page).to_have_url(re.compile(r"page=2"))
    await page.go_back()
    await expect(page).not_to_have_url(re.compile(r"page=2"))


async def test_structure_tab_lists_columns_and_keys(page: Page) -> None:
    await sign_in(page, "/browse/orders?tab=structure")
    await expect(page.get_by_text("Foreign keys").first).to_be_visible()
    await expect(page.get_by_role("cell", name="customer_id").first).to_be_visible()


async def test_console_runs_reads_and_refuses_writes(page: Page) -> None:
    await sign_in(page, "/query")
    editor = page.locator(".cm-content")
    await editor.click()
    await page.keyboard.type("SELECT id, name FROM customers WHERE id = 3")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("table.grid").get_by_text("O'Brien")).to_be_visible()
    await expect(page.get_by_text(re.compile(r"1 row in"))).to_be_visible()

    await editor.press("Control+a")
    await page.keyboard.type("DELETE FROM customers")
    await page.keyboard.press("Control+Enter")
    await expect(page.get_by_text(re.compile("not allowed|only|read", re.I)).first).to_be_visible()


async def test_export_csv_downloads_the_filtered_view(page: Page) -> None:
    await sign_in(page, "/browse/customers?filter_id_le=3&sort=id")
    await expect(page.locator("table.grid").get_by_text("O'Brien")).to_be_visible()
    await page.get_by_role("button", name="Export").click()
    async with page.expect_download() as download_info:
        await page.get_by_role("menuitem", name="CSV").click()
    download = await download_info.value
    assert re.match(r"customers_\d{8}-\d{6}\.csv$", download.suggested_filename)
    text = Path(await download.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[1] for row in rows[1:]] == ["Zoë Müller", "東京 太郎", "O'Brien"]
