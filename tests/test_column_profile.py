"""Column profiles (``GET /api/tables/<t>/profile?column=<c>``, issue 19 item 2) on every
backend: exact figures of the fixture's known values, the planner's estimates when the
exact reads run out of time, and the errors (a hidden table is never reachable)."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import TestDatabase, running_app
from .support.fixture_schema import FIXTURE_DATA

ORDERS = FIXTURE_DATA["orders"]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


async def test_exact_figures_of_known_values(backend_client: Any) -> None:
    status = await get_json(backend_client, "/api/tables/orders/profile?column=status")
    counted = Counter(row["status"] for row in ORDERS if row["status"] is not None)
    assert status["source"] == "exact" and status["reason"] is None
    assert status["column"]["kind"] == "text"
    assert status["rows"] == {"value": len(ORDERS), "exact": True}
    assert status["distinct"] == {"value": len(counted), "exact": True}
    assert status["nulls"] == {"value": len(ORDERS) - sum(counted.values()), "exact": True}
    assert status["min"] == {"value": min(counted), "exact": True}
    assert status["max"] == {"value": max(counted), "exact": True}
    assert status["avg"] is None  # text has no average
    # Most frequent first, ties in value order.
    expected = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    assert status["most_common"] == {
        "values": [{"value": v, "count": n} for v, n in expected], "exact": True
    }  # fmt: skip

    total = await get_json(backend_client, "/api/tables/orders/profile?column=total")
    totals = [row["total"] for row in ORDERS]
    # DECIMAL values are strings, as the data API writes them; the average is a number.
    assert total["min"]["value"] == _money(min(totals))
    assert total["max"]["value"] == _money(max(totals))
    assert abs(total["avg"]["value"] - float(sum(totals) / len(totals))) < 0.01
    assert total["distinct"]["value"] == len(set(totals))


async def test_kinds_without_an_order(backend_client: Any) -> None:
    """JSON (text on MariaDB) and binary: no min, max or average; the common values are
    encoded as a page encodes the column's cells."""
    page = await get_json(backend_client, "/api/tables/types/data?columns=doc,bin&sort=id")
    for at, name in enumerate(("doc", "bin")):
        body = await get_json(backend_client, f"/api/tables/types/profile?column={name}")
        assert body["avg"] is None
        if body["column"]["kind"] != "text":
            assert body["min"] is None and body["max"] is None
        cells = [json.dumps(row[at], sort_keys=True) for row in page["rows"]]
        values = [json.dumps(v["value"], sort_keys=True) for v in body["most_common"]["values"]]
        assert values and set(values) <= set(cells)
        assert body["distinct"] == {"value": len(values), "exact": True}


async def test_an_average_the_database_cannot_compute(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """``types.flt`` holds -1.5e300: PostgreSQL's avg(float8) also sums the squares, which
    overflow; the profile still answers, with the average unknown."""
    body = await get_json(backend_client, "/api/tables/types/profile?column=flt")
    assert (body["min"]["value"], body["max"]["value"]) == (-1.5e300, 0.1)
    assert body["nulls"] == {"value": 1, "exact": True}
    if backend_db.dialect == "postgresql":
        assert body["avg"] == {"value": None, "exact": False}
    else:
        assert body["avg"]["value"] == pytest.approx(-5e299)


async def test_profile_errors(backend_client: Any) -> None:
    client = backend_client
    unknown = await get_json(client, "/api/tables/orders/profile?column=nope", expect=400)
    assert unknown["code"] == "UNKNOWN_COLUMN"
    missing = await get_json(client, "/api/tables/orders/profile", expect=400)
    assert missing["details"][0]["field"] == "column"
    extra = await get_json(client, "/api/tables/orders/profile?column=id&x=1", expect=400)
    assert extra["code"] == "UNKNOWN_PARAMETER"
    absent = await get_json(client, "/api/tables/nope/profile?column=id", expect=404)
    assert absent["code"] == "TABLE_NOT_FOUND"


#: 200,000 rows: ``tag`` is NULL in every tenth, else v0..v3. Too many to profile in the
#: 1 ms PROFILE_TIMEOUT the test gives, so the estimates answer: PostgreSQL's pg_stats,
#: MariaDB's persistent statistics with a JSON histogram (which the read-only login is
#: allowed to read here), a sample of the first rows on SQLite (which keeps none).
BIG_TABLE = {
    "postgresql": "CREATE TABLE {t} AS SELECT g AS id, CASE WHEN g % 10 = 0 THEN NULL "
    "ELSE 'v' || (g % 4) END AS tag FROM generate_series(1, 200000) g; ANALYZE {t}",
    "mysql": "CREATE TABLE {t} AS SELECT seq AS id, CASE WHEN mod(seq, 10) = 0 THEN NULL "
    "ELSE concat('v', mod(seq, 4)) END AS tag FROM seq_1_to_200000; "
    "SET SESSION histogram_type = 'JSON_HB'; ANALYZE TABLE {t} PERSISTENT FOR ALL; "
    "GRANT SELECT ON mysql.column_stats TO '{ro}'@'%%'",  # pymysql's paramstyle: %% is %
    "sqlite": "CREATE TABLE {t} AS WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
    "FROM g WHERE x < 200000) SELECT x AS id, CASE WHEN x % 10 = 0 THEN NULL "
    "ELSE 'v' || (x % 4) END AS tag FROM g; CREATE INDEX {t}_id ON {t} (id); ANALYZE {t}",
}
UNDO = {"mysql": "REVOKE SELECT ON mysql.column_stats FROM '{ro}'@'%%'"}


async def test_estimates_when_exact_is_too_slow(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """Exact reads that run out of PROFILE_TIMEOUT give way to the planner's statistics,
    or to a sample where it keeps none; a hidden table stays out of reach meanwhile."""
    name = f"profile_{secrets.token_hex(4)}"
    engine = create_async_engine(backend_db.admin_async_url, poolclass=NullPool)
    names = {"t": name, "ro": backend_db.ro_user}
    try:
        async with engine.begin() as conn:
            for statement in BIG_TABLE[backend_db.dialect].format(**names).split(";"):
                await conn.exec_driver_sql(statement)
        settings = make_settings(database_url=backend_db.readonly_url, profile_timeout=0.001,
                                 hidden_tables="orders")  # fmt: skip
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            body = await get_json(client, f"/api/tables/{name}/profile?column=tag")
            indexed = await get_json(client, f"/api/tables/{name}/profile?column=id")
            hidden = await get_json(client, "/api/tables/orders/profile?column=id", expect=404)
            assert hidden["code"] == "TABLE_NOT_FOUND"
    finally:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            if backend_db.dialect in UNDO:
                await conn.exec_driver_sql(UNDO[backend_db.dialect].format(**names))
        await engine.dispose()
    assert "PROFILE_TIMEOUT" in body["reason"]
    common = body["most_common"]
    figures = [body[f] for f in ("distinct", "nulls", "min", "max")]
    assert not common["exact"] and not any(f["exact"] for f in figures)
    assert {v["value"] for v in common["values"]} == {"v0", "v1", "v2", "v3"}
    assert body["distinct"]["value"] == 4
    assert (body["min"]["value"], body["max"]["value"]) == ("v0", "v3")
    if backend_db.dialect == "sqlite":
        assert body["source"] == "sample" and body["sample_rows"] == 10_000
        assert body["rows"] == {"value": 10_000, "exact": False}
        assert sum(v["count"] for v in common["values"]) + body["nulls"]["value"] == 10_000
        # An indexed column's distinct values are sqlite_stat1's, not the sample's 10,000.
        assert indexed["source"] == "sample"
        assert indexed["distinct"] == {"value": 200_000, "exact": False}
    else:
        assert body["source"] == "planner" and body["sample_rows"] is None
        assert abs(body["nulls"]["value"] - 20_000) < 5_000
        assert all(abs(v["count"] - 45_000) < 10_000 for v in common["values"])
