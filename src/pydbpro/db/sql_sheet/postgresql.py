"""PostgreSQL's sheet rows: ``COPY (SELECT <each row's SpreadsheetML>) TO STDOUT``.

Each cell is what ``export/xlsx_cells.py`` writes for the value asyncpg returns:

- numbers in Python's ``repr``: PostgreSQL's float text (``extra_float_digits = 1``) is the
  same shortest round-trip digits, only written differently (``45000`` for ``45000.0``,
  ``1.5e+15`` for ``1500000000000000.0``), which ``_repr`` reshapes;
- decimals as their own text when short, else as the double that reads back as exactly the
  same decimal, else as text (``_decimal``); integers beyond 2**53 as text;
- dates and date-times as Excel serials (days since 1899-12-30, a date-time's microseconds
  divided in ``numeric`` to 30 decimals, so its double is correctly rounded like Python's
  ``timedelta / timedelta``), or as their text before 1900-03-01 or outside Python's range;
- text cleaned of what XML forbids, cut at 32,767 UTF-16 units, escaped for XML and for
  Excel's ``_xHHHH_`` syntax (``_escaped``, ``_string``).

The rendering runs in a subquery (which keeps its ORDER BY and LIMIT, so PostgreSQL does
not flatten it and reads its rows in order), with the row's number (``row_number()`` in the
same order); the outer SELECT assembles the row from its columns, so each rendered value is
computed once however often the XML repeats it. COPY streams the rows while the writer
compresses the previous ones; with a cursor the two took turns (55.7 s against 44.5 s for
the benchmark's million rows on a busy machine).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from functools import reduce
from operator import add
from typing import Any

from sqlalchemy import (
    Numeric,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION, TIME
from sqlalchemy.ext.asyncio import AsyncConnection

from ...column_kind import ColumnKind as K
from ...sheet_xml import (
    CELL_TEXT_LIMIT,
    DATE_STYLE,
    DATETIME_STYLE,
    EDGE_SPACES,
    EMPTY_CELL,
    EPOCH_TEXT,
    FALSE_CELL,
    FIRST_DATE_TEXT,
    ILLEGAL_CHARACTERS,
    MAX_EXACT_INT,
    NUMBER_TAIL,
    ROW_NUMBER,
    ROW_START,
    SPACED_TEXT_HEAD,
    TEXT_HEAD,
    TEXT_TAIL,
    TIME_STYLE,
    TRUE_CELL,
    cell_after,
    decimal_styles,
    number_head,
)
from ..models import Column
from ..select import SortKey, order_by
from ..sql_csv.postgresql import (
    SETTINGS,
    column_text,
    copy_fits,
    copy_out,
    in_python_range,
    placeholder_free,
)
from . import SqlSheet

#: The rendered columns of one cell, and the cell's XML built from them (subquery columns).
Rendered = tuple[list[Any], Callable[[list[Any]], Any]]

_TEXT_KINDS = frozenset({K.TEXT, K.ENUM, K.UUID, K.JSON, K.INTERVAL, K.BINARY})
_NOT_NUMBERS = ("NaN", "Infinity", "-Infinity")
#: Numerics between these can be a double's exact value; others cannot (nor be converted).
_TINIEST, _HUGEST = "4.9406564584124654e-324", "1.7976931348623158e308"
#: A divisor whose scale makes ``numeric`` division keep 30 decimals: enough to round a
#: date-time serial to the right double (its exact value has at most 13 binary places).
_DAY_SECONDS = "86400." + "0" * 30
_ILLEGAL = f"[{ILLEGAL_CHARACTERS}]"  # none of them is special in a bracket expression
_ASTRAL = "([\\U00010000-\\U0010FFFF])"
_MARK = "\x02"  # an astral character's second UTF-16 unit while cutting (XML forbids it)


def _sql(text: str) -> Any:
    return literal(text, String)


def _concat(*parts: Any) -> Any:
    return reduce(add, [_sql(p) if isinstance(p, str) else p for p in parts])


def _repr(float_text: Any) -> Any:
    """PostgreSQL's shortest text of a finite double as Python's ``repr`` writes it."""

    def pointed(number: Any) -> Any:
        return _concat(number, case((func.strpos(number, ".") > 0, ""), else_=".0"))

    fixed = cast(cast(float_text, Numeric), Text)  # 1.5e+15 -> 1500000000000000
    return case(
        (func.right(float_text, 4) == "e+15", pointed(fixed)),
        (func.strpos(float_text, "e") > 0, float_text),
        else_=pointed(float_text),
    )


def _plain_text(text: Any) -> Any:
    """A text cell of a text known to need no escaping (digits, ISO dates...)."""
    return _concat(TEXT_HEAD, text, TEXT_TAIL)


def _number(text: Any, style: int = 0) -> Any:
    return _concat(number_head(style), text, NUMBER_TAIL)


def _escaped(text: Any) -> Any:
    """``clean_text``, the XML escapes and Excel's of ``xlsx_cells._string_xml``, in order."""
    # translate() costs ~25 us on a 300-character text; the regular expression that finds
    # there is nothing to translate costs a thirtieth of that.
    cleaned = case(
        (text.regexp_match(_ILLEGAL), func.translate(text, ILLEGAL_CHARACTERS, "")), else_=text
    )
    marked = func.regexp_replace(cleaned, _ASTRAL, "\\1" + _MARK, "g")
    cut = case(
        (func.length(marked) <= CELL_TEXT_LIMIT, cleaned),
        (func.ascii(func.right(func.left(marked, CELL_TEXT_LIMIT), 1)) > 0xFFFF,
         func.replace(func.left(marked, CELL_TEXT_LIMIT - 1), _MARK, "")),
        else_=func.replace(func.left(marked, CELL_TEXT_LIMIT), _MARK, ""),
    )  # fmt: skip
    shortened = case((func.length(text) > CELL_TEXT_LIMIT // 2, cut), else_=cleaned)
    escaped: Any = shortened
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        escaped = func.replace(escaped, char, entity)
    # Excel's escape, where cleaning may have made "_x" (so the test is on any "_").
    excel = func.regexp_replace(escaped, "_(x[0-9A-Fa-f]{4}_)", "_x005F_\\1", "g")
    return case((func.strpos(text, "_") > 0, excel), else_=escaped)


def _string(text: Any) -> Any:
    """The inline-string cell of an ``_escaped`` text: empty, or spaced at an edge (what
    ``str.strip`` would strip)."""
    # btrim() stops at the first other character from each end: cheaper than right(),
    # which counts every character of the text.
    edges = func.octet_length(func.btrim(text, EDGE_SPACES)) < func.octet_length(text)
    return case(
        (text.is_(None), EMPTY_CELL),
        (text == "", EMPTY_CELL),
        (edges, _concat(SPACED_TEXT_HEAD, text, TEXT_TAIL)),
        else_=_concat(TEXT_HEAD, text, TEXT_TAIL),
    )


def _decimal(style: int) -> Callable[[list[Any]], Any]:
    """``_decimal_column``: the own text when Python's ``str`` has no exponent and at most 15
    characters; else the double when it reads back as this decimal; else text."""

    def build(rendered: list[Any]) -> Any:
        value, text = rendered
        double = cast(cast(value, DOUBLE_PRECISION), Text)
        scientific = ((value != 0) & (func.abs(value) < literal_column("0.000001"))) | (
            (value == 0) & (func.scale(value) > 6)
        )  # Python's str(Decimal) writes 1E-7 and 0E-7
        unconvertible = (value != 0) & (
            (func.abs(value) < literal_column(_TINIEST))
            | (func.abs(value) > literal_column(_HUGEST))
        )
        return case(
            (value.is_(None), EMPTY_CELL),
            (text.in_(_NOT_NUMBERS), _plain_text(text)),
            (and_(func.length(text) <= 15, ~scientific), _number(text, style)),
            (unconvertible, _plain_text(text)),
            (cast(double, Numeric) == value, _number(_repr(double), style)),
            else_=_plain_text(text),
        )

    return build


def _serial(moment: Any, epoch: str) -> Any:
    """Days since ``epoch`` (or a time's fraction of a day) as PostgreSQL's text of the
    correctly rounded double: ``extract`` gives exact seconds (``numeric``, PostgreSQL 14+)."""
    seconds = func.extract("epoch", moment - literal_column(epoch) if epoch else moment)
    return cast(cast(seconds / literal_column(_DAY_SECONDS), DOUBLE_PRECISION), Text)


def _in(expr: Any, low: str, high: str) -> Any:
    return expr.between(literal_column(low), literal_column(high))


def _render(expr: Any, column: Column, style: int) -> Rendered | None:
    """The subquery columns of one cell and how the cell is built from them, or None."""
    kind = column.kind
    zoned = "WITH TIME ZONE" in column.type.upper()
    if kind in _TEXT_KINDS:
        text = column_text(expr, column)
        if text is None:
            return None
        return [_escaped(cast(text, Text))], lambda r: _string(r[0])
    if kind in (K.INTEGER, K.BIGINT):
        return [expr], lambda r: case(
            (r[0].is_(None), EMPTY_CELL),
            (r[0].between(-MAX_EXACT_INT, MAX_EXACT_INT), _number(cast(r[0], Text))),
            else_=_plain_text(cast(r[0], Text)),
        )
    if kind is K.FLOAT:
        return [cast(cast(expr, DOUBLE_PRECISION), Text)], lambda r: case(
            (r[0].is_(None), EMPTY_CELL),
            (r[0].in_(_NOT_NUMBERS), _plain_text(r[0])),
            else_=_number(_repr(r[0])),
        )
    if kind is K.DECIMAL:
        return [expr, cast(expr, Text)], _decimal(style)
    if kind is K.BOOLEAN:
        return [expr], lambda r: case(
            (r[0].is_(True), TRUE_CELL), (r[0].is_(False), FALSE_CELL), else_=EMPTY_CELL
        )
    if kind is K.DATE:
        first = f"DATE '{FIRST_DATE_TEXT}'"
        days = case((_in(expr, first, "DATE '9999-12-31'"),
                     cast(expr - literal_column(f"DATE '{EPOCH_TEXT}'"), Text)))  # fmt: skip
        return [days, cast(expr, Text)], lambda r: _dated(r, DATE_STYLE, lambda t: t)
    if kind is K.DATETIME:  # Python has made an aware value naive UTC before writing it
        local = func.timezone("UTC", expr) if zoned else expr
        first, last = f"'{FIRST_DATE_TEXT}'", "'9999-12-31 23:59:59.999999'"
        serial = case((_in(local, first, last), _serial(local, f"TIMESTAMP '{EPOCH_TEXT}'")))
        text = in_python_range(local, func.replace(cast(local, Text), " ", "T"), expr)
        return [serial, text], lambda r: _dated(r, DATETIME_STYLE, _repr)
    if kind is K.TIME:
        of_day = cast(expr, TIME) if zoned else expr
        serial = case((of_day != literal_column("'24:00:00'"), _serial(of_day, "")))
        return [serial, cast(expr, Text)], lambda r: _dated(r, TIME_STYLE, _repr)
    return None


def _dated(rendered: list[Any], style: int, number: Callable[[Any], Any]) -> Any:
    """A date/time cell: its serial when it has one (else NULL), or its text."""
    serial, text = rendered
    return case(
        (serial.is_not(None), _number(number(serial), style)),
        (text.is_(None), EMPTY_CELL),
        else_=_plain_text(text),
    )


#: JIT compiling the long row expression took 1.8 s before the first row on the benchmark
#: table, for a statement whose cost is in text functions anyway; and the expressions' cost
#: makes the planner prefer a parallel scan and a sort (2.3 s before the first row) to
#: reading the index in order.
_FIRST_ROW_FIRST = text(
    "SELECT set_config('jit', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true)"
)


async def prepare(conn: AsyncConnection) -> None:
    """The text forms ``column_text`` relies on (as for COPY), for this transaction."""
    await conn.execute(SETTINGS)
    await conn.execute(_FIRST_ROW_FIRST)


#: PostgreSQL's limit on one SELECT's list is 1,664 entries; a cell takes one to four.
MAX_TARGETS = 1600


def plan(
    source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey], limit: int
) -> SqlSheet | None:
    """The export's sheet rows by COPY, or None when a column needs the Python path."""
    if not columns or not placeholder_free(columns):
        return None
    styles = decimal_styles([(c.kind, c.type) for c in columns])
    ordered = order_by(source, keys)
    rendered: list[Any] = [cast(func.row_number().over(order_by=ordered) + 1, Text)]
    builders: list[tuple[int, int, Callable[[list[Any]], Any]]] = []
    for column, style in zip(columns, styles, strict=True):
        found = _render(source.c[column.name], column, style)
        if found is None:
            return None
        builders.append((len(rendered), len(found[0]), found[1]))
        rendered += found[0]
    if len(rendered) > MAX_TARGETS:
        return None  # a very wide table: more cell parts than one SELECT may list
    inner = select(*(e.label(f"c{i}") for i, e in enumerate(rendered))).select_from(source)
    if where is not None:
        inner = inner.where(where)
    cells = inner.order_by(*ordered).limit(limit).subquery("pydbpro_cells")
    number = cells.c.c0  # the sheet's row: the header is row 1
    parts: list[Any] = _numbered(ROW_START, number)
    for i, (start, count, build) in enumerate(builders):
        parts.append(build([cells.c[f"c{n}"] for n in range(start, start + count)]))
        parts += _numbered(cell_after(i, len(columns)), number)
    query = select(_concat(*parts).label("row")).select_from(cells)
    if not copy_fits(query):
        return None
    return SqlSheet("postgresql-copy-sheet", query, prepare, copy_sheet)


def _numbered(xml: str, number: Any) -> list[Any]:
    """``xml`` with the row's number where ``ROW_NUMBER`` stands."""
    pieces: list[Any] = []
    for i, piece in enumerate(xml.split(ROW_NUMBER)):
        pieces += [number, piece] if i else [piece]
    return [p for p in pieces if not isinstance(p, str) or p]


#: COPY's CSV quotes a row's XML (which has line feeds in texts) with a character XML
#: forbids, so that removing it restores the XML; each row then ends with a line feed.
_QUOTE = "\x03"


async def copy_sheet(
    conn: AsyncConnection, query: Select[Any], counted: list[int]
) -> AsyncIterator[bytes]:
    """The rows' XML as COPY streams it (PostgreSQL renders the next rows while the
    writer compresses these), unquoted and without the line ends."""
    carry = b""
    async for chunk in copy_out(conn, query, counted, quote=_QUOTE, delimiter="\x04"):
        data = carry + chunk.replace(_QUOTE.encode(), b"")
        end = data.rfind(b"</row>\n") + len(b"</row>\n")  # 6 when none: carry it all
        if end > 6:
            data, carry = data[:end], data[end:]
            yield data.replace(b"</row>\n", b"</row>")
        else:
            carry = data
    if carry:
        raise ValueError("COPY ended inside a sheet row")
