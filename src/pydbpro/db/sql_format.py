"""The console's Format button: a statement laid out by sqlglot in the connection's dialect.

sqlglot, not a formatter in the browser: it is already the parser of the read-only check, it
knows each dialect's syntax (``$$`` quoting, backticks, ``::``), and it keeps comments (moved
onto the node they follow, as ``/* ... */``). It rewrites some spellings into its canonical
ones (``x::int`` becomes ``CAST(x AS INT)``), which is a matter of style, never of meaning.
"""

from __future__ import annotations

import logging

import sqlglot
from sqlglot.errors import ErrorLevel, ParseError, TokenError

from ..errors import BadRequest
from .sql_position import parse_error_at

# sqlglot logs a warning for each statement it can only keep as text (SHOW, PRAGMA...):
# the text is kept as written, which is all a formatter needs.
_SQLGLOT_LOG = logging.getLogger("sqlglot")


def format_sql(sql: str, dialect: str) -> str:
    """``sql`` (one statement or several) pretty-printed; a statement sqlglot cannot parse is
    a 400 ``SQL_PARSE_ERROR`` with where its parse stopped (``details.position``)."""
    level = _SQLGLOT_LOG.level
    _SQLGLOT_LOG.setLevel(logging.ERROR)
    try:
        trees = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
        parts = [tree.sql(dialect=dialect, pretty=True) for tree in trees if tree is not None]
    except (ParseError, TokenError) as error:
        at = parse_error_at(sql, dialect)
        raise BadRequest(
            f"the statement cannot be formatted: {_first_error(error)}",
            code="SQL_PARSE_ERROR",
            details={"position": at} if at else None,
        ) from None
    finally:
        _SQLGLOT_LOG.setLevel(level)
    if not parts:
        raise BadRequest("the statement is empty", code="SQL_PARSE_ERROR")
    text = ";\n\n".join(parts)
    return text + ";" if sql.rstrip().endswith(";") else text


def _first_error(error: Exception) -> str:
    """sqlglot's description of its first error, without the quoted context it adds."""
    if isinstance(error, ParseError) and error.errors:
        return str(error.errors[0].get("description") or "it does not parse")
    return str(error).splitlines()[0] if str(error) else "it does not parse"
