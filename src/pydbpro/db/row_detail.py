"""One row by its primary key, with the parents it references and its children: the row view.

The row is read like a page (the browser's table clause and cell readings); each child table
gets a count of the rows that reference this one, bounded by COUNT_TIMEOUT (null when it
takes longer or the child cannot be read).
"""

from __future__ import annotations

from typing import Any

from ..column_kind import ColumnKind
from ..errors import BadRequest, NotFound, QueryTimeout
from .browse import Browser, result_column
from .catalog import readable
from .filters import Filter, Op, combine, condition
from .models import TableInfo, TableStructure
from .previews import Preview, bounded, flat, rows_of
from .reading import fetch_all, fetch_scalar
from .results import make_row_encoder
from .select import count_select, row_select

#: The largest image the value panel previews.
IMAGE_PREVIEW_BYTES = 4 * 1024 * 1024


class RowDetails:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db = browser.db
        self.catalog = browser.catalog

    async def row(self, table: TableInfo, raw_key: dict[str, str]) -> dict[str, Any]:
        """One row by primary key, with the parents it references and its children."""
        structure = await self.catalog.structure(table)
        source = self.browser.source(structure)
        key = self._key(structure, source, raw_key)
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

    async def image(
        self, table: TableInfo, raw_key: dict[str, str], column: str
    ) -> tuple[bytes, str]:
        """One binary value of one row, whole, when it is an image of at most
        IMAGE_PREVIEW_BYTES (PNG, JPEG, GIF or WebP by its first bytes): the value panel's
        preview, with its media type. Anything else is refused, so this never serves a file
        of another type (no SVG: it can carry script)."""
        structure = await self.catalog.structure(table)
        known = structure.column(column)
        if known is None or known.kind is not ColumnKind.BINARY:
            raise BadRequest(f"{column!r} is not a binary column of {table.name!r}",
                             code="NOT_BINARY")  # fmt: skip
        source = self.browser.source(structure)
        key = self._key(structure, source, raw_key)
        reading = bounded(source.c[column], known, self.db.adapter, IMAGE_PREVIEW_BYTES)
        async with readable(table):
            found = await fetch_all(self.db, row_select(source, reading.exprs, (), key))
        if not found:
            raise NotFound("no row with that key", code="ROW_NOT_FOUND")
        value = rows_of(found[:1], [reading])[0][0]
        if isinstance(value, Preview):
            raise BadRequest(
                f"the value has {value.length} bytes; images of at most "
                f"{IMAGE_PREVIEW_BYTES} are shown",
                code="VALUE_TOO_LARGE",
            )
        data = bytes(value) if value is not None else b""
        mimetype = image_type(data)
        if mimetype is None:
            raise BadRequest("the value is not a PNG, JPEG, GIF or WebP image",
                             code="NOT_AN_IMAGE")  # fmt: skip
        return data, mimetype

    def _key(self, structure: TableStructure, source: Any, raw_key: dict[str, str]) -> list[Any]:
        """The conditions selecting one row by its primary key (400s for a bad key)."""
        table = structure.info
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
        return [
            condition(Filter(name, Op.EQ, (raw_key[name],)), source.c[name],
                      structure.known(name), self.db.adapter)
            for name in structure.primary_key
        ]  # fmt: skip

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


def image_type(data: bytes) -> str | None:
    """The media type of an image by its magic bytes (as the UI's ``lib/format.ts``)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
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
