"""Phone (390 px) and tablet (768 px) widths: every visible button, link and field of each
screen can be brought into view (by the page or by the box that scrolls it) and is not
covered by anything else at its centre, so it can be tapped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from .screens import PHONE, TABLET, open_screen

CHECKED = ("browse", "table", "structure", "row", "console", "admin")

UNREACHABLE = (Path(__file__).parent / "unreachable.js").read_text(encoding="utf-8")


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
