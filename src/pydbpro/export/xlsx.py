"""XLSX export: SpreadsheetML written by hand and streamed through ``stream-zip``.

openpyxl's write-only mode builds objects for every cell and is several times slower. Here
the rows are formatted a column at a time, with each kind's common case inline in one
comprehension (see "columns" in ``xlsx_cells.py``). Strings are inline (``t="inlineStr"``): a
shared-strings table would hold every distinct string until the end. The "About" sheet and
``workbook.xml`` follow the data sheet, since the row count and the autofilter range are only
known then. This module builds the package; ``xlsx_cells.py`` the XML of each cell.
"""

from __future__ import annotations

import stat
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from typing import cast

from stream_zip import ZIP_32, MemberFile, stream_zip

from ..column_kind import ColumnKind
from ..sheet_xml import ROW_NUMBER
from .base import Batches, ExportColumn, Provenance, Row
from .text import cell_text
from .xlsx_cells import (
    BOLD,
    WRAP,
    ColumnFunction,
    column_functions,
    column_letter,
    decimal_scales,
    styled_text,
    xml_text,
)

MAX_ROWS = 1_048_576  # including the header
CHUNK_SIZE = 64 * 1024
_PIECE_ROWS = 500  # rows formatted together and handed to the compressor as one piece
_COMPRESS_LEVEL = 1  # sheet XML shrinks ~5x already; level 6 is twice as slow for 20% less
_MIN_WIDTH, _MAX_WIDTH = 8, 60

#: Widths of what Excel shows, where the text form is longer (a float shows 11 digits).
_TEXT_WIDTHS = {
    ColumnKind.DATE: 10,
    ColumnKind.DATETIME: 19,
    ColumnKind.TIME: 8,
    ColumnKind.FLOAT: 12,
}

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FILE_MODE = stat.S_IFREG | 0o644


@dataclass
class _SheetState:
    """What the data sheet learns while streaming and ``workbook.xml`` needs afterwards."""

    last_row: int = 1  # the header row


# --- worksheets ------------------------------------------------------------------------------


def _widths(columns: Sequence[ExportColumn], rows: Sequence[Sequence[object]]) -> list[float]:
    """Widths in characters from the header and a sample of the first batch."""
    sample = rows[:1000]
    widths = []
    for i, column in enumerate(columns):
        longest = _TEXT_WIDTHS.get(column.kind) or max(
            (len(cell_text(row[i])) for row in sample if i < len(row)), default=0
        )
        header = len(column.name) * 1.2 + 3  # bold, and room for the filter button
        widths.append(min(max(header, longest + 2, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _worksheet_head(view: str, widths: Sequence[float]) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width:.2f}" customWidth="1"/>'
        for i, width in enumerate(widths, 1)
    )
    return (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
    )


_FROZEN_HEADER = (
    '<sheetView tabSelected="1" workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
)
_MARGINS = (
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
)


def _data_sheet(
    columns: Sequence[ExportColumn],
    first: list[Sequence[Row]],
    body: Iterator[bytes],
    state: _SheetState,
) -> Iterator[bytes]:
    """The "Data" sheet; widths come from the first batch of plain rows (``first``), so it
    is read before the head. ``body``: the rows' XML, which lets the first batch go."""
    header = "".join(
        f'<c r="{column_letter(i)}1"{styled_text(column.name, BOLD)}'
        for i, column in enumerate(columns)
    )
    head = _worksheet_head(_FROZEN_HEADER, _widths(columns, first[0] if first else ()))
    yield f'{head}<row r="1">{header}</row>'.encode()
    yield from body
    last = f"{column_letter(len(columns) - 1)}{state.last_row}"
    tail = f'<autoFilter ref="A1:{last}"/>' if columns else ""
    yield f"</sheetData>{tail}{_MARGINS}</worksheet>".encode()


def _python_sheet(
    columns: Sequence[ExportColumn], batches: Batches, state: _SheetState
) -> Iterator[bytes]:
    """The sheet of plain-value rows, formatted here."""
    rest = iter(batches)
    first = [next(rest, ())]
    rows = chain.from_iterable(_put_back(first, rest))
    body = _data_rows(rows, column_functions(columns), state)
    return _data_sheet(columns, first, body, state)


def _put_back(first: list[Sequence[Row]], rest: Iterator[Sequence[Row]]) -> Batches:
    """All the batches again; popping the first lets it go once written, like the others."""
    yield first.pop()
    yield from rest


def _data_rows(
    rows: Iterator[Sequence[object]], functions: list[ColumnFunction], state: _SheetState
) -> Iterator[bytes]:
    """The hot loop, a few hundred rows at a time (see "columns" in ``xlsx_cells.py``)."""
    opening = '"><c r="A' if functions else '"></row>'
    number = state.last_row
    while piece := list(islice(rows, _PIECE_ROWS)):
        _check_room(number + len(piece))
        cells = [
            function(values)
            for function, values in zip(functions, zip(*piece, strict=True), strict=True)
        ]
        numbers = map(str, range(number + 1, number + 1 + len(piece)))
        parts = zip(repeat('<row r="'), repeat(opening), *cells)
        yield "".join(map(str.join, numbers, parts)).encode()
        number += len(piece)
        state.last_row = number


def _check_room(last_row: int) -> None:
    if last_row > MAX_ROWS:
        raise ValueError(f"an XLSX sheet holds at most {MAX_ROWS - 1} data rows")


def _database_rows(
    first: list[Sequence[Row]], batches: Batches, state: _SheetState
) -> Iterator[bytes]:
    """Rows the database wrote (``sheet_xml``): only their numbers are filled in here, or
    a chunk of bytes holds whole numbered rows."""
    first.clear()  # the widths are known by now
    number = state.last_row
    for batch in batches:
        if batch and isinstance(chunk := batch[0][0], bytes):
            number += chunk.count(b"</row>")
            _check_room(number)
            state.last_row = number
            yield chunk
            continue
        _check_room(number + len(batch))
        rows = cast(list[str], [row[0] for row in batch])
        numbers = map(str, range(number + 1, number + 1 + len(rows)))
        yield "".join(map(str.replace, rows, repeat(ROW_NUMBER), numbers)).encode()
        number += len(rows)
        state.last_row = number


def _about_sheet(provenance: Provenance) -> bytes:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"{styled_text(label, BOLD)}'
        f'<c r="B{n}"{styled_text(value, WRAP)}</row>'
        for n, (label, value) in enumerate(provenance.about(), 1)
    )
    head = _worksheet_head('<sheetView workbookViewId="0"/>', [24, 100])
    return f"{head}{rows}</sheetData>{_MARGINS}</worksheet>".encode()


# --- package parts ---------------------------------------------------------------------------


def _styles_xml(scales: Sequence[int]) -> str:
    """Cell styles in the order of the ``BOLD``... indexes, then one per decimal scale."""
    codes = ["yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "hh:mm:ss", *("0." + "0" * n for n in scales)]
    formats = "".join(
        f'<numFmt numFmtId="{164 + i}" formatCode="{c}"/>' for i, c in enumerate(codes)
    )
    xf = '<xf numFmtId="{}" fontId="{}" fillId="0" borderId="0" xfId="0"{}'
    xfs = [xf.format(0, 0, "/>"), xf.format(0, 1, ' applyFont="1"/>')]
    xfs += [xf.format(164 + i, 0, ' applyNumberFormat="1"/>') for i in range(3)]
    xfs += [xf.format(0, 0, ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>')]
    xfs += [xf.format(167 + i, 0, ' applyNumberFormat="1"/>') for i in range(len(scales))]
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    return (
        f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}"><numFmts count="{len(codes)}">{formats}'
        f'</numFmts><fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _workbook_xml(columns: Sequence[ExportColumn], state: _SheetState) -> str:
    """The sheets, and the hidden filter range Excel itself records for an autofilter."""
    names = ""
    if columns:
        last = column_letter(len(columns) - 1)
        names = (
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"Data!$A$1:${last}${state.last_row}</definedName></definedNames>"
        )
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="About" sheetId="2" r:id="rId2"/>'
        f"</sheets>{names}</workbook>"
    )


def _relationships(*targets: tuple[str, str]) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}</Relationships>'


_ROOT_RELS = _relationships(
    (f"{_REL_NS}/officeDocument", "xl/workbook.xml"),
    (f"{_PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
    (f"{_REL_NS}/extended-properties", "docProps/app.xml"),
)
_WORKBOOK_RELS = _relationships(
    (f"{_REL_NS}/worksheet", "worksheets/sheet1.xml"),
    (f"{_REL_NS}/worksheet", "worksheets/sheet2.xml"),
    (f"{_REL_NS}/styles", "styles.xml"),
)
_OFFICE = "application/vnd.openxmlformats-officedocument."
_CONTENT_TYPES = "".join([
    f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>',
    *(f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in [
        ("xl/workbook.xml", f"{_OFFICE}spreadsheetml.sheet.main+xml"),
        ("xl/worksheets/sheet1.xml", f"{_OFFICE}spreadsheetml.worksheet+xml"),
        ("xl/worksheets/sheet2.xml", f"{_OFFICE}spreadsheetml.worksheet+xml"),
        ("xl/styles.xml", f"{_OFFICE}spreadsheetml.styles+xml"),
        ("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("docProps/app.xml", f"{_OFFICE}extended-properties+xml"),
    ]),
    "</Types>",
])  # fmt: skip


def _core_xml(provenance: Provenance, when: datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_XML_HEAD}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_text(provenance.source)}</dc:title>"
        f"<dc:creator>{xml_text(provenance.exported_by)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app_xml(provenance: Provenance) -> str:
    return (
        f"{_XML_HEAD}<Properties"
        ' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{xml_text(provenance.app_name)}</Application></Properties>"
    )


def _utc(moment: datetime) -> datetime:
    """Naive UTC; naive input is taken to be UTC already. ZIP dates start in 1980."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return max(moment, datetime(1980, 1, 1))


#: The data sheet's XML from the batches a writer receives.
_Sheet = Callable[[Sequence[ExportColumn], Batches, _SheetState], Iterator[bytes]]


def _members(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance, sheet: _Sheet
) -> Iterator[MemberFile]:
    """The parts in order. stream-zip reads each part to its end before asking for the next,
    so the parts after the data sheet are built once every batch has been consumed."""
    when = _utc(provenance.exported_at)
    state = _SheetState()

    def part(name: str, content: Iterable[bytes] | str) -> MemberFile:
        chunks = [content.encode()] if isinstance(content, str) else content
        return name, when, _FILE_MODE, ZIP_32, chunks

    yield part("[Content_Types].xml", _CONTENT_TYPES)
    yield part("_rels/.rels", _ROOT_RELS)
    yield part("docProps/core.xml", _core_xml(provenance, when))
    yield part("docProps/app.xml", _app_xml(provenance))
    yield part("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    yield part("xl/styles.xml", _styles_xml(decimal_scales(columns)))
    yield part("xl/worksheets/sheet1.xml", sheet(columns, batches, state))
    yield part("xl/worksheets/sheet2.xml", [_about_sheet(provenance)])
    yield part("xl/workbook.xml", _workbook_xml(columns, state))


def write_xlsx(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
) -> Generator[bytes, None, None]:
    """The workbook in chunks of 64 KiB (the last one shorter); a ``Writer``.

    ZIP_32, because Excel is reported to reject the kind of ZIP64 records stream-zip writes. That
    limits the data sheet to 4 GiB of XML: about 4 KB a row at the full million rows.
    """
    return _zipped(_members(columns, batches, provenance, _python_sheet))


def write_database_xlsx(
    first: Sequence[Row],
    columns: Sequence[ExportColumn],
    batches: Batches,
    provenance: Provenance,
) -> Generator[bytes, None, None]:
    """The same workbook from rows the database wrote as XML (``db/sql_sheet``): one-column
    rows, each a data row with ``ROW_NUMBER`` where its number goes, or each a chunk of
    whole numbered rows (bytes, one per batch). ``first``: the first
    batch of the same rows as plain values, for the column widths. Bound to ``first``, a
    ``Writer`` (``ExportFormat.database_writer``)."""

    def sheet(
        columns: Sequence[ExportColumn], batches: Batches, state: _SheetState
    ) -> Iterator[bytes]:
        sample = [first]
        return _data_sheet(columns, sample, _database_rows(sample, batches, state), state)

    return _zipped(_members(columns, batches, provenance, sheet))


def _zipped(members: Iterable[MemberFile]) -> Generator[bytes, None, None]:
    chunks = stream_zip(
        members,
        chunk_size=CHUNK_SIZE,
        get_compressobj=lambda: zlib.compressobj(level=_COMPRESS_LEVEL, wbits=-zlib.MAX_WBITS),
        extended_timestamps=False,
    )
    buffer = bytearray()  # stream-zip starts a chunk at each part: join the short ones
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)
