"""Every screen of the UI, each opened the way a user gets there and waited for until it
shows what its name says; shared by the screenshot, accessibility and narrow-screen tests."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from .test_ui_smoke import sign_in

CUSTOMER_ID = 3  # O'Brien, with orders: the row view shows parent and children


async def _login(page: Page) -> None:
    await page.goto("/login")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def _browse(page: Page) -> None:
    await page.goto("/browse")
    main = page.get_by_role("main")
    await expect(main.get_by_role("link", name="customers Table")).to_be_visible()


async def _table(page: Page) -> None:
    # Two filters: the toolbar shows their chips, the all/any switch and "Clear all".
    await page.goto("/browse/orders?sort=id&order=desc&filter_id_gt=0&filter_total_ge=0")
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()
    await expect(page.get_by_role("listitem").filter(has_text="total")).to_be_visible()
    await expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()


async def _structure(page: Page) -> None:
    await page.goto("/browse/orders?tab=structure")
    await expect(page.get_by_text("Foreign keys").first).to_be_visible()


async def _profile(page: Page) -> None:
    await _structure(page)
    await page.get_by_role("button", name="Profile of status:").click()
    await expect(page.get_by_test_id("column-profile")).to_contain_text("Most common values")


async def _row(page: Page) -> None:
    await page.goto(f"/browse/customers?tab=row&key_id={CUSTOMER_ID}")
    await expect(page.locator("dl.fields").get_by_text("obrien@example.ie")).to_be_visible()


async def _run(page: Page, sql: str) -> None:
    await page.goto("/query")
    editor = page.locator(".cm-content")
    await editor.focus()
    await page.keyboard.press("Control+a")
    await page.keyboard.insert_text(sql)
    await page.keyboard.press("Control+Enter")


async def _console(page: Page) -> None:
    await _run(page, "SELECT id, name, city, balance FROM customers ORDER BY id")
    await expect(page.get_by_text(re.compile(r"\d+ rows in"))).to_be_visible()
    await page.keyboard.press("Escape")


async def _console_chart(page: Page) -> None:
    await _run(page, "SELECT city, COUNT(*) AS customers FROM customers GROUP BY city")
    await page.get_by_test_id("chart-toggle").click()
    await expect(page.get_by_test_id("chart-plot").locator("canvas")).to_be_visible()


async def _console_error(page: Page) -> None:
    await _run(page, "SELECT * FROM no_such_table")
    await expect(page.get_by_role("alert")).to_contain_text("no_such_table")
    await page.keyboard.press("Escape")


async def _admin(page: Page) -> None:
    await page.goto("/admin")
    await expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    await expect(page.get_by_role("main").get_by_text("alice").first).to_be_visible()


async def _account(page: Page) -> None:
    await page.goto("/account")
    await expect(page.get_by_role("heading", name="Account")).to_be_visible()


async def _help(page: Page) -> None:
    await page.goto("/help")
    await expect(page.get_by_role("heading", name="Help", exact=True)).to_be_visible()


#: Name → how to open it (signed in, except the login page).
SCREENS: dict[str, Callable[[Page], Awaitable[None]]] = {
    "login": _login,
    "browse": _browse,
    "table": _table,
    "structure": _structure,
    "profile": _profile,
    "row": _row,
    "console": _console,
    "console-chart": _console_chart,
    "console-error": _console_error,
    "admin": _admin,
    "account": _account,
    "help": _help,
}

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1440, "height": 900}


async def open_screen(page: Page, name: str) -> None:
    """Opens a screen, signing in first when the session has not (the login page signs out
    nothing: it is shown to a signed-out page only, so it is opened before signing in)."""
    if name != "login" and not await _signed_in(page):
        await sign_in(page, "/browse")
    await SCREENS[name](page)


async def _signed_in(page: Page) -> bool:
    return any(c["name"] == "pydbpro_session" for c in await page.context.cookies())


async def use_theme(page: Page, theme: str) -> None:
    """The system's colour scheme, which the app follows while the user has not chosen one."""
    await page.emulate_media(color_scheme="dark" if theme == "dark" else "light")
