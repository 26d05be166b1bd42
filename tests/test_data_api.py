"""Table data through HTTP: paging, cursors, sorting, filters, values, errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as urlquote

import pytest

from .browsing import direct, get_json, quote, scalar_list
from .conftest import TestDatabase
from .support.fixture_data import CUSTOMER_COUNT
from .support.fixture_real import UNREADABLE


def _ids(body: dict[str, Any]) -> list[Any]:
    index = [c["name"] for c in body["columns"]].index("id")
    return [row[index] for row in body["rows"]]


async def _all_pages(client: Any, base: str, by: str) -> list[Any]:
    """Walk a table page by page, by number or by cursor, collecting ids."""
    ids: list[Any] = []
    url = f"{base}&page=1"
    page = 1
    while True:
        body = await get_json(client, url)
        assert body["page"] == page
        ids.extend(_ids(body))
        if by == "cursor":
            if body["next_cursor"] is None:
                return ids
            url = f"{base}&cursor={body['next_cursor']}"
        else:
            if len(body["rows"]) < body["page_size"]:
                return ids
            url = f"{base}&page={page + 1}"
        page += 1


@pytest.mark.parametrize("by", ["page", "cursor"])
async def test_default_order_is_the_primary_key(
    backend_client: Any, backend_db: TestDatabase, by: str
) -> None:
    client = backend_client
    ids = await _all_pages(client, "/api/tables/customers/data?page_size=50&count=none", by)
    assert ids == await scalar_list(backend_db, "SELECT id FROM customers ORDER BY id")
    assert len(ids) == CUSTOMER_COUNT


@pytest.mark.parametrize("by", ["page", "cursor"])
async def test_multi_column_sort_with_nulls_agrees_with_sql(
    backend_client: Any, backend_db: TestDatabase, by: str
) -> None:
    client = backend_client
    base = "/api/tables/customers/data?page_size=20&sort=city,email&order=desc,asc&count=none"
    ids = await _all_pages(client, base, by)
    expected = await scalar_list(
        backend_db,
        "SELECT id FROM customers ORDER BY CASE WHEN city IS NULL THEN 0 ELSE 1 END, city DESC, "
        "CASE WHEN email IS NULL THEN 1 ELSE 0 END, email, id",  # the key follows the last order
    )
    assert ids == expected


async def test_prev_cursor_returns_the_previous_page(backend_client: Any) -> None:
    client = backend_client
    base = "/api/tables/customers/data?page_size=10&sort=balance&order=desc&count=none"
    first = await get_json(client, base)
    assert first["prev_cursor"] is None
    second = await get_json(client, f"{base}&cursor={first['next_cursor']}")
    third = await get_json(client, f"{base}&cursor={second['next_cursor']}")
    back = await get_json(client, f"{base}&cursor={third['prev_cursor']}")
    assert back["page"] == 2 and back["rows"] == second["rows"]
    again = await get_json(client, f"{base}&cursor={back['prev_cursor']}")
    assert again["rows"] == first["rows"] and again["prev_cursor"] is None


async def test_count_modes(backend_client: Any) -> None:
    client = backend_client
    exact = await get_json(client, "/api/tables/customers/data?count=exact")
    assert exact["total"] == CUSTOMER_COUNT and exact["total_is_estimate"] is False
    auto = await get_json(client, "/api/tables/customers/data")
    assert auto["total"] == CUSTOMER_COUNT
    none = await get_json(client, "/api/tables/customers/data?count=none")
    assert none["total"] is None
    estimate = await get_json(client, "/api/tables/customers/data?count=estimate")
    assert estimate["total_is_estimate"] is True


FILTER_CASES = [
    ("filter_id=7", "id = 7"),
    ("filter_id_ne=7", "id <> 7"),
    ("filter_id_lt=10", "id < 10"),
    ("filter_id_le=10", "id <= 10"),
    ("filter_balance_gt=500", "balance > 500"),
    ("filter_balance_ge=500.5", "balance >= 500.5"),
    ("filter_id_in=1,3,5&filter_id_in=9", "id IN (1, 3, 5, 9)"),
    ("filter_id_between=10,20", "id BETWEEN 10 AND 20"),
    ("filter_email_isnull=", "email IS NULL"),
    ("filter_email_notnull=1", "email IS NOT NULL"),
    # upper-case ASCII with lower-case non-ASCII: SQLite's lower() only folds ASCII
    ("filter_name_contains=ZO%C3%AB", "name = 'Zoë Müller'"),
    ("filter_name_contains=100%25+_", "name = '100% _real_ deal'"),
    ("filter_name_startswith=o'b", "name = 'O''Brien'"),
    ("filter_name_endswith=BOSS%22", "name = 'The \"Boss\"'"),
    ("filter_vip=true", "vip = TRUE"),
    ("filter_created_at_ge=2023-01-01T00:00:00", None),
]


@pytest.mark.parametrize(("params", "where"), FILTER_CASES)
async def test_filter_operators(
    backend_client: Any, backend_db: TestDatabase, params: str, where: str | None
) -> None:
    client = backend_client
    body = await get_json(client, f"/api/tables/customers/data?page_size=1000&{params}")
    ids = sorted(_ids(body))
    if where is None:
        assert ids and len(ids) < CUSTOMER_COUNT
        return
    if backend_db.dialect == "mysql":
        where = where.replace("TRUE", "1")
    expected = await scalar_list(backend_db, f"SELECT id FROM customers WHERE {where} ORDER BY id")
    assert ids == expected
    assert body["total"] == len(expected)


async def test_match_any_and_keyword(backend_client: Any) -> None:
    client = backend_client
    both = await get_json(client, "/api/tables/customers/data?filter_id=1&filter_id_in=2&match=any")
    assert sorted(_ids(both)) == [1, 2]
    keyword = await get_json(client, "/api/tables/customers/data?q=dublin")
    assert _ids(keyword) == [3]
    combined = await get_json(client, "/api/tables/customers/data?q=example.com&filter_id_le=4")
    assert _ids(combined) == [1, 4]


async def test_keyword_and_text_filters_match_enum_labels(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """PostgreSQL has no LIKE on an enum: its label is matched (as MariaDB matches it)."""
    labels = {"postgresql": "HAPP", "mysql": "MEDI"}
    if backend_db.dialect not in labels:
        pytest.skip("SQLite has no enum type")
    label = labels[backend_db.dialect]
    url = "/api/tables/dialect_types/data?columns=id"
    assert _ids(await get_json(backend_client, f"{url}&q={label.lower()}")) == [1]
    assert _ids(await get_json(backend_client, f"{url}&filter_enum_startswith={label}")) == [1]


async def test_cursor_pages_of_a_table_sorted_by_an_enum(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """The next page's seek compares the enum column with the last row's label, bound as
    the enum's own type (PostgreSQL has no mood > varchar)."""
    if backend_db.dialect == "sqlite":
        pytest.skip("SQLite has no enum type")
    base = "/api/tables/dialect_types/data?columns=id,enum&sort=enum,id&page_size=1"
    by_number = await _all_pages(backend_client, base, "page")
    assert len(by_number) > 1
    assert await _all_pages(backend_client, base, "cursor") == by_number


async def test_columns_selects_and_orders(backend_client: Any) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/customers/data?columns=email,id&page_size=10")
    assert [c["name"] for c in body["columns"]] == ["email", "id"]
    assert all(len(row) == 2 for row in body["rows"])
    assert body["rows"][0] == ["zoe@example.com", 1]


async def test_awkward_identifiers_are_browsable(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    client = backend_client
    tables = (await get_json(client, "/api/tables"))["tables"]
    unreadable = UNREADABLE[backend_db.dialect]  # tests/test_real_shapes.py: 409 for them
    for table in (t for t in tables if t["name"] not in unreadable):
        name, schema = urlquote(table["name"], safe=""), urlquote(table["schema"])
        path = f"/api/tables/{name}/data?schema={schema}"
        body = await get_json(client, f"{path}&count=exact")
        assert body["table"] == table["name"]
        if body["total"]:
            first = body["columns"][0]["name"]
            sorted_body = await get_json(client, f"{path}&sort={urlquote(first)}&order=desc")
            assert len(sorted_body["rows"]) == len(body["rows"])


async def test_values_lose_nothing(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/types/data?page_size=10&sort=id")
    kinds = {c["name"]: c["kind"] for c in body["columns"]}
    assert kinds["big"] == "bigint" and kinds["bin"] == "binary" and kinds["flag"] == "boolean"
    rows = [dict(zip(kinds, row, strict=True)) for row in body["rows"]]
    assert rows[0]["big"] == "9007199254740993"  # beyond 2^53: a string, every digit
    assert rows[1]["big"] == "9223372036854775807"
    assert rows[0]["bin"] == {"$binary": "00ff107f8000", "length": 6}
    assert rows[1]["bin"] == {"$binary": "", "length": 0}  # empty, not NULL
    assert rows[0]["txt"]["$truncated"] is True and rows[0]["txt"]["length"] == 100_000
    assert rows[0]["flag"] is True and rows[1]["flag"] is False
    assert rows[0]["d"] == "2024-02-29"
    assert rows[3] == {name: (4 if name == "id" else None) for name in kinds}
    if backend_db.dialect != "sqlite":  # SQLite keeps NUMERIC as a double
        assert rows[0]["dec"] == "12345678901234567890.0123456789"
        assert rows[1]["dec"] == "-0.0000000001"


@pytest.mark.parametrize(
    ("params", "code", "mentions"),
    [
        ("filter_nope=1", "UNKNOWN_COLUMN", "nope"),
        ("filter_id_like=1", "BAD_FILTER", "like"),
        ("filter_id=abc", "BAD_VALUE", "id"),
        ("filter_created_at_gt=yesterday", "BAD_VALUE", "created_at"),
        ("filter_id_contains=1", "BAD_FILTER", "id"),
        ("filter_id_between=1", "BAD_FILTER", "between"),
        ("sort=nope", "UNKNOWN_COLUMN", "nope"),
        ("sort=id&order=sideways", "BAD_SORT", "sideways"),
        ("sort=id,email&order=asc,desc,asc", "BAD_SORT", "order"),
        ("columns=id,nope", "UNKNOWN_COLUMN", "nope"),
        ("page=0", "BAD_REQUEST", "page"),
        ("page=abc", "BAD_REQUEST", "page"),
        ("page_size=100000", "BAD_PAGE_SIZE", "MAX_RECORDS_DISPLAY"),
        ("cursor=not-a-cursor", "BAD_CURSOR", "cursor"),
        ("match=some", "BAD_REQUEST", "match"),
        ("count=maybe", "BAD_REQUEST", "count"),
    ],
)
async def test_bad_parameters_are_400_naming_the_problem(
    backend_client: Any, params: str, code: str, mentions: str
) -> None:
    client = backend_client
    body = await get_json(client, f"/api/tables/customers/data?{params}", expect=400)
    assert body["code"] == code
    assert mentions in body["error"] + str(body.get("details", ""))


async def test_cursor_from_another_query_is_refused(backend_client: Any) -> None:
    client = backend_client
    first = await get_json(client, "/api/tables/customers/data?sort=name")
    other = await get_json(
        client, f"/api/tables/customers/data?sort=city&cursor={first['next_cursor']}", expect=400
    )
    assert other["code"] == "BAD_CURSOR"


async def test_table_without_key_pages_by_offset(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/no_pk/data?page_size=2&count=exact")
    assert body["next_cursor"] is None
    seen = list(body["rows"])
    for page in range(2, body["total"] // 2 + 2):
        seen += (await get_json(client, f"/api/tables/no_pk/data?page_size=2&page={page}"))["rows"]
    async with direct(backend_db) as conn:
        assert len(seen) == len(
            (await conn.exec_driver_sql(f"SELECT * FROM {quote(conn, 'no_pk')}")).all()
        )


async def test_tiebreaker_follows_the_last_sort_direction(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    base = "/api/tables/customers/data?page_size=100&sort=vip&order=desc&count=none"
    ids = await _all_pages(backend_client, base, "cursor")
    expected = await scalar_list(
        backend_db,
        "SELECT id FROM customers ORDER BY CASE WHEN vip IS NULL THEN 0 ELSE 1 END, "
        "vip DESC, id DESC",
    )
    assert ids == expected


@pytest.mark.parametrize("table", ["types", "dialect_types", "line_notes", "no_pk_unique"])
async def test_paging_on_every_column_type(backend_client: Any, table: str) -> None:
    """Sorted by any column either way, walking pages (by cursor where one is offered, else
    by number) visits every row exactly once."""
    name = urlquote(table, safe="")
    first = await get_json(backend_client, f"/api/tables/{name}/data?count=exact&page_size=1000")
    expected = sorted(map(str, first["rows"]))
    sortable = [c["name"] for c in first["columns"] if c["kind"] not in ("json", "other", "array")]
    for column in sortable:
        for order in ("asc", "desc"):
            sort = f"sort={urlquote(column)}&order={order}"
            base = f"/api/tables/{name}/data?page_size=7&count=none&{sort}"
            rows, url, page = [], base, 1
            while True:
                body = await get_json(backend_client, url)
                rows += body["rows"]
                if not body["has_more"]:
                    break
                page += 1
                cursor = body["next_cursor"]
                url = f"{base}&cursor={cursor}" if cursor else f"{base}&page={page}"
            assert sorted(map(str, rows)) == expected, (table, column, order)


async def test_json_columns_cannot_be_sorted(backend_client: Any, backend_db: TestDatabase) -> None:
    expect = 200 if backend_db.dialect == "mysql" else 400  # MariaDB's JSON is plain LONGTEXT
    body = await get_json(backend_client, "/api/tables/types/data?sort=doc", expect=expect)
    if expect == 400:
        assert body["code"] == "BAD_SORT" and "doc" in body["error"]
