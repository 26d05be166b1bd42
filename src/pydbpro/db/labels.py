"""Labels of parent rows: what a foreign-key cell shows beside its id (``customer_id`` 7 —
"O'Brien").

A page asks once for all its foreign-key columns; each column costs one bounded query on
the parent table (``WHERE <referenced column> IN (...)``, the values bound like an ``in``
filter's). The label is the parent's first text column that is not the referenced column
itself (a name or title, usually), or the one LABEL_COLUMNS names for that table. Only
single-column foreign keys get labels; a compound key has no one value to put a label beside.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ..errors import BadRequest
from ..settings import label_column_map
from .browse import Browser
from .catalog import readable
from .filters import Filter, Op, condition
from .models import Column, ForeignKey, TableInfo, TableStructure
from .previews import flat, rows_of
from .reading import fetch_all
from .results import make_row_encoder

#: A label longer than this is cut (with an ellipsis): it sits beside an id in a grid cell.
LABEL_CHARS = 80


class ParentLabels:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db = browser.db
        self.catalog = browser.catalog
        self.configured = label_column_map(browser.db.settings)

    async def labels(
        self, table: TableInfo, requested: Sequence[tuple[str, Sequence[str]]], max_values: int
    ) -> dict[str, dict[str, str]]:
        """``{column: {value: label}}`` for the given foreign-key columns of ``table`` and
        their values (as filter text). Values without a parent row, or whose label is NULL or
        empty, are left out; a parent without a text column gives an empty map."""
        structure = await self.catalog.structure(table)
        checked = [(self._foreign_key(structure, c), c, v) for c, v in requested]
        for column, values in requested:
            if len(set(values)) > max_values:
                raise BadRequest(
                    f"at most {max_values} values per column (MAX_RECORDS_DISPLAY); "
                    f"{column!r} has {len(set(values))}",
                    code="TOO_MANY_VALUES",
                )
        found: dict[str, dict[str, str]] = {}
        for fk, column, values in checked:
            found[column] = await self._column_labels(fk, sorted(set(values)))
        return found

    def _foreign_key(self, structure: TableStructure, column: str) -> ForeignKey:
        for fk in structure.foreign_keys:
            if fk.columns == (column,):
                return fk
        raise BadRequest(
            f"{column!r} is not a single-column foreign key of {structure.info.name!r}",
            code="NOT_A_FOREIGN_KEY",
        )

    def _configured(self, table: TableInfo) -> str | None:
        own = self.configured.get(f"{table.schema}.{table.name}")
        return own or self.configured.get(table.name)

    async def _column_labels(self, fk: ForeignKey, values: list[str]) -> dict[str, str]:
        parent = await self.catalog.resolve(fk.ref_table.name, fk.ref_table.schema)
        structure = await self.catalog.structure(parent)
        target = structure.known(fk.ref_columns[0])
        label = label_column(structure, target.name, self._configured(parent))
        if label is None or not values:
            return {}
        source = self.browser.source(structure)
        where = condition(Filter(target.name, Op.IN, tuple(values)), source.c[target.name],
                          target, self.db.adapter)  # fmt: skip
        shown = self.browser.cell_readings(source, [target, label])
        query = select(*flat(shown)).select_from(source).where(where).limit(len(values))
        async with readable(parent):
            rows = await fetch_all(self.db, query)
        encode = make_row_encoder([target.kind, label.kind], max_text=LABEL_CHARS)
        labels: dict[str, str] = {}
        for key, text in (encode(row) for row in rows_of(rows, shown)):
            if key is not None and text not in (None, ""):
                labels[_text(key)] = _label(text)
        return labels


def label_column(
    structure: TableStructure, referenced: str, configured: str | None = None
) -> Column | None:
    """The configured column when the parent has it, else its first text column other than
    the referenced one."""
    chosen = structure.column(configured) if configured else None
    if chosen is not None:
        return chosen
    return next((c for c in structure.columns if c.kind.is_text and c.name != referenced), None)


def _text(value: Any) -> str:
    """A key as the client writes it into a filter: JSON numbers without a fraction as such."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _label(value: Any) -> str:
    if isinstance(value, dict) and value.get("$truncated"):
        return f"{value['value']}…"
    return str(value)
