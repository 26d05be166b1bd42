"""What every exporter receives: the columns, rows as plain Python values, the provenance.

Exporters never see a driver value. The data layer turns each cell into one of a few plain
types first (``db/export_values.py``, ``make_plain_rows``), so a writer only handles:
``None``, ``bool``, ``int``, ``float``, ``Decimal``, ``str``, ``date``, ``datetime`` (naive,
or aware in UTC) and ``time``. Everything else (JSON, arrays, binary, intervals, network
types...) already arrived as text.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from ..column_kind import ColumnKind

Row = Sequence[object]
Batches = Iterable[Sequence[Row]]


@dataclass(frozen=True)
class ExportColumn:
    name: str
    kind: ColumnKind
    type: str = ""  # declared database type; '' for ad-hoc query results


@dataclass
class Provenance:
    """Where an export came from, for the XLSX "About" sheet and the PDF title block.

    ``row_count`` and ``truncated`` are final once the writer has consumed every batch.
    """

    source: str  # "table public.customers" or "query"
    query: str | None = None  # the SQL text of a query export
    filters: str = "none"  # the filters in words
    sort: str = "none"  # the order in words
    exported_by: str = ""
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    app_name: str = "PyDBPro"
    version: str = ""
    row_limit: int = 0
    row_count: int = 0
    truncated: bool = False

    def about(self) -> list[tuple[str, str]]:
        """Label/value pairs, in the order a reader wants them."""
        pairs = [("Source", self.source)]
        if self.query is not None:
            pairs.append(("Query", self.query))
        pairs += [
            ("Filters", self.filters),
            ("Sort", self.sort),
            ("Exported by", self.exported_by),
            ("Exported at (UTC)", self.exported_at.strftime("%Y-%m-%d %H:%M:%S")),
            ("Rows", str(self.row_count)),
            ("Truncated", f"yes, at the limit of {self.row_limit} rows" if self.truncated
             else "no"),
            ("Exported from", self.app_name),
            ("PyDBPro version", self.version),
        ]  # fmt: skip
        return pairs


class Writer(Protocol):
    """A synchronous writer: consumes batches of rows, yields the file in chunks.

    Writers run in a worker thread (``export/stream.py``), so they may block; they must
    not hold more than a bounded number of rows, except PDF, whose row cap bounds it.
    """

    def __call__(
        self, columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
    ) -> Generator[bytes, None, None]: ...
