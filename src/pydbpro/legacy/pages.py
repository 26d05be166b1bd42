"""The legacy pages other than the grid: record, structure, schema list, console, login."""

from __future__ import annotations

from sqlglot import exp

from ..db.filters import Op
from ..errors import BadRequest, Forbidden
from .console import console, prefill_console
from .fragments import Fragments, column, fragments, legacy_value
from .grid import grid
from .sqltext import parse_fragment, table_name
from .target import Context, Params, Target, refuse_write, table_pairs, table_path, url
from .where import Filters, to_filters


async def row_page(params: Params, ctx: Context) -> Target:
    """Edit.asp: the read-only row view (with its parents and children), found by ``sqlid``
    or by a key predicate in ``sqlwhere``; any other predicate is a filtered table view."""
    if params.word("ocdeditdelete") == "delete":
        raise refuse_write("deleting records")
    raw = params.get("sqlfrom")
    if raw is None:
        return Target("/browse")
    written = table_name(raw, "sqlfrom")
    table = await ctx.names.table(*written)
    found = Fragments(written=written, table=table)
    if (sqlid := params.get("sqlid")) is not None:
        if table.primary_key is None:  # before login: the key column is not known yet
            return Target(url(table_path(table), table_pairs(table)))
        if len(table.primary_key) != 1:
            raise BadRequest(
                f"{table.name!r} has no single-column key to find row {sqlid!r} by",
                code="LEGACY_BAD_PARAMETER",
            )
        return _row(found, {table.primary_key[0]: sqlid.strip()})
    where = params.get("sqlwhere")
    if where is None:
        return Target(url(table_path(table), table_pairs(table)))  # "Add Record": the table
    filters = to_filters(parse_fragment(where, exp.Condition, "sqlwhere"))
    if isinstance(filters, Filters) and all(t.op is Op.EQ for t in filters.terms):
        key = {column(found, t.column): t.values[0] for t in filters.terms}
        if filters.match == "all" and set(key) == set(table.primary_key or key):
            return _row(found, key)
    return await grid(Params([("sqlfrom_A", raw), ("sqlwhere_A", where)]), ctx)


def _row(found: Fragments, key: dict[str, str]) -> Target:
    table = found.table
    order = table.primary_key or tuple(key)
    pairs = [(f"key_{name}", legacy_value(table, name, key[name])) for name in order]
    return Target(url(table_path(table), [*table_pairs(table), ("tab", "row"), *pairs]))


async def structure(params: Params, ctx: Context) -> Target:
    """Structure.asp / DescribeField.asp: the Structure tab (``column`` focuses a field)."""
    raw = params.get("sqlfrom")
    if raw is None:
        return Target("/browse")
    if not ctx.settings.enable_schema_view:
        raise Forbidden(
            "the structure view is disabled (ENABLE_SCHEMA_VIEW=false)", code="FEATURE_DISABLED"
        )
    table = await ctx.names.table(*table_name(raw, "sqlfrom"))
    pairs = [*table_pairs(table), ("tab", "structure")]
    focus = table.focus(params.get("sqlfield") or "")
    if focus:
        pairs.append(("column", focus))
    return Target(url(table_path(table), pairs))


def schema_index(params: Params, ctx: Context) -> Target:
    """Schema.asp: the table index. Connection, server and ADO details are never shown."""
    show = params.word("show")
    if show == "views":
        return Target("/browse?type=views")
    if show == "sys" and ctx.settings.show_system_tables:
        return Target("/browse?type=system")
    return Target("/browse")


def command(params: Params, ctx: Context) -> Target:
    """Command.asp: the console prefilled with ``sqltext``/``proposedsqltext``, never run."""
    if params.get("editsp") is not None:
        raise refuse_write("altering stored procedures")
    if params.get("loadit") is not None:
        raise refuse_write("uploading SQL scripts")
    sql = params.get("sqltext") or params.get("proposedsqltext")
    if sql is None:
        if not ctx.settings.allow_sql_console:
            raise Forbidden("the SQL console is disabled (ALLOW_SQL_CONSOLE=false)",
                            code="FEATURE_DISABLED")  # fmt: skip
        return Target("/query")
    return prefill_console(ctx, sql)


async def select_editor(params: Params, ctx: Context) -> Target:
    """Select.asp ("Edit SQL Select"): the composed SELECT in the console; without the
    console, the table view the same parameters describe."""
    if params.word("ocdstartquerywizard") == "yes":
        return Target("/browse")
    if not ctx.settings.allow_sql_console:
        return await grid(params, ctx, mode="browse")
    found = await fragments(params, ctx, "A")
    if found is None:
        return Target("/query")
    return console(ctx, found, "Select.asp edits SQL")


async def chart(params: Params, ctx: Context) -> Target:
    """Graphit.asp: no charts here; the grid it drew, as a table view."""
    suffix = (params.get("gridid") or "A").strip()
    if not suffix.isalnum():
        raise BadRequest("GridID must be letters and digits", code="LEGACY_BAD_PARAMETER")
    return await grid(params, ctx, suffix, mode="browse")


def logon(params: Params, ctx: Context) -> Target:
    """Logon.asp: the login page; ``action=logout`` ends the session first."""
    if params.word("action") == "logout":
        return logout(params, ctx)
    return Target("/login", public=True)


def logout(params: Params, ctx: Context) -> Target:
    """Logout.asp: end the session server-side (as POST /api/logout does), then log in."""
    return Target("/login?signed_out=1", public=True, logout=True)
