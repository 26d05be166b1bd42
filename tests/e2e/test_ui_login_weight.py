"""What a first visit to the login page costs on the wire: at most 250 KB.

A size, not a time: Chromium's own count of the bytes each response took on the network
(headers and compressed body), for a cold load in a fresh browser context. It catches a
bundle that drags the console's editor or the data grid back into the first page, and a
server that stops sending the precompressed copies.
"""

from __future__ import annotations

from playwright.async_api import Page, expect

from ..support.transfer import listing, load_transfers

BUDGET = 250_000


async def test_a_cold_login_page_transfers_at_most_250_kb(page: Page) -> None:
    transfers = await load_transfers(page, "/login")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    total = sum(t.wire_bytes for t in transfers)
    assert total <= BUDGET, f"the login page took {total:,} bytes:\n{listing(transfers)}"
    scripts = [t for t in transfers if t.url.endswith(".js")]
    assert scripts and all(t.encoding == "br" for t in scripts), listing(transfers)
    assert not any("codemirror" in t.url for t in transfers), listing(transfers)
