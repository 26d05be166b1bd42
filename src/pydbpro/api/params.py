"""Query-string parsing shared by the API blueprints: pydantic models, one 400 shape."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest

M = TypeVar("M", bound=BaseModel)


def parse_query(model: type[M], args: MultiDict[str, str], *, ignore_prefix: str = "") -> M:
    """Validate the single-valued parameters of ``args`` with ``model`` (400 on errors)."""
    values = {k: v for k, v in args.items() if not (ignore_prefix and k.startswith(ignore_prefix))}
    try:
        return model.model_validate(values)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in item["loc"]), "message": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
        names = ", ".join(d["field"] for d in details)
        raise BadRequest(f"invalid query parameter(s): {names}", details=details) from None


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip()) if value else ()
