"""Query-string parsing shared by the API blueprints: pydantic models, one 400 shape."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest

M = TypeVar("M", bound=BaseModel)


#: A parameter any endpoint accepts and ignores: a client's cache buster (``?_=1712345``).
CACHE_BUSTER = "_"


def parse_query(
    model: type[M], args: MultiDict[str, str], *, ignore_prefix: str | tuple[str, ...] = ()
) -> M:
    """Validate the query string with ``model`` (400 on errors). Nothing is ignored
    silently: a parameter the endpoint does not know, one given twice, or a NUL character
    is a 400 naming it. Names starting with ``ignore_prefix`` (filters) are the caller's."""
    check_text(args)
    known = _names(model)
    values: dict[str, str] = {}
    unknown: list[str] = []
    for key, given in args.lists():
        if key == CACHE_BUSTER or (ignore_prefix and key.startswith(ignore_prefix)):
            continue
        if key not in known:
            unknown.append(key)
        elif len(given) > 1:
            raise BadRequest(f"query parameter {key!r} is given {len(given)} times; give it once",
                             code="BAD_PARAMETER")  # fmt: skip
        else:
            values[key] = given[0]
    if unknown:
        listed = ", ".join(map(repr, sorted(unknown)))
        raise BadRequest(f"unknown query parameter(s) {listed}; this endpoint takes "
                         f"{', '.join(sorted(known))}", code="UNKNOWN_PARAMETER")  # fmt: skip
    try:
        return model.model_validate(values)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in item["loc"]), "message": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
        names = ", ".join(d["field"] for d in details)
        raise BadRequest(f"invalid query parameter(s): {names}", details=details) from None


def check_text(args: MultiDict[str, str]) -> None:
    """No NUL character in a name or value: databases refuse it in text, and it is never
    what a user meant."""
    for key, value in args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise BadRequest(f"query parameter {key.replace(chr(0), '?')!r} contains a NUL "
                             "character", code="BAD_VALUE")  # fmt: skip


def _names(model: type[BaseModel]) -> set[str]:
    """The names a model takes from a query string (aliases where it has them)."""
    return {field.alias or name for name, field in model.model_fields.items()}


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip()) if value else ()
