"""The console's ``:name`` placeholders: bound where they are code, nowhere else.

SQLAlchemy's ``text()`` takes every ``:word`` for a bind parameter, inside string literals,
comments and dollar quotes too (``SELECT ':a'`` came back as ``$1``; ``'{"n":true}'::jsonb``
and ``arr[:2]`` failed). Here the shared lexer (``sqllex``) says where the code is: a
``:name`` there (a letter or ``_`` first) is a placeholder; every other ``:word`` that
SQLAlchemy would bind is escaped for it (``\\:word``), and so is a backslash that it would
drop, so the statement reaches the database exactly as written.

Every placeholder needs a value and every value a placeholder: a missing or an unknown
parameter is a 400 naming it, never a silently different statement. A JSON object is no
value any database binds (PyMySQL raised a TypeError, a 500): a 400 naming it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text

from ..errors import BadRequest
from .sqllex import Lexicon, tokens

#: What SQLAlchemy's text() binds (sqlalchemy.sql.elements.TextClause) and what its
#: compiler unescapes (sqlalchemy.sql.compiler.BIND_PARAMS_ESC).
_BINDS = TextClause._bind_params_regex
_UNESCAPED = re.compile(r"\\(?=:\w*(?![:\w]))")
_NAME = re.compile(r"[A-Za-z_]\w*")
#: ``:name::type``, a PostgreSQL cast right after a placeholder, which text() would not bind.
_CAST_AFTER = re.compile(r"(?<![:\w\\]):[A-Za-z_]\w*(?=::)")


@dataclass(frozen=True)
class Statement:
    """A console statement ready for ``text()``, and the placeholders it binds."""

    escaped: str  # the statement with every non-placeholder ``:word`` escaped
    names: frozenset[str]

    def clause(self, prefix: str = "", suffix: str = "", *, bare: bool = False) -> TextClause:
        """``text()`` of the statement inside our own constant SQL (EXPLAIN, a count);
        ``bare`` drops a final ``;`` and ends the text with a line break (a last ``--``
        comment must not swallow what follows), for wrapping it as a subquery."""
        body = self.escaped.strip().rstrip(";") + "\n" if bare else self.escaped
        return text(prefix + body + suffix)


def placeholder_names(sql: str, lexicon: Lexicon) -> frozenset[str]:
    """The placeholders ``prepare`` would bind (a saved query's parameters are checked
    against them), without values."""
    return _scan(sql, lexicon)[0]


def prepare(sql: str, lexicon: Lexicon, params: Mapping[str, Any]) -> Statement:
    """The statement with only its real placeholders bindable; 400 when the parameters
    given and the placeholders written do not match."""
    names, escaped = _scan(sql, lexicon)
    _check(set(names), params)
    return Statement(escaped, names)


def _scan(sql: str, lexicon: Lexicon) -> tuple[frozenset[str], str]:
    """The placeholders written in code, and the statement escaped for ``text()``."""
    code = [(t.start, t.end) for t in tokens(sql, lexicon) if t.kind in ("code", "marker")]
    names: set[str] = set()
    escapes: list[int] = [m.start() for m in _UNESCAPED.finditer(sql)]
    for match in _BINDS.finditer(sql):
        name = match.group(1)
        if _NAME.fullmatch(name) and _inside(match.start(), code):
            names.add(name)
        else:
            escapes.append(match.start())
    spaces = [m.end() for m in _CAST_AFTER.finditer(sql) if _inside(m.start(), code)]
    names.update(sql[m.start() + 1 : m.end()] for m in _CAST_AFTER.finditer(sql)
                 if _inside(m.start(), code))  # fmt: skip
    return frozenset(names), _edit(sql, escapes, spaces)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _edit(sql: str, escapes: list[int], spaces: list[int]) -> str:
    """A backslash before each escape position (SQLAlchemy's compiler removes it again), and
    a space at each cast after a placeholder (``:a ::int`` means what ``:a::int`` does)."""
    inserts = sorted([(p, "\\") for p in escapes] + [(p, " ") for p in spaces])
    pieces, last = [], 0
    for position, inserted in inserts:
        pieces += [sql[last:position], inserted]
        last = position
    return "".join(pieces) + sql[last:]


def _check(names: set[str], params: Mapping[str, Any]) -> None:
    missing = sorted(names - set(params))
    if missing:
        listed = ", ".join(f":{name}" for name in missing)
        raise BadRequest(f"no value given for the placeholder(s) {listed} (params)",
                         code="MISSING_PARAMETER")  # fmt: skip
    unknown = sorted(set(params) - names)
    if unknown:
        listed = ", ".join(map(repr, unknown))
        written = ", ".join(f":{name}" for name in sorted(names)) or "none"
        raise BadRequest(f"parameter(s) {listed} match no placeholder in the statement "
                         f"(placeholders: {written})", code="UNKNOWN_PARAMETER")  # fmt: skip
    objects = sorted(name for name, value in params.items() if _has_object(value))
    if objects:
        listed = ", ".join(map(repr, objects))
        raise BadRequest(f"parameter(s) {listed}: an object cannot be bound; give a string, "
                         "number, boolean or null", code="BAD_VALUE")  # fmt: skip


def _has_object(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_object(item) for item in value)
    return isinstance(value, dict)
