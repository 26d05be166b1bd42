"""XLSX and PDF exports through HTTP on every backend, read back as a user's program would."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
from pypdf import PdfReader

from pydbpro.settings import Settings

from .conftest import TestDatabase, running_app
from .support.fixture_data import BIG_DECIMAL, BIG_INT
from .test_exports import download

CUSTOMERS = "/api/tables/customers/export/{}?filter_id_le=40&filter_vip=true&sort=name&order=desc"


def workbook(body: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(body))


def about(book: Any) -> dict[str, str]:
    return {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}


def pdf_pages(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


async def screen_rows(client: Any, url: str) -> tuple[list[str], list[list[Any]]]:
    page = await (await client.get(url.format("data") + "&page_size=100")).get_json()
    return [c["name"] for c in page["columns"]], page["rows"]


async def test_xlsx_holds_typed_cells_and_its_provenance(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    names, expected = await screen_rows(backend_client, CUSTOMERS.replace("export/{}", "{}"))
    response, body = await download(backend_client, CUSTOMERS.format("xlsx"))
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = workbook(body)
    assert book.sheetnames == ["Data", "About"]
    sheet = book["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == names and len(rows) == len(expected) + 1
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(expected) + 1}"
    for got, want in zip(rows[1:], expected, strict=True):
        ident, name, _email, _city, created, balance, vip = got
        assert (ident, name, vip) == (want[0], want[1], want[6])
        assert isinstance(created, datetime)
        assert created.isoformat().startswith(str(want[4])[:19].replace(" ", "T"))
        if want[5] is None:
            assert balance is None
        else:
            assert isinstance(balance, float) and Decimal(str(balance)) == Decimal(want[5])
    info = about(book)
    assert info["Source"].endswith(".customers") and info["Source"].startswith("table ")
    assert info["Filters"] == "id le 40 and vip eq true"
    assert info["Sort"] == "name desc"
    assert info["Exported by"] == "alice" and info["Truncated"] == "no"
    assert info["Rows"] == str(len(expected))


async def test_xlsx_keeps_every_digit_and_real_dates(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    _, body = await download(backend_client, "/api/tables/types/export/xlsx?sort=id")
    sheet = workbook(body)["Data"]
    big, dec, day = sheet["B2"], sheet["C2"], sheet["F2"]
    assert (big.value, big.data_type) == (str(BIG_INT), "s")  # beyond a double: text
    if backend_db.dialect != "sqlite":  # SQLite itself keeps NUMERIC as a double
        assert (dec.value, dec.data_type) == (str(BIG_DECIMAL), "s")
    assert day.value == datetime(2024, 2, 29) and day.is_date
    assert sheet["E2"].value is True and sheet["E3"].value is False
    assert [c.value for c in sheet[5]][1:] == [None] * 10  # the all-NULL row


async def test_xlsx_never_holds_a_formula(backend_client: Any) -> None:
    sql = "SELECT '=cmd|'' /C calc''!A0' AS a, '+1+1' AS b, '-2' AS c, '@SUM(A1)' AS d"
    _, body = await download(backend_client, "/api/query/export/xlsx", json={"sql": sql})
    book = workbook(body)
    cells = next(iter(book["Data"].iter_rows(min_row=2)))
    assert [c.value for c in cells] == ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)"]
    assert {c.data_type for c in cells} == {"s"}
    assert about(book)["Query"] == sql


async def test_pdf_is_a_readable_table(backend_client: Any) -> None:
    names, expected = await screen_rows(backend_client, CUSTOMERS.replace("export/{}", "{}"))
    response, body = await download(backend_client, CUSTOMERS.format("pdf"))
    assert response.headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    pages = pdf_pages(body)
    text = "\n".join(pages)
    assert "Export of table" in text and "customers from PyDBPro on" in text
    assert "id le 40 and vip eq true" in text
    for number, page in enumerate(pages, start=1):
        assert all(name in page for name in names)  # the header on every page
        assert f"Page {number} of {len(pages)}" in page
    missing = [row[1] for row in expected if row[1].isprintable() and row[1] not in text]
    assert missing == []


async def test_pdf_and_xlsx_say_when_the_cap_cut_them(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(
        database_url=backend_db.readonly_url, pdf_max_rows=5, max_export_rows=9
    )
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        response, body = await download(client, "/api/tables/orders/export/pdf?sort=id")
        assert response.headers["X-PyDBPro-Truncated"] == "true"
        assert response.headers["X-PyDBPro-Row-Limit"] == "5"
        text = "\n".join(pdf_pages(body))
        assert "Truncated at the limit of 5 rows" in text
        sql = {"sql": "SELECT id FROM orders ORDER BY id"}
        response, body = await download(client, "/api/query/export/xlsx", json=sql)
        assert response.headers["X-PyDBPro-Row-Limit"] == "9"
        book = workbook(body)
        assert [r[0] for r in book["Data"].iter_rows(min_row=2, values_only=True)] == list(
            range(1, 10)
        )
        assert about(book)["Truncated"] == "yes, at the limit of 9 rows"
        assert about(book)["Rows"] == "9"


async def test_dates_are_dates_on_every_backend(backend_client: Any) -> None:
    _, body = await download(
        backend_client, "/api/tables/types/export/xlsx?columns=id,d&filter_id=2"
    )
    assert workbook(body)["Data"]["B2"].value == datetime.combine(
        date(1970, 1, 1), datetime.min.time()
    )


def test_a_worker_loads_fpdf2_with_its_first_pdf_only() -> None:
    """fpdf2 (about 18 MB resident with its font and image libraries) is not part of every
    worker's baseline memory: the app imports it when a PDF is written, in the writer's thread.
    A fresh interpreter, since this test process has imported it already."""
    code = (
        "import sys, pydbpro.app, pydbpro.api.exports, pydbpro.export.formats\n"
        "print(sorted({'fpdf', 'PIL', 'fontTools'} & {m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.stdout.strip() == "[]"
