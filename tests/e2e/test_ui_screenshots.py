"""Screenshots of every screen, light and dark, desktop (1440 x 900) and phone (390 x 844), for
a person to look at after a run, on the PostgreSQL server (saved under
var/screenshots/postgresql/, or PYDBPRO_SCREENSHOTS). The assertions only check that each
screen really shows what its name says before it is captured (see screens.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page

from .screens import DESKTOP, PHONE, SCREENS, open_screen, use_theme


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_capture_every_screen(
    page: Page, screenshots: Path, theme: str, size: dict[str, int], request: pytest.FixtureRequest
) -> None:
    server = request.node.callspec.params["server"]
    if server != "postgresql":  # the same screens; one set keeps the suite's time down
        pytest.skip("screenshots are taken on the PostgreSQL server (its screens have the most)")
    await use_theme(page, theme)
    await page.set_viewport_size(size)
    device = "phone" if size == PHONE else "desktop"
    shots = screenshots / server
    shots.mkdir(exist_ok=True)
    for screen in SCREENS:
        await open_screen(page, screen)
        await page.mouse.move(0, size["height"] - 1)  # no hover effect or tooltip in the picture
        # Animations finished: a message that fades in is captured whole.
        path = shots / f"{theme}-{device}-{screen}.png"
        await page.screenshot(path=str(path), animations="disabled")
