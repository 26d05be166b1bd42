"""A real server per backend and a headless Chromium page, for the browser tests.

They need the built UI and Debian's Chromium; without them the tests skip, loudly, except in
CI (CI=true), where a missing prerequisite is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from pydbpro_ui import DIST_DIR

from ..conftest import PASSWORD
from ..support.databases import TestDatabase
from ..support.live_server import REPO, LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
USER = "alice"
E2E_BACKENDS = ("sqlite", "postgresql")


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser_ready() -> None:
    _require((DIST_DIR / "index.html").is_file(), "the UI is not built (make ui)")
    _require(Path(CHROMIUM).is_file() or shutil.which("chromium") is not None,
             "Chromium is missing (apt-get install chromium)")  # fmt: skip


@pytest.fixture(scope="session", params=E2E_BACKENDS)
async def server(
    request: pytest.FixtureRequest,
    databases: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    browser_ready: None,
) -> AsyncIterator[LiveServer]:
    db: TestDatabase = await databases["get"](request.param)
    workdir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with live_server(workdir, DATABASE_URL=db.readonly_url, ADMIN_USER=USER,
                     ADMIN_PASSWORD=PASSWORD) as running:  # fmt: skip
        yield running


@pytest.fixture(scope="session")
async def browser(browser_ready: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, server: LiveServer) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=server.url, accept_downloads=True)
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
def screenshots() -> Iterator[Path]:
    """Where a run leaves its screenshots, for a person to look at."""
    folder = Path(os.environ.get("PYDBPRO_SCREENSHOTS") or REPO / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
