"""A long export shows its rows, bytes and rate while it downloads. Where the browser has no
save picker (or the export is small) the file downloads as before; where it has one (here:
Chromium's picker answered with a file of the origin-private file system, as no one is
there to click it), a big export is written into the picked file as it arrives."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.async_api import Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .test_ui_smoke import sign_in

DETAILS = FIXTURE_DATA["Order Details"]
KEYS = sorted((r["order_id"], r["line_no"]) for r in DETAILS)

# Every text the export's progress line shows, however briefly (a local export is quick).
RECORD_PROGRESS = """() => {
    window.progressSeen = []
    new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role="status"] .progress-text')) {
            const text = el.textContent.trim()
            const last = window.progressSeen.at(-1)
            if (text.startsWith('Exporting') && last !== text) window.progressSeen.push(text)
        }
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
}"""

# The save picker, answering with a file of the origin-private file system.
PICK_PRIVATE_FILE = """
window.showSaveFilePicker = async ({ suggestedName }) => {
    window.pickedName = suggestedName
    const folder = await navigator.storage.getDirectory()
    return folder.getFileHandle(suggestedName, { create: true })
}"""

# "Exporting CSV… 2,050 rows · 73.7 KB · 1.2 MB/s" (no rows before the header line is in,
# no rate in the first 200 ms).
PROGRESS = re.compile(r"^Exporting CSV… ([\d,]+ rows · )?[\d.]+ (B|KB|MB)( · [\d.]+ (B|KB|MB)/s)?$")


def shows_progress(seen: list[str]) -> bool:
    return all(PROGRESS.match(line) for line in seen) and any(
        re.search(r"[1-9][\d,]* rows · [\d.]+ KB", line) for line in seen
    )


def keys_in(text: str) -> list[tuple[int, int]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["order_id", "line_no"]
    return sorted((int(r[0]), int(r[1])) for r in rows[1:])


def rows_done(count: int) -> re.Pattern[str]:
    return re.compile(rf"Exported {count:,} rows to ")


async def test_a_few_thousand_rows_show_progress_and_download_whole(page: Page) -> None:
    assert len(DETAILS) > 2000
    await sign_in(page, "/browse/Order%20Details?sort=order_id")
    await expect(page.locator("table.grid tbody tr").first).to_be_visible()
    await page.evaluate(RECORD_PROGRESS)

    await page.get_by_role("button", name="Export").click()
    async with page.expect_download() as download_info:
        await page.get_by_role("menuitem", name="CSV").click()
    download = await download_info.value
    text = Path(await download.path()).read_text(encoding="utf-8")
    assert keys_in(text) == KEYS
    # The rows were counted in the stream: the exact number, not the table's estimate.
    await expect(page.get_by_text(rows_done(len(DETAILS)))).to_be_visible()

    seen: list[str] = await page.evaluate("window.progressSeen")
    assert shows_progress(seen), seen


async def test_a_big_export_is_written_into_the_picked_file_as_it_arrives(page: Page) -> None:
    await page.add_init_script(PICK_PRIVATE_FILE)
    # Five copies of every line: more rows than the console's result holds (MAX_RECORDS_RETRIEVE)
    copies = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(5))
    sql = f'SELECT d.* FROM "Order Details" d, ({copies}) c ORDER BY d.order_id, d.line_no, c.k'
    await sign_in(page, "/query")
    await page.goto("/query?sql=" + sql)
    await expect(page.locator(".cm-content")).to_contain_text("Order Details")
    await page.evaluate(RECORD_PROGRESS)

    # The console's result stops at MAX_RECORDS_RETRIEVE, so how many rows the export will
    # have is unknown: it counts as big and goes to the picker.
    await page.locator(".cm-content").focus()
    await page.keyboard.press("Control+Enter")
    await expect(page.get_by_role("tabpanel").get_by_role("grid")).to_be_visible()
    await page.get_by_role("button", name="Export").click()
    await page.get_by_role("menuitem", name="CSV").click()
    await expect(page.get_by_text(rows_done(5 * len(DETAILS)))).to_be_visible()
    name = await page.evaluate("window.pickedName")
    assert re.match(r"query_\d{8}-\d{6}\.csv$", name)
    await expect(page.get_by_text(f"to {name}")).to_be_visible()
    text = await page.evaluate(
        """async (name) => {
            const folder = await navigator.storage.getDirectory()
            return (await (await folder.getFileHandle(name)).getFile()).text()
        }""",
        name,
    )
    assert keys_in(text) == sorted(KEYS * 5)
    seen: list[str] = await page.evaluate("window.progressSeen")
    assert shows_progress(seen), seen
