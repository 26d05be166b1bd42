"""The console's history and saved queries in a real browser: a run shows up in the user's
history, a statement is saved with a parameter, reopened by its link and run with a value
typed in its form; another user sees neither the history nor the private query."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from ..cli import run_cli
from ..conftest import PASSWORD
from ..support.live_server import LiveServer, live_server
from .conftest import USER
from .test_ui_interactions import run_in_console

VIEWER, VIEWER_PASSWORD = "victor", "viewer-password-1"
BY_ID = "SELECT id, name FROM customers WHERE id = :id"


@pytest.fixture
async def server_with_viewer(
    databases: dict[str, Any], tmp_path: Path, browser_ready: None
) -> AsyncIterator[LiveServer]:
    """A server of its own (its store gets a second, viewer, account) on SQLite."""
    db = await databases["get"]("sqlite")
    data_dir = str(tmp_path / "var")
    for name, role, password in ((USER, "admin", PASSWORD), (VIEWER, "viewer", VIEWER_PASSWORD)):
        added = run_cli(tmp_path, "users", "add", name, "--role", role, stdin=f"{password}\n",
                        DATA_DIR=data_dir)  # fmt: skip
        assert added.returncode == 0, added.stderr
    with live_server(tmp_path, DATABASE_URL=db.readonly_url) as running:
        yield running


async def _signed_in(browser: Browser, server: LiveServer, target: str, user: str,
                     password: str) -> Page:  # fmt: skip
    context = await browser.new_context(base_url=server.url)
    page = await context.new_page()
    await page.goto(target)
    await expect(page).to_have_url(re.compile(r"/login\?"))
    await page.get_by_label("Username").fill(user)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))
    return page


async def test_history_and_a_saved_query_with_a_parameter(
    browser: Browser, server_with_viewer: LiveServer, screenshots: Path
) -> None:
    server = server_with_viewer
    page = await _signed_in(browser, server, "/query", USER, PASSWORD)
    await run_in_console(page, "SELECT id, name FROM customers WHERE id = 3")
    await expect(page.locator("table.grid").get_by_text("O'Brien")).to_be_visible()

    await page.get_by_test_id("history-button").click()
    history = page.get_by_test_id("history-list")
    await expect(history.get_by_text("SELECT id, name FROM customers WHERE id = 3")).to_be_visible()
    await page.keyboard.press("Escape")

    await run_in_console(page, BY_ID)  # an empty value is NULL: no row
    form = page.get_by_test_id("params-form")
    await expect(form.get_by_label(":id")).to_be_visible()
    await page.get_by_test_id("save-button").click()
    dialog = page.get_by_test_id("save-query-form")
    await dialog.get_by_label("Name").fill("Customer by id")
    await dialog.get_by_label(":id").fill("3")
    await page.screenshot(path=str(screenshots / "query-save-dialog.png"))
    await dialog.get_by_role("button", name="Save", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/query\?saved=\d+$"))
    link = page.url.removeprefix(server.url)

    fresh = await _signed_in(browser, server, link, USER, PASSWORD)
    await expect(fresh.get_by_test_id("opened-saved")).to_contain_text("Customer by id")
    value = fresh.get_by_test_id("params-form").get_by_label(":id")
    await expect(value).to_have_value("3")
    await value.fill("1")
    await fresh.get_by_role("button", name="Run", exact=True).click()
    await expect(fresh.locator("table.grid").get_by_text("Zoë Müller")).to_be_visible()
    await expect(fresh).to_have_url(re.compile(re.escape(link) + "$"))
    await fresh.get_by_test_id("saved-button").click()
    await expect(fresh.get_by_test_id("saved-list").get_by_text("Customer by id")).to_be_visible()
    await fresh.screenshot(path=str(screenshots / "query-saved-list.png"))
    await fresh.keyboard.press("Escape")

    viewer = await _signed_in(browser, server, link, VIEWER, VIEWER_PASSWORD)
    await expect(viewer.get_by_text("private to its owner")).to_be_visible()
    await viewer.get_by_test_id("saved-button").click()
    none_saved = viewer.get_by_test_id("saved-list").get_by_text("No saved queries yet")
    await expect(none_saved).to_be_visible()
    await viewer.keyboard.press("Escape")
    await viewer.get_by_test_id("history-button").click()
    no_history = viewer.get_by_test_id("history-list").get_by_text("No queries yet.")
    await expect(no_history).to_be_visible()
