"""Issue 15 in a real browser: the Administration page (users, the activity log), the Account
page (own tokens and sessions), and a shell that shows each role only what it may use.

The server here is one of its own (SQLite): CONSOLE_ROLES and EXPORT_ROLES are admin only,
and the activity log is stored, so a viewer has neither console nor exports and the
Administration page has something to show."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from ..conftest import PASSWORD
from ..support.databases import TestDatabase
from ..support.live_server import LiveServer, live_server
from .conftest import USER
from .test_ui_smoke import sign_in


@pytest.fixture(scope="module")
async def admin_server(
    databases: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, browser_ready: None
) -> AsyncIterator[LiveServer]:
    db: TestDatabase = await databases["get"]("sqlite")
    workdir = tmp_path_factory.mktemp("e2e-admin")
    with live_server(workdir, DATABASE_URL=db.readonly_url, ADMIN_USER=USER,
                     ADMIN_PASSWORD=PASSWORD, CONSOLE_ROLES="admin", EXPORT_ROLES="admin",
                     ENABLE_ACTIVITY_LOG="true", AUDIT_SINKS="store") as running:  # fmt: skip
        yield running


@pytest.fixture
async def contexts(admin_server: LiveServer) -> AsyncIterator[list[BrowserContext]]:
    """Fresh browsers (each its own cookies) on the admin server; closed after the test."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        await context.close()


async def new_page(browser: Browser, server: LiveServer, contexts: list[BrowserContext]) -> Page:
    context = await browser.new_context(base_url=server.url)
    contexts.append(context)
    return await context.new_page()


async def sign_in_as(page: Page, username: str, password: str, target: str = "/browse") -> None:
    await page.goto(target)
    await expect(page).to_have_url(re.compile(r"/login\?"))
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))


async def confirm(page: Page, button: str) -> None:
    await page.get_by_role("alertdialog").get_by_role("button", name=button).click()
    await expect(page.get_by_role("alertdialog")).to_have_count(0)


async def choose_role(page: Page, username: str, role: str) -> None:
    await page.get_by_label(f"Role of {username}").click()
    await page.get_by_role("option", name=role, exact=True).click()
    await confirm(page, "Role")


async def test_an_admin_manages_a_viewer_who_sees_only_what_the_role_may_use(
    browser: Browser, admin_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    admin = await new_page(browser, admin_server, contexts)
    await sign_in_as(admin, USER, PASSWORD)
    await admin.get_by_role("link", name="Administration").click()
    await expect(admin).to_have_url(re.compile(r"/admin$"))

    # A new viewer without a password: the generated one is shown once.
    await admin.get_by_role("button", name="New user").click()
    await admin.get_by_label("Username").fill("vera")
    await admin.get_by_role("button", name="Create user").click()
    secret = admin.get_by_role("textbox", name="The password of vera")
    await expect(secret).to_be_visible()
    await expect(admin.get_by_text("you will not see it again")).to_be_visible()
    password = await secret.input_value()
    assert len(password) >= 12
    await admin.get_by_role("button", name=re.compile("Done")).click()
    await expect(secret).to_have_count(0)
    row = admin.locator('tr[data-user="vera"]')
    await expect(row).to_contain_text("active")
    await expect(admin.get_by_label("Role of vera")).to_contain_text("viewer")

    # The viewer: no Administration, no console, no exports (CONSOLE_ROLES/EXPORT_ROLES=admin).
    viewer = await new_page(browser, admin_server, contexts)
    await sign_in_as(viewer, "vera", password, "/browse/customers")
    await expect(viewer.locator("table.grid").get_by_text("Zoë Müller")).to_be_visible()
    nav = viewer.get_by_role("navigation", name="Main navigation")
    await expect(nav.get_by_role("link")).to_have_text(["Browse", "Help"])
    await expect(viewer.get_by_role("button", name="Export")).to_have_count(0)
    await viewer.get_by_role("button", name=re.compile("User menu")).click()
    await expect(viewer.get_by_role("menuitem", name="Account")).to_be_visible()
    await expect(viewer.get_by_role("menuitem", name="Administration")).to_have_count(0)
    await viewer.keyboard.press("Escape")
    await viewer.goto("/query")
    await expect(viewer.get_by_text("Your role may not use the SQL console")).to_be_visible()
    await expect(viewer.locator(".cm-content")).to_have_count(0)
    await viewer.goto("/help")
    await expect(viewer.get_by_role("heading", name="Browsing")).to_be_visible()
    await expect(viewer.get_by_role("heading", name="SQL console")).to_have_count(0)
    await viewer.goto("/admin")
    await expect(viewer.get_by_text("Not allowed")).to_be_visible()
    await expect(viewer.get_by_role("button", name="New user")).to_have_count(0)

    # The viewer makes a token; the admin revokes it; it stops working.
    await viewer.goto("/account")
    await viewer.get_by_label("Name").fill("nightly")
    await viewer.get_by_role("button", name="Create token").click()
    token = await viewer.get_by_role("textbox", name=re.compile("Your new token")).input_value()
    assert token.startswith("pdb_")
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await viewer.request.get("/api/me", headers=bearer)).status == 200

    await admin.get_by_role("button", name="Refresh").click()
    await admin.get_by_role("button", name="API tokens of vera").click()
    dialog = admin.get_by_role("dialog", name="API tokens of vera")
    await dialog.get_by_role("button", name="Revoke the token nightly").click()
    await confirm(admin, "Revoke")
    await expect(dialog.get_by_role("row", name=re.compile("nightly"))).to_contain_text("revoked")
    assert (await viewer.request.get("/api/me", headers=bearer)).status == 401
    await admin.keyboard.press("Escape")

    # The last active admin cannot be demoted: the server's 409 is shown as it says it.
    await choose_role(admin, USER, "viewer")
    refusal = admin.get_by_role("alert").filter(has_text="Request ID")
    await expect(refusal).to_contain_text(re.compile("admin", re.I))
    await expect(admin.get_by_label(f"Role of {USER}")).to_contain_text("admin")

    # A role change takes effect at once: the viewer's session ends.
    await choose_role(admin, "vera", "admin")
    await expect(admin.get_by_text("vera is now admin")).to_be_visible()
    await viewer.goto("/browse")
    await expect(viewer).to_have_url(re.compile(r"/login\?"))

    # Every change is in the activity log.
    await admin.get_by_role("tab", name="Activity log").click()
    await admin.get_by_label("Event").fill("user_created")
    await admin.get_by_role("button", name="Apply").click()
    events = admin.get_by_role("table", name="Activity log, newest first")
    created = events.get_by_role("row", name=re.compile("user_created"))
    await expect(created).to_contain_text("target=vera")


async def test_a_user_makes_a_token_sees_it_once_revokes_it_and_ends_sessions(
    browser: Browser, admin_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    admin = await new_page(browser, admin_server, contexts)
    await sign_in_as(admin, USER, PASSWORD)
    created = await admin.request.post(
        "/api/users", data={"username": "sam", "password": "sam-password-0123456789"}
    )
    assert created.status == 201, await created.text()

    here = await new_page(browser, admin_server, contexts)
    elsewhere = await new_page(browser, admin_server, contexts)
    await sign_in_as(elsewhere, "sam", "sam-password-0123456789")
    await sign_in_as(here, "sam", "sam-password-0123456789", "/account")
    await expect(here.get_by_role("heading", name="Account")).to_be_visible()

    await here.get_by_label("Name").fill("report")
    await here.get_by_label("Expires in days").fill("7")
    await here.get_by_role("button", name="Create token").click()
    shown = here.get_by_role("textbox", name="Your new token “report”")
    assert (await shown.input_value()).startswith("pdb_")
    await here.get_by_role("button", name=re.compile("Done")).click()
    await expect(shown).to_have_count(0)
    tokens = here.get_by_role("table", name="API tokens")
    await expect(tokens.get_by_role("row", name=re.compile("report"))).to_contain_text("active")
    await here.reload()
    await expect(tokens.get_by_role("row", name=re.compile("report"))).to_be_visible()
    await expect(shown).to_have_count(0)  # shown once: not after a reload
    await here.get_by_role("button", name="Revoke the token report").click()
    await confirm(here, "Revoke")
    await expect(tokens.get_by_role("row", name=re.compile("report"))).to_contain_text("revoked")

    sessions = here.get_by_role("table", name="Sessions")
    rows = sessions.locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.filter(has_text="this browser")).to_have_count(1)
    other = rows.filter(has_not_text="this browser")
    await other.get_by_role("button", name=re.compile("End")).click()
    await confirm(here, "End")
    await expect(rows).to_have_count(1)
    await elsewhere.goto("/browse")
    await expect(elsewhere).to_have_url(re.compile(r"/login\?"))

    await rows.filter(has_text="this browser").get_by_role("button", name=re.compile("End")).click()
    await expect(here.get_by_text("signs you out")).to_be_visible()
    await confirm(here, "End")
    await expect(here).to_have_url(re.compile(r"/login\?"))
    await here.goto("/account")
    await expect(here).to_have_url(re.compile(r"/login\?"))


async def test_the_activity_log_says_how_to_turn_it_on_when_it_is_not_stored(page: Page) -> None:
    await sign_in(page, "/admin?tab=activity")
    await expect(page.get_by_text("The activity log is not stored on this server")).to_be_visible()
    await expect(page.get_by_text(re.compile("AUDIT_SINKS"))).to_be_visible()
