"""Legacy table and column names resolved to real ones, through the catalog only.

1ClickDBPro ran on SQL Server and Access, where names are case-insensitive and tables
carry an owner (``"dbo"."Orders"``). A bookmark therefore names ``Orders`` where the
database now has ``orders``, or an owner that is no schema here. Resolution is exact first,
then case-insensitive when that is unambiguous; an owner that names no schema of this
database is ignored. Hidden tables stay unknown (the catalog never lists them).

Before login nothing is looked up (``WrittenNames``): the table's existence is none of an
anonymous visitor's business, so the URL sent to the login page keeps the names as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..column_kind import ColumnKind
from ..db.catalog import Catalog
from ..db.models import Column, TableInfo
from ..errors import BadRequest, NotFound


@dataclass(frozen=True)
class Table:
    """A table as the clean URLs name it; ``columns``/``primary_key`` None when unknown."""

    name: str
    schema: str | None  # only when the clean URL must say it (not the default schema)
    columns: tuple[Column, ...] | None = None
    primary_key: tuple[str, ...] | None = None

    def find(self, written: str) -> Column | None:
        """The column called ``written``: exactly, else case-insensitively if unique."""
        if self.columns is None:
            return None
        exact = [c for c in self.columns if c.name == written]
        folded = [c for c in self.columns if c.name.lower() == written.lower()]
        found = exact or folded
        return found[0] if len(found) == 1 else None

    def column(self, written: str) -> str:
        """The real name of column ``written`` (as written when the columns are unknown)."""
        if self.columns is None:
            return written
        found = self.find(written)
        if found is None:
            raise BadRequest(
                f"table {self.name!r} has no column {written!r}", code="LEGACY_UNKNOWN_COLUMN"
            )
        return found.name

    def focus(self, written: str) -> str | None:
        """A column for the UI to focus: its real name (as written before login), or None."""
        cleaned = written.strip().strip('[]"`')
        if self.columns is None:
            return cleaned or None
        found = self.find(cleaned)
        return found.name if found else None

    def kind(self, column: str) -> ColumnKind | None:
        found = self.find(column)
        return found.kind if found else None

    def names(self) -> tuple[str, ...] | None:
        return None if self.columns is None else tuple(c.name for c in self.columns)


class Names(Protocol):
    async def table(self, schema: str | None, name: str) -> Table: ...


class WrittenNames:
    """No lookups: names stay as written (translation for the login page's ``next``)."""

    async def table(self, schema: str | None, name: str) -> Table:
        return Table(name=name, schema=schema)


class CatalogNames:
    """Resolution against the tables this user may see (hidden ones are a 404)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def table(self, schema: str | None, name: str) -> Table:
        schemas = await self.catalog.schemas()
        if schema is not None:
            schema = _pick(schema, schemas)  # None: an owner such as dbo, not a schema here
        try:
            info = await self.catalog.resolve(name, schema)
        except NotFound:
            info = await self._folded(schema, name)
        structure = await self.catalog.structure(info)
        default = await self.catalog.default_schema()
        return Table(
            name=info.name,
            schema=None if info.schema == default else info.schema,
            columns=structure.columns,
            primary_key=structure.primary_key,
        )

    async def _folded(self, schema: str | None, name: str) -> TableInfo:
        tables = await self.catalog.tables(schema)
        found = [t for t in tables if t.name.lower() == name.lower()]
        if len(found) > 1:
            default = await self.catalog.default_schema()
            found = [t for t in found if t.schema == default] or found
        if len(found) == 1:
            return found[0]
        if found:
            raise BadRequest(
                f"{name!r} matches several tables that differ only in case; quote it exactly",
                code="LEGACY_AMBIGUOUS_TABLE",
            )
        raise NotFound(f"no table or view named {name!r}", code="TABLE_NOT_FOUND")


def _pick(written: str, known: Sequence[str]) -> str | None:
    if written in known:
        return written
    folded = [s for s in known if s.lower() == written.lower()]
    return folded[0] if len(folded) == 1 else None
