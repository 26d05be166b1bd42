"""Facets on the table view (issue 19 item 1): the panels open from the toolbar with the
suggested column, a value's click filters the grid through the URL (bookmarkable, shown in
the filter chips), the facets follow the new filter, and a histogram bucket filters a range.
The open panels are checked here too, instead of as screens of their own (CI time): axe in
both themes, and every control reachable on a phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .screens import PHONE, use_theme
from .test_ui_accessibility import described, violations
from .test_ui_interactions import ORDER_COLS, column
from .test_ui_narrow_screens import UNREACHABLE
from .test_ui_smoke import sign_in

ORDERS = FIXTURE_DATA["orders"]


async def test_a_facet_click_filters_the_grid(page: Page, screenshots: Path) -> None:
    paid = [o for o in ORDERS if o["status"] == "paid"]
    await sign_in(page, "/browse/orders?sort=id")
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()
    await page.get_by_role("button", name="Facets").click()

    # status is the suggested facet (five values and NULL); a click filters on its value.
    facets = page.get_by_role("region", name="Facets")
    status = facets.get_by_role("list", name="Filter status on")
    await status.get_by_role("button", name=f"paid {len(paid)} rows").click()
    await expect(page).to_have_url(re.compile(r"[?&]filter_status=paid(&|$)"))
    await expect(column(page, ORDER_COLS["status"])).to_have_text(["paid"] * 20)
    chips = page.get_by_role("list", name="Active filters")
    await expect(chips).to_contain_text("status")
    await expect(status.get_by_role("button")).to_have_count(1)  # the facets follow the filter

    # A number's histogram: round buckets of 500; one click is a range of the same filters.
    await facets.get_by_role("combobox", name="Add a facet").select_option("total")
    cheap = sum(1 for o in paid if o["total"] < 500)
    totals = facets.get_by_role("list", name="Filter total on")
    await totals.get_by_role("button", name=f"0 \N{EN DASH} 500 {cheap} rows").click()
    await expect(page).to_have_url(re.compile(r"filter_total_ge=0&filter_total_lt=500"))
    pager = page.get_by_role("navigation", name="Pagination")
    await expect(pager).to_contain_text(f"Rows 1\N{EN DASH}{min(cheap, 20)} of {cheap}")
    await expect(chips).to_contain_text("total")

    for theme in ("light", "dark"):
        await use_theme(page, theme)
        found = await violations(page, "section.facets")
        assert not found, f"{theme}: {described(found)}"
        await page.screenshot(path=str(screenshots / f"facets-{theme}.png"), animations="disabled")
    await page.set_viewport_size(PHONE)
    await page.reload()  # the layout picks the phone's at load (the side bar closed)
    await page.get_by_role("button", name="Facets").click()
    await expect(status.get_by_role("button").first).to_be_visible()
    reach: dict[str, Any] = await page.evaluate(UNREACHABLE)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert not reach["problems"] and width <= PHONE["width"], (reach["problems"], width)
    await page.screenshot(path=str(screenshots / "facets-phone-dark.png"), animations="disabled")
