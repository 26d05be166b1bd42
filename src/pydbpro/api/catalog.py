"""Schemas, tables and table structure."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import DATABASE_ERRORS, document_errors
from ..auth.permissions import Permission, require_permission
from ..db.models import ForeignKey, RelationType, TableInfo
from ..errors import Forbidden
from ..monitoring.observe import observed
from ..state import app_state
from .params import Flag, QueryString, query_string
from .responses import Body, ColumnDetail, column_detail_json, json_response

blueprint = Blueprint("catalog", __name__, url_prefix="/api")


class RefreshQuery(QueryString):
    refresh: Flag = Field(False, description="Read the catalog again instead of the cache.")


class TablesQuery(RefreshQuery):
    schema_: str | None = Field(None, alias="schema", max_length=255)


class SchemaList(Body):
    schemas: list[str]
    default: str = Field(description="Where a table named without a schema is looked up.")


class TableSummary(Body):
    name: str
    schema_: str = Field(alias="schema")
    type: RelationType
    estimated_rows: int | None = Field(description="The database's estimate; null if none.")
    system: bool = Field(description="A system catalog object (SHOW_SYSTEM_TABLES).")
    rows_exact: bool = Field(
        False, description="estimated_rows was counted (a small table with no estimate)."
    )


class TableList(Body):
    tables: list[TableSummary]


class IndexDetail(Body):
    name: str
    columns: list[str]
    unique: bool
    primary: bool = Field(False, description="The index behind the primary key.")


class TriggerDetail(Body):
    name: str
    timing: str = Field(description="BEFORE, AFTER or INSTEAD OF.")
    event: str = Field(description="INSERT, UPDATE, DELETE, TRUNCATE (joined by OR).")
    definition: str


class PartitionDetail(Body):
    table: str
    schema_: str = Field(alias="schema")
    bound: str = Field(description="e.g. FOR VALUES FROM ('2024-01-01') TO ('2024-02-01').")


class TableDefinition(Body):
    """The DDL of a table or view, its triggers and (PostgreSQL) its partitions."""

    ddl: str | None = Field(description="CREATE statement(s); null when the database refused.")
    reason: str | None = Field(description="Why there is no DDL (the database's words).")
    triggers: list[TriggerDetail]
    partitions: list[PartitionDetail]


class RoutineDetail(Body):
    schema_: str = Field(alias="schema")
    name: str
    kind: str = Field(description="function, procedure, aggregate or sequence.")
    signature: str = Field(description="Arguments and result; empty for a sequence.")


class RoutineList(Body):
    routines: list[RoutineDetail]


class KeyTarget(Body):
    table: str
    schema_: str = Field(alias="schema")
    columns: list[str]


class ForeignKeyDetail(KeyTarget):
    """``columns`` of ``schema.table`` reference ``references``."""

    name: str | None
    references: KeyTarget


class TableStructure(TableSummary):
    table: str = Field(description="The same as name.")
    columns: list[ColumnDetail]
    primary_key: list[str]
    indexes: list[IndexDetail]
    foreign_keys: list[ForeignKeyDetail]
    referenced_by: list[ForeignKeyDetail] = Field(description="Foreign keys pointing here.")


def table_json(table: TableInfo) -> dict[str, Any]:
    return {
        "name": table.name,
        "schema": table.schema,
        "type": table.type.value,
        "estimated_rows": table.estimated_rows,
        "system": table.system,
        "rows_exact": table.rows_exact,
    }


def _fk_json(fk: ForeignKey) -> dict[str, Any]:
    return {
        "name": fk.name,
        "table": fk.table.name,
        "schema": fk.table.schema,
        "columns": list(fk.columns),
        "references": {
            "table": fk.ref_table.name,
            "schema": fk.ref_table.schema,
            "columns": list(fk.ref_columns),
        },
    }


@blueprint.get("/schemas")
@require_permission(Permission.READ)
@tag(["catalog"])
@query_string(RefreshQuery)
@document_response(SchemaList)
@document_errors(*DATABASE_ERRORS)
async def schemas(query: RefreshQuery) -> Response:
    """Schemas (PostgreSQL), the database (MySQL) or ``main`` (SQLite)."""
    catalog = app_state().catalog
    return json_response({
        "schemas": await catalog.schemas(query.refresh),
        "default": await catalog.default_schema(),
    })  # fmt: skip


@blueprint.get("/tables")
@require_permission(Permission.READ)
@tag(["catalog"])
@query_string(TablesQuery)
@document_response(TableList)
@document_errors(*DATABASE_ERRORS)
async def tables(query: TablesQuery) -> Response:
    """Tables and views the configured database user can read (hidden tables excluded)."""
    state = app_state()
    found = await state.catalog.tables(query.schema_, refresh=query.refresh)
    counted = await state.browser.counts.small_tables(found)
    return json_response({"tables": [table_json(t) for t in counted]})


@blueprint.get("/routines")
@require_permission(Permission.READ)
@tag(["catalog"])
@document_response(RoutineList)
@document_errors(403, *DATABASE_ERRORS)
async def routines() -> Response:
    """Functions, procedures and sequences, names and signatures only (SHOW_ROUTINES)."""
    state = app_state()
    if not state.settings.show_routines:
        raise Forbidden("routines are not listed (SHOW_ROUTINES=false)", code="FEATURE_DISABLED")
    found = await state.catalog.routines()
    return json_response({"routines": [
        {"schema": r.schema, "name": r.name, "kind": r.kind, "signature": r.signature}
        for r in found
    ]})  # fmt: skip


@blueprint.get("/tables/<path:table>/definition")
@require_permission(Permission.READ)
@tag(["catalog"])
@query_string(TablesQuery)
@document_response(TableDefinition)
@document_errors(403, 404, *DATABASE_ERRORS)
async def definition(table: str, query: TablesQuery) -> Response:
    """The DDL (a copy of what created it), triggers and partitions of a table or view."""
    state = app_state()
    _schema_view_enabled()
    info = await state.catalog.resolve(table, query.schema_)
    found = await state.catalog.definition(info)
    return json_response({
        "ddl": found.ddl,
        "reason": found.reason,
        "triggers": [{"name": t.name, "timing": t.timing, "event": t.event,
                      "definition": t.definition} for t in found.triggers],
        "partitions": [{"table": p.table.name, "schema": p.table.schema, "bound": p.bound}
                       for p in found.partitions],
    })  # fmt: skip


def _schema_view_enabled() -> None:
    if not app_state().settings.enable_schema_view:
        raise Forbidden(
            "the structure view is disabled (ENABLE_SCHEMA_VIEW=false)", code="FEATURE_DISABLED"
        )


@blueprint.get("/tables/<path:table>/schema")
@require_permission(Permission.READ)
@tag(["catalog"])
@query_string(TablesQuery)
@document_response(TableStructure)
@document_errors(403, 404, *DATABASE_ERRORS)
async def structure(table: str, query: TablesQuery) -> Response:
    """Columns, primary key, indexes, foreign keys and the foreign keys pointing here."""
    state = app_state()
    _schema_view_enabled()
    async with observed("structure", "structure_viewed", table=table, schema=query.schema_):
        info = await state.catalog.resolve(table, query.schema_)
        found = await state.catalog.structure(info, refresh=query.refresh)
    indexes = [{"name": i.name, "columns": list(i.columns), "unique": i.unique,
                "primary": i.primary} for i in found.indexes]  # fmt: skip
    return json_response({
        **table_json(info),
        "table": info.name,
        "columns": [column_detail_json(c) for c in found.columns],
        "primary_key": list(found.primary_key),
        "indexes": indexes,
        "foreign_keys": [_fk_json(fk) for fk in found.foreign_keys],
        "referenced_by": [_fk_json(fk) for fk in found.referenced_by],
    })  # fmt: skip
