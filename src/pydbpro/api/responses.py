"""JSON responses for the data endpoints, serialised once and fast.

Bodies here are already JSON-safe (the cell encoder made them so), so they skip
Quart-Schema's per-response model conversion, which walks every row, and go straight to
orjson.
"""

from __future__ import annotations

from typing import Any

import orjson
from quart import Response


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")
