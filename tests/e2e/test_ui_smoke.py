"""The UI in a real browser: sign in, browse a table, sign out."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from ..conftest import PASSWORD
from .conftest import USER


async def sign_in(page: Page, target: str = "/browse") -> None:
    await page.goto(target)
    await expect(page).to_have_url(re.compile(r"/login\?"))
    await page.get_by_label("Username").fill(USER)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))


async def test_sign_in_browse_a_table_and_sign_out(page: Page, screenshots: Path) -> None:
    await sign_in(page, "/browse/customers")
    await expect(page).to_have_url(re.compile(r"/browse/customers"))
    await expect(page.get_by_text("Zoë Müller").first).to_be_visible()
    await expect(page.get_by_text("'; DROP TABLE customers; --").first).to_be_visible()
    await page.screenshot(path=str(screenshots / "table-view.png"), full_page=True)

    await page.locator('nav a[href="/browse/orders"], aside a[href="/browse/orders"]').first.click()
    await expect(page).to_have_url(re.compile(r"/browse/orders"))

    await page.get_by_role("button", name=re.compile("User menu")).click()
    await page.get_by_role("menuitem", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/login"))
    await page.goto("/browse/customers")
    await expect(page).to_have_url(re.compile(r"/login\?"))


async def test_wrong_password_is_explained(page: Page) -> None:
    await page.goto("/login")
    await page.get_by_label("Username").fill(USER)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Sign-in failed")).to_be_visible()
