"""Where the code of a SQL statement is: its text split into code, literals and comments.

One small lexer per dialect, shared by the read-only guard (which judges the code and
looks into nothing else) and by the console's placeholder binding (which binds ``:name``
only in code): MySQL ``#`` and ``-- `` comments and backslash escapes, PostgreSQL nested
comments, ``E''`` strings and ``$tag$`` quoting, SQLite ``[x]`` identifiers. MySQL
executable comments (``/*! ... */``) are code, because the server runs them: their
markers are tokens of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "string", "identifier", "dollar", "comment", "marker"]

_LEXERS = {
    # A `$tag$` quote cannot start inside an identifier such as `a$b$`.
    "postgresql": re.compile(r"'|\"|--|/\*|(?<![\w$])\$(?:[A-Za-z_]\w*)?\$"),
    "mysql": re.compile(r"'|\"|`|#|--(?=[\x00-\x20]|\Z)|/\*M?!\d*|/\*|\*/"),
    "sqlite": re.compile(r"'|\"|`|\[|--|/\*"),
}
_QUOTED_BODY = {
    ("'", False): re.compile(r"(?:[^']|'')*+'", re.S),
    ("'", True): re.compile(r"(?:[^'\\]|\\.|'')*+'", re.S),
    ('"', False): re.compile(r'(?:[^"]|"")*+"', re.S),
    ('"', True): re.compile(r'(?:[^"\\]|\\.|"")*+"', re.S),
    ("`", False): re.compile(r"(?:[^`]|``)*+`", re.S),
    ("[", False): re.compile(r"[^\]]*+\]", re.S),
}
_NESTED_COMMENT = re.compile(r"/\*|\*/")
_LINE_END = re.compile(r"[\r\n]")


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    start: int
    end: int


def tokens(sql: str, dialect: str, *, backslashes: bool = True) -> Iterator[Token]:
    """The statement as consecutive tokens covering all of it.

    ``backslashes=False`` reads MySQL strings as under sql_mode NO_BACKSLASH_ESCAPES.
    """
    lexer = _LEXERS[dialect]
    pos, n = 0, len(sql)
    while pos < n:
        m = lexer.search(sql, pos)
        if m is None:
            yield Token("code", pos, n)
            return
        if m.start() > pos:
            yield Token("code", pos, m.start())
        token = _token(sql, dialect, m.group(), m.start(), m.end(), backslashes)
        yield token
        pos = token.end


def _token(sql: str, dialect: str, tok: str, start: int, end: int, backslashes: bool) -> Token:
    n = len(sql)
    if tok in ("'", '"', "`", "["):
        is_string = tok == "'" or (tok == '"' and dialect == "mysql")
        escapes = dialect == "mysql" and tok != "`" and backslashes
        if dialect == "postgresql" and tok == "'" and start > 0 and sql[start - 1] in "eE":
            escapes = start == 1 or not (sql[start - 2].isalnum() or sql[start - 2] in "_$")
        body = _QUOTED_BODY[(tok, escapes)].match(sql, end)
        return Token("string" if is_string else "identifier", start, body.end() if body else n)
    if tok.startswith("$"):
        close = sql.find(tok, end)
        return Token("dollar", start, n if close < 0 else close + len(tok))
    if tok in ("--", "#"):
        line_end = _LINE_END.search(sql, end)  # \r too: ending early is the safe side
        return Token("comment", start, line_end.start() if line_end else n)
    if tok == "/*":
        return Token("comment", start, comment_end(sql, end, nested=dialect == "postgresql"))
    return Token("marker", start, end)  # MySQL `/*!50000` and `*/`: the body is code


def comment_end(sql: str, pos: int, *, nested: bool) -> int:
    """End of a block comment starting before `pos`; PostgreSQL comments nest."""
    if not nested:
        close = sql.find("*/", pos)
        return len(sql) if close < 0 else close + 2
    depth = 1
    for m in _NESTED_COMMENT.finditer(sql, pos):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(sql)
