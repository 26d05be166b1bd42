"""One error hierarchy, one JSON envelope, one place that maps errors to responses.

Every failure a client can see is a ``PyDBProError`` subclass carrying its HTTP status and a
stable machine code. Code anywhere (data layer included) raises these; only ``init_app``
turns them into ``{"error", "code", "request_id"}`` responses, so the shape cannot drift.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pydantic import ValidationError
from quart import Quart, Response, g, has_request_context, jsonify
from quart_schema import RequestSchemaValidationError
from werkzeug.exceptions import HTTPException

from .requestid import current_request_id

log = logging.getLogger(__name__)


class PyDBProError(Exception):
    """Base of every error whose message is safe to show to the client."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"
    default_message: ClassVar[str] = "internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message or self.default_message)
        self.status_code = status or self.status
        self.message = message or self.default_message
        self.error_code = code or self.code
        self.headers = headers or {}
        self.details = details


class BadRequest(PyDBProError):
    status, code, default_message = 400, "BAD_REQUEST", "bad request"


class SqlError(BadRequest):
    """The database refused a statement; the message is the database's own."""

    code, default_message = "SQL_ERROR", "the database rejected the statement"


class DataError(BadRequest):
    """A value the database could not take or compute (out of range, bad encoding...)."""

    code, default_message = "DATA_ERROR", "the database refused a value"


class Unauthorized(PyDBProError):
    status, code, default_message = 401, "UNAUTHORIZED", "authentication required"


class Forbidden(PyDBProError):
    status, code, default_message = 403, "FORBIDDEN", "forbidden"


class NotFound(PyDBProError):
    status, code, default_message = 404, "NOT_FOUND", "not found"


class Conflict(PyDBProError):
    status, code, default_message = 409, "CONFLICT", "conflict"


class ObjectNotReadable(Conflict):
    """A table or view the database itself cannot read now (a materialized view never
    populated, a view over a missing function or table): the rest of the database is fine."""

    code, default_message = "OBJECT_NOT_READABLE", "the database cannot read this object"


class MethodNotAllowed(PyDBProError):
    status, code, default_message = 405, "METHOD_NOT_ALLOWED", "method not allowed"


class UnsupportedMediaType(PyDBProError):
    status, code, default_message = 415, "UNSUPPORTED_MEDIA_TYPE", "expected application/json"


class TooManyRequests(PyDBProError):
    status, code, default_message = 429, "TOO_MANY_REQUESTS", "too many requests"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)
        self.retry_after = retry_after


class ServiceUnavailable(PyDBProError):
    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "service unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    code, default_message = "DATABASE_UNAVAILABLE", "the database is not reachable"


class DatabaseBusy(ServiceUnavailable):
    code, default_message = "DATABASE_BUSY", "database busy: no free connection, try again"


class QueryTimeout(PyDBProError):
    """Raised for every statement time limit; the single place that becomes 504. (Not
    getting a connection in time is DatabaseUnavailable: no statement ran.)"""

    status, code, default_message = 504, "QUERY_TIMEOUT", "the query took too long and was stopped"


_HTTP_CODES = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    415: UnsupportedMediaType,
}


def error_response(error: PyDBProError) -> Response:
    """The one JSON envelope for errors."""
    body: dict[str, Any] = {
        "error": error.message,
        "code": error.error_code,
        "request_id": current_request_id(),
    }
    if error.details is not None:
        body["details"] = error.details
    if has_request_context():
        g.pydbpro_error_code = error.error_code  # for the activity log's "denied" event
    response = jsonify(body)
    response.status_code = error.status_code
    response.headers.update(error.headers)
    return response


def validation_details(error: ValidationError) -> list[dict[str, str]]:
    """The ``details`` of a 400 for invalid input (a body or a query string): one
    ``{"field": "a.b", "message"}`` per problem, without the input or pydantic's URLs."""
    return [
        {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
        for item in error.errors(include_url=False, include_input=False)
    ]


def _from_http_exception(exc: HTTPException) -> PyDBProError:
    status = exc.code or 500
    cls = _HTTP_CODES.get(status)
    if cls is None:
        code = exc.name.upper().replace(" ", "_")
        return PyDBProError(exc.description or exc.name, code=code, status=status)
    message = {404: "not found", 405: "method not allowed"}.get(status, exc.description)
    return cls(message)


def init_app(app: Quart) -> None:
    """Register the handlers that turn every exception into the JSON envelope."""

    @app.errorhandler(PyDBProError)
    async def _domain(error: PyDBProError) -> Response:
        return error_response(error)

    @app.errorhandler(RequestSchemaValidationError)
    async def _validation(error: RequestSchemaValidationError) -> Response:
        invalid = error.validation_error
        fields = validation_details(invalid) if isinstance(invalid, ValidationError) else None
        return error_response(BadRequest("invalid request body", details=fields))

    @app.errorhandler(HTTPException)
    async def _http(error: HTTPException) -> Response:
        return error_response(_from_http_exception(error))

    @app.errorhandler(Exception)
    async def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error (request_id=%s)", current_request_id())
        return error_response(PyDBProError())
