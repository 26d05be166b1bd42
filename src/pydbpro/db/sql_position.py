"""Where in a statement it went wrong, when the database does not say so itself.

PostgreSQL reports a character position with every error; MariaDB only quotes the text
after the failure (``near '...' at line N``) and SQLite quotes one token or nothing. These
helpers turn what there is into the API's ``details.position`` (1-based, in the statement as
the user wrote it), and give ``None`` whenever the place cannot be found unambiguously: no
underline is better than one under the wrong word.
"""

from __future__ import annotations

import sqlglot
from sqlglot.errors import ParseError, TokenError


def parse_error_at(sql: str, dialect: str) -> int | None:
    """Where sqlglot stops parsing ``sql`` in ``dialect``: the start of the token it
    highlights (its ``col`` is the token's last column); None when it parses."""
    try:
        sqlglot.parse(sql, read=dialect)
    except ParseError as error:
        found = error.errors[0] if error.errors else {}
        line, col = found.get("line"), found.get("col")
        if not isinstance(line, int) or not isinstance(col, int):
            return None
        start = _line_start(sql, line)
        if start is None:
            return None
        highlight = str(found.get("highlight") or "")
        offset = start + col - max(len(highlight), 1)
        return offset + 1 if 0 <= offset < len(sql) else None
    except TokenError:
        return None  # an unterminated string or comment: the tokenizer gives no place
    except Exception:  # sqlglot failing inside: a position is a convenience, never an error
        return None
    return None


def quoted_text_at(sql: str, text: str, line: int | None = None) -> int | None:
    """The position of ``text`` (text a database quoted from the statement) when it occurs
    exactly once (starting on ``line``, 1-based, when given); the last character of the
    statement for empty text (the statement ended too soon)."""
    if not text:
        end = len(sql.rstrip().rstrip(";").rstrip())
        return end if end else None
    lo, hi = 0, len(sql)
    if line is not None:
        start = _line_start(sql, line)
        if start is None:
            return None
        lo = start
        newline = sql.find("\n", start)
        hi = newline if newline >= 0 else len(sql)
    found = [at for at in _occurrences(sql, text) if lo <= at <= hi]
    return found[0] + 1 if len(found) == 1 else None


def _occurrences(sql: str, text: str) -> list[int]:
    at, found = sql.find(text), []
    while at >= 0:
        found.append(at)
        at = sql.find(text, at + 1)
    return found


def _line_start(sql: str, line: int) -> int | None:
    """Offset of the first character of 1-based ``line``; None past the last line."""
    if line < 1:
        return None
    start = 0
    for _ in range(line - 1):
        newline = sql.find("\n", start)
        if newline < 0:
            return None
        start = newline + 1
    return start
