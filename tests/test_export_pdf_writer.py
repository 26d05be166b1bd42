"""The PDF writer on plain rows, read back with pypdf the way a reader (or a search) sees it.

No database: the writer only ever gets plain Python values. Each test renders a document and
checks what the pages say, so layout decisions (orientation, repeated header, page numbers,
cut values) are pinned by observable output, not by the writer's internals.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from pypdf import PageObject, PdfReader

from pydbpro.column_kind import ColumnKind as K
from pydbpro.export.base import ExportColumn, Provenance, Row
from pydbpro.export.pdf import CHUNK_SIZE, write_pdf

AT = datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)
TITLE = "Export of table public.customers from PyDBPro on 2024-05-01 12:34 UTC"
LONG = "A value far too long for any column " * 12 + "THE-END"

SMALL_COLUMNS = [
    ExportColumn("id", K.BIGINT, "bigint"),
    ExportColumn("name", K.TEXT, "text"),
    ExportColumn("balance", K.DECIMAL, "numeric(12,2)"),
    ExportColumn("joined", K.DATE, "date"),
    ExportColumn("seen_at", K.DATETIME, "timestamptz"),
]
SMALL_ROWS: list[Row] = [
    (1, "Zoë", Decimal("1234.50"), date(2020, 1, 2), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (2, "Ελληνικά", Decimal("-7.25"), None, None),
    (3, "Кириллица", None, date(1999, 12, 31), None),
    (4, LONG, Decimal("0.01"), None, None),
    (5, None, None, None, None),
]


def provenance(rows: int, **changes: object) -> Provenance:
    values: dict[str, object] = {
        "source": "table public.customers", "filters": "name contains 'o'", "sort": "id ascending",
        "exported_by": "alice", "exported_at": AT, "row_limit": 10_000, "row_count": rows,
    }  # fmt: skip
    values.update(changes)
    return Provenance(**values)  # type: ignore[arg-type]


def render(
    columns: Sequence[ExportColumn], rows: Sequence[Row], prov: Provenance | None = None,
    batch: int = 3,
) -> PdfReader:  # fmt: skip
    batches = [rows[start : start + batch] for start in range(0, len(rows), batch)]
    chunks = list(write_pdf(columns, batches, prov or provenance(len(rows))))
    assert chunks and all(0 < len(chunk) <= CHUNK_SIZE for chunk in chunks)
    return PdfReader(io.BytesIO(b"".join(chunks)))


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def landscape(reader: PdfReader) -> list[bool]:
    return [page.mediabox.width > page.mediabox.height for page in reader.pages]


def test_a_small_table_shows_title_values_unicode_and_page_number() -> None:
    reader = render(SMALL_COLUMNS, SMALL_ROWS)
    [page] = texts(reader)
    assert TITLE in page
    for line in ("Filters: name contains 'o'", "Sort: id ascending", "Exported by: alice",
                 "Rows: 5"):  # fmt: skip
        assert line in page
    assert "Truncated" not in page
    for value in ("Zoë", "Ελληνικά", "Кириллица", "1234.50", "-7.25", "0.01", "2020-01-02",
                  "1999-12-31", "2024-01-02T03:04:05Z"):  # fmt: skip
        assert value in page
    assert "None" not in page and "null" not in page.lower()
    assert "Page 1 of 1" in page
    assert landscape(reader) == [False]


def test_an_over_long_value_is_cut_with_an_ellipsis() -> None:
    [page] = texts(render(SMALL_COLUMNS, SMALL_ROWS))
    assert "A value far too long" in page
    assert "THE-END" not in page
    assert "…" in page


def test_the_bundled_unicode_font_is_embedded() -> None:
    reader = render(SMALL_COLUMNS, SMALL_ROWS)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert names and all("DejaVuSansCondensed" in name for name in names)


def test_header_and_page_numbers_on_every_page_and_every_row_once() -> None:
    columns = [ExportColumn("ident", K.INTEGER), ExportColumn("label", K.TEXT)]
    rows = [(n, f"row-{n:04d}") for n in range(1, 301)]
    pages = texts(render(columns, rows, batch=50))
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert page.count("ident") == 1 and page.count("label") == 1
        assert f"Page {number} of {len(pages)}" in page
    assert TITLE in pages[0] and TITLE not in pages[1].split("\n")[0]
    everything = "\n".join(pages)
    assert [everything.count(f"row-{n:04d}") for n in range(1, 301)] == [1] * 300
    assert (
        everything.index("row-0001") < everything.index("row-0150") < everything.index("row-0300")
    )


def test_a_truncated_export_says_so() -> None:
    prov = provenance(len(SMALL_ROWS), truncated=True, row_limit=5)
    [page] = texts(render(SMALL_COLUMNS, SMALL_ROWS, prov))
    assert "Truncated at the limit of 5 rows" in page


def test_zero_rows_is_a_header_only_page() -> None:
    reader = render(SMALL_COLUMNS, [])
    [page] = texts(reader)
    assert TITLE in page and "Rows: 0" in page and "Page 1 of 1" in page
    assert all(name in page for name in ("id", "name", "balance", "joined", "seen_at"))


def test_many_columns_turn_the_page_to_landscape() -> None:
    columns = [ExportColumn(f"column_{n}", K.TEXT) for n in range(8)]
    reader = render(columns, [tuple(f"v{n}" for n in range(8))])
    assert landscape(reader) == [True]
    assert "column_7" in texts(reader)[0]


def test_few_but_wide_columns_turn_the_page_to_landscape() -> None:
    columns = [ExportColumn(f"text_{n}", K.TEXT) for n in range(4)]
    wide = "wide words " * 8
    assert landscape(render(columns, [(wide,) * 4])) == [True]
    assert landscape(render(columns, [("short",) * 4])) == [False]


def test_a_query_export_shows_the_sql_shortened() -> None:
    sql = "SELECT id,\n       name\n  FROM customers\n WHERE " + " OR ".join(
        f"name = 'customer number {n}'" for n in range(200)
    )
    prov = provenance(len(SMALL_ROWS), source="query", query=sql)
    [page] = texts(render(SMALL_COLUMNS, SMALL_ROWS, prov))
    assert "Export of query from PyDBPro on 2024-05-01 12:34 UTC" in page
    assert "Query: SELECT id, name FROM customers WHERE" in page
    assert "customer number 199" not in page
    assert "…" in page


def positions(page: PageObject) -> dict[str, tuple[float, float]]:
    """Where each visible string starts (x, y in pt); one value a row gives one string a row."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: object, tm: Sequence[float], *_: object) -> None:
        if text.strip():
            found[text.strip()] = (tm[4], tm[5])

    page.extract_text(visitor_text=visit)
    return found


def test_numbers_are_right_aligned_and_text_left_aligned() -> None:
    numbers = render([ExportColumn("amount", K.DECIMAL)], [(Decimal("7"),), (Decimal("12345.6"),)])
    x = {text: at[0] for text, at in positions(numbers.pages[0]).items()}
    assert x["7"] > x["12345.6"] > x["amount"]  # right edges line up, header included
    words = render([ExportColumn("word", K.TEXT)], [("a",), ("abcdefgh",)])
    x = {text: at[0] for text, at in positions(words.pages[0]).items()}
    assert x["a"] == x["abcdefgh"] == x["word"]


def test_rows_go_down_the_page_evenly_and_stop_above_the_footer() -> None:
    rows = [(f"r{n}",) for n in range(200)]
    reader = render([ExportColumn("word", K.TEXT)], rows)
    seen = positions(reader.pages[1])
    ys = [at[1] for text, at in seen.items() if text.startswith("r")]
    gaps = {round(upper - lower, 1) for upper, lower in itertools.pairwise(ys)}
    assert len(ys) > 40 and len(gaps) == 1 and gaps.pop() > 8  # 8 pt type, one line a row
    footer = next(at[1] for text, at in seen.items() if text.startswith("Page 2 of"))
    assert min(ys) > footer + 8


def test_unprintable_and_missing_characters_do_not_break_rendering() -> None:
    columns = [ExportColumn("id", K.INTEGER), ExportColumn("raw", K.TEXT)]
    rows = [
        (1, "line one\nline two\ttab\r\n"),
        (2, "bell\x07null\x00escape\x1b[0m"),
        (3, "lone surrogate \udc80 here"),
        (4, "中文 and emoji 🎉"),
        (5, "zero\u200bwidth\ufeffbom"),
    ]
    page = texts(render(columns, rows))[0]
    assert "line one line two tab" in page
    assert "bellnullescape[0m" in page
    assert "lone surrogate \ufffd here" in page
    assert "\ufffd\ufffd and emoji \ufffd" in page
    assert "Page 1 of 1" in page


def test_forty_columns_stay_inside_the_page() -> None:
    columns = [ExportColumn(f"column_{n}", K.INTEGER if n % 3 else K.TEXT) for n in range(40)]
    rows = [
        tuple(n * 1_000_003 if k % 3 else f"text value {n}" for k in range(40)) for n in range(5)
    ]
    reader = render(columns, rows)
    page = reader.pages[0]
    shown: list[float] = []  # x of every string drawn (the Tj operator), however grouped

    def visit(operator: bytes, args: object, cm: object, tm: Sequence[float]) -> None:
        if operator == b"Tj":
            shown.append(tm[4])

    page.extract_text(visitor_operand_before=visit)
    assert landscape(reader) == [True]
    assert len(shown) > 40 * 6  # header and 5 rows
    assert max(shown) < float(page.mediabox.width) - 20  # the right margin is 10 mm = 28 pt
