"""The one way an API handler reads its query string: ``@query_string(Model)``.

The decorator documents ``Model`` as the operation's parameters and hands the handler the
parsed string as ``query``. Nothing is ignored silently: a parameter the endpoint does not
know, one given twice, or a NUL character is a 400 naming it; invalid values are a 400
whose ``details`` list the fields (``errors.validation_details``). Parameters that are not
fields (filters, a row's key columns) are declared by the model (``QueryString``) and
reach the handler as ``query.extra``.

A field typed as a list is the one kind of parameter that may be repeated
(``column=a&column=b``). Yes/no parameters are ``Flag``s, spelled the same on every
endpoint (see ``FLAG_WORDS``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Annotated, Any, ClassVar, TypeVar, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, ValidationError
from pydantic_core import PydanticCustomError
from quart import request
from quart_schema import document_querystring
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest, validation_details

M = TypeVar("M", bound="QueryString")
R = TypeVar("R")

#: A parameter any endpoint accepts and ignores: a client's cache buster (``?_=1712345``).
CACHE_BUSTER = "_"

#: How a yes/no parameter (``refresh``, ``bom``) is written, in any letter case: the
#: words pydantic reads as booleans, so that every endpoint takes the same ones.
FLAG_WORDS: dict[str, bool] = {
    **dict.fromkeys(("true", "1", "yes", "on", "t", "y"), True),
    **dict.fromkeys(("false", "0", "no", "off", "f", "n"), False),
}
_FLAG_HELP = "Input should be true or false (or 1/0, yes/no, on/off, t/f, y/n; any letter case)"


def _flag(value: object) -> object:
    if not isinstance(value, str):
        return value
    if (word := FLAG_WORDS.get(value.lower())) is None:
        raise PydanticCustomError("bool_parsing", _FLAG_HELP)
    return word


#: A yes/no query parameter; documented as a boolean.
Flag = Annotated[bool, BeforeValidator(_flag)]


class RequestBody(BaseModel):
    """A JSON request body's model: a field it does not know is refused (400), never
    ignored, so a misspelt option cannot silently do nothing."""

    model_config = ConfigDict(extra="forbid")


class QueryString(BaseModel):
    """A query string's model: each field is a parameter, given at most once.

    Parameters that are not fields are refused, unless the model declares them the
    endpoint's own: names starting with one of ``extra_prefixes`` (filters; repeatable), or
    with ``extra_any`` every other name (a row's key columns; once each). They reach the
    handler, in order, as ``extra``."""

    extra_prefixes: ClassVar[tuple[str, ...]] = ()
    extra_any: ClassVar[bool] = False
    _extra: tuple[tuple[str, str], ...] = PrivateAttr(default=())

    @property
    def extra(self) -> tuple[tuple[str, str], ...]:
        return self._extra


def query_string(
    model: type[M],
) -> Callable[[Callable[..., Awaitable[R]]], Callable[..., Awaitable[R]]]:
    """Document ``model`` as the operation's query string and pass the handler the request's
    own, parsed by ``parse_query``, as the keyword argument ``query``."""

    def decorate(handler: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
        @wraps(handler)
        async def read(*args: Any, **kwargs: Any) -> R:
            return await handler(*args, query=parse_query(model, request.args), **kwargs)

        return document_querystring(model)(read)

    return decorate


def parse_query(model: type[M], args: MultiDict[str, str]) -> M:
    """Validate a query string with ``model`` (400 on errors, naming the parameters)."""
    check_text(args)
    known = _names(model)
    repeatable = _repeatable(model)
    values: dict[str, str | list[str]] = {}
    extra: list[tuple[str, str]] = []
    unknown: list[str] = []
    for key, given in args.lists():
        if key == CACHE_BUSTER:
            continue
        if model.extra_prefixes and key.startswith(model.extra_prefixes):
            extra += ((key, value) for value in given)
            continue
        if key not in known and not model.extra_any:
            unknown.append(key)
        elif key in repeatable:
            values[key] = given
        elif len(given) > 1:
            raise BadRequest(f"query parameter {key!r} is given {len(given)} times; give it once",
                             code="BAD_PARAMETER")  # fmt: skip
        elif key in known:
            values[key] = given[0]
        else:
            extra.append((key, given[0]))
    if unknown:
        listed = ", ".join(map(repr, sorted(unknown)))
        raise BadRequest(f"unknown query parameter(s) {listed}; this endpoint takes "
                         f"{', '.join(sorted(known))}", code="UNKNOWN_PARAMETER")  # fmt: skip
    try:
        query = model.model_validate(values)
    except ValidationError as error:
        details = validation_details(error)
        names = ", ".join(d["field"] for d in details)
        raise BadRequest(f"invalid query parameter(s): {names}", details=details) from None
    query._extra = tuple(extra)
    return query


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


def _repeatable(model: type[BaseModel]) -> set[str]:
    """Parameters a model takes as a list (``column=a&column=b``): given once or more."""
    return {field.alias or name for name, field in model.model_fields.items()
            if get_origin(field.annotation) is list}  # fmt: skip


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip()) if value else ()
