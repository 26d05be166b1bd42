"""HTTP compression: which encoding a client gets, and bodies compressed cheaply.

Three paths, one negotiation (``encodings``) and one set of levels:

- buffered responses (JSON, HTML, docs) are compressed by the ``after_request`` hook below
  when they are over ``MIN_SIZE`` and of a text-like type;
- the UI's hashed assets and index.html are compressed once, at build time (Vite writes
  ``.br`` and ``.gz`` files beside them), and ``web.py`` serves the variant a client accepts;
- a CSV export is compressed as it streams (``compressed_stream``), a chunk at a time.

The levels are chosen for CPU, not for the last percent: a data page must stay far below a
millisecond and a half of CPU. On a ~20 KB page of rows, brotli quality 3 gives the size of
quality 4 at half its CPU and gzip level 5 the size of level 6 at 85% of it (figures:
``tests/benchmarks/bench_compression.py``). Build-time compression uses the maximum levels.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncGenerator
from functools import lru_cache

import brotli
from quart import Quart, Response, request
from quart.wrappers.response import DataBody, FileBody

from .state import app_state

#: What this server can produce, best first: on a tie in the client's weights, brotli wins.
ENCODINGS = ("br", "gzip")
#: Precompressed siblings of static files, by encoding (written by the UI build).
SUFFIXES = {"br": ".br", "gzip": ".gz"}
#: Below this a body is sent as it is: the saving would not pay for the CPU.
MIN_SIZE = 1024
GZIP_LEVEL = 5
BROTLI_QUALITY = 3
#: A 256 KB window: as good as brotli's 4 MB default on pages of rows at this quality, and a
#: streamed export's compressor stays about a megabyte.
BROTLI_WINDOW_BITS = 18
#: A body larger than this is compressed in a worker thread, not on the event loop (the
#: Swagger UI bundle; a 20 KB page costs far less than a thread hop).
THREAD_SIZE = 256 * 1024
_TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/xml",
        "image/svg+xml",
        "application/manifest+json",
    }
)


@lru_cache(maxsize=64)
def encodings(accept_encoding: str) -> tuple[str, ...]:
    """The encodings of ``ENCODINGS`` the client accepts, most wanted first.

    RFC 9110 12.5.3: a weight of 0 refuses an encoding, a named encoding overrides ``*``,
    an absent header or an unknown encoding means identity. Cached: a client sends the same
    header on every request, so parsing it again would be wasted CPU.
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        if name == "x-gzip":  # RFC 9110 8.4.1.3: the same coding
            name = "gzip"
        if not name:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0  # a malformed weight accepts nothing
        weights[name] = max(weight, weights.get(name, weight))
    wildcard = weights.get("*", 0.0)
    ranked = [(weights.get(name, wildcard), -rank, name) for rank, name in enumerate(ENCODINGS)]
    return tuple(name for weight, _, name in sorted(ranked, reverse=True) if weight > 0)


def request_encodings() -> tuple[str, ...]:
    """``encodings`` of the current request's Accept-Encoding header; none at all with
    COMPRESS_RESPONSES=false (a proxy in front compresses instead)."""
    if not app_state().settings.compress_responses:
        return ()
    return encodings(request.headers.get("Accept-Encoding", ""))


def is_compressible(mimetype: str) -> bool:
    """Text-like bodies only: images, fonts, zip files (XLSX) and PDFs are compressed already."""
    return (
        mimetype.startswith("text/")
        or mimetype in _TEXT_TYPES
        or mimetype.endswith(("+json", "+xml"))
    )


def compress(data: bytes, encoding: str) -> bytes:
    """One whole body, at this module's levels."""
    if encoding == "br":
        return bytes(brotli.compress(data, quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW_BITS))
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


class StreamCompressor:
    """Compresses a stream chunk by chunk, flushing each one: the client gets every chunk's
    bytes as soon as it is written, and nothing piles up inside the compressor."""

    def __init__(self, encoding: str) -> None:
        self._brotli = (
            brotli.Compressor(quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW_BITS)
            if encoding == "br"
            else None
        )
        self._zlib = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def compress(self, chunk: bytes) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.process(chunk) + self._brotli.flush())
        return self._zlib.compress(chunk) + self._zlib.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.finish())
        return self._zlib.flush(zlib.Z_FINISH)


async def compressed_stream(
    chunks: AsyncGenerator[bytes, None], encoding: str
) -> AsyncGenerator[bytes, None]:
    """``chunks`` compressed. Large chunks are compressed in a worker thread (zlib and brotli
    release the GIL), so the event loop only waits. However this generator ends (the stream
    finished, failed, or the client left), ``chunks`` is closed, which runs its own cleanup."""
    compressor = StreamCompressor(encoding)
    try:
        async for chunk in chunks:
            if len(chunk) < MIN_SIZE:
                packed = compressor.compress(chunk)
            else:
                packed = await asyncio.to_thread(compressor.compress, chunk)
            if packed:
                yield packed
        yield compressor.finish()
    finally:
        await chunks.aclose()


def add_vary(response: Response) -> None:
    """``Vary: Accept-Encoding`` on every response whose bytes depend on that header, so a
    cache never hands a brotli body to a client that asked for none."""
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding"


async def compress_response(response: Response) -> Response:
    """The buffered response compressed for this request, when that is worth it.

    Left alone: bodies already encoded (precompressed assets), streams (an export chooses
    for itself), partial and empty answers, bodies under ``MIN_SIZE``, non-text types.
    """
    if not is_compressible(response.mimetype or ""):
        return response
    add_vary(response)
    if (
        "Content-Encoding" in response.headers
        or response.status_code in (204, 206, 304)
        or not isinstance(response.response, DataBody | FileBody)
        or (response.content_length or 0) < MIN_SIZE
    ):
        return response
    wanted = request_encodings()
    if not wanted:
        return response
    data = await response.get_data(as_text=False)
    if len(data) >= THREAD_SIZE:
        body = await asyncio.to_thread(compress, data, wanted[0])
    else:
        body = compress(data, wanted[0])
    if len(body) >= len(data):
        return response
    response.set_data(body)  # sets Content-Length
    response.headers["Content-Encoding"] = wanted[0]
    # A byte range of the identity file would not be a range of this body.
    response.headers.pop("Accept-Ranges", None)
    etag = response.headers.get("ETag")
    if etag is not None and not etag.startswith("W/"):
        # Same content, other bytes: a weak validator (as nginx does), which If-None-Match
        # still matches, while a strong one would claim byte-identity.
        response.headers["ETag"] = f"W/{etag}"
    return response


def init_app(app: Quart, enabled: bool) -> None:
    """``enabled`` is COMPRESS_RESPONSES: without it no response pays for the hook."""
    if enabled:
        app.after_request(compress_response)
