"""Benchmark of the grid in Debian's Chromium (issue 18, item 7): how long a 1,000-row page
takes from the click to painted rows, how smoothly it, a 10,000-row console result and a
200-column table scroll, and how many DOM nodes they cost.

Run from the repository root with the venv's Python, after ``make ui``::

    .venv/bin/python -m tests.benchmarks.bench_grid

It writes a SQLite file of 10,000 rows by 8 columns (and 2,000 rows by 200 columns) into a
temporary directory, starts ``pydbpro
serve`` on it (PAGE_SIZE_OPTIONS with 1000), signs in and measures in the page with
``performance.now()`` and ``requestAnimationFrame``:

- paint: from the click on "Next page" (1,000-row pages) until the frame after the new rows
  are in the DOM (the data request's own time, from the Resource Timing entry, beside it);
- scroll: the grid scrolled by script 40 px down (the wide table: 60 px sideways, or both) per
  frame for 240 frames; median and p95 of the frame intervals and the frames per second;
- DOM: the number of elements in the document.

It is a script, not a test: timing goals never go into assertions. It prints the figures.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from tests.support.live_server import live_server

CHROMIUM = "/usr/bin/chromium"
USER = "bench"
PASSWORD = "bench-password-1234"  # a throwaway server on 127.0.0.1
ROWS = 10_000
WIDE_ROWS = 2_000
WIDE_COLUMNS = 200

SCROLL = """async ([selector, dx, dy]) => {
  const el = document.querySelector(selector)
  el.scrollTop = 0
  el.scrollLeft = 0
  const frames = []
  let last = performance.now()
  for (let i = 0; i < 240; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve))
    const now = performance.now()
    frames.push(now - last)
    last = now
    el.scrollTop += dy
    el.scrollLeft += dx
  }
  return frames
}"""

PAINT = """async () => {
  const first = () => document.querySelector('table.grid tbody tr td')?.textContent
  const before = first()
  const start = performance.now()
  document.querySelector('[aria-label="Next page"]').click()
  while (first() === before) await new Promise((resolve) => setTimeout(resolve, 1))
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  const total = performance.now() - start
  const data = performance.getEntriesByType('resource').filter((e) => e.name.includes('/data'))
  const last = data[data.length - 1]
  return { total, request: last ? last.responseEnd - last.startTime : null }
}"""


def row(i: int) -> tuple[object, ...]:
    note = f"a note about event {i}"
    return (
        i,
        f"kind {i % 7}",
        i * 1.25,
        note,
        f"2026-01-{i % 28 + 1:02d}",
        i / 3,
        i % 2,
        f"C{i % 50}",
    )


def wide_row(i: int) -> list[object]:
    """Integers, text of three lengths, reals and dates in turn."""
    return [i] + [
        (i * n, f"text {i}-{n} " * (1 + n % 3), i / n, f"2024-02-{n % 28 + 1:02d}")[n % 4]
        for n in range(1, WIDE_COLUMNS)
    ]


def make_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, amount NUMERIC, note TEXT,"
            " created_at TEXT, score REAL, flag BOOLEAN, city TEXT)"
        )
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [row(i) for i in range(1, ROWS + 1)],
        )
        types = ("INTEGER", "TEXT", "REAL", "DATE")
        columns = ", ".join(f"c{n:03d} {types[n % 4]}" for n in range(1, WIDE_COLUMNS))
        db.execute(f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" * WIDE_COLUMNS)
        wide_rows = [wide_row(i) for i in range(1, WIDE_ROWS + 1)]
        db.executemany(f"INSERT INTO wide VALUES ({marks})", wide_rows)


def frame_figures(frames: list[float]) -> str:
    frames = sorted(frames[5:])  # the first frames include the scroll's start-up
    median = statistics.median(frames)
    p95 = frames[int(len(frames) * 0.95)]
    return f"median {median:.1f} ms, p95 {p95:.1f} ms per frame ({1000 / median:.0f} fps)"


async def elements(page: Page) -> int:
    return int(await page.evaluate("document.getElementsByTagName('*').length"))


async def measure(url: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = await browser.new_page(base_url=url, viewport={"width": 1400, "height": 900})
        await page.goto("/browse/events?sort=id&page_size=1000")
        await page.get_by_label("Username").fill(USER)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.locator("table.grid tbody tr").first.wait_for()
        paints = [await page.evaluate(PAINT) for _ in range(5)]
        figures["paint"] = paints
        figures["page_elements"] = await elements(page)
        figures["page_scroll"] = await page.evaluate(SCROLL, [".grid-scroll", 0, 40])

        await page.goto("/browse/wide?sort=id&page_size=1000")
        await page.locator("table.grid tbody tr").first.wait_for()
        figures["wide_paint"] = [await page.evaluate(PAINT) for _ in range(1)]
        figures["wide_elements"] = await elements(page)
        for axis, dx, dy in (("sideways", 60, 0), ("down", 0, 40), ("both", 60, 40)):
            figures[f"wide_{axis}"] = await page.evaluate(SCROLL, [".grid-scroll", dx, dy])

        await page.goto("/query")
        editor = page.locator(".cm-content")
        await editor.focus()
        await page.keyboard.insert_text("SELECT * FROM events")
        await page.keyboard.press("Control+Enter")
        await page.get_by_role("status").filter(has_text="10,000 rows").wait_for()
        figures["console_elements"] = await elements(page)
        figures["console_scroll"] = await page.evaluate(SCROLL, [".grid-scroll", 0, 40])
        await browser.close()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pydbpro-bench-grid-") as tmp:
        workdir = Path(tmp)
        make_database(workdir / "events.db")
        settings = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'events.db'}",
            "ADMIN_USER": USER,
            "ADMIN_PASSWORD": PASSWORD,
            "PAGE_SIZE_OPTIONS": "20,100,1000",
        }
        with live_server(workdir, **settings) as server:
            figures = asyncio.run(measure(server.url))
    totals = sorted(p["total"] for p in figures["paint"])
    requests = sorted(p["request"] or 0 for p in figures["paint"])
    print(f"1,000-row page, click to painted: median {statistics.median(totals):.0f} ms "
          f"(min {totals[0]:.0f}, max {totals[-1]:.0f}); its data request: median "
          f"{statistics.median(requests):.0f} ms")  # fmt: skip
    print(f"1,000-row page, scrolling: {frame_figures(figures['page_scroll'])}; "
          f"{figures['page_elements']:,} elements in the document")  # fmt: skip
    print(f"10,000-row console result, scrolling: {frame_figures(figures['console_scroll'])}; "
          f"{figures['console_elements']:,} elements in the document")  # fmt: skip
    wide = figures["wide_paint"][0]
    print(f"{WIDE_COLUMNS}-column table, 1,000-row page, click to painted: {wide['total']:.0f} ms "
          f"(its data request: {wide['request'] or 0:.0f} ms); "
          f"{figures['wide_elements']:,} elements in the document")  # fmt: skip
    for axis in ("sideways", "down", "both"):
        frames = frame_figures(figures[f"wide_{axis}"])
        print(f"{WIDE_COLUMNS}-column table, scrolling {axis}: {frames}")


if __name__ == "__main__":
    main()
