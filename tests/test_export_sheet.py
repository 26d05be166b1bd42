"""XLSX sheet rows written by the database (``db/sql_sheet``) against the Python writer.

Every table is exported over HTTP (the database writes the rows where its dialect can) and
through the Python path (plain values -> ``export/xlsx_cells.py``); the sheet XML must be
the same bytes. The awkward table holds each kind's edge cases: texts XML or Excel would
misread, texts past Excel's 32,767 UTF-16 units, floats and decimals at the ends of a
double's range, dates around Excel's 1900-03-01 and outside Python's range.
"""

from __future__ import annotations

import io
import math
import secrets
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.browse import BrowseParams
from pydbpro.export.base import ExportColumn, Provenance
from pydbpro.export.xlsx import write_xlsx
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .browsing import direct
from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .test_exports import FLOATS, TEXTS, download

WRITERS = {"postgresql": "postgresql-copy-sheet", "mysql": "rows", "sqlite": "rows"}
PARTS = ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml")


def parts(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return {name: book.read(name) for name in PARTS}


async def python_path_xlsx(app: Any, table: str, columns: str | None) -> bytes:
    """The same export through the Python writer, from plain values."""
    state = app_state(app)
    info = await state.catalog.resolve(table)
    chosen = tuple(columns.split(",")) if columns else None
    params = BrowseParams(page_size=100, sort=("id",), columns=chosen)
    stream = await state.exports.table(info, params, 1_000_000)
    try:
        batches = [batch async for batch in stream.batches()]
    finally:
        await stream.close()
    described = [ExportColumn(c.name, c.kind, c.type) for c in stream.columns]
    return b"".join(write_xlsx(described, batches, Provenance("test")))


async def both_paths(
    settings: Settings, login: Any, table: str, variants: list[str]
) -> list[tuple[dict[str, bytes], dict[str, bytes], str]]:
    """Per variant (``columns=...`` or nothing): (HTTP export, Python path, its writer)."""
    found = []
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for columns in variants:
            query = f"&columns={columns}" if columns else ""
            _, body = await download(client, f"/api/tables/{table}/export/xlsx?sort=id{query}")
            found.append((parts(body), parts(await python_path_xlsx(app, table, columns))))
        events = await audit_events(app, client, event="export")
    assert len(events) == len(variants)
    return [(got, want, e["writer"]) for (got, want), e in zip(found, events, strict=True)]


def _cells(sheet: bytes) -> list[bytes]:
    """The sheet cut at each cell, so that a difference names its cell."""
    return sheet.replace(b"<c r=", b"\n<c r=").split(b"\n")


def _settings(make_settings: Callable[..., Settings], db: TestDatabase) -> Settings:
    return make_settings(database_url=db.readonly_url, enable_activity_log=True,
                         audit_sinks="store")  # fmt: skip


@pytest.mark.parametrize("table", ["types", "dialect_types"])
async def test_database_sheet_rows_are_the_python_writers_bytes(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any, table: str
) -> None:
    settings = _settings(make_settings, backend_db)
    for got, want, writer in await both_paths(settings, login, table, [""]):
        assert got == want
        # PostgreSQL's dialect_types has arrays, network types...: the Python path.
        assert writer == (WRITERS[backend_db.dialect] if table == "types" else "rows")
        assert got["xl/worksheets/sheet1.xml"].count(b"<row ") > 2


PG_DDL = (
    "CREATE TABLE {t} (id int PRIMARY KEY, txt text, flt float8, r real, n numeric, "
    "n2 numeric(12,2), big bigint, ts timestamp, tz timestamptz, d date, tm time, ttz timetz, "
    "b boolean, j jsonb, by bytea, u uuid, iv interval, v varchar(20))"
)
PG_TEXTS = [*TEXTS, "_x0041_", "a_x00e9_b_x0041_c_x004", "\x01ctl\x1f", "AT&T <b> \r", "\xa0nbsp",
            "ideo\u3000", "\ufffeodd", "\x01 lead", "_x", "😀" * 20_000, "a" * 32_766 + "😀b",
            "a" * 32_765 + "😀b", "é" * 40_000, " "]  # fmt: skip
PG_FLOATS = [*FLOATS, math.nan, math.inf, -math.inf, -0.0, 1234567890123456.8, 4.5e15, 1e-320]
PG_TEXT_VALUES: dict[str, list[str | None]] = {
    "n": ["1.50", "-0.0000001", "1e20", "0.00000000", "0.0000001", "0.000001", "NaN",
          "12345678901234.56", "123456789012345678", "0.1000000000000000000", "1e400", "1e-400",
          "5e-324", "Infinity", "-Infinity", "999999999999999", "1234567890.123456", "0",
          "-1.7976931348623157e308", "0.30000000000000004", None],
    "n2": ["12.50", "-0.01", None, "1234567890.12"],
    "ts": ["2024-02-29 23:59:59.12", "1999-12-31 23:59:59", "1900-02-28 12:00:00",
           "1900-03-01 00:00:00", "0001-01-01 00:00:00", "infinity", "-infinity",
           "0044-03-15 12:00:00 BC", "9999-12-31 23:59:59.999999", "2200-06-01 00:00:00.000001",
           "1900-03-01 00:00:00.000001", "2185-01-01 13:14:15.999999", None],
    "tz": ["2024-02-29 23:59:59.5+02", "1970-01-01 00:00:00+00", "infinity",
           "1900-03-01 00:30:00+01", "0044-03-15 12:00:00+00 BC", None],
    "d": ["2024-02-29", "0001-01-01", "1900-02-28", "1900-03-01", "infinity", "-infinity",
          "0044-03-15 BC", "9999-12-31", None],
    "tm": ["13:37:42.5", "00:00:00", "24:00:00", "23:59:59.999999", "00:00:00.000001", None],
    "ttz": ["13:37:42.5+02", "24:00:00+05", "00:00:00-03", None],
    "j": ['{"a": "q\\"uote <&>"}', "[1, 2.5]", '"_x0041_"', None],
    "u": ["5f0c6c1e-9a0b-4b8e-8f00-000000000001", None],
    "iv": ["1 day 02:03:04", "-1 mon", "0", None],
    "v": [" x", "y ", "", None],
}  # fmt: skip


def _pg_rows() -> list[dict[str, Any]]:
    count = max(len(PG_TEXTS), len(PG_FLOATS), *map(len, PG_TEXT_VALUES.values()))
    return [
        {
            "id": i + 1,
            "txt": PG_TEXTS[i % len(PG_TEXTS)],
            "flt": PG_FLOATS[i % len(PG_FLOATS)],
            "r": [0.1, 1.5, -3.4028235e38, 1e-7, 16777217.0, math.nan, None][i % 7],
            "big": [2**53 - 1, 2**53, -(2**63), 2**63 - 1, 0, None][i % 6],
            "b": [True, False, None][i % 3],
            "by": [b"\x00\xff", b"", b'"', None][i % 4],
            **{k: v[i % len(v)] for k, v in PG_TEXT_VALUES.items()},
        }
        for i in range(count)
    ]


async def test_database_sheet_rows_of_awkward_values(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("only PostgreSQL writes sheet rows so far")
    name = f"xlsx_{secrets.token_hex(4)}"
    rows = _pg_rows()
    types = {"n": "numeric", "n2": "numeric", "ts": "timestamp", "tz": "timestamptz",
             "d": "date", "tm": "time", "ttz": "timetz", "j": "jsonb", "u": "uuid",
             "iv": "interval", "v": "text"}  # fmt: skip
    values = ", ".join(
        f"CAST(CAST(:{k} AS text) AS {types[k]})" if k in types else f":{k}" for k in rows[0]
    )
    async with direct(backend_db) as conn:
        await conn.exec_driver_sql(PG_DDL.format(t=name))
        await conn.execute(text(f"INSERT INTO {name} ({', '.join(rows[0])}) VALUES ({values})"),
                           rows)  # fmt: skip
    try:
        settings = _settings(make_settings, backend_db)
        found = await both_paths(settings, login, name, ["", "txt", "n,n2,flt,r"])
    finally:
        async with direct(backend_db) as conn:
            await conn.exec_driver_sql(f"DROP TABLE {name}")
    for got, want, writer in found:
        assert writer == "postgresql-copy-sheet"
        sheet, expected = got["xl/worksheets/sheet1.xml"], want["xl/worksheets/sheet1.xml"]
        differing = [
            pair
            for pair in zip(_cells(sheet), _cells(expected), strict=False)
            if len(set(pair)) > 1
        ]
        assert not differing, differing[:20]
        assert got == want
    sheet = found[0][0]["xl/worksheets/sheet1.xml"].decode()
    shown = ["_x005F_x0041_", "AT&amp;T &lt;b&gt; &#13;", 'xml:space="preserve">\xa0nbsp',
             "<v>1e+20</v>", "<v>1234567890123456.8</v>", "0." + "0" * 399 + "1<", "infinity",
             "24:00:00", ">NaN<", ' s="6"><v>12.50</v>']  # fmt: skip
    assert [text_ for text_ in shown if text_ not in sheet] == []
