"""The SpreadsheetML of an XLSX data cell: the rules both of its writers follow.

The XLSX writer (``export/xlsx_cells.py``) formats cells from plain Python values; for big
tables the database writes each row's cells itself (``db/sql_sheet``), and a test holds the
two to the same bytes. Like ``column_kind.py``, this lives outside both packages so that
neither imports the other.

A data row is written as ``<row r="N"><c r="AN"...`` and every cell string runs from the
closing quote of its own reference to the opening of the next cell's reference (or to
``</row>``), so the row number is written wherever ``ROW_NUMBER`` stands.
"""

from __future__ import annotations

import re

from .column_kind import ColumnKind

#: Where a database-written row holds its row number (XML 1.0 forbids the character, so
#: no cell can contain it).
ROW_NUMBER = "\x01"
ROW_START = f'<row r="{ROW_NUMBER}"><c r="A{ROW_NUMBER}'

MAX_EXACT_INT = 2**53 - 1  # a double, Excel's only number type, holds larger ones inexactly
CELL_TEXT_LIMIT = 32_767  # Excel's limit, in UTF-16 code units

# Indexes into <cellXfs> in styles.xml (see ``_styles_xml`` in export/xlsx.py); decimal
# scales come after them.
BOLD, DATE_STYLE, DATETIME_STYLE, TIME_STYLE, WRAP, FIRST_DECIMAL_STYLE = range(1, 7)
#: Excel's serial numbers are days since this date; before 1900-03-01 its fictitious
#: 1900-02-29 shifts them, so earlier dates are written as text.
EPOCH_TEXT, FIRST_DATE_TEXT = "1899-12-30", "1900-03-01"

#: Characters XML 1.0 forbids (lone surrogates too, which Python strings may hold).
ILLEGAL_CHARACTERS = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32)])) + "\ufffe\uffff"
#: What ``str.strip`` strips and a cell can still hold once cleaned and escaped: a text
#: starting or ending with one is written with xml:space="preserve".
EDGE_SPACES = (
    "\t\n \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)

EMPTY_CELL = '"/>'  # NULL, and empty text (Excel has no empty text)
TEXT_HEAD = '" t="inlineStr"><is><t>'
SPACED_TEXT_HEAD = '" t="inlineStr"><is><t xml:space="preserve">'
TEXT_TAIL = "</t></is></c>"
TRUE_CELL, FALSE_CELL = '" t="b"><v>1</v></c>', '" t="b"><v>0</v></c>'

_SCALE = re.compile(r"\(\s*\d+\s*,\s*(\d+)\s*\)")  # numeric(12,2)


def number_head(style: int) -> str:
    """A number cell's start, after its reference; 0: no style."""
    return f'" s="{style}"><v>' if style else '"><v>'


NUMBER_TAIL = "</v></c>"


def decimal_scale(kind: ColumnKind, declared: str) -> int:
    """The scale of ``numeric(12,2)``, so 12.50 shows as 12.50 and not 12.5; 0 for none."""
    if kind is not ColumnKind.DECIMAL:
        return 0
    match = _SCALE.search(declared)
    scale = int(match.group(1)) if match else 0
    return scale if scale <= 15 else 0  # a double has no more digits to show


def decimal_styles(columns: list[tuple[ColumnKind, str]]) -> list[int]:
    """Each column's decimal number style (0: none): one per distinct scale, in column order,
    after the fixed styles (``decimal_scales`` in ``export/xlsx_cells.py`` lists them)."""
    scales = list(dict.fromkeys(filter(None, (decimal_scale(k, t) for k, t in columns))))
    return [
        FIRST_DECIMAL_STYLE + scales.index(scale) if (scale := decimal_scale(k, t)) else 0
        for k, t in columns
    ]


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_after(index: int, count: int) -> str:
    """What follows cell ``index`` of ``count``: the next cell's opening, or the row's end."""
    return f'<c r="{column_letter(index + 1)}{ROW_NUMBER}' if index + 1 < count else "</row>"
