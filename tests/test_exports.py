"""Exports through HTTP on every backend: what the user downloads, and what is refused before
the first byte. The CSV format is the documented one (README, "Export formats")."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from pydbpro.settings import Settings

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


PG_RENDERED = (
    "id,int,bigint,numeric,float8,float4,bool,text,varchar,date,json,jsonb,bytea,"
    "timestamp,timestamptz,uuid"
)


@pytest.mark.parametrize(("table", "columns"), [("types", None), ("dialect_types", PG_RENDERED)])
async def test_postgresql_copy_writes_the_same_bytes_as_the_row_path(
    make_settings: Callable[..., Settings],
    backend_db: TestDatabase,
    login: Any,
    table: str,
    columns: str | None,
) -> None:
    """A table's CSV comes from COPY; a query's from rows formatted in Python: same file."""
    if backend_db.dialect != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    settings = make_settings(database_url=backend_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        chosen = f"&columns={columns}" if columns else ""
        _, copied = await download(client, f"/api/tables/{table}/export/csv?sort=id{chosen}")
        sql = f"SELECT {columns or '*'} FROM {table} ORDER BY id"
        _, formatted = await download(client, "/api/query/export/csv", json={"sql": sql})
        events = await audit_events(app, client, event="export")
    assert [e["writer"] for e in events] == ["postgresql-copy", "rows"]
    assert copied == formatted
    assert len(csv_rows(copied)) > 2
