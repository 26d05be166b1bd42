"""Group by on the table view (issue 19 item 5): the panel groups the orders by status with a
count and a sum of totals, the grouped grid shows each group's figures, a heading's click
sorts on the server, the URL keeps it all through a reload, the CSV export holds the groups,
and a group's drill-down link lists its rows. The panel's axe checks (light, and dark on a
phone, where every control must stay reachable) are here too, not screens of their own (CI
time)."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.async_api import Locator, Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .screens import PHONE, use_theme
from .test_ui_accessibility import described, violations
from .test_ui_interactions import rows_range
from .test_ui_narrow_screens import UNREACHABLE
from .test_ui_smoke import sign_in

ORDERS = FIXTURE_DATA["orders"]
NULL = "NULL"  # how the grid shows NULL


def groups_by_status() -> dict[str, tuple[int, Decimal]]:
    """Each status (NULL as the grid shows it): its orders and the sum of their totals."""
    counts: dict[str, int] = defaultdict(int)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for order in ORDERS:
        status = order["status"] if order["status"] is not None else NULL
        counts[status] += 1
        sums[status] += order["total"]
    return {status: (counts[status], sums[status]) for status in counts}


def cents(text: str) -> Decimal:
    """A sum as the grid or a file shows it, to the cent: SQLite sums NUMERIC(12,2) as
    floats (409,799.86000000016), PostgreSQL exactly."""
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))


def grid_column(page: Page, position: int) -> Locator:
    return page.locator(f"table.grid tbody tr td:nth-child({position})")


async def test_group_sort_export_and_drill_down(page: Page, screenshots: Path) -> None:
    groups = groups_by_status()
    await sign_in(page, "/browse/orders?sort=id")
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()

    await page.get_by_role("button", name="Group by").click()
    panel = page.get_by_role("region", name="Group by")
    await panel.get_by_role("combobox", name="Group column 1").select_option("status")
    await panel.get_by_role("button", name="Add a measure").click()
    await panel.get_by_role("combobox", name="Function of measure 2").select_option("sum")
    column_2 = panel.get_by_role("combobox", name="Column of measure 2")
    numbers = ["id", "customer_id", "total"]  # what a sum takes
    await expect(column_2.locator("option")).to_have_text(numbers)
    await column_2.select_option("total")
    await use_theme(page, "light")
    found = await violations(page, "section.group-panel")
    assert not found, described(found)
    await panel.get_by_role("button", name="Apply").click()

    grouped = r"group=status&measure=count&measure=sum(%3A|:)total"
    await expect(page).to_have_url(re.compile(grouped))
    bar = page.locator(".group-bar")
    await expect(bar).to_contain_text(f"Grouped by status — {len(groups)} groups shown")
    heads = page.locator("table.grid thead tr.heads th")
    names = ["status", "count", "sum:total"]
    await expect(heads).to_have_text([re.compile(f"^{re.escape(n)}") for n in names])

    # The sum's heading: ascending, then descending, sorted by the server (group_sort).
    sum_head = heads.nth(2)
    await sum_head.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"group_sort=sum(%3A|:)total(&|$)"))
    await sum_head.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"group_sort=-sum(%3A|:)total(&|$)"))
    await expect(sum_head).to_have_attribute("aria-sort", "descending")
    dearest = sorted(groups, key=lambda s: groups[s][1], reverse=True)
    await page.reload()  # the URL is the whole state
    await expect(grid_column(page, 1)).to_have_text(dearest)
    await expect(grid_column(page, 2)).to_have_text([str(groups[s][0]) for s in dearest])
    sums = await grid_column(page, 3).all_inner_texts()
    assert [cents(text) for text in sums] == [groups[s][1] for s in dearest]
    await page.screenshot(path=str(screenshots / "grouped-light.png"), animations="disabled")

    # The export of group mode is the aggregate, in the grid's order.
    await page.get_by_role("button", name="Export").click()
    async with page.expect_download() as download_info:
        await page.get_by_role("menuitem", name="CSV").click()
    download = await download_info.value
    assert re.match(r"orders_grouped_\d{8}-\d{6}\.csv$", download.suggested_filename)
    text = Path(await download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == names
    assert [(r[0] or NULL, int(r[1]), cents(r[2])) for r in rows[1:]] == [
        (s, groups[s][0], groups[s][1]) for s in dearest
    ]

    # Drill down: the group's link leaves group mode with the table filtered to it.
    await page.get_by_role("link", name="Show the rows of status = paid").click()
    await expect(page).to_have_url(re.compile(r"filter_status=paid"))
    await expect(page).not_to_have_url(re.compile(r"group=|measure="))
    paid = groups["paid"][0]
    pager = page.get_by_role("navigation", name="Pagination")
    await expect(pager.locator(".range")).to_have_text(rows_range(1, min(paid, 20), paid))
    await page.go_back()  # Back returns to the groups
    await expect(bar).to_contain_text("Grouped by status")

    # A phone: the grouped view and its open panel fit, every control reachable (dark theme).
    await use_theme(page, "dark")
    await page.set_viewport_size(PHONE)
    await page.reload()  # the layout picks the phone's at load (the side bar closed)
    await page.get_by_role("button", name="Group by").click()
    await expect(panel.get_by_role("combobox", name="Group column 1")).to_have_value("status")
    reach: dict[str, Any] = await page.evaluate(UNREACHABLE)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert not reach["problems"] and width <= PHONE["width"], (reach["problems"], width)
    found = await violations(page, "section.group-panel")
    assert not found, f"dark: {described(found)}"
    await page.screenshot(path=str(screenshots / "grouped-phone-dark.png"), animations="disabled")


async def test_orders_by_month_and_a_month_rows(page: Page) -> None:
    """A timestamp column grouped by month (its unit chosen at first): the URL keeps the
    spec, the heading names the unit, and a month's drill-down lists exactly its rows."""
    months: dict[str, int] = defaultdict(int)
    for order in ORDERS:
        if order["ordered_at"] is not None:
            months[order["ordered_at"].date().replace(day=1).isoformat()] += 1
    first = min(months)
    await sign_in(page, "/browse/orders?sort=id")
    await page.get_by_role("button", name="Group by").click()
    panel = page.get_by_role("region", name="Group by")
    await panel.get_by_role("combobox", name="Group column 1").select_option("ordered_at")
    unit = panel.get_by_role("combobox", name="Calendar unit of group column 1")
    await expect(unit.locator("option:checked")).to_have_text("by month")
    await panel.get_by_role("button", name="Apply").click()

    await expect(page).to_have_url(re.compile(r"group=ordered_at(%3A|:)month&measure=count"))
    await expect(page.locator(".group-bar")).to_contain_text("Grouped by ordered_at (month)")
    heads = page.locator("table.grid thead tr.heads th")
    await expect(heads.first).to_contain_text("ordered_at (month)")
    shown = date.fromisoformat(first)  # as the grid shows a date: "Jan 1, 2020"
    await expect(grid_column(page, 1).first).to_have_text(f"{shown:%b} {shown.day}, {shown.year}")
    await expect(grid_column(page, 2).first).to_have_text(str(months[first]))

    year, month = int(first[:4]), int(first[5:7])
    after = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
    await page.get_by_role(
        "link", name=f"Show the rows of ordered_at ≥ {first}, ordered_at < {after}"
    ).click()
    await expect(page).to_have_url(re.compile(
        f"filter_ordered_at_ge={first}&filter_ordered_at_lt={after}"
    ))  # fmt: skip
    await expect(page).not_to_have_url(re.compile(r"group=|measure="))
    pager = page.get_by_role("navigation", name="Pagination")
    count = months[first]
    await expect(pager.locator(".range")).to_have_text(rows_range(1, min(count, 20), count))
