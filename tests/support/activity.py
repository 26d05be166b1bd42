"""Reading the activity log back the way an operator would: GET /api/audit (store sink)."""

from __future__ import annotations

from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol

from pydbpro.state import app_state


async def audit_events(
    app: Quart,
    client: TestClientProtocol,
    headers: dict[str, str] | None = None,
    **filters: str,
) -> list[dict[str, Any]]:
    """Every stored event matching ``filters``, oldest first, once the queue is written."""
    await app_state(app).audit.flush()
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {**filters, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/audit", query_string=params, headers=headers)
        assert response.status_code == 200, await response.get_data(as_text=True)
        body = await response.get_json()
        found += body["events"]
        if body["next_cursor"] is None:
            return found[::-1]
        cursor = str(body["next_cursor"])
