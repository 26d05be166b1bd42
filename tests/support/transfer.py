"""What a page load costs on the wire, as Chromium counts it: for the login page's byte
budget (tests/e2e/test_ui_login_weight.py) and the compression benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.async_api import Page


@dataclass(frozen=True)
class Transfer:
    url: str
    encoding: str  # the response's Content-Encoding, "" for none
    wire_bytes: int  # headers and (compressed) body, as received
    body_bytes: int  # the body once decoded


async def load_transfers(page: Page, path: str) -> list[Transfer]:
    """Open ``path`` in ``page`` (a fresh context: a cold cache) and wait until the network
    is idle; every response it took, smallest first."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    heads: dict[str, tuple[str, str]] = {}
    decoded: dict[str, int] = {}
    finished: dict[str, int] = {}

    def received(event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        heads[event["requestId"]] = (event["response"]["url"], headers.get("content-encoding", ""))

    def data(event: dict[str, Any]) -> None:
        decoded[event["requestId"]] = decoded.get(event["requestId"], 0) + event["dataLength"]

    def done(event: dict[str, Any]) -> None:
        finished[event["requestId"]] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.loadingFinished", done)
    await page.goto(path, wait_until="networkidle")
    await cdp.detach()
    transfers = [
        Transfer(heads.get(r, (r, ""))[0], heads.get(r, ("", ""))[1], size, decoded.get(r, 0))
        for r, size in finished.items()
    ]
    return sorted(transfers, key=lambda t: t.wire_bytes)


def listing(transfers: list[Transfer]) -> str:
    return "\n".join(
        f"{t.wire_bytes:>8} {t.body_bytes:>8} {t.encoding or '-':4} {t.url}" for t in transfers
    )
