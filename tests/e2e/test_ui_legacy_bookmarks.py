"""Old 1ClickDBPro bookmarks opened in a real browser land on the right view or file."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.async_api import Error, Page, expect

from .test_ui_smoke import sign_in


async def test_legacy_bookmarks_open_the_right_view_or_file(page: Page) -> None:
    await sign_in(page, "/browse")
    await expect(page).to_have_url(re.compile(r"^[^?]*/browse$"))  # signed in, not /login?next=

    await page.goto(
        "/Browse.asp?sqlfrom_A=[customers]&sqlwhere_A=city='Berlin'&sqlorderby_A=id DESC"
    )
    await expect(page).to_have_url(re.compile(r"/browse/customers\?.*filter_city"))
    ids = page.locator("table.grid tbody tr td:first-child")
    await expect(ids.first).to_be_visible()
    shown = [int(text) for text in await ids.all_inner_texts()]
    assert shown == sorted(shown, reverse=True) and len(shown) > 1
    cities = await page.locator("table.grid tbody tr td:nth-child(4)").all_inner_texts()
    assert {city.strip() for city in cities} == {"Berlin"}

    await page.goto("/STRUCTURE.ASP?sqlfrom=orders")  # legacy names are case-insensitive
    await expect(page).to_have_url(re.compile(r"/browse/orders\?.*tab=structure"))
    await expect(page.get_by_text("Foreign keys").first).to_be_visible()

    async with page.expect_download() as download_info:
        try:
            await page.goto(
                "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=id<=2"
                "&ocdGridMode_A=Export&ocdExportFormat_A=text"
            )
        except Error:
            pass  # a navigation that ends in a download is reported as aborted
    download = await download_info.value
    text = Path(await download.path()).read_text(encoding="utf-8")
    assert [row[0] for row in csv.reader(io.StringIO(text))] == ["id", "1", "2"]
