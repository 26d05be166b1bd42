"""Benchmark of compression (issue 17, target 4): the login page's bytes, the CPU that
compressing a page of rows costs at each level, and compressed CSV downloads.

Run from the repository root with the venv's Python, the UI built (``make ui``) and Debian's
Chromium::

    .venv/bin/python -m tests.benchmarks.bench_compression                 # SQLite, 100,000 rows
    .venv/bin/python -m tests.benchmarks.bench_compression --backend postgresql --no-results

Against ``pydbpro serve`` (./hypercorn.toml, bearer token) on the ``events`` table of
``_datasets``, it measures:

- a cold load of ``/login`` in a fresh Chromium context: bytes on the wire per response and
  in all (target: at most 250 KB), and what the same files weigh decoded;
- CPU per body: a 50-row page and a ~20 KB page of ``events`` as the API sends them,
  compressed at several gzip levels and brotli qualities (``timeit``, the thread's CPU time,
  best of several rounds, so other processes on the machine count for little); the levels
  ``compression.py`` uses are marked;
- the CSV export of the whole table without and with each encoding: bytes and seconds.

It prints the tables and appends them under "# Compression benchmark results" in
tests/benchmarks/RESULTS.md (``--no-results`` only prints). A script, not a test; the exit
status is 1 when the login page is over budget.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import sys
import tempfile
import time
import timeit
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import brotli
from playwright.async_api import async_playwright

from pydbpro import compression

from ..support.transfer import Transfer, listing, load_transfers
from . import _datasets as data
from ._support import Client, Server, append_section, git_commit, machine

RESULTS = Path(__file__).with_name("RESULTS.md")
LOGIN_BUDGET = 250_000
CHROMIUM = "/usr/bin/chromium"
TARGET_BODY = 20_000
GZIP_LEVELS = (1, 4, 5, 6, 9)
BROTLI_QUALITIES = (1, 3, 4, 5, 11)


async def login_page(url: str) -> list[Transfer]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            context = await browser.new_context(base_url=url)
            return await load_transfers(await context.new_page(), "/login")
        finally:
            await browser.close()


def cpu_microseconds(function: Callable[[], object]) -> float:
    """Best of 7 rounds of the thread's CPU time per call, in µs."""
    number = max(1, int(0.05 / max(_once(function), 1e-6)))
    rounds = timeit.repeat(function, number=number, repeat=7, timer=time.thread_time)
    return min(rounds) / number * 1e6


def _once(function: Callable[[], object]) -> float:
    started = time.thread_time()
    function()
    return time.thread_time() - started


def _gzip(body: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


def _brotli(body: bytes, quality: int) -> bytes:
    return bytes(brotli.compress(body, quality=quality, lgwin=compression.BROTLI_WINDOW_BITS))


def level_table(bodies: dict[str, bytes]) -> list[str]:
    names = list(bodies)
    lines = ["| encoding | " + " | ".join(f"{n}: µs CPU | {n}: size" for n in names) + " |",
             "|---|" + "---:|---:|" * len(names)]  # fmt: skip
    candidates: list[tuple[str, Callable[[bytes], bytes]]] = [
        *((f"gzip {level}", lambda b, level=level: _gzip(b, level)) for level in GZIP_LEVELS),
        *((f"br {q}", lambda b, q=q: _brotli(b, q)) for q in BROTLI_QUALITIES),
    ]
    chosen = {f"gzip {compression.GZIP_LEVEL}", f"br {compression.BROTLI_QUALITY}"}
    for label, packer in candidates:
        cells = []
        for body in bodies.values():
            packed = packer(body)
            cells += [f"{cpu_microseconds(lambda: packer(body)):,.0f}",  # noqa: B023 -- now
                      f"{len(packed):,} ({len(packed) / len(body):.0%})"]  # fmt: skip
        name = f"**{label}** (used)" if label in chosen else label
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def page_bodies(client: Client) -> dict[str, bytes]:
    """A 50-row page, and a page of as many rows as make about TARGET_BODY bytes."""
    status, fifty = client.get("/api/tables/events/data?page_size=50&sort=id")
    assert status == 200, fifty[:300]
    rows = min(1000, round(50 * TARGET_BODY / len(fifty)))
    status, larger = client.get(f"/api/tables/events/data?page_size={rows}&sort=id")
    assert status == 200, larger[:300]
    return {f"50 rows, {len(fifty) / 1000:.1f} KB": fifty,
            f"{rows} rows, {len(larger) / 1000:.1f} KB": larger}  # fmt: skip


def export_table(client: Client) -> list[str]:
    lines = ["| CSV export | Accept-Encoding | Content-Encoding | bytes | seconds |",
             "|---|---|---|---:|---:|"]  # fmt: skip
    for accept in ("", "gzip", "br"):
        client.headers["Accept-Encoding"] = accept or "identity"
        download = client.download("/api/tables/events/export/csv")
        assert download.status == 200, download
        lines.append(f"| events | {accept or '(none)'} | "
                     f"{download.headers.get('content-encoding', '-')} | {download.size:,} | "
                     f"{download.seconds:.2f} |")  # fmt: skip
    client.headers.pop("Accept-Encoding")
    return lines


def login_table(transfers: list[Transfer]) -> list[str]:
    wire = sum(t.wire_bytes for t in transfers)
    body = sum(t.body_bytes for t in transfers)
    verdict = "PASS" if wire <= LOGIN_BUDGET else "**FAIL**"
    return [
        "| cold load of /login | responses | bytes on the wire | decoded | target | result |",
        "|---|---:|---:|---:|---|---|",
        f"| Chromium | {len(transfers)} | {wire:,} | {body:,} | <= {LOGIN_BUDGET:,} | {verdict} |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "mysql", "sqlite"), default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    workdir = Path(tempfile.gettempdir()) / "pydbpro-bench-compression"
    parser.add_argument("--workdir", type=Path, default=workdir)
    parser.add_argument("--no-results", action="store_true")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = asyncio.run(data.prepare(args.backend, args.rows, args.workdir, reload=False))
    server = Server(db.url, args.workdir / "server")
    server.start()
    try:
        transfers = asyncio.run(login_page(f"http://127.0.0.1:{server.port}"))
        client = Client(server.port, server.token)
        bodies = page_bodies(client)
        exports = export_table(client)
        client.close()
    finally:
        server.stop()
    assert all(gzip.decompress(_gzip(b, 5)) == b for b in bodies.values())
    tables = [*login_table(transfers), "", "```", listing(transfers), "```", "",
              *level_table(bodies), "", *exports]  # fmt: skip
    print("\n".join(tables))
    if not args.no_results:
        info = machine()
        text = "\n".join([
            f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, "
            f"{db.backend} {db.version}, {db.rows:,} rows",
            "",
            f"{info['cpu']}, {info['nproc']} cores, {info['memory']}.",
            "",
            *tables,
        ])  # fmt: skip
        intro = ("Appended by `python -m tests.benchmarks.bench_compression`. The login "
                 "page's bytes on the wire come from Chromium (headers and compressed "
                 "bodies); CPU figures: the compressing thread's CPU time per body.")  # fmt: skip
        append_section(RESULTS, "Compression benchmark results", intro, text)
        print(f"\nappended to {RESULTS}")
    return 0 if sum(t.wire_bytes for t in transfers) <= LOGIN_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
