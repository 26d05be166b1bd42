"""Small reads as the driver receives them: SQL text compiled once per statement shape.

SQLAlchemy builds and compiles every statement PyDBPro sends, so identifiers are quoted by
the dialect and values are bound. Executing through it costs more than the data page's query
itself (a greenlet hop, cursor and result wrappers, metadata per result), so a hot, small read
(``reading.fetch_all``) is compiled here, once per shape (SQLAlchemy's cache key, which leaves
the values out), and its values are bound in the compiled order. An adapter that can run such
text on its driver connection (``DialectAdapter.fetch_compiled``) then skips the wrappers; any
other adapter, or a statement this cannot prepare, goes through SQLAlchemy as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import Compiled as SqlCompiled

from .ttlcache import TTLCache

#: Compiled shapes kept per database: a shape is a table, its columns, filters, sort.
MAX_SHAPES = 2000
_UNSENDABLE = object()


@dataclass(frozen=True)
class DriverStatement:
    """``query`` as its driver receives it: ``sql`` and positional ``values``."""

    query: Executable
    sql: str
    values: tuple[Any, ...]


class StatementCache:
    """Compiled SQL text per statement shape, for one dialect (one per ``Database``)."""

    def __init__(self, dialect: Dialect, max_entries: int = MAX_SHAPES) -> None:
        self.dialect = dialect
        #: _UNSENDABLE: the shape cannot be sent as plain text (see ``_plain``).
        self._compiled = TTLCache(float("inf"), max_entries)

    def prepare(self, query: Executable) -> DriverStatement | None:
        """The driver's text and values for ``query``; None when it must go through
        SQLAlchemy (no cache key, values expanded at execution, bind processors)."""
        if not isinstance(query, ClauseElement):
            return None
        key = query._generate_cache_key()
        if key is None:
            return None
        compiled: Any = self._compiled.get(key.key)
        if compiled is None:
            compiled = query.compile(dialect=self.dialect, cache_key=key)
            compiled = compiled if _plain(compiled, self.dialect) else _UNSENDABLE
            self._compiled.put(key.key, compiled)
        if compiled is _UNSENDABLE:
            return None
        params: Any = compiled.construct_params(extracted_parameters=key.bindparams)
        names: Sequence[str] = compiled.positiontup or ()
        return DriverStatement(query, compiled.string, tuple(params[name] for name in names))


def _plain(compiled: SqlCompiled, dialect: Dialect) -> bool:
    """Whether the text can be sent as it is with the values in order and its rows used as
    the driver returns them: positional, nothing rendered at execution time (IN lists,
    literal LIMITs), no value converted before binding or after reading."""
    if (
        getattr(compiled, "positiontup", None) is None
        or getattr(compiled, "literal_execute_params", None)
        or getattr(compiled, "post_compile_params", None)
        or getattr(compiled, "_bind_processors", None)
    ):
        return False
    columns = getattr(compiled, "_result_columns", ())
    return all(c[3]._cached_result_processor(dialect, None) is None for c in columns)


def driver_statement(query: Executable, dialect: Dialect) -> DriverStatement:
    """``query`` as its driver receives it, compiled once for one use (an export's
    statement): IN lists rendered and each value converted as SQLAlchemy would before
    binding, so, unlike ``StatementCache.prepare``, it never declines."""
    element = cast(ClauseElement, query)  # a SELECT: both an Executable and a clause
    compiled: Any = element.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    processors = compiled._bind_processors
    values = tuple(
        processors[name](params[name]) if name in processors else params[name]
        for name in compiled.positiontup or ()
    )
    return DriverStatement(query, compiled.string, values)
