"""The XLSX writer on its own: what a user sees when the file is opened, read back with openpyxl.

No database: the writer only ever receives plain values (``export/base.py``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pydbpro.column_kind import ColumnKind
from pydbpro.export import xlsx
from pydbpro.export.base import ExportColumn, Provenance
from pydbpro.export.xlsx import CHUNK_SIZE, write_xlsx

EXPORTED_AT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-2", "@x", "=1+1"]


def provenance(**changes: object) -> Provenance:
    fields: dict[str, object] = {
        "source": "table public.things",
        "exported_by": "alice",
        "exported_at": EXPORTED_AT,
        "version": "1.2.3",
    }
    return Provenance(**(fields | changes))  # type: ignore[arg-type]


def write(
    columns: Sequence[ExportColumn],
    batches: object,
    about: Provenance | None = None,
) -> bytes:
    return b"".join(write_xlsx(columns, batches, about or provenance()))  # type: ignore[arg-type]


def workbook_sheets(data: bytes) -> tuple[Worksheet, Worksheet]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "About"]
    return book["Data"], book["About"]


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def single_column(kind: ColumnKind, values: Sequence[object], type_: str = "") -> Worksheet:
    data = write([ExportColumn("v", kind, type_)], [[(value,) for value in values]])
    return workbook_sheets(data)[0]


def column_cells(sheet: Worksheet) -> list:  # type: ignore[type-arg]
    return [row[0] for row in sheet.iter_rows(min_row=2)]


# --- values and types -------------------------------------------------------------------------


def test_integers_are_numbers_until_a_double_would_lose_digits() -> None:
    exact = 2**53 - 1
    values = [0, -5, exact, -exact, exact + 1, 2**63 - 1, -(2**70), None]
    cells = column_cells(single_column(ColumnKind.BIGINT, values))

    assert [(c.value, c.data_type) for c in cells] == [
        (0, "n"), (-5, "n"), (exact, "n"), (-exact, "n"),
        (str(exact + 1), "s"), (str(2**63 - 1), "s"), (str(-(2**70)), "s"), (None, "n"),
    ]  # fmt: skip
    assert all(type(c.value) is int for c in cells[:4])


def test_floats_are_numbers_and_non_finite_ones_text() -> None:
    values = [1.5, -0.25, 1e300, 1.5e-07, 0.1 + 0.2, float("nan"), float("inf"), float("-inf")]
    cells = column_cells(single_column(ColumnKind.FLOAT, values))

    assert [c.value for c in cells[:5]] == values[:5]  # every bit survives
    assert all(c.data_type == "n" for c in cells[:5])
    assert [(c.value, c.data_type) for c in cells[5:]] == [
        ("NaN", "s"), ("Infinity", "s"), ("-Infinity", "s"),
    ]  # fmt: skip


def test_decimals_are_numbers_only_when_a_double_holds_them_exactly() -> None:
    values = [
        Decimal("12.50"), Decimal("-0.10"), Decimal("1234567890123.45"), Decimal("1E+30"),
        Decimal("12345678901234567890.12"), Decimal("0.1000000000000000055511151231257827"),
        Decimal("123456789012345678"), Decimal("NaN"), Decimal("-Infinity"), None,
    ]  # fmt: skip
    cells = column_cells(single_column(ColumnKind.DECIMAL, values, "numeric(30,2)"))

    assert [(c.value, c.data_type) for c in cells] == [
        (12.5, "n"), (-0.1, "n"), (1234567890123.45, "n"), (1e30, "n"),
        ("12345678901234567890.12", "s"), ("0.1000000000000000055511151231257827", "s"),
        ("123456789012345678", "s"), ("NaN", "s"), ("-Infinity", "s"), (None, "n"),
    ]  # fmt: skip
    assert cells[0].number_format == "0.00"  # the column's scale: 12.50 shows as 12.50


def test_each_decimal_scale_gets_its_number_format() -> None:
    columns = [
        ExportColumn("a", ColumnKind.DECIMAL, "numeric(10,4)"),
        ExportColumn("b", ColumnKind.DECIMAL, "numeric"),
        ExportColumn("c", ColumnKind.DECIMAL, "NUMERIC(12, 2)"),
        ExportColumn("d", ColumnKind.DECIMAL, "decimal(10,4)"),
    ]
    row = (Decimal("1.5"), Decimal("2.5"), Decimal("3.5"), Decimal("4.5"))
    sheet, _ = workbook_sheets(write(columns, [[row]]))

    assert [c.value for c in sheet[2]] == [1.5, 2.5, 3.5, 4.5]
    assert [c.number_format for c in sheet[2]] == ["0.0000", "General", "0.00", "0.0000"]


def test_booleans_are_boolean_cells() -> None:
    cells = column_cells(single_column(ColumnKind.BOOLEAN, [True, False, None]))

    assert [(c.value, c.data_type) for c in cells] == [(True, "b"), (False, "b"), (None, "n")]


def test_dates_are_dates_with_a_date_format_and_early_ones_text() -> None:
    values = [date(2024, 1, 2), date(1900, 3, 1), date(9999, 12, 31), date(1900, 2, 28)]
    cells = column_cells(single_column(ColumnKind.DATE, values))

    assert [c.value for c in cells[:3]] == [
        datetime(2024, 1, 2),
        datetime(1900, 3, 1),
        datetime(9999, 12, 31),
    ]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells[:3])
    assert (cells[3].value, cells[3].data_type) == ("1900-02-28", "s")  # Excel's 1900 bug


def test_datetimes_are_date_times_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    values = [
        datetime(2024, 1, 2, 3, 4, 5, 678000),
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=plus_two),
        datetime(2024, 1, 2, 23, 59, 59, tzinfo=UTC),
        datetime(1899, 12, 31, 12, 0),
    ]
    cells = column_cells(single_column(ColumnKind.DATETIME, values))

    assert [c.value for c in cells[:3]] == [
        datetime(2024, 1, 2, 3, 4, 5, 678000),
        datetime(2024, 1, 2, 1, 4, 5),
        datetime(2024, 1, 2, 23, 59, 59),
    ]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm:ss" for c in cells[:3])
    assert (cells[3].value, cells[3].data_type) == ("1899-12-31T12:00:00", "s")


def test_times_are_times() -> None:
    values = [time(12, 30, 15), time(0, 0), time(23, 59, 59), time(8, 0, tzinfo=UTC)]
    cells = column_cells(single_column(ColumnKind.TIME, values))

    assert [c.value for c in cells] == [time(12, 30, 15), time(0, 0), time(23, 59, 59), time(8)]
    assert all(c.number_format == "hh:mm:ss" for c in cells)


AWKWARD_TEXTS = [
    "héllo ✓ 😀 東京",
    *FORMULAS,
    "<&>\"'",
    "  leading spaces",
    "trailing spaces  ",
    "\ttab first",
    "line\nbreaks\r\nand CR",
    "]]> and &amp; already escaped",
    "",
]


def test_text_comes_back_exactly_and_formula_like_text_stays_text() -> None:
    sheet = single_column(ColumnKind.TEXT, AWKWARD_TEXTS)
    cells = column_cells(sheet)

    assert [c.value for c in cells] == [*AWKWARD_TEXTS[:-1], None]  # Excel has no empty text
    assert all(c.data_type == "s" for c in cells[:-1])


def test_edge_spaces_are_marked_for_keeping() -> None:
    """openpyxl keeps them either way; Excel drops them without xml:space="preserve"."""
    texts = ["  lead", "trail ", "\ttab", "in side"]
    data = write([ExportColumn("v", ColumnKind.TEXT)], [[(text,) for text in texts]])
    sheet = part(data, "xl/worksheets/sheet1.xml")

    for text in texts[:3]:
        assert f'<t xml:space="preserve">{text}</t>' in sheet
    assert "<t>in side</t>" in sheet


def test_nothing_is_ever_written_as_a_formula() -> None:
    data = write([ExportColumn("v", ColumnKind.TEXT)], [[(text,) for text in FORMULAS]])
    sheet = part(data, "xl/worksheets/sheet1.xml")

    assert "<f>" not in sheet and "<f " not in sheet
    assert sheet.count('t="inlineStr"') == len(FORMULAS) + 1  # and the header


def test_characters_xml_cannot_carry_are_dropped_and_tabs_kept() -> None:
    texts = ["a\x00b\x01c\x08d\x0be\x1ff\ufffeg", "tab\there", "x\ud800y", "\x01\x02"]
    cells = column_cells(single_column(ColumnKind.TEXT, texts))

    assert [c.value for c in cells] == ["abcdefg", "tab\there", "xy", None]


def test_text_is_cut_at_excels_cell_limit_counted_in_utf16_units() -> None:
    texts = ["x" * 40_000, "😀" * 20_000, "y" * 32_767]
    cells = column_cells(single_column(ColumnKind.TEXT, texts))

    assert cells[0].value == "x" * 32_767
    assert cells[1].value == "😀" * 16_383  # a pair is never split
    assert cells[2].value == "y" * 32_767


def test_excels_own_escapes_in_text_are_escaped() -> None:
    """Excel reads ``_x0041_`` as "A"; ``_x005F_`` keeps the underscore (openpyxl does not
    decode either, so this checks the XML; LibreOffice was checked to show ``_x0041_``)."""
    data = write([ExportColumn("v", ColumnKind.TEXT)], [[("a_x0041_b",), ("_x",), ("_x12",)]])
    sheet = part(data, "xl/worksheets/sheet1.xml")

    assert "<t>a_x005F_x0041_b</t>" in sheet
    assert "<t>_x</t>" in sheet and "<t>_x12</t>" in sheet


def test_values_of_other_types_than_the_column_kind_keep_their_own_type() -> None:
    columns = [ExportColumn("t", ColumnKind.TEXT), ExportColumn("i", ColumnKind.INTEGER)]
    rows = [(5, "five"), (True, 2.5), (date(2024, 1, 2), Decimal("1.5"))]
    sheet = workbook_sheets(write(columns, [rows]))[0]
    values = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]

    assert values == [(5, "five"), (True, 2.5), (datetime(2024, 1, 2), 1.5)]


# --- the workbook ----------------------------------------------------------------------------

COLUMNS = [
    ExportColumn("id", ColumnKind.BIGINT, "bigint"),
    ExportColumn("name", ColumnKind.TEXT, "text"),
    ExportColumn("amount", ColumnKind.DECIMAL, "numeric(12,2)"),
    ExportColumn("created", ColumnKind.DATETIME, "timestamp"),
]


def sample_rows(count: int, start: int = 0) -> list[tuple[object, ...]]:
    return [
        (i, f"name {i}", Decimal(i).scaleb(-2), datetime(2024, 1, 1) + timedelta(minutes=i))
        for i in range(start, start + count)
    ]


def test_header_is_bold_and_frozen_with_an_autofilter_over_the_data() -> None:
    data = write(COLUMNS, [sample_rows(3)])
    sheet, _ = workbook_sheets(data)

    assert [c.value for c in sheet[1]] == ["id", "name", "amount", "created"]
    assert all(c.font.b for c in sheet[1])
    assert not any(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    workbook = part(data, "xl/workbook.xml")
    assert (
        '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        "Data!$A$1:$D$4</definedName>"
    ) in workbook


def test_column_widths_follow_the_header_and_first_batch_within_bounds() -> None:
    columns = [
        ExportColumn("a", ColumnKind.TEXT),
        ExportColumn("a rather long column heading", ColumnKind.TEXT),
        ExportColumn("c", ColumnKind.TEXT),
        ExportColumn("day", ColumnKind.DATE),
    ]
    rows = [("x", "y", "z" * 500, date(2024, 1, 1)), ("xy", "", "z", None)]
    sheet, _ = workbook_sheets(write(columns, [rows, [("w" * 200, "", "", None)]]))
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]

    assert widths[0] == 8  # the minimum; the second batch does not count
    assert 28 < widths[1] < 60  # the heading
    assert widths[2] == 60  # the maximum
    assert 10 <= widths[3] < 20


def test_about_sheet_holds_the_provenance_final_after_the_last_batch() -> None:
    about = provenance(query="select *\nfrom things", row_limit=5)

    def batches() -> Iterator[list[tuple[object, ...]]]:
        yield sample_rows(5)
        about.row_count, about.truncated = 5, True  # known only at the end

    _, sheet = workbook_sheets(write(COLUMNS, batches(), about))
    rows = [(label.value, value.value) for label, value in sheet.iter_rows()]

    assert rows == about.about()
    assert ("Rows", "5") in rows
    assert ("Truncated", "yes, at the limit of 5 rows") in rows
    assert ("Query", "select *\nfrom things") in rows
    assert all(label.font.b for label, _ in sheet.iter_rows())


def test_a_result_without_rows_is_a_header_with_its_filter() -> None:
    data = write(COLUMNS, [])
    sheet, about = workbook_sheets(data)

    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["id", "name", "amount", "created"]
    ]
    assert sheet.auto_filter.ref == "A1:D1"
    assert sheet.freeze_panes == "A2"
    assert about["A1"].value == "Source"


def test_empty_batches_are_skipped() -> None:
    sheet, _ = workbook_sheets(write(COLUMNS, [[], sample_rows(2), [], sample_rows(1, 2), []]))

    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [0, 1, 2]


def test_twenty_thousand_rows_in_many_batches_come_back_in_order() -> None:
    sizes = [1, 7, 499, 500, 501, 1000, 3, 5000, 2489, 10_000]
    assert sum(sizes) == 20_000
    batches, start = [], 0
    for size in sizes:
        batches.append(sample_rows(size, start))
        start += size
    sheet, _ = workbook_sheets(write(COLUMNS, batches))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    assert len(rows) == 20_000
    assert [row[0] for row in rows] == list(range(20_000))
    assert [row[1] for row in rows] == [f"name {i}" for i in range(20_000)]
    assert rows[-1][3] == datetime(2024, 1, 1) + timedelta(minutes=19_999)
    assert sheet.auto_filter.ref == "A1:D20001"


def test_every_part_is_well_formed_xml_and_the_archive_intact() -> None:
    data = write(COLUMNS, [sample_rows(50)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        for name in names:
            ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own output

    assert names[0] == "[Content_Types].xml"
    assert sorted(names) == [
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
        "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml",
        "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
    ]  # fmt: skip
    assert "<dcterms:created" in part(data, "docProps/core.xml")
    assert "2024-05-06T07:08:09Z" in part(data, "docProps/core.xml")


def test_the_file_is_deterministic_and_comes_in_64_kib_chunks() -> None:
    rows = [(i, f"text {i * 7919 % 10007}", None, None) for i in range(30_000)]
    chunks = list(write_xlsx(COLUMNS, [rows], provenance()))
    again = b"".join(write_xlsx(COLUMNS, [rows], provenance()))

    assert len(chunks) > 2
    assert all(len(chunk) == CHUNK_SIZE for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= CHUNK_SIZE
    assert b"".join(chunks) == again


def test_batches_are_read_as_the_file_is_written_not_all_up_front() -> None:
    pulled = 0

    def batches() -> Iterator[list[tuple[object, ...]]]:
        nonlocal pulled
        for i in range(40):
            pulled += 1
            yield [(i * 1000 + j, "x" * 200, None, None) for j in range(1000)]

    chunks = write_xlsx(COLUMNS, batches(), provenance())
    for _ in range(3):
        next(chunks)

    assert 0 < pulled < 40
    assert sum(1 for _ in chunks) > 0
    assert pulled == 40


def test_a_row_of_the_wrong_length_is_an_error_not_a_shifted_sheet() -> None:
    with pytest.raises(ValueError):
        write(COLUMNS, [[(1, "a", None, None), (2, "b", None)]])


def test_rows_beyond_excels_last_row_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 11)  # the header and ten rows

    assert workbook_sheets(write(COLUMNS, [sample_rows(10)]))[0].max_row == 11
    with pytest.raises(ValueError, match="at most 10 data rows"):
        write(COLUMNS, [sample_rows(10), sample_rows(1)])


def test_no_columns_still_makes_a_valid_workbook() -> None:
    sheet, about = workbook_sheets(write([], [[(), ()]]))

    assert sheet.max_column == 1 and sheet["A1"].value is None
    assert about["A1"].value == "Source"
