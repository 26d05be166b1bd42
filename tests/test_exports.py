"""Exports through HTTP on every backend: what the user downloads, and what is refused before
the first byte. The CSV format is the documented one (README, "Export formats")."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.browse import BrowseParams
from pydbpro.export.base import ExportColumn, Provenance
from pydbpro.export.csv import write_csv
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .browsing import direct
from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .support.fixture_data import (
    BIG_DECIMAL,
    BIG_INT,
    BINARY_VALUE,
    INT64_MAX,
    INT64_MIN,
    JSON_VALUE,
    LARGE_TEXT,
    TINY_DECIMAL,
)

FILTERED = "/api/tables/customers/export/csv?filter_id_le=40&filter_vip=true&sort=name&order=desc"
DISPOSITION = re.compile(
    r'^attachment; filename="(?P<name>[A-Za-z0-9_.-]+)_\d{8}-\d{6}\.(?P<ext>\w+)"; '
    r"filename\*=UTF-8''\S+$"
)


async def download(client: Any, url: str, expect: int = 200, **kwargs: Any) -> Any:
    response = await (client.post(url, **kwargs) if "json" in kwargs else client.get(url, **kwargs))
    body = await response.get_data()
    assert response.status_code == expect, (url, response.status_code, body[:300])
    return response, body


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


SQLITE_MOMENT = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?$")


def as_csv_text(value: Any) -> str:
    """A JSON API value as the CSV export writes it (for the kinds in ``customers``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    moment = SQLITE_MOMENT.match(str(value))  # SQLite's stored text; CSV has ISO 8601
    if moment:
        fraction = (moment[3] or "").rstrip("0").rstrip(".")
        return f"{moment[1]}T{moment[2]}{fraction}"
    return str(value)


async def test_table_csv_is_the_whole_filtered_sorted_view(backend_client: Any) -> None:
    page = await (
        await backend_client.get(FILTERED.replace("export/csv", "data") + "&page_size=5")
    ).get_json()
    everything = FILTERED.replace("export/csv", "data") + "&page_size=100"
    expected = (await (await backend_client.get(everything)).get_json())["rows"]
    assert page["has_more"] and len(expected) > 5  # the export is not just the first page

    response, body = await download(backend_client, FILTERED)
    rows = csv_rows(body)
    assert rows[0] == [c["name"] for c in page["columns"]]
    assert rows[1:] == [[as_csv_text(v) for v in row] for row in expected]
    assert response.headers["X-PyDBPro-Truncated"] == "false"
    assert response.headers["X-PyDBPro-Row-Limit"] == "1000000"


async def test_columns_and_keyword_search_apply(backend_client: Any) -> None:
    _, body = await download(
        backend_client, "/api/tables/customers/export/csv?columns=id,name&q=Boss&sort=id"
    )
    assert csv_rows(body) == [["id", "name"], ["4", 'The "Boss"']]


async def test_csv_format_of_awkward_values(backend_client: Any, backend_db: TestDatabase) -> None:
    _, body = await download(backend_client, "/api/tables/types/export/csv?sort=id")
    lines = body.decode().split("\n")
    assert lines[0] == '"id","big","dec","flt","flag","d","ts","t","txt","bin","doc"'
    assert lines[-1] == ""  # every line ends with LF
    # NULL is an empty unquoted field; the empty string is "" (row 3's txt).
    assert lines[4] == '"4"' + "," * 10
    assert re.match(rf'^"3","{INT64_MIN}","0(\.0+)?","0",,,,,"",,"{{}}"$', lines[3]), lines[3]
    rows = csv_rows(body)
    one, two = rows[1], rows[2]
    assert one[:2] + one[3:8] == ["1", str(BIG_INT), "0.1", "true", "2024-02-29",
                                  "2024-02-29T23:59:59.123456", "13:37:42.5"]  # fmt: skip
    assert two[:2] + two[3:8] == ["2", str(INT64_MAX), "-1.5e+300", "false",
                                  "1970-01-01", "1999-12-31T23:59:59", "00:00:00"]  # fmt: skip
    if backend_db.dialect != "sqlite":  # SQLite itself keeps NUMERIC as a double
        assert (one[2], two[2]) == (str(BIG_DECIMAL), format(TINY_DECIMAL, "f"))
    assert one[8] == LARGE_TEXT  # never shortened, unlike the screen
    assert one[9] == BINARY_VALUE.hex() and two[9] == ""
    assert json.loads(one[10]) == JSON_VALUE
    assert json.loads(two[10]) == [1, "two", {"three": 3}]


@pytest.mark.parametrize(
    ("options", "prefix", "delimiter", "media", "ext"),
    [
        ("", b'"id"', ",", "text/csv; charset=utf-8", "csv"),
        ("&bom=1", b'\xef\xbb\xbf"id"', ",", "text/csv; charset=utf-8", "csv"),
        ("&delimiter=tab", b'"id"\t', "\t", "text/tab-separated-values; charset=utf-8", "tsv"),
    ],
)
async def test_csv_options(
    client: Any, login: Any, options: str, prefix: bytes, delimiter: str, media: str, ext: str
) -> None:
    await login(client)
    response, body = await download(
        client, f"/api/tables/customers/export/csv?columns=id,name&filter_id=3{options}"
    )
    assert body.startswith(prefix)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))
    assert rows == [["id", "name"], ["3", "O'Brien"]]
    assert response.headers["Content-Type"] == media
    match = DISPOSITION.match(response.headers["Content-Disposition"])
    assert match and match["name"] == "customers" and match["ext"] == ext
    assert response.headers["Cache-Control"] == "no-store"


async def test_unicode_table_name_gives_a_safe_filename(client: Any, login: Any) -> None:
    await login(client)
    response, _ = await download(client, "/api/tables/ünïcødé/export/csv")
    disposition = response.headers["Content-Disposition"]
    assert DISPOSITION.match(disposition), disposition
    assert "filename*=UTF-8''%C3%BCn%C3%AFc%C3%B8d%C3%A9_" in disposition


async def test_query_export_binds_parameters_and_names_the_file_query(
    backend_client: Any,
) -> None:
    response, body = await download(
        backend_client,
        "/api/query/export/csv",
        json={
            "sql": "SELECT id, name FROM customers WHERE id <= :n ORDER BY id",
            "params": {"n": 3},
        },
    )
    assert csv_rows(body) == [["id", "name"], ["1", "Zoë Müller"], ["2", "東京 太郎"],
                              ["3", "O'Brien"]]  # fmt: skip
    assert DISPOSITION.match(response.headers["Content-Disposition"])["name"] == "query"  # type: ignore[index]
    assert response.headers["X-PyDBPro-Truncated"] == "false"


@pytest.mark.parametrize(
    ("sql", "status", "code"),
    [
        ("DELETE FROM customers", 403, "READ_ONLY_VIOLATION"),
        ("SELECT 1; DROP TABLE customers", 403, "READ_ONLY_VIOLATION"),
        ("SELEC nothing", 403, "READ_ONLY_VIOLATION"),
        ("SELECT no_such_column FROM customers", 400, "SQL_ERROR"),
    ],
)
async def test_query_export_is_refused_before_the_first_byte(
    backend_client: Any, sql: str, status: int, code: str
) -> None:
    response, body = await download(
        backend_client, "/api/query/export/csv", expect=status, json={"sql": sql}
    )
    assert json.loads(body)["code"] == code
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    # Nothing was changed by the refused statement.
    _, after = await download(backend_client, "/api/tables/customers/export/csv?columns=id")
    assert len(csv_rows(after)) == 251


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/tables/no_such_table/export/csv", 404, "TABLE_NOT_FOUND"),
        ("/api/tables/secret_stuff/export/csv", 404, "TABLE_NOT_FOUND"),
        ("/api/tables/customers/export/docx", 404, "UNKNOWN_FORMAT"),
        ("/api/tables/customers/export/csv?filter_nope=1", 400, "UNKNOWN_COLUMN"),
        ("/api/tables/customers/export/xlsx?sort=nope", 400, "UNKNOWN_COLUMN"),
        ("/api/tables/customers/export/pdf?filter_id=abc", 400, None),
        ("/api/tables/customers/export/csv?delimiter=semicolon", 400, None),
        ("/api/tables/customers/export/csv?columns=id,nope", 400, "UNKNOWN_COLUMN"),
    ],
)
async def test_bad_requests_are_json_errors(
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    login: Any,
    url: str,
    status: int,
    code: str | None,
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, hidden_tables=["secret_stuff"])
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        response, body = await download(client, url, expect=status)
        error = json.loads(body)
        assert response.headers["Content-Type"] == "application/json"
        assert error["error"] and (code is None or error["code"] == code)


async def test_exports_disabled_and_anonymous_are_refused(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, allow_export=False)
    async with running_app(settings) as app:
        client = app.test_client()
        for fmt in ("csv", "xlsx", "pdf"):
            await download(client, f"/api/tables/customers/export/{fmt}", expect=401)
        await login(client)
        for fmt in ("csv", "xlsx", "pdf"):
            _, body = await download(client, f"/api/tables/customers/export/{fmt}", expect=403)
            assert json.loads(body)["code"] == "FEATURE_DISABLED"
            _, body = await download(
                client, f"/api/query/export/{fmt}", expect=403, json={"sql": "SELECT 1"}
            )
            assert json.loads(body)["code"] == "FEATURE_DISABLED"
        await download(client, "/api/tables/customers/data")  # browsing still works


async def test_query_export_needs_the_console(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, allow_sql_console=False)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        _, body = await download(
            client, "/api/query/export/csv", expect=403, json={"sql": "SELECT 1"}
        )
        assert json.loads(body)["code"] == "FEATURE_DISABLED"
        await download(client, "/api/tables/customers/export/csv")


async def test_row_cap_truncates_and_says_so(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, max_export_rows=7)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        response, body = await download(client, "/api/tables/customers/export/csv?sort=id")
        assert [r[0] for r in csv_rows(body)[1:]] == [str(i) for i in range(1, 8)]
        assert response.headers["X-PyDBPro-Truncated"] == "true"
        assert response.headers["X-PyDBPro-Row-Limit"] == "7"

        sql = {"sql": "SELECT id FROM customers ORDER BY id"}
        response, body = await download(client, "/api/query/export/csv", json=sql)
        assert len(csv_rows(body)) == 8 and response.headers["X-PyDBPro-Truncated"] == "true"

        # Exactly at the cap is not truncated.
        response, body = await download(client, "/api/tables/customers/export/csv?filter_id_le=7")
        assert len(csv_rows(body)) == 8 and response.headers["X-PyDBPro-Truncated"] == "false"
        # Other requests still work: the capped export returned its connection.
        await download(client, "/api/tables/orders/data")


# --- CSV written by the database (db/sql_csv) --------------------------------------------

WRITERS = {"postgresql": "postgresql-copy", "mysql": "mysql-sql-csv", "sqlite": "sqlite-sql-csv"}
PG_RENDERED = (
    "id,int,bigint,numeric,float8,float4,bool,text,varchar,date,json,jsonb,bytea,"
    "timestamp,timestamptz,uuid,interval"
)


async def row_path_csv(
    app: Any, table: str, columns: str | None = None, *, delimiter: str = ",", bom: bool = False
) -> bytes:
    """The same table export through the Python row path (driver values -> export_values
    -> export/text.py -> the csv module), which the database's CSV must equal byte for byte."""
    state = app_state(app)
    info = await state.catalog.resolve(table)
    chosen = tuple(columns.split(",")) if columns else None
    params = BrowseParams(page_size=100, sort=("id",), columns=chosen)
    stream = await state.exports.table(info, params, 1_000_000, copy=False)
    try:
        batches = [batch async for batch in stream.batches()]
    finally:
        await stream.close()
    described = [ExportColumn(c.name, c.kind, c.type) for c in stream.columns]
    return b"".join(write_csv(described, batches, Provenance("test"), delimiter=delimiter, bom=bom))


async def exported_by_database(
    settings: Settings, login: Any, table: str, variants: list[str]
) -> list[tuple[bytes, bytes, str]]:
    """Per variant (extra query string): (HTTP export, row path, writer from the activity log)."""
    found: list[tuple[bytes, bytes]] = []
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for extra in variants:
            query = dict(item.split("=", 1) for item in extra.split("&") if item)
            _, body = await download(client, f"/api/tables/{table}/export/csv?sort=id&{extra}")
            expected = await row_path_csv(
                app, table, query.get("columns"),
                delimiter="\t" if query.get("delimiter") == "tab" else ",",
                bom=query.get("bom") == "1",
            )  # fmt: skip
            found.append((body, expected))
        events = await audit_events(app, client, event="export")
    assert len(events) == len(variants)
    return [
        (body, expected, e["writer"]) for (body, expected), e in zip(found, events, strict=True)
    ]


@pytest.mark.parametrize("table", ["types", "dialect_types"])
async def test_database_csv_writes_the_same_bytes_as_the_row_path(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any, table: str
) -> None:
    """A table's CSV is written by the database; the Python row path gives the same file."""
    settings = make_settings(database_url=backend_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    postgresql = backend_db.dialect == "postgresql"
    chosen = f"columns={PG_RENDERED}" if postgresql and table == "dialect_types" else ""
    variants = [chosen, f"{chosen}&delimiter=tab&bom=1"]
    for body, expected, writer in await exported_by_database(settings, login, table, variants):
        assert writer == WRITERS[backend_db.dialect]
        assert body == expected
        text_ = body.decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text_), delimiter=text_[4]))) > 2
    if postgresql:  # the query export formats rows in Python too (asyncpg types its values)
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            _, copied = await download(client, f"/api/tables/{table}/export/csv?sort=id&{chosen}")
            sql = f"SELECT {chosen[8:] or '*'} FROM {table} ORDER BY id"
            _, formatted = await download(client, "/api/query/export/csv", json={"sql": sql})
        assert copied == formatted


FLOATS = [
    1e300,
    -1.5e300,
    0.1,
    1 / 3,
    1e-7,
    float(2**60),
    5e-324,
    1.7976931348623157e308,
    2.2250738585072014e-308,
    123456789012345.6,
    1e15,
    1e14,
    1e16,
    1e-4,
    1e-5,
    9.999999999999999e-05,
    999999999999999.9,
    -2.5,
    100.0,
    0.0,
    12345.678,
    2.0**-20,
]
TEXTS = ['say "hi", ok', "a,b;c", "line 1\nline 2", "crlf\r\nend", "", None, "Zoë 東京 😀",
         "tab\there", '"', '""', "x" * 100_000, "=1+1", " padded ", "\\N", "NULL"]  # fmt: skip
AWKWARD_DDL = {
    "postgresql": "CREATE TABLE {t} (id int PRIMARY KEY, txt text, flt float8, r real, "
    "ts timestamp, tz timestamptz, b boolean, n numeric, by bytea, j jsonb, d date, tm time)",
    "mysql": "CREATE TABLE {t} (id INT PRIMARY KEY, txt LONGTEXT, flt DOUBLE, r FLOAT, "
    "ts DATETIME(6), tz TIMESTAMP(3) NULL, b TINYINT(1), n DECIMAL(30,10), `by` VARBINARY(20), "
    "j JSON, d DATE, tm TIME(6), tm0 TIME, dt0 DATETIME, l1 VARCHAR(20) CHARACTER SET latin1, "
    "u BIGINT UNSIGNED, z INT(5) ZEROFILL, bits BIT(8), bit1 BIT(1), y YEAR, "
    "e ENUM('a', 'b\"c'), st SET('x', 'y')) DEFAULT CHARSET=utf8mb4",
    "sqlite": "CREATE TABLE {t} (id INTEGER PRIMARY KEY, txt TEXT, flt REAL, r DOUBLE, "
    "ts DATETIME, tz TIMESTAMP, b BOOLEAN, n NUMERIC, by BLOB, j JSON, d DATE, tm TIME, "
    "i INTEGER, u)",
}
# Values for columns beyond the common ones, row by row (cycled): each dialect's edge cases.
MYSQL_EXTRA = {  # inserted as SQL text with sql_mode='' (zero dates)
    "ts": ["'2024-02-29 23:59:59.120000'", "'0000-00-00 00:00:00'", "'1000-01-01 00:00:00'",
           "'2024-02-00 10:00:00.5'", "'9999-12-31 23:59:59.999999'"],
    "tz": ["'2024-02-29 12:00:00.5'", "'2038-01-17 03:14:07'", "'0000-00-00 00:00:00'"],
    "r": ["0.1", "3.4028235e38", "1e-7", "-2.5e-30", "16777217", "1e-45", "100"],
    "n": ["1.5", "-0.0000000001", "12345678901234567890.0123456789", "0"],
    "b": ["1", "0", "5", "-1"],
    "by": ["x'00ff10'", "''", "x'22'"],
    "j": ["'{\"a\": \"q\\\\\"uote\", \"n\": [1, 2.5]}'", "'[]'"],
    "d": ["'2024-02-29'", "'0000-00-00'", "'2024-02-00'", "'0999-01-01'"],
    "tm": ["'13:37:42.5'", "'-01:30:00'", "'838:59:59'", "'-00:00:00.5'", "'24:00:00'",
           "'00:00:00'", "'23:59:59.999999'", "'-838:59:59.000001'"],
    "tm0": ["'13:37:42'", "'-01:30:00'", "'838:59:59'", "'00:00:00'"],
    "dt0": ["'2024-02-29 23:59:59'", "'0000-00-00 00:00:00'", "'1970-01-01 00:00:00'"],
    "l1": ["'Zürich \"q\"'", "''"],
    "u": ["18446744073709551615", "0"],
    "z": ["42", "0", "99999"],
    "bits": ["b'10101010'", "b'0'", "b'11111111'"],
    "bit1": ["b'1'", "b'0'"],
    "y": ["2024", "0", "1901"],
    "e": ["'a'", "'b\"c'", "''"],
    "st": ["'x,y'", "''", "'y'"],
}  # fmt: skip
SQLITE_EXTRA: dict[str, list[Any]] = {  # SQLite keeps whatever it is given
    "ts": ["2024-02-29 23:59:59.120000", "2024-02-29T10:00:00", "2024-02-30 10:00:00",
           "2024-02-29 10:00:00+02:00", 2460000.5, "0000-01-01 00:00:00", "2024-02-29 24:00:00",
           "2024-02-29 10:00:00.1234567", "2024-02-29 10:00:00.000", "2024-02-29", 1700000000,
           "2024-02-29 10:00:00.", "not a date", b"\x00"],
    "tz": ["2024-02-29 12:00:00.500000", "1970-01-01 00:00:00"],
    "b": [1, 0, 2, "yes", 1.0, -1],
    "n": [12.5, 7, "not a number", 1e300, 0.1, b"\xff"],
    "by": [b"\x00\xff\x10", b"", "text in a blob column", b'"'],
    "j": ['{"a": "q\\"uote"}', "[]", 3, 0.5],
    "d": ["2024-02-29", "2024-02-30", "20240229", 738000, "0000-01-01", "2024-2-9"],
    "tm": ["13:37:42.500000", "25:00:00", "00:00:00", "13:37", 0.5],
    "i": [42, "42 ", 2.5, b"\x01\x00", 1e300, "text", 2**63 - 1, -(2**63), float("inf")],
    "u": [7, "seven", 0.25, b"\x00", None, '"q"'],
}  # fmt: skip


def _awkward_rows(dialect: str) -> list[dict[str, Any]]:
    count = max(len(FLOATS), len(TEXTS), 16)
    rows = []
    for i in range(count):
        row: dict[str, Any] = {"id": i + 1, "txt": TEXTS[i % len(TEXTS)],
                               "flt": FLOATS[i % len(FLOATS)]}  # fmt: skip
        if dialect == "sqlite":
            row["r"] = FLOATS[(i + 3) % len(FLOATS)]
            row.update({k: v[i % len(v)] for k, v in SQLITE_EXTRA.items()})
        elif dialect == "postgresql":
            row.update(
                r=[0.1, 1.5, -3.4028235e38, 1e-7][i % 4],
                n=["1.50", "-0.0000001", "1e20"][i % 3],
                b=[True, False, None][i % 3],
                by=[b"\x00\xff", b"", b'"'][i % 3],
                j=['{"a": "q\\"uote"}', "[1, 2.5]"][i % 2],
                ts=["2024-02-29 23:59:59.12", "1999-12-31 23:59:59"][i % 2],
                tz=["2024-02-29 23:59:59.5+02", "1970-01-01 00:00:00+00"][i % 2],
                d=["2024-02-29", "0001-01-01"][i % 2],
                tm=["13:37:42.5", "00:00:00"][i % 2],
            )
        rows.append(row)
    return rows


async def _create_awkward(db: TestDatabase, name: str) -> None:
    dialect = db.dialect
    rows = _awkward_rows(dialect)
    async with direct(db) as conn:
        await conn.exec_driver_sql(AWKWARD_DDL[dialect].format(t=name))
        if dialect == "mysql":
            await conn.exec_driver_sql("SET SESSION sql_mode = ''")
            for i, row in enumerate(rows):
                extra = {k: v[i % len(v)] for k, v in MYSQL_EXTRA.items()}
                names = ", ".join(f"`{k}`" for k in [*row, *extra])
                values = ", ".join([":id", ":txt", ":flt", *extra.values()]).replace("%", "%%")
                await conn.execute(text(f"INSERT INTO {name} ({names}) VALUES ({values})"), row)
            return
        names = ", ".join(rows[0])
        values = ", ".join(f":{k}" for k in rows[0])
        if dialect == "postgresql":
            types = {"n": "numeric", "ts": "timestamp", "tz": "timestamptz", "d": "date",
                     "tm": "time", "j": "jsonb"}  # fmt: skip
            values = ", ".join(
                f"CAST(CAST(:{k} AS text) AS {types[k]})" if k in types else f":{k}"
                for k in rows[0]
            )
        await conn.execute(text(f"INSERT INTO {name} ({names}) VALUES ({values})"), rows)


async def test_database_csv_of_awkward_values(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """Quotes, separators, CR/LF, empty vs NULL, unicode, 100,000 characters, extreme
    floats, and each dialect's odd values (MariaDB zero dates and TIME beyond a day, SQLite
    values of another storage class than their column's): same bytes as the row path, with
    comma or tab, with or without BOM; one nullable column writes NULL as "" like the csv
    module (PostgreSQL's COPY cannot, so that export takes the row path)."""
    name = f"csv_{secrets.token_hex(4)}"
    await _create_awkward(backend_db, name)
    try:
        settings = make_settings(database_url=backend_db.readonly_url, enable_activity_log=True,
                                 audit_sinks="store")  # fmt: skip
        variants = ["", "delimiter=tab", "bom=1", "delimiter=tab&bom=1", "columns=txt",
                    "columns=flt", "columns=flt,ts,txt,n"]  # fmt: skip
        found = await exported_by_database(settings, login, name, variants)
    finally:
        async with direct(backend_db) as conn:
            await conn.exec_driver_sql(f"DROP TABLE {name}")
    fast = WRITERS[backend_db.dialect]
    single = "rows" if backend_db.dialect == "postgresql" else fast
    assert [writer for _, _, writer in found] == [fast] * 4 + [single] * 2 + [fast]
    for body, expected, _ in found:
        assert body.split(b"\n") == expected.split(b"\n")
    lines = found[0][0].decode()
    assert '"say ""hi"", ok"' in lines and '"crlf\r\nend"' in lines and '"x' + "x" * 99_999 in lines
    assert '"1e+300"' in lines and '"-1.5e+300"' in lines and '"1e-07"' in lines
    assert '"0.3333333333333333"' in lines and '"1.152921504606847e+18"' in lines
    assert ',"",' in lines and ",," in lines  # the empty string and NULL differ
    assert found[1][0].startswith(b'"id"\t"txt"') and found[2][0].startswith(b'\xef\xbb\xbf"id"')
    assert b'\n""\n' in found[4][0]  # the one NULL of a one-column export


async def test_a_column_the_database_cannot_render_takes_the_row_path(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """PostgreSQL arrays, MariaDB's fixed-decimal FLOAT(M,D): the row path."""
    if backend_db.dialect == "sqlite":
        pytest.skip("every SQLite value has a database-written form")
    name = f"csv_{secrets.token_hex(4)}"
    kind = "integer[]" if backend_db.dialect == "postgresql" else "DOUBLE(12,4)"
    async with direct(backend_db) as conn:
        await conn.exec_driver_sql(f"CREATE TABLE {name} (id INT PRIMARY KEY, v {kind})")
        value = "'{1,NULL,3}'" if backend_db.dialect == "postgresql" else "1.5"
        await conn.exec_driver_sql(f"INSERT INTO {name} VALUES (1, {value}), (2, NULL)")
    try:
        settings = make_settings(database_url=backend_db.readonly_url, enable_activity_log=True,
                                 audit_sinks="store")  # fmt: skip
        found = await exported_by_database(settings, login, name, ["", "columns=id"])
    finally:
        async with direct(backend_db) as conn:
            await conn.exec_driver_sql(f"DROP TABLE {name}")
    assert [writer for _, _, writer in found] == ["rows", WRITERS[backend_db.dialect]]
    assert all(body == expected for body, expected, _ in found)
