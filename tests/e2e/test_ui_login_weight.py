"""What a first visit to the login page costs on the wire: at most 250 KB.

A size, not a time: Chromium's own count of the bytes each response took on the network
(headers and compressed body), for a cold load in a fresh browser context. It catches a
bundle that drags the console's editor or the data grid back into the first page, and a
server that stops sending the precompressed copies.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

BUDGET = 250_000


async def test_a_cold_login_page_transfers_at_most_250_kb(page: Page) -> None:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    urls: dict[str, str] = {}
    encodings: dict[str, str] = {}
    transferred: dict[str, int] = {}

    def received(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        encodings[event["requestId"]] = headers.get("content-encoding", "")

    def finished(event: dict[str, Any]) -> None:
        transferred[event["requestId"]] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    await page.goto("/login", wait_until="networkidle")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/login"))

    total = sum(transferred.values())
    listing = "\n".join(f"{transferred[r]:>8} {encodings.get(r, '')!s:5} {urls.get(r, r)}"
                        for r in sorted(transferred, key=transferred.__getitem__))  # fmt: skip
    assert total <= BUDGET, f"the login page took {total:,} bytes:\n{listing}"
    scripts = [r for r, url in urls.items() if url.endswith(".js")]
    assert scripts and all(encodings[r] == "br" for r in scripts), listing
    assert not any("codemirror" in url for url in urls.values()), listing
