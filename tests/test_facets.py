"""Facets of a table view (``GET /api/tables/<t>/facets``) and suggested facets
(``.../facets/suggest``), on every backend; the time budget on a million rows."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from pydbpro.db.facet_buckets import date_edges, date_unit, number_edges
from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import BACKENDS, running_app
from .support.databases import TestDatabase, create_database, drop_database, require_server
from .support.fixture_big import BIG_ROWS, BIG_TABLE, KINDS, add_big_table
from .support.fixture_schema import FIXTURE_DATA

ORDERS = FIXTURE_DATA["orders"]


def top_values(values: Iterable[Any]) -> list[dict[str, Any]]:
    """What a facet lists: most frequent first, ties by value, NULL after values."""
    counted = Counter(values)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [{"value": value, "count": count} for value, count in ordered[:30]]


def buckets(body: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(b["start"], b["end"], b["count"]) for b in body["histogram"]]


async def test_facets_of_a_filtered_selection(backend_client: Any) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/orders/facets?column=status&column=total"
                                  "&column=ordered_at&filter_total_ge=1000")  # fmt: skip
    status, total, ordered = body["facets"]
    picked = [o for o in ORDERS if o["total"] >= 1000]
    # NULL is a value of its own; counts are of the filtered rows only.
    assert status["values"] == top_values(o["status"] for o in picked)
    assert (status["truncated"], status["timed_out"], status["histogram"]) == (False, False, None)
    # Round edges from the least to the greatest value: 1000.xx .. 4999.xx by 500.
    edges = list(range(1000, 5001, 500))
    expected = [(str(low), str(high),
                 sum(1 for o in picked if low <= o["total"] < high))
                for low, high in pairwise(edges)]  # fmt: skip
    assert (total["unit"], buckets(total)) == ("number", expected)
    assert sum(v["count"] for v in total["values"]) < len(picked) and total["truncated"]
    # Four years of timestamps: one bucket a year.
    years = [(f"{y}-01-01T00:00:00", f"{y + 1}-01-01T00:00:00",
              sum(1 for o in picked if o["ordered_at"].year == y))
             for y in range(2020, 2024)]  # fmt: skip
    assert (ordered["unit"], buckets(ordered)) == ("year", years)


async def test_a_histogram_across_the_whole_64_bit_range(backend_client: Any) -> None:
    """``types.big`` holds both extremes of BIGINT: round edges would lie past them, so the
    first bucket starts at the least value and the last has no upper bound; each bucket
    still selects, as filters, exactly the rows it counted."""
    client = backend_client
    body = await get_json(client, "/api/tables/types/facets?column=big")
    histogram = body["facets"][0]["histogram"]
    values = [t["big"] for t in FIXTURE_DATA["types"] if t["big"] is not None]
    assert histogram[0]["start"] == str(min(values)) and histogram[-1]["end"] is None
    assert sum(b["count"] for b in histogram) == len(values)
    for bucket in (histogram[0], histogram[-1]):
        upper = f"&filter_big_lt={bucket['end']}" if bucket["end"] is not None else ""
        page = await get_json(
            client, f"/api/tables/types/data?filter_big_ge={bucket['start']}{upper}"
        )
        assert page["total"] == bucket["count"] > 0


async def test_day_buckets_search_and_a_date_column(backend_client: Any) -> None:
    client = backend_client
    body = await get_json(
        client,
        "/api/tables/orders/facets?column=ordered_at&column=status"
        "&filter_ordered_at_ge=2021-03-01&filter_ordered_at_lt=2021-03-15&q=paid",
    )
    ordered, status = body["facets"]
    picked = [o for o in ORDERS if datetime(2021, 3, 1) <= o["ordered_at"] < datetime(2021, 3, 15)
              and o["status"] == "paid"]  # fmt: skip
    assert status["values"] == [{"value": "paid", "count": len(picked)}]
    days = sorted({o["ordered_at"].date() for o in picked})
    per_day = Counter(o["ordered_at"].date() for o in picked)
    assert ordered["unit"] == "day"
    first = days[0]
    assert buckets(ordered)[0] == (f"{first}T00:00:00", f"{date.fromordinal(first.toordinal() + 1)}"
                                   "T00:00:00", per_day[first])  # fmt: skip
    assert [b[2] for b in buckets(ordered)] == [
        per_day[date.fromordinal(d)] for d in range(first.toordinal(), days[-1].toordinal() + 1)
    ]
    # A DATE column over 54 years: two years a bucket, from an even year; NULLs listed.
    typed = (await get_json(client, "/api/tables/types/facets?column=d"))["facets"][0]
    assert typed["values"] == [{"value": None, "count": 2}, {"value": "1970-01-01", "count": 1},
                               {"value": "2024-02-29", "count": 1}]  # fmt: skip
    spans = buckets(typed)
    assert (typed["unit"], len(spans), spans[0], spans[-1]) == (
        "year",
        28,
        ("1970-01-01", "1972-01-01", 1),
        ("2024-01-01", "2026-01-01", 1),
    )
    assert sum(b[2] for b in spans) == 2


async def test_facet_errors(backend_client: Any) -> None:
    client = backend_client
    cases = [
        ("/api/tables/orders/facets?column=nope", 400, "UNKNOWN_COLUMN"),
        ("/api/tables/types/facets?column=bin", 400, "COLUMN_NOT_FACETABLE"),
        ("/api/tables/orders/facets?column=status&filter_nope=1", 400, "UNKNOWN_COLUMN"),
        ("/api/tables/orders/facets?column=status&filter_total=abc", 400, "BAD_VALUE"),
        ("/api/tables/orders/facets?column=status&page=2", 400, "UNKNOWN_PARAMETER"),
        ("/api/tables/nope/facets?column=a", 404, "TABLE_NOT_FOUND"),
        ("/api/tables/nope/facets/suggest", 404, "TABLE_NOT_FOUND"),
    ]
    for url, status, code in cases:
        assert (await get_json(client, url, expect=status))["code"] == code, url
    missing = await get_json(client, "/api/tables/orders/facets", expect=400)
    six = "&".join(f"column={c}" for c in ("id", "status", "total", "ordered_at", "id", "x"))
    too_many = await get_json(client, f"/api/tables/orders/facets?{six}", expect=400)
    assert {d["field"] for d in missing["details"] + too_many["details"]} == {"column"}


async def test_suggestions_of_a_small_table(backend_client: Any) -> None:
    """Statistics, or in a table this small an exact count: the status's five values (NULL
    not counted); the key and the many-valued columns are no suggestion. (InnoDB's index
    cardinality is whatever its last sample said, so customer_id may come too there.)"""
    body = await get_json(backend_client, "/api/tables/orders/facets/suggest")
    assert {"column": "status", "distinct": 5} in body["columns"]
    assert {c["column"] for c in body["columns"]} <= {"status", "customer_id"}


@pytest.fixture(scope="session")
async def big_databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Callable[[str], Any]]:
    """A database per backend with the fixture and ``facet_million``, made once."""
    created: dict[str, TestDatabase] = {}
    root: Path = tmp_path_factory.mktemp("big")

    async def get(dialect: str) -> TestDatabase:
        if dialect not in created:
            if dialect != "sqlite":
                require_server(dialect)
            db = await create_database(dialect, root / dialect)
            created[dialect] = db
            await add_big_table(db)
        return created[dialect]

    yield get
    for db in created.values():
        await drop_database(db)


@pytest.mark.parametrize("dialect", BACKENDS)
async def test_a_million_rows(
    dialect: str, big_databases: Callable[[str], Any], make_settings: Callable[..., Settings],
    login: Any,
) -> None:  # fmt: skip
    """The budget holds on a million rows, pages answer meanwhile, suggestions come from
    statistics, and hidden tables have no facets."""
    db = await big_databases(dialect)
    budget = 0.5
    settings = make_settings(database_url=db.readonly_url, facet_timeout=budget,
                             hidden_tables="orders")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        url = f"/api/tables/{BIG_TABLE}"
        started = time.monotonic()
        slow = asyncio.create_task(get_json(client, f"{url}/facets?column=kind&column=code"))
        await asyncio.sleep(0.1)
        page = await get_json(client, f"{url}/data?page_size=5&count=none")
        page_seconds = time.monotonic() - started
        body = await slow
        seconds = time.monotonic() - started
        suggested = await get_json(client, f"{url}/facets/suggest")
        suggest_seconds = time.monotonic() - started - seconds
        hidden = await get_json(client, "/api/tables/orders/facets?column=status", expect=404)
        hidden_suggest = await get_json(client, "/api/tables/orders/facets/suggest", expect=404)
    kind, code = body["facets"]
    assert code["timed_out"] and seconds < budget + 0.5, (code, seconds)
    if not kind["timed_out"]:  # the indexed column may finish in time on a fast machine
        assert sum(v["count"] for v in kind["values"]) == BIG_ROWS
    assert len(page["rows"]) == 5 and page_seconds < budget, page_seconds
    assert [c["column"] for c in suggested["columns"]] == ["kind"]
    assert 0 < suggested["columns"][0]["distinct"] <= 30 and suggest_seconds < 1.0
    if dialect != "mysql":  # InnoDB's cardinality is sampled: near, not exact
        assert suggested["columns"][0]["distinct"] == KINDS
    assert hidden["code"] == hidden_suggest["code"] == "TABLE_NOT_FOUND"


def test_edges_are_round_and_plain_filter_text() -> None:
    assert number_edges(Decimal("0.013"), Decimal("0.087"), integral=False) == [
        Decimal(f"0.0{n}") for n in range(1, 10)
    ]
    assert [str(e) for e in number_edges(Decimal(3), Decimal(3), integral=True)] == ["3", "4"]
    wide = Decimal("1" + "0" * 40)  # DECIMAL(65, 30) is past the default 28 digits
    assert number_edges(wide + 1, wide + 3, integral=True)[0] == wide + 1
    # Weeks from Monday; months from the first; each unit as fine as 40 buckets allow.
    low, high = date(2021, 3, 3), date(2021, 5, 20)
    assert date_unit(low, high) == "week"
    weeks = date_edges(low, high, "week")
    assert (weeks[0], weeks[-1], len(weeks)) == (date(2021, 3, 1), date(2021, 5, 24), 13)
    assert date_unit(low, date(2023, 12, 31)) == "month"
    months = date_edges(low, date(2023, 12, 31), "month")
    assert (months[0], months[-1], len(months)) == (date(2021, 3, 1), date(2024, 1, 1), 35)
