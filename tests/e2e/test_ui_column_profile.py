"""A column's profile (issue 19, item 2), opened from the structure tab and from the Data
tab's Columns menu: the figures of the fixture's known values, each marked exact; the
dialog fits a phone's width -- on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from playwright.async_api import Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .screens import PHONE
from .test_ui_smoke import sign_in

ORDERS = FIXTURE_DATA["orders"]


async def test_profile_from_the_structure_tab_and_the_columns_menu(page: Page) -> None:
    statuses = Counter(row["status"] for row in ORDERS if row["status"] is not None)
    await sign_in(page, "/browse/orders?tab=structure")
    await page.get_by_role("button", name="Profile of status:").click()
    dialog = page.get_by_role("dialog", name="Profile of status")
    profile = dialog.get_by_test_id("column-profile")
    distinct = profile.locator("[data-figure=distinct]")
    await expect(distinct).to_contain_text(f"{len(statuses)}")
    await expect(distinct).to_contain_text("exact")
    nulls = len(ORDERS) - sum(statuses.values())
    await expect(profile.locator("[data-figure=nulls]")).to_contain_text(f"{nulls} (")
    common = profile.get_by_role("table").get_by_role("row")
    await expect(common).to_have_count(len(statuses) + 1)  # and the heading
    top, count = sorted(statuses.items(), key=lambda item: (-item[1], item[0]))[0]
    await expect(common.nth(1)).to_contain_text(top)
    await expect(common.nth(1)).to_contain_text(str(count))
    await expect(profile).to_contain_text("Every figure is exact")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    # From the grid: the Columns menu offers each column's profile; on a phone it fits.
    await page.set_viewport_size(PHONE)
    await page.goto("/browse/orders")
    await page.get_by_role("button", name="Columns").click()
    await page.get_by_role("button", name="Profile of total:").click()
    dialog = page.get_by_role("dialog", name="Profile of total")
    maximum = max(row["total"] for row in ORDERS)
    await expect(dialog.locator("[data-figure=max]")).to_contain_text(f"{maximum:,.2f}")
    await expect(dialog.locator("[data-figure=avg]")).to_be_visible()
    box = await dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
