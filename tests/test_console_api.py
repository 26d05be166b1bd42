"""The SQL console through HTTP on every backend: reads work, anything else is refused,
limits hold, and a full-privilege connection still changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from quart import Quart
from sqlalchemy import inspect, text

from pydbpro.settings import Settings
from pydbpro.state import app_state

from .browsing import direct
from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .test_sql_guard import REFUSED_EVERYWHERE, REFUSED_MYSQL, REFUSED_PG, REFUSED_SQLITE

DIALECT_REFUSED = {"postgresql": REFUSED_PG, "mysql": REFUSED_MYSQL, "sqlite": REFUSED_SQLITE}
SLEEP = {
    "postgresql": "SELECT pg_sleep(30)",
    "mysql": "SELECT SLEEP(30)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT max(x) FROM (SELECT x FROM c LIMIT 2000000000)",
}
MANY_ROWS = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) "
    "SELECT x FROM c"
)


async def post(client: Any, path: str, body: dict[str, Any], expect: int = 200) -> Any:
    response = await client.post(path, json=body)
    data = await response.get_json()
    assert response.status_code == expect, (body, response.status_code, data)
    return data


@pytest.fixture
async def full_privilege_app(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> AsyncIterator[tuple[Quart, Any]]:
    settings = make_settings(database_url=backend_db.full_url, max_query_time=1.0)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        yield app, client


@pytest.mark.parametrize(
    ("sql", "check"),
    [
        ("SELECT id, name FROM customers WHERE id = :id", lambda r: r["rows"] == [[3, "O'Brien"]]),
        (
            "SELECT c.id, count(o.id) AS n FROM customers c JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id ORDER BY n DESC, c.id LIMIT 3",
            lambda r: r["row_count"] == 3,
        ),
        (
            "WITH t AS (SELECT id FROM customers WHERE id < 4) SELECT count(*) AS n FROM t",
            lambda r: r["rows"] == [[3]],
        ),
        ("SELECT 1 AS a, 2 AS a", lambda r: [c["name"] for c in r["columns"]] == ["a", "a"]),
        (
            "SELECT name FROM customers WHERE name = 'Zoë Müller' -- a comment with DROP",
            lambda r: r["rows"] == [["Zoë Müller"]],
        ),
        (
            "SELECT id FROM customers UNION SELECT id FROM orders ORDER BY 1 LIMIT 2",
            lambda r: r["rows"] == [[1], [2]],
        ),
        ("SELECT big FROM types WHERE id = 1", lambda r: r["rows"] == [["9007199254740993"]]),
        (
            "SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM customers "
            "ORDER BY id LIMIT 2",
            lambda r: r["rows"] == [[1, 250], [2, 249]],
        ),
        (
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) "
            "SELECT sum(x) AS s FROM n",
            lambda r: r["rows"] in ([[15]], [["15"]]),
        ),
        (
            "SELECT count(*) AS n FROM orders WHERE customer_id IN "
            "(SELECT id FROM customers WHERE city = :city)",
            lambda r: r["row_count"] == 1,
        ),
        ("SELECT 'Łódź 東京 😀' AS s", lambda r: r["rows"] == [["Łódź 東京 😀"]]),
        (
            "/* a DELETE in a comment */ SELECT 'DROP TABLE x; --' AS s",
            lambda r: r["rows"] == [["DROP TABLE x; --"]],
        ),
    ],
)
async def test_reads_work(backend_client: Any, sql: str, check: Any) -> None:
    params = {k: v for k, v in {"id": 3, "city": "Dublin"}.items() if f":{k}" in sql}
    body = await post(backend_client, "/api/query", {"sql": sql, "params": params})
    assert body["statement_type"] == "SELECT" and body["truncated"] is False
    assert check(body), body


async def test_refused_statements_are_403_with_a_reason(backend_client: Any) -> None:
    for sql in ("DELETE FROM customers", "SELECT 1; SELECT 2", "DROP TABLE customers"):
        body = await post(backend_client, "/api/query", {"sql": sql}, expect=403)
        assert body["code"] == "READ_ONLY_VIOLATION" and len(body["error"].split()) >= 3


async def test_database_errors_are_400_with_its_message(backend_client: Any) -> None:
    syntax = await post(backend_client, "/api/query", {"sql": "SELECT FROM WHERE"}, expect=400)
    assert syntax["code"] in ("SQL_ERROR", "READ_ONLY_VIOLATION"), syntax
    unknown = await post(backend_client, "/api/query", {"sql": "SELECT nope FROM customers"},
                         expect=400)  # fmt: skip
    assert unknown["code"] == "SQL_ERROR" and "nope" in unknown["error"]
    assert "Traceback" not in unknown["error"] and "sqlalchemy" not in unknown["error"].lower()


async def test_where_the_statement_failed_is_given_where_the_database_says(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """PostgreSQL's error position (1-based, in the statement as written) comes back in
    ``details``; with placeholders the database counted in another text ($1 for :value),
    so none is given rather than a wrong one. MariaDB and SQLite give none."""
    sql = "\n  SELECT id FROM no_such_table"
    plain = await post(backend_client, "/api/query", {"sql": sql}, expect=400)
    bound = await post(backend_client, "/api/query",
                       {"sql": "SELECT :value, id FROM no_such_table", "params": {"value": 1}},
                       expect=400)  # fmt: skip
    if backend_db.dialect == "postgresql":
        assert plain["details"] == {"position": sql.index("no_such_table") + 1}
    else:
        assert not (plain.get("details") or {}).get("position")
    assert not (bound.get("details") or {}).get("position")


async def test_a_syntax_error_is_placed_on_every_database(backend_client: Any) -> None:
    """PostgreSQL gives the position; MariaDB's 1064 quotes the text from the failure on
    (``near '= 1' at line 4``), found once on that line; SQLite says nothing useful, so
    sqlglot's parse of the statement places it. Each lands on the second ``=``."""
    sql = "SELECT id,\n  name\nFROM customers\nWHERE id = = 1"
    body = await post(backend_client, "/api/query", {"sql": sql}, expect=400)
    assert body["code"] == "SQL_ERROR" and body["details"] == {"position": sql.index("= 1") + 1}


async def test_a_syntax_error_quoted_more_than_once_is_not_placed(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """MariaDB quotes ``1`` and it occurs twice on its line: no guess."""
    if backend_db.dialect != "mysql":
        pytest.skip("PostgreSQL and SQLite do not place by quoted text")
    body = await post(backend_client, "/api/query", {"sql": "SELECT 1 FROM 1"}, expect=400)
    assert body["code"] == "SQL_ERROR" and not body.get("details")


async def test_a_statement_refused_unparsed_says_where_the_parse_stopped(
    backend_client: Any,
) -> None:
    """The statement check cannot parse it and a write word is in it: refused (403) before
    the database sees it, with where sqlglot stopped."""
    sql = "SELECT id, name\nFROM customers INTO"
    body = await post(backend_client, "/api/query", {"sql": sql}, expect=403)
    assert body["code"] == "READ_ONLY_VIOLATION"
    assert body["details"] == {"position": sql.index("INTO") + 1}


async def test_row_cap_truncates_without_reading_everything(backend_client: Any) -> None:
    body = await post(backend_client, "/api/query", {"sql": MANY_ROWS, "max_rows": 10})
    assert body["truncated"] is True and body["row_count"] == 10
    assert [row[0] for row in body["rows"]] == list(range(1, 11))
    assert (await post(backend_client, "/api/query", {"sql": "SELECT 1 AS x"}))["rows"] == [[1]]


async def test_max_rows_above_the_setting_is_400(backend_client: Any) -> None:
    body = await post(backend_client, "/api/query", {"sql": "SELECT 1", "max_rows": 10**9},
                      expect=400)  # fmt: skip
    assert "MAX_RECORDS_RETRIEVE" in body["error"]


async def test_timeout_is_504_and_the_server_keeps_serving(
    full_privilege_app: tuple[Quart, Any], backend_db: TestDatabase
) -> None:
    _, client = full_privilege_app
    finished: list[str] = []

    async def slow() -> Any:
        body = await post(client, "/api/query", {"sql": SLEEP[backend_db.dialect]}, expect=504)
        finished.append("slow")
        return body

    async def meanwhile() -> None:
        await asyncio.sleep(0.3)
        assert (await post(client, "/api/query", {"sql": "SELECT 1 AS x"}))["rows"] == [[1]]
        finished.append("quick")

    body, _ = await asyncio.gather(slow(), meanwhile())
    assert body["code"] == "QUERY_TIMEOUT" and "exceeded 1 s" in body["error"]
    assert finished == ["quick", "slow"]  # answered while the slow statement was running


async def test_explain(backend_client: Any, backend_db: TestDatabase) -> None:
    body = await post(backend_client, "/api/query/explain",
                      {"sql": "SELECT * FROM customers WHERE id = 1"})  # fmt: skip
    assert body["plan"]
    refused = await post(backend_client, "/api/query/explain", {"sql": "DELETE FROM orders"},
                         expect=403)  # fmt: skip
    assert refused["code"] == "READ_ONLY_VIOLATION"


async def test_console_can_be_disabled(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    async with running_app(make_settings(database_url=sqlite_db.readonly_url,
                                         allow_sql_console=False)) as app:  # fmt: skip
        client = app.test_client()
        await login(client)
        for path in ("/api/query", "/api/query/explain"):
            body = await post(client, path, {"sql": "SELECT 1"}, expect=403)
            assert body["code"] == "FEATURE_DISABLED"


SERVER_SETTINGS = {
    "postgresql": "SELECT name, setting FROM pg_settings ORDER BY name",
    "mysql": "SHOW GLOBAL VARIABLES",
}


async def _checksum(db: TestDatabase) -> str:
    """Every table's rows, the list of tables and the server's settings: any change shows."""
    digest = hashlib.sha256()
    async with direct(db) as conn:
        if db.dialect in SERVER_SETTINGS:
            settings = (await conn.execute(text(SERVER_SETTINGS[db.dialect]))).all()
            digest.update(repr(sorted(map(repr, settings))).encode())
        names = sorted(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        digest.update(repr(names).encode())
        for name in names:
            quoted = conn.dialect.identifier_preparer.quote(name)
            # PostgreSQL: each row as its text (the fixture holds values asyncpg's own
            # codecs cannot decode, such as 24:00:00).
            row = f"{quoted}::text" if db.dialect == "postgresql" else "*"
            rows = (await conn.execute(text(f"SELECT {row} FROM {quoted}"))).all()
            digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


async def test_refused_corpus_changes_nothing_with_full_privileges(
    full_privilege_app: tuple[Quart, Any], backend_db: TestDatabase
) -> None:
    _, client = full_privilege_app
    before = await _checksum(backend_db)
    corpus = [sql for group in REFUSED_EVERYWHERE.values() for sql in group]
    corpus += [sql for group in DIALECT_REFUSED[backend_db.dialect].values() for sql in group]
    assert len(corpus) >= 60
    for sql in corpus:
        response = await client.post("/api/query", json={"sql": sql})
        assert response.status_code in (400, 403), (sql, await response.get_json())
    assert await _checksum(backend_db) == before


#: Sleeps still running on this test's own database (run through ``direct``): other suites,
#: and the other workers of this one (pytest -n), sleep on the same servers at once.
ACTIVE_SLEEPS = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'pydbpro' AND state = 'active' AND query LIKE '%pg_sleep%'",
    "mysql": "SELECT count(*) FROM information_schema.processlist "
    "WHERE db = DATABASE() AND info LIKE 'SELECT SLEEP%'",
}


async def test_client_disconnect_cancels_the_statement(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """Quart cancels the handler when the client goes away; the server must stop too."""
    settings = make_settings(database_url=backend_db.full_url, max_query_time=30)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        body = json.dumps({"sql": SLEEP[backend_db.dialect]}).encode()
        headers = {"Content-Type": "application/json"}
        async with client.request("/api/query", method="POST", headers=headers) as connection:
            await connection.send(body)
            await connection.send_complete()
            await asyncio.sleep(1.0)  # the statement is running on the server now
            await connection.disconnect()
            disconnected = asyncio.get_running_loop().time()
        await asyncio.sleep(0.5)
        if backend_db.dialect in ACTIVE_SLEEPS:
            async with direct(backend_db) as conn:
                running = (await conn.execute(text(ACTIVE_SLEEPS[backend_db.dialect]))).scalar()
            assert running == 0
        assert app_state(app).database.engine.pool.checkedout() == 0
        # SQLite: stopped now, not at MAX_QUERY_TIME (the disconnect took that long before).
        assert asyncio.get_running_loop().time() - disconnected < 5
        started = asyncio.get_running_loop().time()
        assert (await post(client, "/api/query", {"sql": "SELECT 1 AS x"}))["rows"] == [[1]]
        assert asyncio.get_running_loop().time() - started < 5  # SQLite: not stuck behind it


CATALOG_READS = {
    "postgresql": [
        ("SHOW search_path", "SHOW"),
        ("TABLE customers", "TABLE"),
        ("EXPLAIN SELECT * FROM customers", "EXPLAIN"),
    ],
    "mysql": [
        ("SHOW TABLES", "SHOW"),
        ("DESCRIBE customers", "DESCRIBE"),
        ("SHOW COLUMNS FROM customers", "SHOW"),
        ("EXPLAIN SELECT * FROM customers", "EXPLAIN"),
    ],
    "sqlite": [
        ("PRAGMA table_info(customers)", "PRAGMA"),
        ("EXPLAIN QUERY PLAN SELECT * FROM customers", "EXPLAIN"),
    ],
}


async def test_dialect_catalog_reads(backend_client: Any, backend_db: TestDatabase) -> None:
    for sql, kind in CATALOG_READS[backend_db.dialect]:
        body = await post(backend_client, "/api/query", {"sql": sql})
        assert body["row_count"] > 0, sql
        assert body["statement_type"] == kind, (sql, body["statement_type"])


async def test_errors_carry_the_database_position(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("only PostgreSQL reports an error position")
    body = await post(
        backend_client, "/api/query", {"sql": "SELECT nope FROM customers"}, expect=400
    )
    assert body["details"]["position"] == 8


async def test_executions_reach_the_activity_log(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await post(client, "/api/query", {"sql": "SELECT 42 AS answer"})
        events = await audit_events(app, client, event="query_executed")
    assert len(events) == 1 and events[0]["user"] == "alice" and events[0]["rows"] == 1
    assert "sql" not in events[0] and events[0]["sql_length"] == len("SELECT 42 AS answer")


async def test_mysql_time_values_are_times_in_the_console(
    backend_db: TestDatabase, backend_client: Any
) -> None:
    """MySQL's driver returns TIME as a duration; the console still shows a time."""
    if backend_db.dialect != "mysql":
        pytest.skip("TIME arrives as a duration only from MySQL's drivers")
    sql = "SELECT CAST('10:30:05' AS TIME) AS t, CAST('-838:59:59' AS TIME) AS extreme"
    body = await post(backend_client, "/api/query", {"sql": sql})
    assert [c["kind"] for c in body["columns"]] == ["time", "time"]
    assert body["rows"] == [["10:30:05", "-838:59:59"]]


async def test_intervals_stay_durations_in_the_console(
    backend_db: TestDatabase, backend_client: Any
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("only PostgreSQL has interval values")
    body = await post(backend_client, "/api/query", {"sql": "SELECT interval '1 day 2 hours' AS i"})
    assert body["columns"][0]["kind"] == "interval" and body["rows"] == [["P1DT2H"]]


async def test_format_lays_out_statements_and_keeps_comments(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """Format (sqlglot, in the connection's dialect) lays the statements out and keeps the
    comments; the database never sees them (an unknown table is no error)."""
    quote = "`" if backend_db.dialect == "mysql" else '"'
    sql = (f"select c.id, {quote}name{quote} -- who\nfrom no_such c join orders o "
           "on o.customer_id=c.id where c.id in (1,2);select 2;")  # fmt: skip
    body = await post(backend_client, "/api/query/format", {"sql": sql})
    lines = body["sql"].splitlines()
    assert lines[:3] == ["SELECT", "  c.id,", f"  {quote}name{quote} /* who */"], body["sql"]
    assert "FROM no_such AS c" in lines and "JOIN orders AS o" in lines
    assert body["sql"].endswith("SELECT\n  2;")


async def test_format_keeps_placeholders_and_what_is_not_a_query(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """``:name`` stays ``:name`` (sqlglot writes PostgreSQL's ``%(name)s``); a statement that
    is not a query is kept as written (sqlglot would write ``PRAGMA table_info = t``, an
    assignment), and a line comment never swallows the ``;`` after it."""
    other = {"sqlite": "PRAGMA table_info(customers)", "postgresql": "SHOW search_path",
             "mysql": "SHOW TABLES"}[backend_db.dialect]  # fmt: skip
    sql = f"select id from customers where city = :city;\n{other}; -- the end\n;"
    body = await post(backend_client, "/api/query/format", {"sql": sql})
    assert body["sql"] == (
        f"SELECT\n  id\nFROM customers\nWHERE\n  city = :city;\n\n{other};\n\n-- the end\n;"
    )


async def test_format_of_what_does_not_parse_is_400_with_the_position(
    backend_client: Any,
) -> None:
    sql = "SELECT id,\nFROM customers WHERE (a"
    body = await post(backend_client, "/api/query/format", {"sql": sql}, expect=400)
    assert body["code"] == "SQL_PARSE_ERROR" and "cannot be formatted" in body["error"]
    assert body["details"] == {"position": sql.index("a", sql.index("(")) + 1}
    second = "SELECT 1;\nSELECT id FROM customers WHERE id IN (1 oops)"
    body = await post(backend_client, "/api/query/format", {"sql": second}, expect=400)
    assert body["details"] == {"position": second.index("oops") + 1}  # in the whole text
    empty = await post(backend_client, "/api/query/format", {"sql": " ; "}, expect=400)
    assert empty["code"] == "SQL_PARSE_ERROR"
