"""The console's Format button: statements laid out by sqlglot in the connection's dialect.

sqlglot, not a formatter in the browser: it is already the parser of the read-only check, it
knows each dialect's syntax (``$$`` quoting, backticks, ``::``), it keeps comments (moved onto
the node they follow, as ``/* ... */``), and no library joins the UI's bundle. It writes some
forms its own canonical way (``x::int`` becomes ``CAST(x AS INT)``), a matter of style.

Only queries (SELECT, set operations, VALUES) are rewritten: sqlglot reads other statements
(PRAGMA, SHOW, DESCRIBE...) into forms it may write back differently (``PRAGMA
table_info(t)`` as ``PRAGMA table_info = t``, an assignment), so they are kept as written.
The console's ``:name`` placeholders stay ``:name`` (sqlglot would write PostgreSQL's
``%(name)s``).
"""

from __future__ import annotations

import logging

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError

from ..errors import BadRequest
from .sql_position import parse_error_at
from .sqllex import Lexicon, tokens

# sqlglot logs a warning for each statement it can only keep as text (SHOW, PRAGMA...).
_SQLGLOT_LOG = logging.getLogger("sqlglot")
_QUERIES = (exp.Query, exp.Values)


def format_sql(sql: str, dialect: str, lexicon: Lexicon) -> str:
    """``sql`` (one statement or several) laid out; one that sqlglot cannot parse is a 400
    ``SQL_PARSE_ERROR`` with where its parse stopped (``details.position``, 1-based in
    ``sql``)."""
    pieces = [(start, sql[start:end]) for start, end in _statements(sql, lexicon)]
    pieces = [(start, text) for start, text in pieces if text.strip()]
    if not pieces:
        raise BadRequest("the statement is empty", code="SQL_PARSE_ERROR")
    level = _SQLGLOT_LOG.level
    _SQLGLOT_LOG.setLevel(logging.ERROR)
    try:
        laid_out = [_format_one(text, start, sql, dialect) for start, text in pieces]
    finally:
        _SQLGLOT_LOG.setLevel(level)
    if sql.rstrip().endswith(";"):
        return ";\n\n".join(_closed(piece, lexicon) for piece in laid_out) + ";"
    return ";\n\n".join([*(_closed(piece, lexicon) for piece in laid_out[:-1]), laid_out[-1]])


def _closed(piece: str, lexicon: Lexicon) -> str:
    """``piece`` ready for its ``;``: on a new line when it ends in a line comment, which
    would swallow it."""
    last = [t for t in tokens(piece, lexicon) if piece[t.start : t.end].strip()][-1:]
    ends_in_line_comment = last and last[0].kind == "comment" and piece[last[0].start] != "/"
    return piece + "\n" if ends_in_line_comment else piece


def _format_one(text: str, start: int, sql: str, dialect: str) -> str:
    try:
        trees = [t for t in sqlglot.parse(text, read=dialect, error_level=ErrorLevel.RAISE) if t]
    except (ParseError, TokenError) as error:
        at = parse_error_at(text, dialect)
        raise BadRequest(
            f"the statement cannot be formatted: {_first_error(error)}",
            code="SQL_PARSE_ERROR",
            details={"position": start + at} if at else None,
        ) from None
    root = trees[0] if len(trees) == 1 else None
    inner = root.unnest() if isinstance(root, exp.Subquery | exp.Paren) else root
    if not isinstance(inner, _QUERIES):
        return text.strip()  # not a query (or only comments): kept as written
    assert root is not None
    named = root.transform(
        lambda node: (
            exp.var(f":{node.name}") if isinstance(node, exp.Placeholder) and node.name else node
        )
    )
    return named.sql(dialect=dialect, pretty=True)


def _statements(sql: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Where each statement of ``sql`` starts and ends: split at the ``;`` in code only."""
    bounds, start = [], 0
    for token in tokens(sql, lexicon):
        if token.kind != "code":
            continue
        at = sql.find(";", token.start, token.end)
        while at >= 0:
            bounds.append((start, at))
            start = at + 1
            at = sql.find(";", start, token.end)
    bounds.append((start, len(sql)))
    return bounds


def _first_error(error: Exception) -> str:
    """sqlglot's description of its first error, without the quoted context it adds."""
    if isinstance(error, ParseError) and error.errors:
        return str(error.errors[0].get("description") or "it does not parse")
    return str(error).splitlines()[0] if str(error) else "it does not parse"
