"""Exports: a table's filtered result or a console statement, streamed as CSV, XLSX, PDF,
JSON Lines or JSON.

Everything that can fail as an HTTP error (disabled, unknown table or format, bad
parameters, a refused or invalid statement, an unreachable database) is decided before the
response starts. After the first byte a failure is logged and the connection is dropped, so
the client sees an incomplete download rather than error text inside a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import tag, validate_request

from .. import __version__, activity
from ..apidoc import DATABASE_ERRORS, document_errors, document_file
from ..auth.guard import current_principal
from ..auth.permissions import Permission, require_permission
from ..compression import add_vary, compressed_stream, request_encodings
from ..db.export import RowStream, describe_filters
from ..errors import Forbidden, NotFound
from ..export.base import ExportColumn, Provenance
from ..export.download import close_when_task_ends, file_chunks
from ..export.formats import FORMATS, ExportFormat, csv_format
from ..monitoring.observe import finished_export, observed
from ..state import app_state
from .aggregate import AggregateSelection, aggregate_params
from .console import MAX_SQL_LENGTH, console_enabled
from .params import Flag, QueryString, RequestBody, query_string
from .rows import DataQuery, browse_params

blueprint = Blueprint("exports", __name__, url_prefix="/api")
_UNSAFE_FILENAME = re.compile(r"[^\w.-]+")
#: Every media type a download can have (TSV is csv with delimiter=tab), for the docs.
MEDIA_TYPES = sorted(
    {f.media_type.split(";")[0] for f in (*FORMATS.values(), csv_format(tab=True))}
)
DOWNLOAD_HEADERS = {
    "Content-Disposition": "attachment; filename=<name>_<UTC yyyymmdd-hhmmss>.<extension>",
    "X-PyDBPro-Row-Limit": "The row cap of this format (MAX_EXPORT_ROWS, PDF_MAX_ROWS).",
}
SOMETIMES_HEADERS = {
    "X-PyDBPro-Truncated": "true if rows beyond the row cap were left out.",
    "Content-Encoding": "br or gzip: a CSV, JSON Lines or JSON download whose request "
    "accepted that encoding.",
}


class CsvOptions(QueryString):
    bom: Flag = Field(False, description="CSV: start with a UTF-8 byte order mark (Excel).")
    delimiter: Literal["comma", "tab"] = Field("comma", description="CSV: `tab` gives TSV.")


class ExportQuery(DataQuery, CsvOptions):
    """The browse parameters (paging ones are ignored) plus the CSV options."""


class AggregateExportQuery(AggregateSelection, CsvOptions):
    """The aggregate's parameters (no paging) plus the CSV options."""


class QueryExportRequest(RequestBody):
    sql: str = Field(min_length=1, max_length=MAX_SQL_LENGTH)
    params: dict[str, Any] | None = Field(
        None, description="Values for :name placeholders, always bound as parameters."
    )


@blueprint.get("/tables/<path:table>/export/<fmt>")
@require_permission(Permission.EXPORT)
@tag(["exports"])
@query_string(ExportQuery)
@document_file(MEDIA_TYPES, DOWNLOAD_HEADERS, sometimes=SOMETIMES_HEADERS)
@document_errors(403, 404, *DATABASE_ERRORS)
async def export_table(table: str, fmt: str, query: ExportQuery) -> Response:
    """The whole filtered, sorted table (not one page) as csv, xlsx, pdf, jsonl or json."""
    _exports_enabled()
    export_format = _format(fmt, query.delimiter == "tab", query.bom)
    state = app_state()
    limit = export_format.row_limit(state.settings)
    copy = export_format.delimiter is not None
    async with observed("export", None, table=table, schema=query.schema_):
        info = await state.catalog.resolve(table, query.schema_)
        source = f"table {info.schema}.{info.name}"
        finished = finished_export(export_format.extension, source=source)
        stream = await state.exports.table(
            info, browse_params(query), limit, copy=copy,
            sheet=export_format.database_writer is not None,
        )  # fmt: skip
    provenance = _provenance(source, limit)
    provenance.filters = describe_filters(stream.filters, query.match)
    if query.q:
        provenance.filters = f"{provenance.filters}; search: {query.q}"
    provenance.sort = ", ".join(f"{s['column']} {s['order']}" for s in stream.sort) or "none"
    return _download(stream, export_format, provenance, info.name, finished)


@blueprint.get("/tables/<path:table>/aggregate/export/<fmt>")
@require_permission(Permission.EXPORT)
@tag(["exports"])
@query_string(AggregateExportQuery)
@document_file(MEDIA_TYPES, DOWNLOAD_HEADERS, sometimes=SOMETIMES_HEADERS)
@document_errors(403, 404, *DATABASE_ERRORS)
async def export_aggregate(table: str, fmt: str, query: AggregateExportQuery) -> Response:
    """Every group of ``GET .../aggregate`` (not one page) as csv, xlsx, pdf, jsonl or json."""
    _exports_enabled()
    export_format = _format(fmt, query.delimiter == "tab", query.bom)
    state = app_state()
    limit = export_format.row_limit(state.settings)
    async with observed("export", None, table=table, schema=query.schema_):
        info = await state.catalog.resolve(table, query.schema_)
        grouped = f"grouped by {', '.join(query.group)}" if query.group else "totals"
        source = f"table {info.schema}.{info.name} {grouped}: {', '.join(query.measure)}"
        finished = finished_export(export_format.extension, source=source)
        stream = await state.aggregates.export(info, aggregate_params(query), limit)
    provenance = _provenance(source, limit)
    provenance.filters = describe_filters(stream.filters, query.match)
    if query.q:
        provenance.filters = f"{provenance.filters}; search: {query.q}"
    provenance.sort = ", ".join(f"{s['column']} {s['order']}" for s in stream.sort) or "none"
    return _download(stream, export_format, provenance, f"{info.name}_grouped", finished)


@blueprint.post("/query/export/<fmt>")
@require_permission(Permission.QUERY, Permission.EXPORT)
@tag(["exports"])
@validate_request(QueryExportRequest)
@query_string(CsvOptions)
@document_file(MEDIA_TYPES, DOWNLOAD_HEADERS, sometimes=SOMETIMES_HEADERS)
@document_errors(403, 404, *DATABASE_ERRORS)
async def export_query(fmt: str, data: QueryExportRequest, query: CsvOptions) -> Response:
    """A console statement's result as a file, under the console's read-only rules."""
    _exports_enabled()
    console_enabled()
    export_format = _format(fmt, query.delimiter == "tab", query.bom)
    state = app_state()
    limit = export_format.row_limit(state.settings)
    sql = activity.sql_summary(state.settings, data.sql)
    async with observed("export", None, **sql):
        finished = finished_export(export_format.extension, source="query", **sql)
        stream = await state.exports.query(data.sql, data.params or {}, limit)
    provenance = _provenance("query", limit)
    provenance.query = data.sql
    return _download(stream, export_format, provenance, "query", finished)


def _exports_enabled() -> None:
    if not app_state().settings.allow_export:
        raise Forbidden("exports are disabled (ALLOW_EXPORT=false)", code="FEATURE_DISABLED")


def _format(name: str, tab: bool, bom: bool) -> ExportFormat:
    if name not in FORMATS:
        raise NotFound(f"unknown export format {name!r}; use {', '.join(FORMATS)}",
                       code="UNKNOWN_FORMAT")  # fmt: skip
    return csv_format(tab=tab, bom=bom) if name == "csv" else FORMATS[name]


def _transfer_encoding(export_format: ExportFormat) -> str | None:
    """brotli or gzip for a text format (CSV, JSON) whose client accepts one (the browser
    saves it decoded); XLSX and PDF are compressed inside already, and a client that asks
    for no encoding (curl without --compressed) gets the plain file."""
    wanted = request_encodings() if export_format.compressible else ()
    return wanted[0] if wanted else None


def _provenance(source: str, limit: int) -> Provenance:
    settings = app_state().settings
    return Provenance(source=source, exported_by=current_principal().username or "",
                      app_name=settings.app_name, version=__version__, row_limit=limit)  # fmt: skip


def _disposition(base: str, export_format: ExportFormat, at: datetime) -> str:
    """``attachment`` with ``<name>_<UTC yyyymmdd-hhmmss>.<ext>``: letters, digits, ``._-``
    only; an ASCII ``filename`` for old clients and the Unicode one in ``filename*``."""
    suffix = f"_{at:%Y%m%d-%H%M%S}.{export_format.extension}"
    name = _UNSAFE_FILENAME.sub("_", base).strip("._")[:100] or "export"
    ascii_name = name.encode("ascii", "ignore").decode().strip("._") or "export"
    return (f'attachment; filename="{ascii_name}{suffix}"; '
            f"filename*=UTF-8''{quote(name + suffix)}")  # fmt: skip


def _download(
    stream: RowStream,
    export_format: ExportFormat,
    provenance: Provenance,
    name: str,
    finished: Callable[..., None],
) -> Response:
    """``finished``: the export's ``finished_export``, made before its statement ran."""
    state = app_state()
    columns = [ExportColumn(c.name, c.kind, c.type) for c in stream.columns]
    body = file_chunks(stream, columns, export_format, provenance, state.export_threads, finished)
    encoding = _transfer_encoding(export_format)
    if encoding is not None:
        body = compressed_stream(body, encoding)
    response = Response(body, content_type=export_format.media_type)
    if export_format.compressible:
        add_vary(response)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    response.timeout = None  # EXPORT_QUERY_TIME bounds the work, not Quart's response timeout
    response.headers["Content-Disposition"] = _disposition(
        name, export_format, provenance.exported_at
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-PyDBPro-Row-Limit"] = str(stream.row_limit)
    if stream.truncated is not None:
        response.headers["X-PyDBPro-Truncated"] = "true" if stream.truncated else "false"
    close_when_task_ends(stream)
    return response
