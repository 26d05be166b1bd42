"""What ``/openapi.json`` says beyond Quart-Schema's defaults: every error, and files.

Every error is the one envelope of ``errors.py``, documented once (``ErrorBody``) and
referenced by each status an operation can answer with. The statuses come from two places:
the app-wide guard (``auth/guard.py``), added here to every operation it covers so that no
route can forget them, and the route's own ``@document_errors(...)`` for what its service
raises. ``@document_file(...)`` documents a download: its media types and headers instead of
a JSON body. Both only document; no response is converted or checked at run time.

For clients generated from the document (openapi-typescript), every JSON body is a
component named after its model class, and a query parameter is optional, never null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from quart import Quart
from quart_schema.openapi import OpenAPIProvider
from quart_schema.validation import (
    QUART_SCHEMA_QUERYSTRING_ATTRIBUTE,
    QUART_SCHEMA_REQUEST_ATTRIBUTE,
)
from werkzeug.routing.rules import Rule

from .auth.guard import UNSAFE_METHODS
from .auth.permissions import is_public

F = TypeVar("F", bound=Callable[..., Any])

ERRORS_ATTR = "_pydbpro_documented_errors"
FILE_ATTR = "_pydbpro_documented_file"
COMPONENTS = "#/components/schemas/"
ERROR_SCHEMA_REF = f"{COMPONENTS}ErrorBody"

#: What each status means in this API (the ``code`` field says which case it is).
STATUS_DESCRIPTIONS = {
    400: "Bad request: an invalid parameter or body, or a statement or value the database refused.",
    401: "Not authenticated: no, or an invalid, expired or revoked, session or token.",
    403: "Forbidden: a disabled feature, a statement that is not a plain read, or a "
    "cross-site request.",
    404: "Not found.",
    409: "The database cannot read this object now (e.g. a view over a missing table).",
    413: "The request body is too large.",
    415: "The request body must be application/json.",
    429: "Too many failed logins; see the Retry-After header.",
    503: "The database is unreachable, silent or has no free connection; try again.",
    504: "The statement took too long and was stopped.",
}
#: What a route that reads the explored database can answer besides its data.
DATABASE_ERRORS = (400, 409, 503, 504)


class ErrorBody(BaseModel):
    """The one error envelope (``errors.error_response``)."""

    model_config = ConfigDict(extra="forbid")

    error: str = Field(description="A message safe to show to the user.")
    code: str = Field(description="Stable machine code, e.g. NOT_FOUND, SQL_ERROR.")
    request_id: str = Field(description="Also in the X-Request-ID header and the logs.")
    details: Any = Field(None, description="Only some errors: e.g. the invalid fields.")


def document_errors(*statuses: int) -> Callable[[F], F]:
    """The error statuses the route's own service raises (the guard's are added anyway)."""

    def mark(view: F) -> F:
        setattr(view, ERRORS_ATTR, frozenset(statuses))
        return view

    return mark


def document_file(
    media_types: Iterable[str], headers: dict[str, str], sometimes: dict[str, str] | None = None
) -> Callable[[F], F]:
    """A 200 that is a download in one of ``media_types``: ``headers`` (name -> description)
    come with every download, ``sometimes`` with some."""

    def mark(view: F) -> F:
        setattr(view, FILE_ATTR, (tuple(media_types), dict(headers), dict(sometimes or {})))
        return view

    return mark


def guard_errors(view: Callable[..., Any], method: str) -> set[int]:
    """What the guard and request parsing can answer before the handler runs."""
    statuses: set[int] = set()
    if not is_public(view):
        statuses |= {401, 403}
    if method.upper() in UNSAFE_METHODS:
        statuses |= {403, 415}  # cross-site, or a body that is not JSON
    if hasattr(view, QUART_SCHEMA_REQUEST_ATTRIBUTE):
        statuses |= {400, 413}  # invalid, or beyond MAX_CONTENT_LENGTH
    if hasattr(view, QUART_SCHEMA_QUERYSTRING_ATTRIBUTE):
        statuses.add(400)
    return statuses


class Provider(OpenAPIProvider):
    """Quart-Schema's document, plus the error responses and downloads above; every JSON
    body a named component (a generated client's type names), every query parameter
    optional rather than nullable (a query string cannot say null)."""

    def schema(self) -> dict[str, Any]:
        self._named: dict[str, Any] = {}
        document = super().schema()
        document["components"]["schemas"]["ErrorBody"] = ErrorBody.model_json_schema(
            mode="serialization"
        )
        return document

    def build_response_object(
        self, model: type[Any], headers_model: type[Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The body as ``#/components/schemas/<the model's class name>``."""
        response, components = super().build_response_object(model, headers_model)
        content = response["content"]["application/json"]
        components[model.__name__] = content["schema"]
        content["schema"] = {"$ref": f"{COMPONENTS}{model.__name__}"}
        return response, components

    def build_querystring_parameters(
        self, model: type[Any]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        parameters, components = super().build_querystring_parameters(model)
        for parameter in parameters:
            parameter["schema"] = _not_null(parameter["schema"])
        return parameters, components

    def build_paths(self, rule: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
        paths, components = super().build_paths(rule)
        for name, schema in components.items():  # Quart-Schema would keep the last one
            if self._named.setdefault(name, schema) != schema:
                raise TypeError(f"two different schemas are named {name} in /openapi.json")
        view = self._app.view_functions[rule.endpoint]
        for path_item in paths.values():
            for method, operation in path_item.items():
                # Quart-Schema shares one responses dict between a rule's methods.
                responses = operation["responses"] = dict(operation["responses"])
                if (download := getattr(view, FILE_ATTR, None)) is not None:
                    responses[200] = _file_response(*download)
                statuses = guard_errors(view, method) | getattr(view, ERRORS_ATTR, frozenset())
                for status in sorted(statuses):
                    responses.setdefault(status, _error_response(status))
        return paths, components


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without pydantic's ``| None`` (``anyOf`` with null, default
    null): an absent parameter is what the model's ``None`` means."""
    variants = [v for v in schema.get("anyOf", ()) if v != {"type": "null"}]
    if len(variants) == len(schema.get("anyOf", ())):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and (k, v) != ("default", None)}
    return {**rest, **variants[0]} if len(variants) == 1 else {**rest, "anyOf": variants}


def openapi_document(app: Quart) -> dict[str, Any]:
    """The app's OpenAPI document: what ``/openapi.json`` serves and ``pydbpro openapi``
    writes for the UI's generated types."""
    document: dict[str, Any] = app.extensions["QUART_SCHEMA"].openapi_provider.schema()
    return document


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": STATUS_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
    }


def _file_response(
    media_types: tuple[str, ...], headers: dict[str, str], sometimes: dict[str, str]
) -> dict[str, Any]:
    documented = {**{name: (text, True) for name, text in headers.items()},
                  **{name: (text, False) for name, text in sometimes.items()}}  # fmt: skip
    return {
        "description": "The file, streamed as an attachment.",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in media_types},
        "headers": {
            name: {"description": text, "required": required, "schema": {"type": "string"}}
            for name, (text, required) in documented.items()
        },
    }
