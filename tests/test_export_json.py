"""JSON Lines and JSON exports on every backend: the data pages' rows and values, whole;
the row cap; refusals before the first byte; a client that leaves stops the work."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

from pydbpro.settings import Settings

from .conftest import TestDatabase, running_app
from .support.activity import audit_events
from .support.fixture_data import BIG_INT, BINARY_VALUE, JSON_VALUE, LARGE_TEXT
from .test_export_streaming import counter, settled, stream_export
from .test_exports import DISPOSITION, download

VIEW = "filter_id_le=60&filter_vip=true&sort=name&order=desc&columns=name,id,email,vip"


def lines(body: bytes) -> list[Any]:
    assert body.endswith(b"\n") or not body
    return [json.loads(line) for line in body.decode().split("\n")[:-1]]


async def page(client: Any, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200
    return await response.get_json()  # type: ignore[no-any-return]


async def test_jsonl_and_json_hold_the_data_pages_rows(backend_client: Any) -> None:
    expected = await page(backend_client, f"/api/tables/customers/data?{VIEW}&page_size=100")
    names = [c["name"] for c in expected["columns"]]
    assert names == ["name", "id", "email", "vip"] and 5 < len(expected["rows"]) < 100

    response, body = await download(backend_client, f"/api/tables/customers/export/jsonl?{VIEW}")
    assert response.headers["Content-Type"] == "application/x-ndjson"
    assert DISPOSITION.match(response.headers["Content-Disposition"])["ext"] == "jsonl"  # type: ignore[index]
    assert response.headers["X-PyDBPro-Truncated"] == "false"
    assert lines(body) == [dict(zip(names, row, strict=True)) for row in expected["rows"]]

    response, body = await download(
        backend_client, f"/api/tables/customers/export/json?{VIEW}",
        headers={"Accept-Encoding": "gzip"},
    )  # fmt: skip
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Encoding"] == "gzip"
    document = json.loads(gzip.decompress(body))
    assert document == {"columns": expected["columns"], "rows": expected["rows"],
                        "row_count": len(expected["rows"]), "truncated": False}  # fmt: skip


async def test_values_are_the_data_apis_and_never_cut(backend_client: Any) -> None:
    """NULL and the empty string, big integers, decimals, dates, binary and JSON documents
    as the data API writes them; the long text that a page cuts comes whole."""
    shown = await page(backend_client, "/api/tables/types/data?sort=id&page_size=10")
    _, body = await download(backend_client, "/api/tables/types/export/jsonl?sort=id")
    rows = lines(body)
    names = [c["name"] for c in shown["columns"]]
    cut = shown["rows"][0][names.index("txt")]
    assert cut["$truncated"] and cut["length"] == len(LARGE_TEXT)
    whole = [dict(zip(names, row, strict=True)) for row in shown["rows"]]
    whole[0]["txt"] = LARGE_TEXT
    assert rows == whole
    one, _, three, four = rows
    assert one["big"] == str(BIG_INT)
    kinds = {c["name"]: c["kind"] for c in shown["columns"]}  # MariaDB's JSON is LONGTEXT
    assert (one["doc"] if kinds["doc"] == "json" else json.loads(one["doc"])) == JSON_VALUE
    assert one["bin"] == {"$binary": BINARY_VALUE.hex(), "length": len(BINARY_VALUE)}
    assert three["txt"] == "" and four["txt"] is None

    query = {"sql": "SELECT id, id, name AS id_2 FROM customers WHERE id <= 2 ORDER BY id"}
    _, body = await download(backend_client, "/api/query/export/jsonl", json=query)
    assert [list(row) for row in lines(body)] == [["id", "id_3", "id_2"]] * 2
    _, body = await download(backend_client, "/api/query/export/json", json=query)
    document = json.loads(body)
    assert [c["name"] for c in document["columns"]] == ["id", "id", "id_2"]
    assert [row[:2] for row in document["rows"]] == [[1, 1], [2, 2]]


async def test_refused_before_the_first_byte(backend_client: Any) -> None:
    refusals = [
        ("/api/tables/customers/export/jsonl?filter_nope=1", None, 400, "UNKNOWN_COLUMN"),
        ("/api/tables/customers/export/json?columns=id,nope", None, 400, "UNKNOWN_COLUMN"),
        ("/api/query/export/jsonl", "DELETE FROM customers", 403, "READ_ONLY_VIOLATION"),
        ("/api/query/export/json", "SELECT nope FROM customers", 400, None),
    ]
    for url, sql, status, code in refusals:
        kwargs = {} if sql is None else {"json": {"sql": sql}}
        response, body = await download(backend_client, url, expect=status, **kwargs)
        assert response.headers["Content-Type"] == "application/json"
        assert "attachment" not in response.headers.get("Content-Disposition", "")
        assert code is None or json.loads(body)["code"] == code


async def test_row_cap_truncates_and_says_so(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, max_export_rows=7,
                             enable_activity_log=True, audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        response, body = await download(client, "/api/tables/customers/export/jsonl?sort=id")
        assert [row["id"] for row in lines(body)] == list(range(1, 8))
        assert response.headers["X-PyDBPro-Truncated"] == "true"
        assert response.headers["X-PyDBPro-Row-Limit"] == "7"

        sql = {"sql": "SELECT id FROM customers ORDER BY id"}
        response, body = await download(client, "/api/query/export/json", json=sql)
        document = json.loads(body)
        assert document["rows"] == [[i] for i in range(1, 8)]
        assert (document["row_count"], document["truncated"]) == (7, True)
        assert response.headers["X-PyDBPro-Truncated"] == "true"

        _, body = await download(client, "/api/tables/customers/export/json?filter_id_le=7")
        assert json.loads(body)["truncated"] is False  # exactly at the cap
        events = await audit_events(app, client, event="export")
        assert [(e["format"], e["rows"], e["truncated"]) for e in events] == [
            ("jsonl", 7, True), ("json", 7, True), ("json", 7, False)
        ]  # fmt: skip


async def test_a_client_that_leaves_stops_the_export(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, max_query_time=30)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for fmt, start in (("jsonl", b'{"x":1}\n'), ("json", b'{"columns":[{"name":"x"')):
            first = await _first_chunk(client, counter(backend_db.dialect), fmt)
            assert first.startswith(start)
            await settled(app, backend_db)  # nothing runs on the server, the connection is back
        # The pool is healthy: the next export runs to its end.
        chunks: list[bytes] = []
        status = await stream_export(client, counter(backend_db.dialect, 5000), chunks.append,
                                     path="/api/query/export/json")  # fmt: skip
    document = json.loads(b"".join(chunks))
    assert status == 200 and document["rows"] == [[i] for i in range(1, 5001)]


async def _first_chunk(client: Any, sql: str, fmt: str) -> bytes:
    """The first chunk of the statement's export; then the client leaves."""
    received: list[bytes] = []
    # on_chunk answers False (append gives None): the client leaves after the first chunk
    await stream_export(client, sql, lambda chunk: received.append(chunk) is not None,
                        path=f"/api/query/export/{fmt}")  # fmt: skip
    return received[0]
