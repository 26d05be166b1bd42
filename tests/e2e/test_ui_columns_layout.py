"""Column layout in the table browser (issue 18 item 8): hide and show from the Columns
menu, reorder by dragging a heading (or with the menu's arrows), resize by dragging a
heading's edge, double-click to fit; the choice is in the URL (`columns=`) and comes back
from local settings when the table is opened again."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from .test_ui_smoke import sign_in

ALL = ["id", "name", "email", "city", "created_at", "balance", "vip"]


def headings(page: Page) -> Locator:
    return page.locator("table.grid thead tr.heads th .name")


def heading(page: Page, name: str) -> Locator:
    return page.locator(f'table.grid thead tr.heads th[data-column="{name}"]')


async def width(locator: Locator) -> float:
    box = await locator.bounding_box()
    assert box is not None
    return box["width"]


async def test_hide_reorder_and_restore_columns(page: Page) -> None:
    await sign_in(page, "/browse/customers")
    await expect(headings(page)).to_have_text(ALL)

    await page.get_by_role("button", name="Columns", exact=True).click()
    menu = page.get_by_role("group", name="Show, hide and order columns")
    await menu.get_by_role("checkbox", name="email").uncheck()
    await expect(page).to_have_url(re.compile(r"columns=id,name,city,created_at,balance,vip$"))
    await expect(headings(page)).to_have_text([c for c in ALL if c != "email"])
    await menu.get_by_role("button", name="Move city left").click()
    await expect(headings(page)).to_have_text(
        ["id", "city", "name", "created_at", "balance", "vip"]
    )
    await page.keyboard.press("Escape")

    # Drag a heading onto another: it goes before it (after it, when dragged right).
    await heading(page, "vip").drag_to(heading(page, "id"))
    shown = ["vip", "id", "city", "name", "created_at", "balance"]
    await expect(headings(page)).to_have_text(shown)
    await expect(page).to_have_url(re.compile(r"columns=vip,id,city,name,created_at,balance$"))
    # The rows follow: the first column is now vip (NULL or a check mark).
    await expect(page.locator("table.grid tbody tr td:nth-child(1)").first).to_have_text(
        re.compile("^(✓|✗|NULL)$")
    )

    # Opened again without columns=: the stored choice comes back (and into the URL).
    await page.goto("/browse/orders")
    await page.goto("/browse/customers")
    await expect(page).to_have_url(re.compile(r"columns=vip,id,city"))
    await expect(headings(page)).to_have_text(shown)

    await page.get_by_role("button", name="Columns", exact=True).click()
    await menu.get_by_role("button", name="Show all", exact=True).click()
    await expect(headings(page)).to_have_text(ALL)
    await expect(page).not_to_have_url(re.compile("columns="))
    await page.goto("/browse/customers")
    await expect(headings(page)).to_have_text(ALL)
    await expect(page).not_to_have_url(re.compile("columns="))


async def test_resize_by_dragging_and_fit_by_double_click(page: Page) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    name = heading(page, "name")
    await expect(name).to_be_visible()
    before = await width(name)
    handle = name.locator(".resize-handle")
    box = await handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 60, y, steps=4)
    await page.mouse.move(x + 150, y, steps=4)
    await page.mouse.up()
    wide = await width(name)
    assert abs(wide - (before + 150)) <= 3, (before, wide)
    # A click on the handle does not sort.
    await expect(page).to_have_url(re.compile(r"sort=id$"))

    # Narrower than its values: cells are cut, not the layout.
    await page.mouse.move(x + 150, y)
    await page.mouse.down()
    await page.mouse.move(x - before + 70, y, steps=6)
    await page.mouse.up()
    assert abs(await width(name) - 70) <= 3

    # Double-click fits the widest value of the page.
    texts = await page.locator("table.grid tbody tr td:nth-child(2)").all_inner_texts()
    await name.locator(".resize-handle").dblclick()
    fitted = await width(name)
    widest = await page.evaluate(
        """(texts) => {
            const probe = document.createElement('span')
            probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap'
            document.querySelector('table.grid').appendChild(probe)
            let widest = 0
            for (const text of texts) {
                probe.textContent = text
                widest = Math.max(widest, probe.offsetWidth)
            }
            probe.remove()
            return widest
        }""",
        texts,
    )
    assert widest < fitted <= widest + 40, (widest, fitted)
    cells = page.locator("table.grid tbody tr td:nth-child(2)")
    overflowing = await cells.evaluate_all(
        "tds => tds.filter(td => td.scrollWidth > td.clientWidth).length"
    )
    assert overflowing == 0

    # Widths are kept in local settings for the table.
    await page.goto("/browse/customers?sort=id")
    await expect(heading(page, "name")).to_be_visible()
    assert abs(await width(heading(page, "name")) - fitted) <= 2
