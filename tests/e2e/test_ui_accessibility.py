"""axe-core on every main screen, light and dark: no critical or serious violation. axe is
the npm devDependency, injected from node_modules (no network); a failure lists each
violation with the elements it found. And the app used with the keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from ..conftest import PASSWORD
from ..support.live_server import REPO
from .screens import open_screen, use_theme

AXE = REPO / "src" / "pydbpro_ui" / "web" / "node_modules" / "axe-core" / "axe.min.js"
AUDITED = ("login", "browse", "table", "structure", "profile", "row", "console", "admin")
BLOCKING = {"critical", "serious"}


async def violations(page: Page, within: str | None = None) -> list[dict[str, Any]]:
    """Blocking axe violations of the page, or of the element ``within`` selects."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        # Evaluated, not a <script> tag: the app's Content-Security-Policy forbids inline
        # scripts, and should stay as it is under test.
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = await page.evaluate(
        """async (within) => {
            const context = within ? document.querySelector(within) : document
            const { violations } = await axe.run(context, { resultTypes: ['violations'] })
            return violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary),
            }))
        }""",
        within,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def described(found: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"][:5])
        for v in found
    )


@pytest.fixture(scope="session")
def axe_installed() -> Path:
    assert AXE.is_file(), "axe-core is missing: run make setup (npm ci) in the UI"
    return AXE


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_no_critical_or_serious_axe_violation_on_the_main_screens(
    page: Page, theme: str, axe_installed: Path
) -> None:
    await use_theme(page, theme)
    failures: dict[str, str] = {}
    for screen in AUDITED:
        await open_screen(page, screen)
        dark = await page.evaluate("document.documentElement.classList.contains('app-dark')")
        assert dark == (theme == "dark"), f"{screen} is not in the {theme} theme"
        found = await violations(page)
        if found:
            failures[screen] = described(found)
    assert not failures, "\n\n".join(f"== {s} ({theme}) ==\n{text}" for s, text in failures.items())


async def test_signing_in_opening_a_table_and_exporting_with_the_keyboard_only(page: Page) -> None:
    await page.goto("/browse/customers")
    await expect(page).to_have_url(re.compile(r"/login\?"))
    await expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    await page.keyboard.type("alice")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Password")).to_be_focused()
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/browse/customers"))

    await expect(page.locator("table.grid tbody tr").first).to_be_visible()

    # Opened afresh, the skip link is the first stop and lands in the page, past the header
    # and the table list.
    await page.reload()
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    await page.keyboard.press("Enter")
    await expect(page.locator("main#main")).to_be_focused()

    # Tab reaches the Export button; Enter opens its menu, ArrowDown and Enter pick CSV.
    export = page.get_by_role("button", name="Export")
    for _ in range(12):
        await page.keyboard.press("Tab")
        if await export.evaluate("(el) => el === document.activeElement"):
            break
    await expect(export).to_be_focused()
    await page.keyboard.press("Enter")
    csv = page.get_by_role("menuitem", name="CSV")
    await expect(csv).to_be_visible()
    await page.keyboard.press("ArrowDown")
    await expect(csv).to_have_class(re.compile(r"p-focus"))
    async with page.expect_download() as download_info:
        await page.keyboard.press("Enter")
    download = await download_info.value
    assert re.match(r"customers_\d{8}-\d{6}\.csv$", download.suggested_filename)

    # A menu button says whether its menu is open, and names the menu only while it exists.
    user = page.get_by_role("button", name=re.compile("User menu"))
    await user.focus()
    await expect(user).to_have_attribute("aria-expanded", "false")
    assert await user.get_attribute("aria-controls") is None
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("menuitem", name="Sign out")).to_be_visible()
    await expect(user).to_have_attribute("aria-expanded", "true")
    menu_id = await user.get_attribute("aria-controls")
    await expect(page.locator(f"#{menu_id}")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("menuitem", name="Sign out")).to_be_hidden()
    await expect(user).to_have_attribute("aria-expanded", "false")
