"""Aggregations without SQL (``GET /api/tables/<t>/aggregate`` and its exports) on every
backend: the answers are computed here from the fixture's own rows, never by asking the
database the same SQL."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import openpyxl

from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .support.fixture_schema import FIXTURE_DATA
from .support.fixture_types import DIALECT_TYPE_ROWS
from .test_column_kind_rules import columns_by_kind
from .test_exports import DISPOSITION, download
from .test_read_only_limits import slow_view

ORDERS = FIXTURE_DATA["orders"]
DETAILS = FIXTURE_DATA["Order Details"]
URL = "/api/tables/orders/aggregate"
#: ``types`` holds both ends of BIGINT and of DOUBLE: adding them up overflows SQLite's
#: 64-bit sum and PostgreSQL's float8 average, which the database reports as a 400.
OVERFLOWS = {"types/big": {(400, "SQL_ERROR")}, "types/flt": {(400, "DATA_ERROR")}}


def near(value: str, expected: Decimal, places: int) -> bool:
    """A decimal's JSON string against the exact figure: equal on PostgreSQL and MariaDB;
    SQLite averages its NUMERIC values as floats, within a rounding of the last place."""
    return abs(Decimal(value) - expected) < Decimal(10) ** -places


def by_status(rows: Iterable[dict[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["status"]].append(row)
    return grouped


async def test_groups_and_measures_of_a_filtered_selection(backend_client: Any) -> None:
    measures = ("count", "distinct:customer_id", "sum:total", "avg:total", "min:total",
                "max:ordered_at")  # fmt: skip
    query = "&".join(f"measure={m}" for m in measures)
    body = await get_json(backend_client, f"{URL}?group=status&{query}&filter_total_ge=1000")
    assert [(c["name"], c["kind"], c["role"]) for c in body["columns"]] == [
        ("status", "text", "group"), ("count", "integer", "measure"),
        ("distinct:customer_id", "integer", "measure"),
        ("sum:total", "decimal", "measure"), ("avg:total", "decimal", "measure"),
        ("min:total", "decimal", "measure"), ("max:ordered_at", "datetime", "measure"),
    ]  # fmt: skip
    groups = by_status(o for o in ORDERS if o["total"] >= 1000)
    # The group column ascending by default, NULL last.
    assert [r[0] for r in body["rows"]] == [*sorted(s for s in groups if s), None]
    assert (body["page"], body["page_size"], body["has_more"]) == (1, 20, False)
    for status, count, customers, total, mean, least, latest in body["rows"]:
        picked = groups[status]
        exact = sum(o["total"] for o in picked)
        assert (count, customers) == (len(picked), len({o["customer_id"] for o in picked}))
        # Exact on every backend: SQLite's float sum is rounded to NUMERIC(12,2)'s 2 places.
        assert isinstance(total, str) and Decimal(total) == exact, (total, exact)
        assert near(mean, exact / len(picked), 6), (mean, exact / len(picked))
        assert Decimal(least) == min(o["total"] for o in picked)
        assert latest == max(o["ordered_at"] for o in picked).isoformat()


async def test_totals_sums_of_integers_and_awkward_names(backend_client: Any) -> None:
    """No group: one row over the whole selection. A sum of integers is a decimal string on
    every backend; a column name with a space is a measure like any other."""
    table = quote("Order Details")
    body = await get_json(backend_client, f"/api/tables/{table}/aggregate?measure=count"
                          "&measure=sum:qty&measure=max:unit%20price&q=Widget")  # fmt: skip
    picked = [d for d in DETAILS if "widget" in d["product"].lower()]
    assert [c["kind"] for c in body["columns"]] == ["integer", "decimal", "decimal"]
    count, qty, price = body["rows"][0]
    assert (len(body["rows"]), count, qty) == (1, len(picked), str(sum(d["qty"] for d in picked)))
    assert Decimal(price) == max(d["unit price"] for d in picked)
    # Nothing selected: still one row, a count of 0 and no sum.
    empty = await get_json(backend_client, f"{URL}?measure=count&measure=sum:total"
                           "&filter_total_lt=0")  # fmt: skip
    assert empty["rows"] == [[0, None]]
    # count:<c> counts values, not NULLs; distinct likewise.
    known = await get_json(backend_client, f"{URL}?measure=count:status&measure=distinct:status")
    statuses = [o["status"] for o in ORDERS if o["status"] is not None]
    assert known["rows"] == [[len(statuses), len(set(statuses))]]


async def test_sort_paging_and_null_groups(backend_client: Any) -> None:
    counted = Counter(o["customer_id"] for o in ORDERS)
    expected = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    size = 40
    pages = []
    for number in range(1, len(expected) // size + 2):
        pages.append(await get_json(backend_client, f"{URL}?group=customer_id&measure=count"
                                    f"&sort=-count&page={number}&page_size={size}"))  # fmt: skip
    assert [p["has_more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert [tuple(r) for p in pages for r in p["rows"]] == expected
    # Descending, NULL comes first; two groups, the second ascending within the first.
    body = await get_json(backend_client, f"{URL}?group=status&group=customer_id&measure=count"
                          "&sort=-status&page_size=3&filter_customer_id_le=5")  # fmt: skip
    pairs = {(o["status"], o["customer_id"]) for o in ORDERS if o["customer_id"] <= 5}
    first = sorted(pairs, key=lambda p: (p[0] is not None, [-ord(c) for c in p[0] or ""], p[1]))
    assert [tuple(r[:2]) for r in body["rows"]] == first[:3] and body["has_more"]
    # Sorted by a measure with ties: the group columns break them, ascending.
    flags = await get_json(backend_client, "/api/tables/types/aggregate?group=flag"
                           "&measure=count&sort=count")  # fmt: skip
    per_flag = Counter(t["flag"] for t in FIXTURE_DATA["types"])
    assert [tuple(r) for r in flags["rows"]] == sorted(
        per_flag.items(), key=lambda item: (item[1], item[0] is None, item[0])
    )


def first_day(value: date | datetime | None, unit: str) -> str | None:
    """The first day of ``value``'s calendar bucket (weeks from Monday), as /data writes a
    date; a moment with an offset is taken in UTC, as /data shows it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        value = value.date()
    start = {
        "day": value, "week": value - timedelta(days=value.weekday()),
        "month": value.replace(day=1), "year": value.replace(month=1, day=1),
    }[unit]  # fmt: skip
    return start.isoformat()


def counted(values: Iterable[str | None]) -> list[list[Any]]:
    """Groups ascending, NULL last, with their counts: the aggregate's default order."""
    counts = Counter(values)
    return [[v, counts[v]] for v in sorted(counts, key=lambda v: (v is None, v or ""))]


async def test_dates_grouped_by_calendar_units(
    backend_db: TestDatabase, backend_client: Any
) -> None:
    client = backend_client
    month = await get_json(client, f"{URL}?group=ordered_at:month&measure=count&page_size=100")
    assert [(c["name"], c["kind"], c["role"]) for c in month["columns"]] == [
        ("ordered_at:month", "date", "group"), ("count", "integer", "measure"),
    ]  # fmt: skip
    assert month["rows"] == counted(first_day(o["ordered_at"], "month") for o in ORDERS)
    assert not month["has_more"]
    # The spec is the sort name; a column may come plain and with a unit too.
    year = await get_json(client, f"{URL}?group=ordered_at:year&group=status&measure=count"
                          "&sort=-ordered_at:year&page_size=200")  # fmt: skip
    pairs = Counter((first_day(o["ordered_at"], "year"), o["status"]) for o in ORDERS)
    assert [tuple(r) for r in year["rows"]] == sorted(
        ((y, s, n) for (y, s), n in pairs.items()),
        key=lambda r: (r[0] is not None, [-ord(c) for c in r[0] or ""], r[1] is None, r[1] or ""),
    )
    # Weeks start on Monday; a date's and a timestamp's buckets alike.
    types = FIXTURE_DATA["types"]
    for column in ("d", "ts"):
        for unit in ("week", "day"):
            body = await get_json(client, "/api/tables/types/aggregate?measure=count"
                                  f"&group={column}:{unit}")  # fmt: skip
            assert body["rows"] == counted(first_day(t[column], unit) for t in types)
    mondays = await get_json(client, "/api/tables/types/aggregate?measure=count&group=ts:week")
    assert all(date.fromisoformat(r[0]).weekday() == 0 for r in mondays["rows"] if r[0])
    # Exports share the plan: the same buckets, as dates.
    _, body = await download(client, f"{URL}/export/csv?group=ordered_at:month&measure=count")
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert lines[0] == ["ordered_at:month", "count"]
    assert [[m or None, int(n)] for m, n in lines[1:]] == month["rows"]
    _, body = await download(client, f"{URL}/export/xlsx?group=ordered_at:year&measure=count")
    cells = list(openpyxl.load_workbook(io.BytesIO(body))["Data"].iter_rows(values_only=True))
    years = counted(first_day(o["ordered_at"], "year") for o in ORDERS)
    assert [[c[0] and c[0].date().isoformat(), c[1]] for c in cells[1:]] == years
    # A drill-down's range filters select exactly a bucket's rows.
    start = month["rows"][1][0]
    after = first_day(date.fromisoformat(start) + timedelta(days=31), "month")
    rows = await get_json(client, f"/api/tables/orders/data?filter_ordered_at_ge={start}"
                          f"&filter_ordered_at_lt={after}&page_size=1&count=exact")  # fmt: skip
    assert rows["total"] == month["rows"][1][1]
    if backend_db.dialect == "postgresql":
        # timestamptz in UTC, as /data shows it: 2024-02-29 23:59:59+02 is 21:59 UTC, and
        # 1970-01-01 00:00 UTC is that day whatever the server's TimeZone.
        zoned = await get_json(client, "/api/tables/dialect_types/aggregate?measure=count"
                               "&group=timestamptz:day&group=timestamptz:year")  # fmt: skip
        values = [r["timestamptz"] for r in DIALECT_TYPE_ROWS["postgresql"]]
        expected = sorted([first_day(v, "day"), first_day(v, "year")] for v in values if v)
        assert [r[:2] for r in zoned["rows"]] == [*expected, [None, None]]
        assert expected[0] == ["1970-01-01", "1970-01-01"]


async def test_refusals(backend_client: Any) -> None:
    cases = [
        ("group=nope&measure=count", "UNKNOWN_COLUMN"),
        ("measure=sum:nope", "UNKNOWN_COLUMN"),
        ("measure=sum:status", "COLUMN_NOT_AGGREGABLE"),
        ("measure=count&filter_nope=1", "UNKNOWN_COLUMN"),
        ("measure=count&filter_total=abc", "BAD_VALUE"),
        ("measure=foo:total", "BAD_MEASURE"),
        ("measure=sum", "BAD_MEASURE"),
        ("measure=avg:", "BAD_MEASURE"),
        ("measure=count&measure=count", "BAD_MEASURE"),
        ("group=status&group=status&measure=count", "BAD_GROUP"),
        ("group=ordered_at:month&group=ordered_at:month&measure=count", "BAD_GROUP"),
        ("group=ordered_at:fortnight&measure=count", "BAD_GROUP"),
        ("group=status:month&measure=count", "BAD_GROUP"),
        ("group=total:year&measure=count", "BAD_GROUP"),
        ("group=nope:month&measure=count", "UNKNOWN_COLUMN"),
        ("group=ordered_at:month&measure=count&sort=ordered_at", "BAD_SORT"),
        ("group=status&measure=count&sort=total", "BAD_SORT"),
        ("group=status&measure=count&sort=count&sort=-count", "BAD_SORT"),
        ("measure=count&column=status", "UNKNOWN_PARAMETER"),
        ("measure=count&page_size=100000", "BAD_PAGE_SIZE"),
    ]
    for params, code in cases:
        body = await get_json(backend_client, f"{URL}?{params}", expect=400)
        assert body["code"] == code, (params, body)
    for params in ("group=bin&measure=count", "measure=sum:flag", "measure=min:flag",
                   "measure=distinct:bin", "measure=avg:txt"):  # fmt: skip
        body = await get_json(backend_client, f"/api/tables/types/aggregate?{params}", expect=400)
        assert body["code"] == "COLUMN_NOT_AGGREGABLE", (params, body)
    missing = await get_json(backend_client, f"{URL}?group=status", expect=400)
    four = "&".join(f"group={c}" for c in ("id", "status", "total", "ordered_at"))
    too_many = await get_json(backend_client, f"{URL}?{four}&measure=count", expect=400)
    assert [d["field"] for d in missing["details"] + too_many["details"]] == ["measure", "group"]
    nope = await get_json(backend_client, "/api/tables/nope/aggregate?measure=count", expect=404)
    assert nope["code"] == "TABLE_NOT_FOUND"


async def test_config_lists_exactly_what_aggregates(backend_client: Any) -> None:
    """``column_kinds[kind].aggregates`` in ``GET /api/config`` is what the aggregate takes:
    for a column of each kind the fixture has, each listed use answers (no database error),
    each other one is 400 COLUMN_NOT_AGGREGABLE; ``group_units`` likewise (else BAD_GROUP)."""
    client = backend_client
    kinds = (await get_json(client, "/api/config"))["column_kinds"]
    wrong = []
    for kind, where in (await columns_by_kind(client)).items():
        table, column = where.split("/")
        for use in ("group", "count", "distinct", "sum", "avg", "min", "max"):
            params = (f"group={quote(column)}&measure=count" if use == "group"
                      else f"measure={use}:{quote(column)}")  # fmt: skip
            response = await client.get(f"/api/tables/{table}/aggregate?{params}&page_size=2")
            body = await response.get_json()
            got = (response.status_code, body.get("code"))
            if use not in kinds[kind]["aggregates"]:
                right = got == (400, "COLUMN_NOT_AGGREGABLE")
            elif where in OVERFLOWS and use in ("sum", "avg"):
                right = response.status_code == 200 or got in OVERFLOWS[where]
            else:
                right = response.status_code == 200
            if not right:
                wrong.append((kind, where, use, response.status_code, body.get("error")))
        for unit in ("day", "week", "month", "year"):
            response = await client.get(f"/api/tables/{table}/aggregate?measure=count"
                                        f"&group={quote(column)}:{unit}&page_size=2")  # fmt: skip
            body = await response.get_json()
            got = (response.status_code, body.get("code"))
            listed = unit in kinds[kind]["group_units"]
            if got != ((200, None) if listed else (400, "BAD_GROUP")):
                wrong.append((kind, where, unit, response.status_code, body.get("error")))
    assert not wrong, "\n".join(map(str, wrong))


async def test_exports_are_the_json_rows(backend_client: Any) -> None:
    params = "group=status&measure=count&measure=sum:total&measure=min:ordered_at&sort=-count"
    rows = (await get_json(backend_client, f"{URL}?{params}"))["rows"]
    response, body = await download(backend_client, f"{URL}/export/csv?{params}")
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert lines[0] == ["status", "count", "sum:total", "min:ordered_at"]
    assert [[s, int(c), Decimal(t), m] for s, c, t, m in lines[1:]] == [
        [s or "", c, Decimal(t), m.replace(" ", "T")] for s, c, t, m in rows
    ]
    name = DISPOSITION.match(response.headers["Content-Disposition"])
    assert name is not None and name["name"] == "orders_grouped" and name["ext"] == "csv"
    assert response.headers["X-PyDBPro-Truncated"] == "false"
    assert response.headers["X-PyDBPro-Row-Limit"] == "1000000"

    _, body = await download(backend_client, f"{URL}/export/xlsx?{params}")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Data"]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == lines[0]
    assert [(s, c, Decimal(str(t))) for s, c, t, _ in cells[1:]] == [
        (s, c, Decimal(t)) for s, c, t, _ in rows
    ]
    # Refused before the first byte: a JSON error, no file.
    for url, status in ((f"{URL}/export/csv?measure=sum:status", 400),
                        (f"{URL}/export/csv?measure=count&page=2", 400),
                        (f"{URL}/export/docx?measure=count", 404),
                        ("/api/tables/nope/aggregate/export/csv?measure=count", 404)):  # fmt: skip
        response = await backend_client.get(url)
        assert response.status_code == status and "error" in await response.get_json(), url
        assert "attachment" not in response.headers.get("Content-Disposition", "")


async def test_hidden_tables_caps_and_time_limits(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    """A hidden table is 404, the export's row cap says so in its headers, and a statement
    past MAX_QUERY_TIME is a 504 (the slow view never finishes: SQLite, cheapest to stop)."""
    settings = make_settings(database_url=sqlite_db.readonly_url, hidden_tables="customers",
                             max_export_rows=3, max_query_time=0.3, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    async with slow_view(sqlite_db), running_app(settings) as app:
        client = app.test_client()
        await login(client)
        hidden = await get_json(client, "/api/tables/customers/aggregate?measure=count",
                                expect=404)  # fmt: skip
        hidden_file = await client.get("/api/tables/customers/aggregate/export/csv?measure=count")
        response, body = await download(client, f"{URL}/export/csv?group=status&measure=count")
        slow = await get_json(client, "/api/tables/slow_view/aggregate?measure=count", expect=504)
        after = await get_json(client, f"{URL}?measure=count&filter_status=paid")
        wanted = "group=status&measure=count&sort=-status"
        files = {}
        for fmt in ("jsonl", "json", "pdf"):
            files[fmt] = await download(client, f"{URL}/export/{fmt}?{wanted}")
        viewed = await audit_events(app, client, event="table_aggregated")
        exported = await audit_events(app, client, event="export")
    assert hidden["code"] == "TABLE_NOT_FOUND" and hidden_file.status_code == 404
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert len(lines) == 4 and [line[0] for line in lines[1:]] == ["cancelled", "new", "paid"]
    assert response.headers["X-PyDBPro-Truncated"] == "true"
    assert response.headers["X-PyDBPro-Row-Limit"] == "3"
    assert slow["code"] == "QUERY_TIMEOUT"
    paid = sum(1 for o in ORDERS if o["status"] == "paid")
    assert after["rows"] == [[paid]]  # the connection serves on
    # JSON Lines and JSON capped alike: NULL first (descending), then the next two.
    jsonl = [json.loads(line) for line in files["jsonl"][1].decode().splitlines()]
    counts = Counter(o["status"] for o in ORDERS)
    expected = [{"status": s, "count": counts[s]} for s in (None, "shipped", "refunded")]
    assert jsonl == expected and files["jsonl"][0].headers["X-PyDBPro-Truncated"] == "true"
    document = json.loads(files["json"][1])
    assert document["rows"] == [list(e.values()) for e in expected] and document["truncated"]
    pdf = files["pdf"][0].headers  # PDF_MAX_ROWS caps a PDF, not MAX_EXPORT_ROWS
    assert files["pdf"][1].startswith(b"%PDF") and pdf["X-PyDBPro-Row-Limit"] == "10000"
    assert pdf["X-PyDBPro-Truncated"] == "false"
    # The activity log: each grouped view, and each file with what it was made of.
    assert [(e["table"], e["group"], e["measure"], e["outcome"]) for e in viewed] == [
        ("customers", [], ["count"], "failed"), ("slow_view", [], ["count"], "timeout"),
        ("orders", [], ["count"], "ok"),
    ]  # fmt: skip
    assert viewed[-1]["filters"] == {"filter_status": "paid"} and viewed[-1]["rows"] == 1
    assert "table main.orders grouped by status: count" in {e["source"] for e in exported}
