"""The hot loop of the XLSX writer: the XML of each cell, per column kind.

Split from ``xlsx.py``, which assembles the package around it. Every plain value becomes the
tail of a ``<c>`` element: typed (a number, boolean or date serial only when Excel holds it
exactly, else text), escaped for XML and Excel's ``_xHHHH_`` syntax, and formula-safe, since
inline strings are never evaluated. Rows are formatted a column at a time (see "columns").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache, partial

from ..column_kind import ColumnKind
from ..sheet_xml import (
    BOLD,
    CELL_TEXT_LIMIT,
    DATE_STYLE,
    DATETIME_STYLE,
    MAX_EXACT_INT,
    TIME_STYLE,
    WRAP,
    column_letter,
    decimal_scale,
    decimal_styles,
)
from .base import ExportColumn
from .text import cell_text, decimal_text

__all__ = ["BOLD", "WRAP", "column_letter"]  # re-exported for xlsx.py

CellFunction = Callable[[object], str]
ColumnFunction = Callable[[Sequence[object]], list[str]]

_SHORT_TEXT = 100  # the XML of texts this short is cached when they need escaping

# Excel serial numbers count days from 1899-12-30; before 1900-03-01 its fictitious
# 1900-02-29 shifts them, so earlier dates are written as text.
_EPOCH = datetime(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_DAY = timedelta(days=1)
_FIRST_DATE = date(1900, 3, 1)
_FIRST_DATETIME = datetime(1900, 3, 1)
_DATE, _DATETIME, _TIME = DATE_STYLE, DATETIME_STYLE, TIME_STYLE

#: Characters XML 1.0 forbids (lone surrogates cannot even be encoded).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Excel reads "_x0041_" in cell text as "A"; escaping the underscore keeps it literal.
_EXCEL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
#: A CR as a character reference, since XML parsers turn a literal one into a line feed.
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


# --- text ------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Drop characters XML cannot carry and cut at Excel's limit, which counts UTF-16 units."""
    text = _ILLEGAL.sub("", text)
    if len(text) > CELL_TEXT_LIMIT // 2 and len(text.encode("utf-16-le")) > 2 * CELL_TEXT_LIMIT:
        units = text.encode("utf-16-le")[: 2 * CELL_TEXT_LIMIT]
        text = units.decode("utf-16-le", "ignore")  # drops a half surrogate pair at the end
    return text


def xml_text(text: str) -> str:
    """Text for an XML element outside a cell, such as a document property."""
    return clean_text(text).translate(_XML_ESCAPES)


def _string_xml(text: str) -> str:
    """The inline-string tail of a ``<c>``; such text is never a formula, whatever it says."""
    if _SPECIAL.search(text) or len(text) > CELL_TEXT_LIMIT // 2:
        text = clean_text(text).translate(_XML_ESCAPES)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    if not text:
        return "/>"  # an empty cell, as Excel has no empty text
    if text.strip() != text:
        return f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


def _plain_texts(values: Sequence[object]) -> bool:
    """Whether every value is None or a string XML takes as it is, without escaping or
    xml:space. One scan over a whole column of a piece is much cheaper than one per value."""
    # Any non-string makes the join below raise TypeError: the slow path, as intended.
    texts: list[str] = [v for v in values if v is not None]  # type: ignore[misc]
    try:
        joined = "".join(texts)  # an "_x" made by two neighbours merely costs the slow path
    except TypeError:  # not all strings
        return False
    limit = CELL_TEXT_LIMIT // 2  # no value can be too long
    return (
        _SPECIAL.search(joined) is None
        and "_x" not in joined
        and list(map(str.strip, texts)) == texts
        and (len(joined) <= limit or max(map(len, texts)) <= limit)
    )


def styled_text(text: str, style: int) -> str:
    """A text cell in one of the styles, for headers and labels."""
    return f' s="{style}"{_string_xml(text)}'


# --- cells -----------------------------------------------------------------------------------
# The tail of one ``<c>`` element after its reference, for any plain value: the fallback of
# the column functions below. A value Excel cannot hold as a number or date becomes text.


def _text_cell(value: object) -> str:
    return _string_xml(value) if type(value) is str else _any_cell(value)


def _int_cell(value: object) -> str:
    if type(value) is not int:
        return _any_cell(value)
    if -MAX_EXACT_INT <= value <= MAX_EXACT_INT:
        return f"><v>{value}</v></c>"
    return _string_xml(str(value))


def _float_cell(value: object) -> str:
    if type(value) is not float:
        return _any_cell(value)
    return f"><v>{value!r}</v></c>" if value - value == 0 else _string_xml(cell_text(value))


def _decimal_cell(value: object, number_head: str = "><v>") -> str:
    """A number only when the double Excel stores reads back as exactly this decimal."""
    if type(value) is not Decimal:
        return _any_cell(value)
    if value.is_finite():
        number = repr(float(value))
        if Decimal(number) == value:
            return f"{number_head}{number}</v></c>"
    return _string_xml(decimal_text(value))


def _bool_cell(value: object) -> str:
    if type(value) is not bool:
        return _any_cell(value)
    return ' t="b"><v>1</v></c>' if value else ' t="b"><v>0</v></c>'


def _date_cell(value: object) -> str:
    if type(value) is not date:
        return _any_cell(value)
    if value < _FIRST_DATE:
        return _string_xml(cell_text(value))
    return f' s="{_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'


def _datetime_cell(value: object) -> str:
    if type(value) is not datetime:
        return _any_cell(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if value < _FIRST_DATETIME:
        return _string_xml(cell_text(value))
    return f' s="{_DATETIME}"><v>{(value - _EPOCH) / _DAY!r}</v></c>'


def _time_cell(value: object) -> str:
    """A fraction of a day; a time zone is dropped, as it cannot be converted without a date."""
    if type(value) is not time:
        return _any_cell(value)
    moment = datetime.combine(_EPOCH, value.replace(tzinfo=None))
    return f' s="{_TIME}"><v>{(moment - _EPOCH) / _DAY!r}</v></c>'


_BY_TYPE: dict[type, CellFunction] = {
    type(None): lambda _: "/>",
    str: _text_cell,
    bool: _bool_cell,
    int: _int_cell,
    float: _float_cell,
    Decimal: _decimal_cell,
    date: _date_cell,
    datetime: _datetime_cell,
    time: _time_cell,
}


def _any_cell(value: object) -> str:
    """A value whose type does not match its column's kind (or of no known type: text)."""
    typed = _BY_TYPE.get(type(value))
    return typed(value) if typed is not None else _string_xml(cell_text(value))


# --- columns ---------------------------------------------------------------------------------
# The hot loop formats a column of a piece of rows at a time, the common case inline in one
# comprehension, and then joins each row in C. Every cell string runs from the closing quote
# of its own reference to the opening of the next cell's (``after``), so joining a row's
# strings with the row number as the separator writes all the ``r="B12"`` references.


def _int_column(after: str) -> ColumnFunction:
    empty = f'"/>{after}'

    def column(values: Sequence[object]) -> list[str]:
        return [
            f'"><v>{v}</v></c>{after}'
            if type(v) is int and -MAX_EXACT_INT <= v <= MAX_EXACT_INT
            else empty if v is None else f'"{_int_cell(v)}{after}'
            for v in values
        ]  # fmt: skip

    return column


def _float_column(after: str) -> ColumnFunction:
    empty = f'"/>{after}'

    def column(values: Sequence[object]) -> list[str]:
        return [
            f'"><v>{v!r}</v></c>{after}' if type(v) is float and v - v == 0  # finite
            else empty if v is None else f'"{_float_cell(v)}{after}'
            for v in values
        ]  # fmt: skip

    return column


def _decimal_column(after: str, style: int) -> ColumnFunction:
    """At most 15 digits and no exponent: the double is exactly this decimal, so skip the
    round trip ``_decimal_cell`` makes, and write the decimal's own text."""
    empty = f'"/>{after}'
    head = f' s="{style}"><v>' if style else "><v>"

    def column(values: Sequence[object]) -> list[str]:
        return [
            f'"{head}{text}</v></c>{after}'
            if type(v) is Decimal and len(text := str(v)) <= 15 and text[-1].isdigit()
            and "E" not in text
            else empty if v is None else f'"{_decimal_cell(v, head)}{after}'
            for v in values
        ]  # fmt: skip

    return column


def _datetime_column(after: str) -> ColumnFunction:
    empty = f'"/>{after}'
    head = f'" s="{_DATETIME}"><v>'

    def column(values: Sequence[object]) -> list[str]:
        return [
            f"{head}{(v - _EPOCH) / _DAY!r}</v></c>{after}"
            if type(v) is datetime and v.tzinfo is None and v >= _FIRST_DATETIME
            else empty if v is None else f'"{_datetime_cell(v)}{after}'
            for v in values
        ]  # fmt: skip

    return column


def _text_column(after: str) -> ColumnFunction:
    """Text: formatted as it is when a piece's values all allow it, else one by one, with the
    XML of short texts cached (categories and codes repeat)."""
    empty = f'"/>{after}'

    @lru_cache(maxsize=1024)
    def short(text: str) -> str:
        return f'"{_string_xml(text)}{after}'

    def column(values: Sequence[object]) -> list[str]:
        if _plain_texts(values):
            return [
                f'" t="inlineStr"><is><t>{v}</t></is></c>{after}' if v else empty for v in values
            ]
        return [
            short(v) if type(v) is str and len(v) <= _SHORT_TEXT
            else empty if v is None else f'"{_text_cell(v)}{after}'
            for v in values
        ]  # fmt: skip

    return column


def _cell_column(cell: CellFunction, after: str) -> ColumnFunction:
    def column(values: Sequence[object]) -> list[str]:
        return [f'"{cell(v)}{after}' for v in values]

    return column


_BY_KIND: dict[ColumnKind, Callable[[str], ColumnFunction]] = {
    ColumnKind.INTEGER: _int_column,
    ColumnKind.BIGINT: _int_column,
    ColumnKind.FLOAT: _float_column,
    ColumnKind.BOOLEAN: partial(_cell_column, _bool_cell),
    ColumnKind.DATE: partial(_cell_column, _date_cell),
    ColumnKind.DATETIME: _datetime_column,
    ColumnKind.TIME: partial(_cell_column, _time_cell),
}


def column_functions(columns: Sequence[ExportColumn]) -> list[ColumnFunction]:
    styles = decimal_styles([(c.kind, c.type) for c in columns])
    functions = []
    for i, column in enumerate(columns):
        after = f'<c r="{column_letter(i + 1)}' if i + 1 < len(columns) else "</row>"
        if column.kind is ColumnKind.DECIMAL:
            functions.append(_decimal_column(after, styles[i]))
        else:
            functions.append(_BY_KIND.get(column.kind, _text_column)(after))
    return functions


def decimal_scales(columns: Sequence[ExportColumn]) -> list[int]:
    """The distinct decimal scales, in column order: each gets a number format."""
    return list(dict.fromkeys(filter(None, (decimal_scale(c.kind, c.type) for c in columns))))
