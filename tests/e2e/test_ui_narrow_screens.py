"""Phone (390 px) and tablet (768 px) widths: every visible button, link and field of each
screen can be brought into view (by the page or by the box that scrolls it) and is not
covered by anything else at its centre, so it can be tapped."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page

from .screens import PHONE, TABLET, open_screen

CHECKED = ("browse", "table", "structure", "row", "console", "admin")

# For each control, in page order: scroll it into view as Playwright's scrollIntoViewIfNeeded
# does (centred, through every scrolling ancestor), then check that it lies inside the
# viewport horizontally and that the element at its centre is it or inside it.
UNREACHABLE = """() => {
    const selector = 'button, a[href], input, select, textarea, [role="button"], [role="tab"], [role="combobox"]'
    const shown = (el) => {
        if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false
        const box = el.getBoundingClientRect()
        if (box.width <= 1 || box.height <= 1) return false  // visually hidden helpers
        return !el.closest('.skip-link, .p-hidden-accessible, [aria-hidden="true"]')
    }
    const name = (el) => {
        const label = el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('placeholder') || ''
        return `${el.tagName.toLowerCase()} "${label.slice(0, 40)}"`
    }
    const problems = []
    for (const el of document.querySelectorAll(selector)) {
        if (!shown(el)) continue
        el.scrollIntoView({ block: 'center', inline: 'center' })
        const box = el.getBoundingClientRect()
        const x = box.left + box.width / 2
        const y = box.top + box.height / 2
        if (box.left < -1 || box.right > innerWidth + 1) {
            problems.push(`${name(el)} is cut off: x ${Math.round(box.left)}..${Math.round(box.right)} of ${innerWidth}`)
            continue
        }
        const hit = document.elementFromPoint(x, y)
        if (!hit || !(hit === el || el.contains(hit) || hit.contains(el) && hit.closest('label') === hit)) {
            const by = hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing'
            problems.push(`${name(el)} is covered by ${by}`)
        }
    }
    // What makes the page wider than the screen: elements sticking out of a parent that
    // neither clips nor scrolls them.
    if (document.documentElement.scrollWidth > innerWidth) {
        window.scrollTo(0, 0)
        for (const el of document.body.querySelectorAll('*')) {
            const parent = el.parentElement
            if (!parent || el.getBoundingClientRect().right <= innerWidth + 1) continue
            if (parent.getBoundingClientRect().right > innerWidth + 1) continue
            if (getComputedStyle(parent).overflowX !== 'visible') continue
            problems.push(`${name(el)}.${[...el.classList].join('.')} sticks out to ${Math.round(el.getBoundingClientRect().right)} px`)
        }
    }
    return { problems, checked: document.querySelectorAll(selector).length }
}"""


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
async def test_every_control_is_reachable_and_uncovered(page: Page, size: dict[str, int]) -> None:
    await page.set_viewport_size(size)
    failures: dict[str, list[str]] = {}
    for screen in CHECKED:
        await open_screen(page, screen)
        result: dict[str, Any] = await page.evaluate(UNREACHABLE)
        assert result["checked"] > 3, f"{screen}: no controls found"
        # The page itself never scrolls sideways: only boxes meant to (the grid) do.
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            result["problems"].append(f"the page is {width} px wide")
        if result["problems"]:
            failures[screen] = result["problems"]
    assert not failures, "\n".join(
        f"{screen} at {size['width']} px:\n  " + "\n  ".join(problems)
        for screen, problems in failures.items()
    )
