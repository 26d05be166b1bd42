"""Compressed responses through the app: JSON, pages, static files and CSV downloads come
back brotli or gzip when the client accepts it and byte-identical once decoded; everything
else (small bodies, refused encodings, XLSX, PDF) stays as it was."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable
from typing import Any

import brotli
import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.compression import MIN_SIZE, encodings
from pydbpro.settings import Settings
from pydbpro_ui import DIST_DIR

from .conftest import TestDatabase, running_app
from .test_export_streaming import (
    ROWS,
    counter,
    export_a_million_rows,
    settled,
    stream_export,
)
from .test_exports import download

BROWSER = "gzip, deflate, br, zstd"
PAGE = "/api/tables/orders/data?page_size=100"
IMMUTABLE = "public, max-age=31536000, immutable"


def decode(body: bytes, encoding: str | None) -> bytes:
    if encoding == "br":
        return bytes(brotli.decompress(body))
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


async def fetch(client: Client, url: str, accept: str | None, method: str = "GET",
                **kwargs: Any) -> tuple[Any, bytes]:  # fmt: skip
    headers = {} if accept is None else {"Accept-Encoding": accept}
    response = await client.open(url, method=method, headers=headers, **kwargs)
    return response, await response.get_data()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", ()),
        ("identity", ()),
        ("gzip", ("gzip",)),
        ("x-gzip", ("gzip",)),
        (BROWSER, ("br", "gzip")),  # equal weights: the smaller brotli first
        ("gzip, br;q=0.5", ("gzip", "br")),
        ("GZIP;Q=0.2, BR;Q=0.9", ("br", "gzip")),
        ("br;q=0, gzip", ("gzip",)),
        ("gzip;q=0, br;q=0", ()),
        ("*", ("br", "gzip")),
        ("*;q=0", ()),
        ("*, br;q=0", ("gzip",)),  # a named encoding overrides the wildcard
        ("gzip;q=zero", ()),  # a weight that is no number accepts nothing
        ("deflate, zstd", ()),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header: str, expected: tuple[str, ...]) -> None:
    assert encodings(header) == expected


@pytest.mark.parametrize("accept", ["br", "gzip", BROWSER])
async def test_a_json_page_is_compressed_and_decodes_to_the_same_bytes(
    backend_client: Client, accept: str
) -> None:
    plain, plain_body = await fetch(backend_client, PAGE, None)
    packed, packed_body = await fetch(backend_client, PAGE, accept)
    assert plain.status_code == packed.status_code == 200
    assert len(plain_body) > MIN_SIZE
    assert "Content-Encoding" not in plain.headers
    encoding = packed.headers["Content-Encoding"]
    assert encoding == ("gzip" if accept == "gzip" else "br")
    assert decode(packed_body, encoding) == plain_body
    assert len(packed_body) < len(plain_body) / 2
    assert int(packed.headers["Content-Length"]) == len(packed_body)
    assert packed.mimetype == plain.mimetype == "application/json"
    for response in (plain, packed):
        assert response.headers["Vary"] == "Accept-Encoding"


async def test_head_announces_the_body_get_would_send(client: Client) -> None:
    get, body = await fetch(client, "/openapi.json", "gzip")
    head, _ = await fetch(client, "/openapi.json", "gzip", method="HEAD")
    assert get.headers["Content-Encoding"] == head.headers["Content-Encoding"] == "gzip"
    assert int(head.headers["Content-Length"]) == int(get.headers["Content-Length"]) == len(body)


async def test_small_bodies_and_refused_encodings_stay_identity(client: Client) -> None:
    small, body = await fetch(client, "/api/health/live", BROWSER)
    assert len(body) < MIN_SIZE
    assert "Content-Encoding" not in small.headers
    assert small.headers["Vary"] == "Accept-Encoding"
    for accept in (None, "identity", "br;q=0, gzip;q=0", "*;q=0", "zstd"):
        response, body = await fetch(client, "/openapi.json", accept)
        assert "Content-Encoding" not in response.headers, accept
        assert body.startswith(b"{"), accept
    response, body = await fetch(client, "/openapi.json", "br;q=0, gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"{")


async def test_an_error_body_is_compressed_like_any_json(client: Client, login: Any) -> None:
    """A 4xx goes through the same hook; its envelope is intact once decoded."""
    await login(client)
    response, body = await fetch(client, "/api/tables/orders/data?page_size=100&sort=" + "x" * 2000,
                                 "gzip")  # fmt: skip
    assert response.status_code == 400
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"code":"UNKNOWN_COLUMN"' in gzip.decompress(body)


async def test_a_file_without_a_precompressed_copy_is_compressed_with_a_weak_etag(
    client: Client,
) -> None:
    """The Swagger UI bundle comes from a Python package: compressed when served. Its ETag
    becomes weak (same content, other bytes), and revalidating with it answers 304."""
    url = "/docs/assets/swagger-ui-bundle.js"
    plain, plain_body = await fetch(client, url, None)
    packed, packed_body = await fetch(client, url, "gzip")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed_body) == plain_body
    assert packed.headers["ETag"] == f"W/{plain.headers['ETag']}"
    assert "Accept-Ranges" not in packed.headers
    assert packed.headers["Cache-Control"] == plain.headers["Cache-Control"] == "no-cache"
    again = await client.get(url, headers={"Accept-Encoding": "gzip",
                                           "If-None-Match": packed.headers["ETag"]})  # fmt: skip
    assert again.status_code == 304


def _built_ui() -> str:
    index = DIST_DIR / "index.html"
    if not index.is_file():
        pytest.skip("the UI is not built (make ui)")
    return index.read_text()


async def test_hashed_assets_are_sent_precompressed_with_a_year_of_cache(client: Client) -> None:
    page = _built_ui()
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css|svg))"', page)
    assert {asset.rsplit(".", 1)[1] for asset in assets} >= {"js", "css"}
    for asset in assets:
        plain, plain_body = await fetch(client, asset, None)
        assert plain.headers["Cache-Control"] == IMMUTABLE
        assert "Content-Encoding" not in plain.headers
        for accept, encoding in (("br", "br"), ("gzip", "gzip"), (BROWSER, "br")):
            packed, packed_body = await fetch(client, asset, accept)
            assert packed.status_code == 200, asset
            assert packed.headers["Content-Encoding"] == encoding, (asset, accept)
            assert decode(packed_body, encoding) == plain_body, asset
            assert packed.mimetype == plain.mimetype, asset
            assert packed.headers["Cache-Control"] == IMMUTABLE
            assert packed.headers["Vary"] == "Accept-Encoding"
            assert int(packed.headers["Content-Length"]) == len(packed_body)
            assert packed.headers["ETag"] != plain.headers["ETag"]
            cached = await client.get(asset, headers={"Accept-Encoding": accept,
                                      "If-None-Match": packed.headers["ETag"]})  # fmt: skip
            assert cached.status_code == 304, asset
        # The copies are the server's business, not URLs of their own.
        for suffix in (".br", ".gz"):
            assert (await client.get(asset + suffix)).status_code == 404


async def test_the_page_shell_is_precompressed_and_revalidated(client: Client) -> None:
    page = _built_ui()
    response, body = await fetch(client, "/login", BROWSER)
    assert response.headers["Content-Encoding"] == "br"
    assert decode(body, "br").decode() == page
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize("accept", ["gzip", "br"])
async def test_a_csv_export_streams_compressed_and_decodes_to_the_same_file(
    backend_client: Client, accept: str
) -> None:
    """PostgreSQL writes this file with COPY, the others with the row writer: both paths
    go through the compressing stream (the million-row test below takes many chunks)."""
    url = "/api/tables/orders/export/csv"
    plain, plain_body = await download(backend_client, url)
    packed, packed_body = await download(backend_client, url, headers={"Accept-Encoding": accept})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == accept
    assert decode(packed_body, accept) == plain_body
    assert len(packed_body) < len(plain_body) / 2
    assert packed.headers["Vary"] == plain.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Content-Disposition"].endswith(".csv")


async def test_a_console_tsv_export_is_compressed_too(client: Client, login: Any) -> None:
    await login(client)
    url = "/api/query/export/csv?delimiter=tab"
    sql = {"sql": "SELECT * FROM orders"}
    _, plain_body = await download(client, url, json=sql)
    packed, packed_body = await download(client, url, json=sql, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed_body) == plain_body


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
async def test_xlsx_and_pdf_are_never_compressed_again(
    client: Client, login: Any, fmt: str
) -> None:
    await login(client)
    response, body = await download(client, f"/api/tables/orders/export/{fmt}",
                                    headers={"Accept-Encoding": BROWSER})  # fmt: skip
    assert "Content-Encoding" not in response.headers
    assert "Vary" not in response.headers
    assert body.startswith(b"PK" if fmt == "xlsx" else b"%PDF")


async def test_compress_responses_false_leaves_it_to_a_proxy(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, compress_responses=False)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for url in (PAGE, "/openapi.json", "/docs/assets/swagger-ui-bundle.js", "/login"):
            response, _ = await fetch(client, url, BROWSER)
            assert "Content-Encoding" not in response.headers, url
        response, _ = await download(client, "/api/tables/orders/export/csv",
                                     headers={"Accept-Encoding": BROWSER})  # fmt: skip
        assert "Content-Encoding" not in response.headers


async def test_a_compressed_export_abandoned_after_its_first_chunk_stops(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """The client leaves after one compressed chunk: closing the compressing stream closes
    the file's chunks, which ends the statement and frees its connection."""
    async with running_app(make_settings(database_url=backend_db.readonly_url)) as app:
        client = app.test_client()
        await login(client)
        await _abandon_after_one_chunk(app, client, backend_db)


async def _abandon_after_one_chunk(app: Quart, client: Client, backend_db: TestDatabase) -> None:
    received: list[bytes] = []
    status = await stream_export(client, counter(backend_db.dialect),
                                 lambda chunk: received.append(chunk) or False, "gzip")  # fmt: skip
    assert status == 200
    assert zlib.decompressobj(wbits=31).decompress(received[0]) == b'"x"\n'  # flushed at once
    await settled(app, backend_db)


async def test_a_million_compressed_rows_stream_in_bounded_memory(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    """As the plain export (test_export_streaming), decoded here as it arrives: memory
    stays far below the file's size, and every line arrives."""
    settings = make_settings(database_url=sqlite_db.readonly_url)
    decoder = brotli.Decompressor()
    status, lines, total, growth = await export_a_million_rows(
        settings, login, decoder.process, "br"
    )
    assert status == 200 and lines == ROWS + 1 and decoder.is_finished()
    assert total > 70_000_000
    assert growth < 40_000_000, f"grew {growth / 1e6:.0f} MB for a {total / 1e6:.0f} MB file"
