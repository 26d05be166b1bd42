"""Request bodies: JSON nested deeper than Python's parser can follow, or bytes that are
not UTF-8, are a 400, not a 500.

Quart turns a body that is not JSON (a ValueError) into a 400 itself; a RecursionError (a
body like ``[[[[...]]]]`` 100,000 deep, well within MAX_CONTENT_LENGTH) escaped as a 500,
and so did a UnicodeDecodeError: Quart decodes the body before its own try block.
"""

from __future__ import annotations

from typing import Any

from quart import Quart, Request

from .errors import BadRequest


class JsonBodyRequest(Request):
    async def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return await super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("the JSON body is nested too deeply", code="BAD_JSON") from None
        except UnicodeDecodeError:
            if silent:
                return None
            raise BadRequest("the JSON body is not UTF-8 text", code="BAD_JSON") from None


def init_app(app: Quart) -> None:
    app.request_class = JsonBodyRequest
