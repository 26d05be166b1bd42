"""One row by its primary key, with the parents it references and its children: the row view.

The row is read like a page (the browser's table clause and cell readings); each child table
gets a count of the rows that reference this one, bounded by COUNT_TIMEOUT (null when it
takes longer or the child cannot be read).
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, NotFound, QueryTimeout
from .browse import Browser, result_column
from .catalog import readable
from .filters import Filter, Op, combine, condition
from .models import TableInfo, TableStructure
from .previews import flat, rows_of
from .reading import fetch_all, fetch_scalar
from .results import make_row_encoder
from .select import count_select, row_select


class RowDetails:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db = browser.db
        self.catalog = browser.catalog

    async def row(self, table: TableInfo, raw_key: dict[str, str]) -> dict[str, Any]:
        """One row by primary key, with the parents it references and its children."""
        structure = await self.catalog.structure(table)
        if not structure.primary_key:
            raise BadRequest(
                f"{table.name!r} has no primary key; rows cannot be addressed",
                code="NO_PRIMARY_KEY",
            )
        unknown = sorted(set(raw_key) - set(structure.primary_key))
        if unknown:
            raise BadRequest(
                f"unknown parameter(s) {', '.join(map(repr, unknown))}: a row of "
                f"{table.name!r} is addressed by {', '.join(map(repr, structure.primary_key))}",
                code="UNKNOWN_PARAMETER",
            )
        missing = [c for c in structure.primary_key if c not in raw_key]
        if missing:
            raise BadRequest(
                f"the key column(s) {', '.join(map(repr, missing))} are required",
                code="MISSING_KEY",
            )
        source = self.browser.source(structure)
        key = [
            condition(Filter(name, Op.EQ, (raw_key[name],)), source.c[name],
                      structure.known(name), self.db.adapter)
            for name in structure.primary_key
        ]  # fmt: skip
        shown = self.browser.cell_readings(source, structure.columns)
        linked = _linked_columns(structure)
        async with readable(table):
            found = await fetch_all(self.db, row_select(source, flat(shown), linked, key))
        if not found:
            raise NotFound("no row with that key", code="ROW_NOT_FOUND")
        row = found[0]
        encode = make_row_encoder(
            [c.kind for c in structure.columns], max_text=self.db.settings.max_cell_text
        )
        values = dict(zip(linked, row[len(row) - len(linked) :], strict=True))
        return {
            "table": table.name,
            "schema": table.schema,
            "columns": [result_column(structure, c.name) for c in structure.columns],
            "row": encode(rows_of([row], shown)[0]),
            "parents": _parents(structure, values),
            "children": await self._children(structure, values),
        }

    async def _children(
        self, structure: TableStructure, values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        children = []
        for fk in structure.referenced_by:
            key = [values[c] for c in fk.ref_columns]
            filters = {f"filter_{col}": _plain(v) for col, v in zip(fk.columns, key, strict=True)}
            children.append(
                {
                    "table": fk.table.name,
                    "schema": fk.table.schema,
                    "columns": list(fk.columns),
                    "filter": filters,
                    "count": await self._child_count(fk, key),
                }
            )
        return children

    async def _child_count(self, fk: Any, key: list[Any]) -> int | None:
        try:
            child = await self.catalog.resolve(fk.table.name, fk.table.schema)
            child_structure = await self.catalog.structure(child)
            source = self.browser.source(child_structure)
            where = combine([source.c[c] == v for c, v in zip(fk.columns, key, strict=True)], "all")
            timeout = self.db.settings.count_timeout
            return int(await fetch_scalar(self.db, count_select(source, where), timeout))
        except (QueryTimeout, NotFound):
            return None


def _linked_columns(structure: TableStructure) -> list[str]:
    """Columns a row view links with (to its parents, from its children), read whole."""
    names = [c for fk in structure.foreign_keys for c in fk.columns]
    names += [c for fk in structure.referenced_by for c in fk.ref_columns]
    return list(dict.fromkeys(names))


def _plain(value: Any) -> Any:
    """A key value as a filter parameter value (text the filter parser accepts)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _parents(structure: TableStructure, values: dict[str, Any]) -> list[dict[str, Any]]:
    parents = []
    for fk in structure.foreign_keys:
        key_values = [values[c] for c in fk.columns]
        parents.append(
            {
                "table": fk.ref_table.name,
                "schema": fk.ref_table.schema,
                "columns": list(fk.columns),
                "key": None
                if any(v is None for v in key_values)
                else {ref: _plain(v) for ref, v in zip(fk.ref_columns, key_values, strict=True)},
            }
        )
    return parents
