"""``GET /api/config``'s ``column_kinds`` is what the data endpoint really does: on every
backend, for a column of each kind in the fixture, every listed operator is accepted, every
other one is refused with 400, and sorting is allowed exactly where it says.

The UI offers what the config lists, so a difference here is a filter the UI offers and the
server refuses (or one it never offers).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydbpro.column_kind import ColumnKind
from pydbpro.db.filters import NULL_OPS, Op

from .browsing import get_json
from .support.databases import TestDatabase
from .support.fixture_types import DIALECT_TYPES, MYSQL_ENUM_VALUES, PG_ENUM_VALUES

#: The tables whose columns between them have every kind (on PostgreSQL).
TABLES = ("types", DIALECT_TYPES)
#: A value of each kind that the filter accepts; kinds without one take no value operator.
SAMPLES: dict[str, str] = {
    "integer": "1",
    "bigint": "1",
    "decimal": "1.5",
    "float": "1.5",
    "boolean": "true",
    "date": "2024-02-29",
    "datetime": "2024-02-29T12:00:00",
    "time": "12:00:00",
    "uuid": "12345678-1234-5678-1234-567812345678",
    "text": "a",
    "other": "a",
}
ENUM_SAMPLES = {"postgresql": PG_ENUM_VALUES[0], "mysql": MYSQL_ENUM_VALUES[0]}


async def columns_by_kind(client: Any) -> dict[str, str]:
    """One column name of each kind the fixture tables have (the first one found)."""
    found: dict[str, str] = {}
    for table in TABLES:
        structure = await get_json(client, f"/api/tables/{table}/schema")
        for column in structure["columns"]:
            found.setdefault(column["kind"], f"{table}/{column['name']}")
    return found


def data_url(where: str, params: str) -> str:
    table, column = where.split("/")
    return f"/api/tables/{table}/data?columns={quote(column)}&page_size=1&count=none&{params}"


def filter_param(column: str, op: str, sample: str) -> str:
    value = "1" if op in NULL_OPS else f"{sample},{sample}" if op in ("between", "in") else sample
    return f"filter_{quote(column)}_{op}={quote(value)}"


async def test_every_kind_is_described(backend_client: Any) -> None:
    config = await get_json(backend_client, "/api/config")
    kinds = config["column_kinds"]
    assert set(kinds) == {kind.value for kind in ColumnKind}
    for rules in kinds.values():
        assert set(rules["operators"]) <= {op.value for op in Op}
        assert rules["operators"][-2:] == ["isnull", "notnull"]  # every column may be NULL


async def test_listed_operators_are_exactly_the_accepted_ones(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    client = backend_client
    kinds = (await get_json(client, "/api/config"))["column_kinds"]
    columns = await columns_by_kind(client)
    if backend_db.dialect == "postgresql":
        assert set(columns) == set(kinds), "the fixture should have a column of every kind"
    samples = {**SAMPLES, "enum": ENUM_SAMPLES.get(backend_db.dialect, "a")}
    wrong = []
    for kind, where in columns.items():
        column = where.split("/")[1]
        for op in Op:
            url = data_url(where, filter_param(column, op.value, samples.get(kind, "1")))
            response = await client.get(url)
            body = await response.get_json()
            listed = op.value in kinds[kind]["operators"]
            expected = (200, None) if listed else (400, "BAD_FILTER")
            got = (response.status_code, None if listed else body.get("code"))
            if got != expected:
                wrong.append((kind, where, op.value, response.status_code, body.get("error")))
    assert not wrong, "\n".join(map(str, wrong))


async def test_sortable_is_exactly_what_sorts(backend_client: Any) -> None:
    client = backend_client
    kinds = (await get_json(client, "/api/config"))["column_kinds"]
    for kind, where in (await columns_by_kind(client)).items():
        url = data_url(where, f"sort={quote(where.split('/')[1])}")
        expected = 200 if kinds[kind]["sortable"] else 400
        assert (await client.get(url)).status_code == expected, (kind, where)
