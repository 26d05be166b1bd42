"""PDF export: a printable table drawn with fpdf2's low-level calls, fast enough for 10,000 rows.

fpdf2's ``FPDF.table()`` lays out every cell as a wrapped paragraph, ~12 ms a row of 12
columns (minutes for 10,000 rows). This writer measures text itself (the font's advance widths,
summed per character) and writes each row as one PDF text object, so 10,000 rows x 12 columns
take ~1.5 s; fpdf2 still does pages, fonts (subset on output), compression and the file.

Choices a reader of the PDF sees:

- every row is exactly one line high; a value too wide for its column is cut and ends with
  "…" (no wrapping: predictable pages, and measuring one line is cheap);
- column widths come from the header and the first rows; short columns keep their natural
  width and the wide ones share what is left of the page;
- landscape A4 when the table is wide, portrait otherwise;
- text is drawn in the bundled DejaVu Sans Condensed (Latin, Greek, Cyrillic and more).
  A character the font has no glyph for (CJK, emoji) is drawn as U+FFFD "�", control
  characters are dropped and line breaks become spaces, so no value can break rendering.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.util import escape_parens

from ..column_kind import ColumnKind
from .base import Batches, ExportColumn, Provenance
from .text import cell_text

FONT_DIR = Path(__file__).with_name("fonts")
FAMILY = "DejaVuSansCondensed"
FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}

CHUNK_SIZE = 64 * 1024
MARGIN = 10.0  # mm, every side
PAD = 1.2  # mm, between a column's edge and its text
MM_PER_PT = 25.4 / 72
SAMPLE_ROWS = 300  # rows measured to size the text columns
MAX_NATURAL = 70.0  # mm: no column asks for more than this
PORTRAIT_MAX_COLUMNS = 6
NUMERIC = frozenset({ColumnKind.INTEGER, ColumnKind.BIGINT, ColumnKind.DECIMAL, ColumnKind.FLOAT})
ELLIPSIS = "…"
REPLACEMENT = "\ufffd"
HEADER_FILL = (218, 225, 236)
ZEBRA_FILL = (243, 245, 248)
GRID = (180, 186, 196)
MUTED = (90, 90, 90)
LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: Joins a row's cleaned values into the one string kept per row until its page is drawn
#: (cleaning drops control characters, so no value holds it): a str per row instead of a
#: list and a str per cell is ~7 MB less at the peak of a 10,000-row export.
SEP = "\x00"


class _Cleaner(dict[int, str]):
    """A lazily filled ``str.translate`` table: what the font can draw stays, the rest is made
    safe once per distinct character, so cleaning costs one C-level lookup per character."""

    def __init__(self, drawable: set[int]) -> None:
        super().__init__()
        self.drawable = drawable

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        if char in LINE_BREAKS:
            result = " "
        elif category == "Cc" or (category == "Cf" and code not in self.drawable):
            result = ""  # invisible anyway; dropping keeps the text extractable
        elif code in self.drawable:
            result = char
        else:
            result = REPLACEMENT  # lone surrogates, CJK, emoji: visibly "something was here"
        self[code] = result
        return result


class _Face:
    """One font style's advance widths (1/1000 em), read once from the font fpdf2 loaded."""

    def __init__(self, pdf: FPDF, style: str) -> None:
        pdf.set_font(FAMILY, style)
        font = pdf.current_font
        assert isinstance(font, TTFFont)
        self.units: dict[int, float] = font.cw
        self.cleaner = _Cleaner(set(font.cmap))
        self.max_ascii = max(self.units[code] for code in range(32, 127))
        self.ellipsis = self.units[ord(ELLIPSIS)]

    def clean(self, text: str) -> str:
        if text.isascii() and text.isprintable():
            return text
        return text.translate(self.cleaner)

    def width(self, text: str) -> float:
        return sum(map(self.units.__getitem__, map(ord, text)))

    def fit(self, text: str, room: float) -> tuple[str, float]:
        """The text, or its longest prefix plus "…", that fits in ``room`` units; and its width."""
        width = self.width(text)
        if width <= room:
            return text, width
        budget, units, used = room - self.ellipsis, self.units, 0.0
        if budget < 0:
            return "", 0.0  # not even "…" fits: a blank cell beats spilling into the next
        for index, char in enumerate(text):
            step = units[ord(char)]
            if used + step > budget:
                kept = text[:index].rstrip()
                return kept + ELLIPSIS, self.width(kept) + self.ellipsis
            used += step
        return text, width  # not reached: the characters add up to more than room


class _Encoder(dict[int, str]):
    """``str.translate`` table from a character to its code in the font subset fpdf2 embeds.

    ``FPDF.text()`` re-encodes every string character by character in Python and wraps each
    value in its own text object: 60% of the run time for 10,000 rows. Writing the operators
    here halves the total, at the price of two fpdf2 internals, ``TTFFont.subset.pick`` and
    ``FPDF._out``: the same from 2.7.5 to 2.8.9 (checked; 2.7.0 has no ``TTFFont`` at all),
    and the tests read every value back, so a change in fpdf2 shows up as a failing test.
    """

    def __init__(self, pdf: FPDF) -> None:
        super().__init__()
        font = pdf.current_font
        assert isinstance(font, TTFFont)
        self.pick = font.subset.pick

    def __missing__(self, code: int) -> str:
        picked = self.pick(code)  # None only for a glyph the font lacks: cleaned out before
        self[code] = result = "" if picked is None else chr(picked)
        return result


@dataclass(frozen=True)
class _Layout:
    """Everything the page loop needs, computed once so the loop is plain arithmetic."""

    orientation: str
    size: float  # font size, pt
    scale: float  # mm per font unit at that size
    widths: list[float]  # mm per column
    lefts: list[float]  # mm, each column's left edge
    numeric: list[bool]
    row_h: float
    head_h: float
    page_w: float
    page_h: float

    @property
    def table_w(self) -> float:
        return sum(self.widths)

    @property
    def bottom(self) -> float:
        """Lowest y a row may reach; the footer lives below it."""
        return self.page_h - MARGIN - 2 * self.row_h

    def room(self, column: int) -> float:
        """Units of text that fit in a column."""
        return max(self.widths[column] - 2 * PAD, 0.0) / self.scale


def write_pdf(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
) -> Generator[bytes, None, None]:
    """Consume every batch (the caller caps PDF exports, so this is bounded), then draw."""
    pdf = _new_document(provenance)
    bold, body = _Face(pdf, "B"), _Face(pdf, "")
    rows = [SEP.join([body.clean(cell_text(v)) for v in row]) for batch in batches for row in batch]
    headers = [bold.clean(column.name) for column in columns]
    layout = _plan(columns, headers, rows, body, bold)
    _draw(pdf, layout, headers, rows, body, bold, provenance)
    del rows
    data = memoryview(pdf.output())
    for start in range(0, len(data), CHUNK_SIZE):
        yield bytes(data[start : start + CHUNK_SIZE])


def _new_document(provenance: Provenance) -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(FONT_DIR / name))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_compression(True)  # 10,000 rows: 1.5 MB instead of 6.8 MB for ~0.25 s of zlib
    pdf.set_title(_title(provenance))
    pdf.set_author(provenance.exported_by)
    pdf.set_creator(f"{provenance.app_name} {provenance.version}".strip())
    return pdf


def _font_size(column_count: int) -> float:
    """Smaller type for many columns, so each keeps a readable number of characters."""
    return 8.0 if column_count <= 12 else 7.0 if column_count <= 20 else 6.0


def _natural_widths(
    columns: Sequence[ExportColumn], headers: list[str], rows: list[str],
    body: _Face, bold: _Face, scale: float,
) -> list[float]:  # fmt: skip
    """Width each column would like, in mm: its header or its widest value, whichever is more.

    Numbers are measured over every row (cheap, and a cut number misleads); text over a sample.
    """
    numbers = [i for i, column in enumerate(columns) if column.kind in NUMERIC]
    widest = [0.0] * len(columns)
    for n, row in enumerate(rows if numbers else rows[:SAMPLE_ROWS]):
        values = row.split(SEP)
        for index in numbers if n >= SAMPLE_ROWS else range(len(values)):
            widest[index] = max(widest[index], body.width(values[index]))
    natural = []
    for index in range(len(columns)):
        units = max(widest[index], bold.width(headers[index]))
        natural.append(min(units * scale + 2 * PAD + 0.1, MAX_NATURAL))
    return natural


def _share(natural: list[float], total: float) -> list[float]:
    """Fit widths into ``total``: columns narrower than a common cap keep their width, the
    others get the cap (the cap that makes the widths add up to ``total``)."""
    if sum(natural) <= total:
        return natural
    remaining, count, cap = total, len(natural), total / len(natural)
    for seen, width in enumerate(sorted(natural)):
        cap = remaining / (count - seen)
        if width > cap:
            break
        remaining -= width
    return [min(width, cap) for width in natural]


def _plan(
    columns: Sequence[ExportColumn], headers: list[str], rows: list[str],
    body: _Face, bold: _Face,
) -> _Layout:  # fmt: skip
    size = _font_size(len(columns))
    scale = size / 1000 * MM_PER_PT
    natural = _natural_widths(columns, headers, rows, body, bold, scale)
    wide = len(columns) > PORTRAIT_MAX_COLUMNS or sum(natural) > 210 - 2 * MARGIN
    page_w, page_h = (297.0, 210.0) if wide else (210.0, 297.0)
    widths = _share(natural, page_w - 2 * MARGIN)
    lefts = [MARGIN + sum(widths[:index]) for index in range(len(widths))]
    row_h = size * MM_PER_PT * 1.6
    return _Layout(
        orientation="L" if wide else "P", size=size, scale=scale, widths=widths, lefts=lefts,
        numeric=[column.kind in NUMERIC for column in columns], row_h=row_h,
        head_h=row_h * 1.3, page_w=page_w, page_h=page_h,
    )  # fmt: skip


def _draw(
    pdf: FPDF, layout: _Layout, headers: list[str], rows: list[str],
    body: _Face, bold: _Face, provenance: Provenance,
) -> None:  # fmt: skip
    """Page by page: title (page 1), header row, stripes, grid, values, footer."""
    label, _ = body.fit(body.clean(_title(provenance)), _room(layout.page_w / 2 - MARGIN, 7))
    start, first = 0, True
    while first or start < len(rows):
        pdf.add_page(orientation=layout.orientation)
        top = _draw_title(pdf, layout, provenance, bold, body) if first else MARGIN
        first = False
        fits = max(int((layout.bottom - top - layout.head_h) / layout.row_h), 1)
        page_rows = rows[start : start + fits]
        start += fits
        _draw_header(pdf, layout, headers, bold, top)
        top += layout.head_h
        _draw_stripes(pdf, layout, top, len(page_rows))
        _draw_grid(pdf, layout, top - layout.head_h, top + len(page_rows) * layout.row_h)
        _draw_values(pdf, layout, page_rows, body, top)
        _draw_footer(pdf, layout, label)


def _room(mm: float, size: float) -> float:
    """Font units that fit in ``mm`` at ``size`` pt."""
    return mm / (size / 1000 * MM_PER_PT)


def _title(provenance: Provenance) -> str:
    at = provenance.exported_at
    at = at.astimezone(UTC) if at.tzinfo is not None else at  # naive means UTC here
    return (
        f"Export of {provenance.source} from {provenance.app_name}"
        f" on {at.strftime('%Y-%m-%d %H:%M')} UTC"
    )


def _about_lines(provenance: Provenance) -> list[str]:
    lines = [f"Filters: {provenance.filters}", f"Sort: {provenance.sort}"]
    if provenance.exported_by:
        lines.append(f"Exported by: {provenance.exported_by}")
    return [*lines, f"Rows: {provenance.row_count}"]


def _query_lines(query: str, face: _Face, room: float) -> list[str]:
    """The SQL on at most two lines: whitespace collapsed, cut at a word, then "…"."""
    text = face.clean("Query: " + " ".join(query.split()))
    first, _ = face.fit(text, room)
    if first == text:
        return [text]
    first = first[:-1]  # drop the ellipsis, continue on a second line
    if " " in first:
        first = first[: first.rindex(" ")]
    second, _ = face.fit(text[len(first) :].lstrip(), room)
    return [first, second]


def _draw_title(pdf: FPDF, layout: _Layout, provenance: Provenance, bold: _Face,
                body: _Face) -> float:  # fmt: skip
    """Draw the title block on page 1; return the y where the table starts.

    ``text()`` rather than ``cell()``: no markdown or "{nb}" substitution in user text.
    """
    width = layout.page_w - 2 * MARGIN
    pdf.set_font(FAMILY, "B", 12)
    pdf.text(MARGIN, MARGIN + 4.5, bold.fit(bold.clean(_title(provenance)), _room(width, 12))[0])
    query = provenance.query
    lines = _query_lines(query, body, _room(width, 9)) if query is not None else []
    lines += [body.fit(body.clean(line), _room(width, 9))[0] for line in _about_lines(provenance)]
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    y = MARGIN + 5
    for line in lines:
        y += 4.4
        pdf.text(MARGIN, y, line)
    pdf.set_text_color(0)
    if provenance.truncated:  # in bold and black: the one line a reader must not miss
        pdf.set_font(FAMILY, "B", 9)
        y += 4.4
        pdf.text(MARGIN, y, f"Truncated at the limit of {provenance.row_limit} rows")
    return y + 4


def _draw_header(pdf: FPDF, layout: _Layout, headers: list[str], bold: _Face, top: float) -> None:
    pdf.set_fill_color(*HEADER_FILL)
    pdf.rect(MARGIN, top, layout.table_w, layout.head_h, style="F")
    pdf.set_fill_color(0)  # text() wraps each call in q/Q unless fill and text colours match
    pdf.set_font(FAMILY, "B", layout.size)
    baseline = top + layout.head_h / 2 + 0.36 * layout.size * MM_PER_PT
    for index, header in enumerate(headers):
        text, width = bold.fit(header, layout.room(index))
        left = layout.lefts[index]
        if layout.numeric[index]:  # over its numbers, like the numbers
            left += layout.widths[index] - 2 * PAD - width * layout.scale
        pdf.text(left + PAD, baseline, text)


def _draw_stripes(pdf: FPDF, layout: _Layout, top: float, count: int) -> None:
    """One filled rectangle per second row, before any text so no colour switches per cell."""
    pdf.set_fill_color(*ZEBRA_FILL)
    for index in range(1, count, 2):
        pdf.rect(MARGIN, top + index * layout.row_h, layout.table_w, layout.row_h, style="F")
    pdf.set_fill_color(0)


def _draw_grid(pdf: FPDF, layout: _Layout, top: float, bottom: float) -> None:
    """Thin column separators and rules above, below and under the header: a few lines a page."""
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.1)
    right = MARGIN + layout.table_w
    for x in [*layout.lefts, right]:
        pdf.line(x, top, x, bottom)
    for y in (top, top + layout.head_h, bottom):
        pdf.line(MARGIN, y, right, y)


def _draw_values(pdf: FPDF, layout: _Layout, rows: list[str], body: _Face, top: float) -> None:
    """The hot loop: per cell a length test or a width sum, then a few bytes of page content.

    A short ASCII value cannot overflow (``sure``: how many of the widest ASCII glyph fit), so
    most text cells skip measuring; numbers are always measured, to right-align them. Each
    row is one text object, values placed with ``Tm`` (see ``_Encoder`` for why not text()).
    """
    pdf.set_font(FAMILY, "", layout.size)
    pdf.text(MARGIN, top, "")  # puts the font on the page, which the raw operators rely on
    table, escape, fit, k = _Encoder(pdf), escape_parens, body.fit, pdf.k
    specs = []
    for index, left in enumerate(layout.lefts):
        room = layout.room(index)
        right = left + layout.widths[index] - PAD
        specs.append((left + PAD, right, room, int(room // body.max_ascii), layout.numeric[index]))
    baseline = top + layout.row_h / 2 + 0.36 * layout.size * MM_PER_PT
    y, step, scale = (pdf.h - baseline) * k, layout.row_h * k, layout.scale
    for row in rows:
        shown = []
        for value, (x, right, room, sure, numeric) in zip(row.split(SEP), specs, strict=True):
            if not value:
                continue
            if numeric:
                value, width = fit(value, room)
                x = right - width * scale
            elif len(value) > sure or not value.isascii():
                value = fit(value, room)[0]
            code = escape(value.translate(table).encode("utf-16-be").decode("latin-1"))
            shown.append(f"1 0 0 1 {x * k:.2f} {y:.2f} Tm ({code}) Tj")
        if shown:
            pdf._out(f"BT {' '.join(shown)} ET")
        y -= step


def _draw_footer(pdf: FPDF, layout: _Layout, label: str) -> None:
    """What this is on the left, "Page X of Y" on the right (fpdf2 fills in {nb} at output)."""
    half = layout.page_w / 2 - MARGIN
    pdf.set_font(FAMILY, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.text(MARGIN, layout.page_h - MARGIN - 1.2, label)
    pdf.set_xy(MARGIN + half, layout.page_h - MARGIN - 4)
    pdf.cell(half, 4, f"Page {pdf.page_no()} of {{nb}}", align="R")
    pdf.set_text_color(0)
