"""What real schemas have (``support/fixture_real.py``): values Python cannot hold, objects the
database cannot read, partitions and inheritance, hidden tables behind foreign keys,
untyped view columns, catalog tables with their own types."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import TestDatabase, running_app
from .support.fixture_real import PG_PARTITIONS, UNREADABLE

#: PostgreSQL's real_shapes: id -> column -> its JSON value (the database's own text where
#: Python's types cannot hold the value).
PG_VALUES: dict[int, dict[str, Any]] = {
    1: {"span": "P1Y2M3DT4H5M6.5S", "ttz": "12:00:00+05:30", "d": "2024-02-29"},
    2: {"d": "infinity", "ts": "-infinity", "tstz": "infinity", "t": "24:00:00",
        "ttz": "24:00:00+02", "span": "P-178000000Y-1M-2DT-0.000001S", "f8": "NaN",
        "f4": "-Infinity", "n": "NaN"},
    3: {"d": "4713-01-01 BC", "ts": "0044-03-15 12:34:56.5 BC",
        "tstz": "0044-03-15 12:00:00+00 BC", "span": "P100Y", "f8": "Infinity",
        "n": "1" + "0" * 400},
    4: {"d": "10000-01-01", "ts": "294276-12-31 23:59:59.999999",
        "tstz": "12345-06-07 08:09:10+00", "n": "-0.000000000000000000000000000001"},
}  # fmt: skip


def _pg_only(db: TestDatabase) -> None:
    if db.dialect != "postgresql":
        pytest.skip("a PostgreSQL shape")


async def _rows(client: Any, table: str, query: str = "") -> list[dict[str, Any]]:
    body = await get_json(client, f"/api/tables/{table}/data?page_size=100&sort=id{query}")
    names = [c["name"] for c in body["columns"]]
    return [dict(zip(names, row, strict=True)) for row in body["rows"]]


async def test_values_python_cannot_hold_reach_the_page_as_the_databases_text(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    _pg_only(backend_db)
    rows = {row["id"]: row for row in await _rows(backend_client, "real_shapes")}
    for id_, expected in PG_VALUES.items():
        assert {k: rows[id_][k] for k in expected} == expected, id_
    detail = await get_json(backend_client, "/api/tables/real_shapes/row?id=2")
    names = [c["name"] for c in detail["columns"]]
    assert dict(zip(names, detail["row"], strict=True))["t"] == "24:00:00"
    by_date = await get_json(backend_client, "/api/tables/real_shapes/data?sort=d&order=desc")
    assert by_date["rows"][0][0] == 5 and by_date["rows"][1][0] == 2  # NULL, then infinity


async def test_values_python_cannot_hold_in_the_console(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    _pg_only(backend_db)
    sql = ("SELECT '24:00:00'::time AS a, 'infinity'::date AS b, '-infinity'::timestamp AS c, "
           "'4713-01-01 BC'::date AS d, '10000-01-01'::date AS e, 'NaN'::numeric AS f, "
           "'1000000 years 1 mon'::interval AS g, '{\"a\":1}'::jsonb -> 'a' AS h")  # fmt: skip
    response = await backend_client.post("/api/query", json={"sql": sql})
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["rows"] == [["24:00:00", "infinity", "-infinity", "4713-01-01 BC",
                             "10000-01-01", "NaN", "P1000000Y1M", 1]]  # fmt: skip


@pytest.mark.parametrize("columns", ["id,d,ts,tstz,t,span,n,f8", "id,ttz,ir,mr,x,pair,grid,days"])
async def test_odd_values_export_the_same_from_the_database_and_from_python(
    backend_client: Any, backend_db: TestDatabase, columns: str
) -> None:
    """COPY (the first set) and the row path (the console's export of the same rows)
    write these values identically; the second set goes down the row path, other types
    as PostgreSQL's own text."""
    _pg_only(backend_db)
    url = f"/api/tables/real_shapes/export/csv?sort=id&columns={columns}"
    table = await backend_client.get(url)
    sql = f"SELECT {columns} FROM real_shapes ORDER BY id"
    query = await backend_client.post("/api/query/export/csv", json={"sql": sql})
    assert table.status_code == query.status_code == 200
    lines = list(csv.reader(io.StringIO((await table.get_data()).decode())))
    if columns.startswith("id,d,"):
        assert await table.get_data() == await query.get_data()
        assert lines[2][:5] == ["2", "infinity", "-infinity", "infinity", "24:00:00"]
        assert lines[3][1:4] == ["4713-01-01 BC", "0044-03-15 12:34:56.5 BC",
                                 "0044-03-15 12:00:00+00 BC"]  # fmt: skip
    else:
        xml = "<film><title>Zoë &amp; 東京</title></film>"
        assert lines[1][1:6] == ["12:00:00+05:30", "[1,10)", "{[1,3),[5,7)}", xml, "(9.99,EUR)"]
        assert lines[2][5] == '(,"it\'s ""odd"", (really)")'
    for fmt in ("xlsx", "pdf"):
        response = await backend_client.get(url.replace("/csv", f"/{fmt}"))
        assert response.status_code == 200 and await response.get_data()


async def test_an_object_the_database_cannot_read_is_409_with_its_reason(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    for name, reason in UNREADABLE[backend_db.dialect].items():
        for path in (f"/api/tables/{name}/data", f"/api/tables/{name}/export/csv",
                     f"/api/tables/{name}/export/pdf"):  # fmt: skip
            body = await get_json(backend_client, path, expect=409)
            assert body["code"] == "OBJECT_NOT_READABLE" and reason in body["error"], body
            assert reason in body["details"]["reason"], body  # the database's own words
        structure = await backend_client.get(f"/api/tables/{name}/schema")
        assert structure.status_code in (200, 409)  # a never-populated view still has columns
    assert (await get_json(backend_client, "/api/tables/customers/data"))["rows"]


async def test_references_through_partitions_and_children_reach_the_parent(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    _pg_only(backend_db)
    tables = {t["name"] for t in (await get_json(backend_client, "/api/tables"))["tables"]}
    assert not tables & set(PG_PARTITIONS) and {"measurements", "visits"} <= tables
    customers = await get_json(backend_client, "/api/tables/customers/schema")
    referencing = [fk["table"] for fk in customers["referenced_by"]]
    assert referencing.count("measurements") == 1 and referencing.count("visits") == 1
    assert not set(referencing) & {*PG_PARTITIONS, "visits_2024"}
    employees = await get_json(backend_client, "/api/tables/employees/schema")
    assert "measurements" in [fk["table"] for fk in employees["referenced_by"]]
    row = await get_json(backend_client, "/api/tables/customers/row?id=1")
    counts = {child["table"]: child["count"] for child in row["children"]}
    assert counts["measurements"] == 4 and counts["visits"] == 3  # children's rows included
    for child in row["children"]:
        query = "&".join(f"{k}={v}" for k, v in child["filter"].items())
        listed = await get_json(backend_client, f"/api/tables/{child['table']}/data?{query}")
        assert listed["total"] == child["count"], child


async def test_a_hidden_table_is_absent_from_every_reference(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, hidden_tables="customers")
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        orders = await get_json(client, "/api/tables/orders/schema")
        assert orders["foreign_keys"] == []
        row = await get_json(client, "/api/tables/orders/row?id=1")
        assert row["parents"] == []
        await get_json(client, "/api/tables/customers/schema", expect=404)
        employees = await get_json(client, "/api/tables/employees/schema")
        assert "customers" not in [fk["references"]["table"] for fk in employees["foreign_keys"]]


async def test_untyped_view_columns_take_the_kind_of_their_values(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """A SQLite view's count(*) has no declared type; it is an integer all the same."""
    structure = await get_json(backend_client, "/api/tables/customer_orders/schema")
    kinds = {c["name"]: c["kind"] for c in structure["columns"]}
    assert kinds["order_count"] in ("integer", "bigint"), kinds
    assert kinds["total_spent"] in ("decimal", "float"), kinds
    view = "/api/tables/customer_orders/data"
    body = await get_json(backend_client, f"{view}?sort=order_count&order=desc")
    counts = [int(row[2]) for row in body["rows"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    busy = await get_json(backend_client, f"{view}?filter_order_count_gt=3")
    assert busy["rows"] and all(int(row[2]) > 3 for row in busy["rows"])


async def test_untyped_sqlite_view_dates_are_dates(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "sqlite":
        pytest.skip("SQLite views over date text")
    structure = await get_json(backend_client, "/api/tables/first_orders/schema")
    kinds = {c["name"]: c["kind"] for c in structure["columns"]}
    assert (kinds["first_order"], kinds["first_day"], kinds["n"]) == ("datetime", "date",
                                                                     "integer")  # fmt: skip
    view = "/api/tables/first_orders/data?page_size=100"
    later = await get_json(backend_client, f"{view}&filter_first_day_ge=2020-06-01&sort=first_day")
    days = [row[2] for row in later["rows"]]
    assert days and days == sorted(days) and all(day >= "2020-06-01" for day in days)


async def test_sqlite_dates_in_json_as_in_files(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "sqlite":
        pytest.skip("SQLite keeps date-times as text")
    rows = await _rows(backend_client, "real_shapes")
    assert [row["happened"] for row in rows[:3]] == [
        "2025-12-31T19:59:35", "2025-12-31T19:59:35.123000+02:00", "yesterday"]  # fmt: skip
    exported = await backend_client.get(
        "/api/tables/real_shapes/export/csv?sort=id&columns=id,happened")
    lines = (await exported.get_data()).decode().splitlines()
    assert lines[1] == '"1","2025-12-31T19:59:35"'


async def test_catalog_tables_open(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """pg_class & co. have columns with their own collation: their structure was a 500."""
    _pg_only(backend_db)
    settings = make_settings(database_url=backend_db.readonly_url, show_system_tables=True)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for name in ("pg_class", "pg_roles", "pg_stat_activity", "pg_aggregate"):
            await get_json(client, f"/api/tables/{name}/schema?schema=pg_catalog")
            body = await get_json(client, f"/api/tables/{name}/data?schema=pg_catalog")
            assert body["rows"], name
        aggregate = await get_json(client, "/api/tables/pg_aggregate/data?schema=pg_catalog")
        key = aggregate["rows"][0][0]  # regproc: compared as its text
        await get_json(client, f"/api/tables/pg_aggregate/row?schema=pg_catalog&aggfnoid={key}")
