"""Where the code of a SQL statement is: its text split into code, literals and comments.

One small lexer, told each dialect's quotes and comments by its adapter's ``Lexicon``,
shared by the read-only guard (which judges the code and looks into nothing else) and
by the console's placeholder binding (which binds ``:name`` only in code): MySQL ``#``
and ``-- `` comments and backslash escapes, PostgreSQL nested comments, ``E''`` strings
and ``$tag$`` quoting, SQLite ``[x]`` identifiers. MySQL executable comments
(``/*! ... */``) are code, because the server runs them: their markers are tokens of their
own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

Kind = Literal["code", "string", "identifier", "dollar", "comment", "marker"]


@dataclass(frozen=True)
class Lexicon:
    """What a dialect's SQL text may hold besides code (``'...'`` strings, ``"..."``
    identifiers, ``--`` and ``/* */`` comments are everyone's): each flag is a way a
    literal or a comment could hide a ``;``, a ``:name`` or a function name if missed."""

    double_quoted_strings: bool = False  # MySQL: "x" is a string (ANSI_QUOTES off)
    backslash_escapes: bool = False  # MySQL: 'it\'s' (unless NO_BACKSLASH_ESCAPES)
    escape_strings: bool = False  # PostgreSQL: E'it\'s'
    dollar_quotes: bool = False  # PostgreSQL: $tag$ ... $tag$
    nested_comments: bool = False  # PostgreSQL: /* /* */ still a comment */
    backtick_identifiers: bool = False  # MySQL, SQLite: `x`
    bracket_identifiers: bool = False  # SQLite: [x]
    hash_comments: bool = False  # MySQL: # to the end of the line
    dash_comments_need_space: bool = False  # MySQL: --1 is minus minus one
    executable_comments: bool = False  # MySQL: /*! ... */ and /*M! ... */ are run


@cache
def _starts(lexicon: Lexicon) -> re.Pattern[str]:
    """Where a token other than code may start, in this lexicon."""
    parts = ["'", '"']
    parts += ["`"] if lexicon.backtick_identifiers else []
    parts += [r"\["] if lexicon.bracket_identifiers else []
    parts += ["#"] if lexicon.hash_comments else []
    parts += [r"--(?=[\x00-\x20]|\Z)" if lexicon.dash_comments_need_space else "--"]
    parts += [r"/\*M?!\d*", r"/\*", r"\*/"] if lexicon.executable_comments else [r"/\*"]
    # A `$tag$` quote cannot start inside an identifier such as `a$b$`.
    parts += [r"(?<![\w$])\$(?:[A-Za-z_]\w*)?\$"] if lexicon.dollar_quotes else []
    return re.compile("|".join(parts))


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


def tokens(sql: str, lexicon: Lexicon) -> Iterator[Token]:
    """The statement as consecutive tokens covering all of it."""
    lexer = _starts(lexicon)
    pos, n = 0, len(sql)
    while pos < n:
        m = lexer.search(sql, pos)
        if m is None:
            yield Token("code", pos, n)
            return
        if m.start() > pos:
            yield Token("code", pos, m.start())
        token = _token(sql, lexicon, m.group(), m.start(), m.end())
        yield token
        pos = token.end


def _token(sql: str, lexicon: Lexicon, tok: str, start: int, end: int) -> Token:
    n = len(sql)
    if tok in ("'", '"', "`", "["):
        is_string = tok == "'" or (tok == '"' and lexicon.double_quoted_strings)
        escapes = lexicon.backslash_escapes and tok in ("'", '"')
        if lexicon.escape_strings and tok == "'" and start > 0 and sql[start - 1] in "eE":
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
        return Token("comment", start, comment_end(sql, end, nested=lexicon.nested_comments))
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
