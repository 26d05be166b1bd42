"""The export formats, keyed by the name in the URL: writer, media type, extension, row cap,
and whether compressing the download in transit pays (CSV and JSON: text; XLSX is a zip
already, PDF streams are deflated by the writer)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from functools import partial

from ..settings import Settings
from .base import Batches, ExportColumn, Provenance, Row, Writer
from .csv import write_csv
from .json_lines import write_json, write_jsonl
from .xlsx import write_database_xlsx, write_xlsx

#: Excel's sheet has 1,048,576 rows; one is the header.
XLSX_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    writer: Writer
    delimiter: str | None = None  # CSV only: what the PostgreSQL COPY fast path needs
    bom: bool = False
    compressible: bool = False  # sent with Content-Encoding when the client accepts one
    #: The writer gets the data API's JSON values (``db/results.py``), not plain values.
    encoded: bool = False
    #: The writer of rows the database wrote as this format's XML (``db/sql_sheet``),
    #: given the first batch of the same rows as plain values; None: not for this format.
    database_writer: Callable[[Sequence[Row]], Writer] | None = None

    def row_limit(self, settings: Settings) -> int:
        if self.name == "pdf":
            return settings.pdf_max_rows
        if self.name == "xlsx":
            return min(settings.max_export_rows, XLSX_MAX_ROWS)
        return settings.max_export_rows


def csv_format(*, tab: bool = False, bom: bool = False) -> ExportFormat:
    """CSV with its options: ``tab`` makes it TSV, ``bom`` prefixes a UTF-8 byte order mark
    (Excel needs it to read UTF-8 CSV as UTF-8)."""
    delimiter = "\t" if tab else ","
    writer = partial(write_csv, delimiter=delimiter, bom=bom)
    if tab:
        return ExportFormat("csv", "tsv", "text/tab-separated-values; charset=utf-8", writer,
                            delimiter, bom, compressible=True)  # fmt: skip
    return ExportFormat("csv", "csv", "text/csv; charset=utf-8", writer, delimiter, bom,
                        compressible=True)  # fmt: skip


def write_pdf(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
) -> Generator[bytes, None, None]:
    """``pdf.write_pdf``, imported by the first PDF export rather than by every worker at start:
    fpdf2 with its font and image libraries is about 18 MB of each worker's resident memory,
    for the least used format. The import runs on the first ``next``, in the writer's thread,
    so the event loop never waits for it."""
    from .pdf import write_pdf as write  # deferred on purpose, see above

    yield from write(columns, batches, provenance)


FORMATS: dict[str, ExportFormat] = {
    "csv": csv_format(),
    "xlsx": ExportFormat(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        write_xlsx,
        database_writer=lambda first: partial(write_database_xlsx, first),
    ),
    "pdf": ExportFormat("pdf", "pdf", "application/pdf", write_pdf),
    # NDJSON's media type: the one JSON Lines readers and HTTP clients recognise (no JSON
    # Lines type is registered).
    "jsonl": ExportFormat(
        "jsonl", "jsonl", "application/x-ndjson", write_jsonl, compressible=True, encoded=True
    ),
    "json": ExportFormat(
        "json", "json", "application/json", write_json, compressible=True, encoded=True
    ),
}
