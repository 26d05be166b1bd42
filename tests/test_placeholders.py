"""Console placeholders: ``:name`` is bound only where it is code; the rest of the text
reaches the database exactly as written, and parameters and placeholders must match."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import TestDatabase


async def _post(client: Any, body: dict[str, Any], path: str = "/api/query") -> tuple[int, Any]:
    response = await client.post(path, json=body)
    return response.status_code, await response.get_json()


async def _row(client: Any, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    status, body = await _post(client, {"sql": sql, "params": params or {}})
    assert status == 200, (sql, body)
    return body["rows"][0]  # type: ignore[no-any-return]


async def test_a_placeholder_inside_a_string_is_text(backend_client: Any) -> None:
    """It came back as '$1': a silently wrong answer."""
    row = await _row(backend_client, "SELECT ':a' AS x, :a AS y", {"a": "zzz"})
    assert row == [":a", "zzz"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT ':1' AS x", [":1"]),
        ("SELECT 'a:b :c' AS x -- and :d in a comment", ["a:b :c"]),
        ("SELECT /* :e */ 'x\\:y' AS x", ["x\\:y"]),  # a backslash before : stays too
    ],
)
async def test_colons_outside_code_are_left_alone(
    backend_client: Any, backend_db: TestDatabase, sql: str, expected: list[Any]
) -> None:
    if backend_db.dialect == "mysql" and "\\" in sql:
        expected = ["x:y"]  # MySQL reads '\:' in a string as ':' (its own escape rules)
    assert await _row(backend_client, sql) == expected


async def test_postgresql_literals_slices_and_casts(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("jsonb, array slices, casts and dollar quotes are PostgreSQL's")
    client = backend_client
    assert await _row(client, """SELECT '{"n":true}'::jsonb AS j""") == [{"n": True}]
    assert await _row(client, "SELECT (ARRAY[1, 2, 3])[:2] AS a") == [[1, 2]]
    assert await _row(client, "SELECT $$ :x $$ AS d, $t$:y$t$ AS e") == [" :x ", ":y"]
    assert await _row(client, "SELECT :n::int + 1 AS n", {"n": 41}) == [42]


async def test_mysql_comments_and_percent_signs(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "mysql":
        pytest.skip("# comments are MySQL's")
    row = await _row(backend_client, "SELECT '100%' AS p, :v AS v # :w", {"v": "50%"})
    assert row == ["100%", "50%"]


async def test_a_missing_parameter_is_400_naming_it(backend_client: Any) -> None:
    status, body = await _post(backend_client, {"sql": "SELECT :a AS x, :b AS y"})
    assert (status, body["code"]) == (400, "MISSING_PARAMETER"), body
    assert ":a" in body["error"] and ":b" in body["error"]


async def test_an_unknown_parameter_is_400_naming_it(backend_client: Any) -> None:
    sql = "SELECT :a AS x"
    status, body = await _post(backend_client, {"sql": sql, "params": {"a": 1, "typo": 2}})
    assert (status, body["code"]) == (400, "UNKNOWN_PARAMETER"), body
    assert "'typo'" in body["error"] and ":a" in body["error"]


async def test_exports_and_explain_bind_the_same_way(backend_client: Any) -> None:
    body = {"sql": "SELECT ':a' AS x, :a AS y", "params": {"a": "zzz"}}
    response = await backend_client.post("/api/query/export/csv", json=body)
    assert response.status_code == 200
    assert (await response.get_data()).decode("utf-8").splitlines()[-1] == '":a","zzz"'
    status, plan = await _post(backend_client, body, "/api/query/explain")
    assert status == 200, plan
    status, missing = await _post(backend_client, {"sql": "SELECT :a"}, "/api/query/export/csv")
    assert (status, missing["code"]) == (400, "MISSING_PARAMETER")


@pytest.mark.parametrize("value", [{"nested": 1}, [{"a": 1}], [1, [{"a": 1}]]],
                         ids=["object", "list-of-objects", "nested"])  # fmt: skip
@pytest.mark.parametrize("path", ["/api/query", "/api/query/explain", "/api/query/export/csv"])
async def test_an_object_as_a_value_is_400_naming_it(
    backend_client: Any, path: str, value: Any
) -> None:
    """Found by tests/test_openapi_fuzz.py: PyMySQL refused an object with a TypeError (a
    500); the other drivers refused it as a 400. No database binds a JSON object."""
    body = {"sql": "SELECT * FROM customers WHERE id = :id", "params": {"id": value}}
    status, answer = await _post(backend_client, body, path)
    assert status == 400 and answer["code"] == "BAD_VALUE", (status, answer)
    assert "'id'" in answer["error"], answer
