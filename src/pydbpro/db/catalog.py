"""The catalog: which tables exist and look like what, as this user may see them.

Listing and structure are cached per app for METADATA_CACHE_SECONDS (a refresh bypasses it).
HIDDEN_TABLES and SHOW_SYSTEM_TABLES are applied here, once, so a hidden table is unknown
to every endpoint that resolves a table name.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoSuchTableError, SAWarning, UnreflectableTableError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..column_kind import ColumnKind
from ..errors import DataError, Forbidden, NotFound, ObjectNotReadable, QueryTimeout, SqlError
from .adapters import DialectAdapter
from .engine import Database
from .kinds import declared_type, kind_of
from .models import (
    Column,
    Definition,
    ForeignKey,
    Index,
    Partition,
    RelationType,
    Routine,
    TableInfo,
    TableRef,
    TableStructure,
    Trigger,
)
from .reading import run_read
from .ttlcache import TTLCache


@dataclass(frozen=True)
class _Listing:
    tables: tuple[TableInfo, ...]
    by_key: dict[tuple[str, str], TableInfo]
    by_name: dict[str, list[TableInfo]]
    #: Views hidden because they read a hidden relation (lower-cased schema, name).
    hidden_views: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, tables: Iterable[TableInfo], hidden_views: frozenset[tuple[str, str]]) -> _Listing:
        ordered = tuple(tables)
        by_name: dict[str, list[TableInfo]] = {}
        for table in ordered:
            by_name.setdefault(table.name, []).append(table)
        return cls(ordered, {(t.schema, t.name): t for t in ordered}, by_name, hidden_views)


def _key(schema: str, name: str) -> tuple[str, str]:
    return schema.lower(), name.lower()


class Catalog:
    def __init__(self, db: Database) -> None:
        self.db = db
        settings = db.settings
        self.hidden = [pattern.lower() for pattern in settings.hidden_tables]
        self.show_system = settings.show_system_tables
        self._cache = TTLCache(settings.metadata_cache_seconds)

    def is_hidden(self, schema: str, name: str) -> bool:
        """Does HIDDEN_TABLES name this relation? (Views over one: `_hidden_views`.)"""
        candidates = (name.lower(), f"{schema}.{name}".lower())
        return any(fnmatch.fnmatchcase(c, p) for p in self.hidden for c in candidates)

    async def hidden_test(self) -> Callable[[str | None, str], bool] | None:
        """HIDDEN_TABLES for the console's guard (sql_guard's ``HiddenTest``): the same
        `is_hidden`, with an unqualified name (None) in the default schema; None when
        nothing is hidden, so the guard's checks cost nothing then."""
        if not self.hidden:
            return None
        default = await self.default_schema()
        views = (await self._listing()).hidden_views

        def hidden(schema: str | None, name: str) -> bool:
            schema = schema or default
            return self.is_hidden(schema, name) or _key(schema, name) in views

        return hidden

    async def _hidden_views(self) -> frozenset[tuple[str, str]]:
        """Views (and materialized views) whose definition reads a hidden relation, directly
        or through other views: reading one reads the table. A view whose definition cannot
        be read is hidden too when anything is hidden (the safe side)."""
        if not self.hidden:
            return frozenset()
        sources = await run_read(self.db, self.db.adapter.view_dependencies)
        hidden: set[tuple[str, str]] = set()
        grown = True
        while grown:  # to a fixed point: a view on a hidden view is hidden
            grown = False
            for view, reads in sources.items():
                key = _key(view.schema, view.name)
                if key in hidden:
                    continue
                if reads is None or any(
                    self._hides(s) or _key(s.schema, s.name) in hidden for s in reads
                ):
                    hidden.add(key)
                    grown = True
        return frozenset(hidden)

    async def definition(self, table: TableInfo) -> Definition:
        """The DDL, triggers and partitions for the structure tab. The DDL is read on its
        own: a view the database cannot describe (a dropped table under it, no privilege)
        gives no DDL and the database's reason, while the rest still answers. Partitions
        of a hidden table never exist (the parent is hidden with them)."""

        async def ddl(conn: AsyncConnection) -> str:
            return await self.db.adapter.table_ddl(conn, table)

        async def around(conn: AsyncConnection) -> tuple[list[Trigger], list[Partition]]:
            triggers = await self.db.adapter.triggers(conn, table.ref)
            return triggers, await self.db.adapter.partitions(conn, table.ref)

        text: str | None
        try:
            text, reason = await run_read(self.db, ddl), None
        except (SqlError, DataError, Forbidden, ObjectNotReadable) as error:
            text, reason = None, error.message
        triggers, partitions = await run_read(self.db, around)
        return Definition(text or None, reason if text is None else None, tuple(triggers),
                          tuple(p for p in partitions if not self._hides(p.table)))  # fmt: skip

    async def routines(self) -> list[Routine]:
        """Functions, procedures and sequences (SHOW_ROUTINES), in the schemas listed."""
        shown = set(await self.schemas())
        found = await self._cache.get_or_load(
            "routines", lambda: run_read(self.db, self.db.adapter.routines)
        )
        return [r for r in found if r.schema in shown]

    def _hides(self, ref: TableRef) -> bool:
        return self.is_hidden(ref.schema, ref.name)

    def _is_system(self, schema: str, name: str) -> bool:
        adapter = self.db.adapter
        if schema in adapter.system_schemas or schema.startswith("pg_"):
            return True
        return adapter.is_system_table(name)

    async def default_schema(self) -> str:
        async def load() -> str:
            return await run_read(self.db, self.db.adapter.default_schema)

        return await self._cache.get_or_load("default_schema", load)

    async def schemas(self, refresh: bool = False) -> list[str]:
        async def load() -> list[str]:
            return await run_read(self.db, self.db.adapter.list_schemas)

        names = await self._cache.get_or_load("schemas", load, refresh)
        return [s for s in names if self.show_system or not self._is_system(s, "")]

    async def _listing(self, refresh: bool = False) -> _Listing:
        """Visible tables, filtered and indexed once per cache period, not per request."""

        async def load() -> _Listing:
            found = await run_read(self.db, self.db.adapter.list_tables)
            views = await self._hidden_views()
            marked = (replace(t, system=self._is_system(t.schema, t.name)) for t in found)
            shown = [
                t
                for t in marked
                if not self.is_hidden(t.schema, t.name)
                and _key(t.schema, t.name) not in views
                and (self.show_system or not t.system)
            ]
            return _Listing.of(_with_visible_parents(shown), views)

        return await self._cache.get_or_load("tables", load, refresh)

    async def tables(self, schema: str | None = None, refresh: bool = False) -> list[TableInfo]:
        """The tables and views a user may see, from a listing cached for METADATA_CACHE_SECONDS:
        listing every object is a catalog query per schema, too slow for every page view.
        Hidden tables (HIDDEN_TABLES, system objects) never appear; ``refresh`` reloads."""
        listing = await self._listing(refresh)
        return [
            t for t in listing.tables if not t.partition and (schema is None or t.schema == schema)
        ]

    async def resolve(self, name: str, schema: str | None = None) -> TableInfo:
        """The visible table called ``name``: in ``schema``, else the default schema, else
        the only schema that has it. Unknown and hidden tables are the same 404."""
        listing = await self._listing()
        found = listing.by_key.get((schema or await self.default_schema(), name))
        if found is None and schema is None and len(listing.by_name.get(name, ())) == 1:
            found = listing.by_name[name][0]
        if found is None:
            raise NotFound(f"no table or view named {name!r}", code="TABLE_NOT_FOUND")
        return found

    async def structure(self, table: TableInfo, refresh: bool = False) -> TableStructure:
        """Columns (with their kinds), keys, indexes and foreign keys both ways, cached like
        the listing. Every browse, filter and export checks names against this, so it is the
        one description of a table the rest of PyDBPro trusts. Foreign keys to or from a
        hidden table are left out here, once."""

        async def describe(conn: AsyncConnection) -> tuple[Any, list[ForeignKey]]:
            described = await conn.run_sync(_describe, table, self.db.adapter)
            return described, await self.db.adapter.referenced_by(conn, table.ref)

        async def load() -> TableStructure:
            async with readable(table):
                described, referenced = await run_read(self.db, describe)
            return TableStructure(
                info=table,
                columns=await self._typed(table, described[0]),
                primary_key=described[1],
                indexes=described[2],
                # A hidden table is absent everywhere: no reference to it, none from it.
                foreign_keys=tuple(fk for fk in described[3] if not self._hides(fk.ref_table)),
                referenced_by=tuple(fk for fk in referenced if not self._hides(fk.table)),
            )

        return await self._cache.get_or_load(("structure", table.ref), load, refresh)

    async def _typed(self, table: TableInfo, columns: tuple[Column, ...]) -> tuple[Column, ...]:
        """Columns declared without a type (a SQLite view's ``count(*)``) get the kind their
        values have, so they sort, filter and align like a table's. Reading the values runs
        the view: a slow or failing one keeps its columns untyped, within COUNT_TIMEOUT."""
        untyped = [c.name for c in columns if c.kind is ColumnKind.OTHER and not c.type]
        if not untyped:
            return columns

        async def sample(conn: AsyncConnection) -> dict[str, ColumnKind]:
            return await self.db.adapter.value_kinds(conn, table.ref, untyped)

        try:
            kinds = await run_read(self.db, sample, self.db.settings.count_timeout)
        except (QueryTimeout, SqlError, DataError):
            return columns
        return tuple(replace(c, kind=kinds.get(c.name, c.kind)) for c in columns)


def _with_visible_parents(tables: list[TableInfo]) -> list[TableInfo]:
    """Without the partitions whose parent is not visible (hidden, or itself a partition of
    a hidden table): reading a partition reads the parent's rows."""
    kept = tables
    while True:
        visible = {t.ref for t in kept}
        narrowed = [t for t in kept if t.partition_of is None or t.partition_of in visible]
        if len(narrowed) == len(kept):
            return kept
        kept = narrowed


@asynccontextmanager
async def readable(table: TableInfo) -> AsyncIterator[None]:
    """Reading a view (its structure, rows or counts): an error that is the view's own -- it
    selects from a dropped table or calls a missing function, its rows fail to compute --
    becomes 409 OBJECT_NOT_READABLE with the database's reason, instead of a 400 that
    blames the request. A table's errors stay as they are: the request caused them."""
    try:
        yield
    except (SqlError, DataError) as error:
        if table.type is RelationType.TABLE:
            raise
        raise _not_readable(table, error.message) from None


def _not_readable(table: TableInfo, reason: str) -> ObjectNotReadable:
    kind = table.type.value.replace("_", " ")
    return ObjectNotReadable(f"this {kind} cannot be read: {reason}", details={"reason": reason})


def _describe(sync_conn: Connection, table: TableInfo, adapter: DialectAdapter) -> tuple[Any, ...]:
    """SQLAlchemy's inspector, run on the read-only connection (sync, inside run_sync).

    Types SQLAlchemy does not know (PostgreSQL point, xml; MariaDB inet6) reflect as NullType
    with a warning; they are shown as kind "other", which is all a read-only explorer needs.
    A view the database cannot describe raises the database's own error.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        try:
            return _reflect(sync_conn, table, adapter)
        except UnreflectableTableError as error:
            cause = error.__cause__  # the database's own error, which read_only translates
            raise cause if isinstance(cause, Exception) else SqlError(str(error)) from None
        except NoSuchTableError:
            raise NotFound(f"no table or view named {table.name!r}",
                           code="TABLE_NOT_FOUND") from None  # fmt: skip


def _reflect(sync_conn: Connection, table: TableInfo, adapter: DialectAdapter) -> tuple[Any, ...]:
    inspector = inspect(sync_conn)
    schema = adapter.reflection_schema(table.schema)
    fix = adapter.reflected_name
    pk = inspector.get_pk_constraint(table.name, schema=schema)
    pk_columns = tuple(fix(c) for c in pk.get("constrained_columns") or ())
    columns = tuple(
        Column(
            name=fix(col["name"]),
            type=declared_type(col["type"], sync_conn.dialect, adapter.declared),
            kind=kind_of(col["type"]),
            nullable=bool(col.get("nullable", True)) and fix(col["name"]) not in pk_columns,
            default=None if col.get("default") is None else str(col["default"]),
            primary_key_position=(pk_columns.index(fix(col["name"])) + 1)
            if fix(col["name"]) in pk_columns
            else None,
            comment=col.get("comment") or None,
        )
        for col in inspector.get_columns(table.name, schema=schema)
    )
    indexes = _indexes(inspector, table.name, schema, fix)
    if pk_columns:  # the primary key's index, which the inspector leaves out
        primary = Index(str(pk.get("name") or "PRIMARY KEY"), pk_columns, True, primary=True)
        indexes = (primary, *(ix for ix in indexes if ix.name != primary.name))
    fks = tuple(
        ForeignKey(
            name=fk.get("name"),
            table=table.ref,
            columns=tuple(fix(c) for c in fk["constrained_columns"]),
            ref_table=TableRef(
                fk.get("referred_schema") or table.schema, fix(fk["referred_table"])
            ),
            ref_columns=tuple(fix(c) for c in fk["referred_columns"]),
        )
        for fk in inspector.get_foreign_keys(table.name, schema=schema)
    )
    return columns, pk_columns, indexes, fks


def _indexes(inspector: Any, name: str, schema: str | None, fix: Any) -> tuple[Index, ...]:
    found = {
        ix["name"]: Index(
            str(ix["name"]), tuple(fix(c) for c in ix["column_names"] if c), bool(ix["unique"])
        )
        for ix in inspector.get_indexes(name, schema=schema)
        if ix.get("name")
    }
    try:
        uniques = inspector.get_unique_constraints(name, schema=schema)
    except NotImplementedError:
        uniques = []
    for uc in uniques:
        if uc.get("name") and uc["name"] not in found:
            found[uc["name"]] = Index(
                str(uc["name"]), tuple(fix(c) for c in uc["column_names"]), True
            )
    return tuple(sorted(found.values(), key=lambda ix: ix.name))
