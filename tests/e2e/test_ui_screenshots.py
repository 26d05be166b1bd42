"""Screenshots of the main screens, light and dark, for a person to look at after a run
(saved under var/screenshots/, or PYDBPRO_SCREENSHOTS). The assertions only check that each
screen really shows what its name says before it is captured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from .test_ui_smoke import sign_in


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_capture_the_main_screens(
    page: Page, screenshots: Path, theme: str, request: pytest.FixtureRequest
) -> None:
    await page.emulate_media(color_scheme=theme)
    shots = screenshots / request.node.callspec.params["server"]
    shots.mkdir(exist_ok=True)
    await page.goto("/login")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.screenshot(path=str(shots / f"{theme}-login.png"))

    await sign_in(page, "/browse/orders?sort=id&order=desc")
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()
    await page.screenshot(path=str(shots / f"{theme}-table.png"))

    await page.goto("/browse/orders?tab=structure")
    await expect(page.get_by_text("Foreign keys").first).to_be_visible()
    await page.screenshot(path=str(shots / f"{theme}-structure.png"))

    await page.goto("/query?sql=" + "SELECT id, name, city FROM customers ORDER BY id")
    await page.locator(".cm-content").click()
    await page.keyboard.press("Control+Enter")
    await expect(page.get_by_text(re.compile(r"rows in"))).to_be_visible()
    await page.screenshot(path=str(shots / f"{theme}-console.png"))
