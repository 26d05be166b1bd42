"""CSV (and TSV) in the documented format: UTF-8, a header row, RFC 4180 quoting.

Every value except NULL is quoted, and NULL is an empty unquoted field, so NULL and the
empty string stay distinct (PostgreSQL's ``COPY ... CSV FORCE_QUOTE *`` writes the same
bytes). Lines end with LF. Values are written as ``export/text.py`` says. Formula-like text
(``=...``) is written as it is: CSV is data, and altering it would corrupt it for every
program that is not a spreadsheet; the XLSX export is the spreadsheet-safe format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence

from .base import Batches, ExportColumn, Provenance
from .text import cell_text

BOM = b"\xef\xbb\xbf"
CHUNK_BYTES = 64 * 1024


class _Null(float):
    """NULL for the csv module: a "number" (so QUOTE_NONNUMERIC leaves it unquoted) whose
    text is empty. Python 3.12's QUOTE_NOTNULL does this directly; 3.11 lacks it."""

    def __str__(self) -> str:
        return ""

    __repr__ = __str__


NULL = _Null()


def write_csv(
    columns: Sequence[ExportColumn],
    batches: Batches,
    provenance: Provenance,
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> Generator[bytes, None, None]:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC
    )
    writer.writerow([c.name for c in columns])
    header = buffer.getvalue().encode()
    yield (BOM + header) if bom else header  # the first bytes leave before the data
    _reset(buffer)
    for batch in batches:
        writer.writerows([NULL if v is None else cell_text(v) for v in row] for row in batch)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            _reset(buffer)
    if buffer.tell():
        yield buffer.getvalue().encode()


def _reset(buffer: io.StringIO) -> None:
    buffer.seek(0)
    buffer.truncate()
