"""A chart of a console result, on SQLite and PostgreSQL: Chart offers the chart the result's
columns suggest (a few text values and two numbers: grouped bars), draws one series per
number column from the rows already fetched, downloads as PNG and SVG, passes axe (light and
dark) and fits a phone; saved with the query, it is drawn again when the saved query is
opened and run. A table page charts its page of rows the same way."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from .screens import PHONE, use_theme
from .test_ui_accessibility import described, violations
from .test_ui_interactions import run_in_console
from .test_ui_smoke import sign_in

BY_STATUS = (
    "SELECT status, COUNT(*) AS orders, SUM(total) AS amount FROM orders "
    "WHERE status IS NOT NULL GROUP BY status ORDER BY status"
)
STATUSES = ["cancelled", "new", "paid", "refunded", "shipped"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FILE_NAME = r"query_\d{8}-\d{6}\."


async def _download(page: Page, button: str) -> tuple[str, bytes]:
    async with page.expect_download() as info:
        await page.get_by_test_id(button).click()
    download = await info.value
    return download.suggested_filename, Path(await download.path()).read_bytes()


async def test_a_console_result_as_a_chart_downloaded_and_saved(
    page: Page, screenshots: Path
) -> None:
    await sign_in(page, "/query")
    await run_in_console(page, BY_STATUS)
    await expect(page.locator("table.grid tbody tr")).to_have_count(len(STATUSES))
    runs: list[str] = []  # (the editor's completion may still fetch table schemas)
    page.on("request", lambda r: runs.append(r.url) if "/api/query" in r.url else None)

    await page.get_by_test_id("chart-toggle").click()
    plot = page.get_by_test_id("chart-plot")
    await expect(page.get_by_label("Chart type")).to_have_value("bar")
    await expect(page.get_by_label("X axis")).to_have_value("status")
    await expect(plot).to_have_attribute("aria-label", "Bar chart of orders, amount by status")
    await expect(plot).to_have_attribute("data-series", "2")
    await expect(plot.locator("canvas")).to_be_visible()
    assert runs == [], "the chart is drawn from the rows already fetched"
    found = await violations(page)
    assert not found, described(found)
    await page.screenshot(path=str(screenshots / "console-chart.png"), animations="disabled")
    await use_theme(page, "dark")  # drawn again in the dark theme
    await expect(page.locator("html.app-dark")).to_have_count(1)
    await expect(plot.locator("canvas")).to_be_visible()
    # Colours fade to the theme's: axe judges them once the transitions are over.
    await page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
    found = await violations(page)
    assert not found, described(found)

    name, png = await _download(page, "chart-png")
    assert re.fullmatch(FILE_NAME + "png", name), name
    assert png.startswith(PNG_SIGNATURE)
    name, svg = await _download(page, "chart-svg")
    assert re.fullmatch(FILE_NAME + "svg", name), name
    drawing = svg.decode()
    assert drawing.startswith("<svg") and all(status in drawing for status in STATUSES)

    await page.get_by_role("checkbox", name="amount").uncheck()
    await expect(plot).to_have_attribute("data-series", "1")
    await page.get_by_label("Chart type").select_option("pie")
    await expect(plot).to_have_attribute("aria-label", "Pie chart of orders by status")

    # Saved with the query, the chart comes back with the saved query's result.
    await page.get_by_test_id("save-button").click()
    dialog = page.get_by_test_id("save-query-form")
    await dialog.get_by_label("Name").fill("Orders by status")
    await dialog.get_by_role("button", name="Save", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/query\?saved=\d+$"))
    await page.set_viewport_size(PHONE)
    await page.reload()
    await page.get_by_role("button", name="Run", exact=True).click()
    await expect(page.get_by_label("Chart type")).to_have_value("pie")
    await expect(plot).to_have_attribute("aria-label", "Pie chart of orders by status")
    await expect(plot.locator("canvas")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone = screenshots / "console-chart-phone-dark.png"
    await page.screenshot(path=str(phone), animations="disabled")
    await page.get_by_test_id("chart-toggle").click()  # back to the rows, and they stay
    await expect(page.locator("table.grid tbody tr")).to_have_count(len(STATUSES))
    await expect(plot).to_have_count(0)

    await page.goto("/browse/orders")
    await page.get_by_test_id("chart-toggle").click()
    await expect(plot).to_have_attribute("aria-label", "Line chart of total by ordered_at")
    await expect(plot.locator("canvas")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = screenshots / "table-chart-phone-dark.png"
    await page.screenshot(path=str(table), animations="disabled")
