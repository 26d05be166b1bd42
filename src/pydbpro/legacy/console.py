"""The SQL console as the answer to what the table view cannot show.

A legacy grid with GROUP BY, totals or a WHERE richer than flat filters becomes one SELECT
that *prefills* the console; the user reads it and decides to run it. A statement the
console would refuse is refused here already, so a link can never prefill a write.
"""

from __future__ import annotations

from sqlglot import exp

from ..api.console import MAX_SQL_LENGTH
from ..db.sql_guard import check_statement
from ..errors import BadRequest, Forbidden
from .fragments import Fragments, column
from .sqltext import column_parts, compose_select
from .target import Context, Target, url


def console(ctx: Context, found: Fragments, reason: str) -> Target:
    """The grid as one SELECT in the console (prefilled, not run), or why it cannot be."""
    if not ctx.settings.allow_sql_console:
        raise BadRequest(
            f"this legacy link cannot be shown as a table view ({reason}), and the SQL "
            "console is disabled (ALLOW_SQL_CONSOLE=false)",
            code="LEGACY_UNTRANSLATABLE",
        )
    trees = [t for t in (found.select, found.where, found.group, found.having, found.order) if t]
    for tree in [*trees, *found.totals]:
        _real_names(found, tree)
    grouped = found.group is not None or found.having is not None
    select: exp.Select | list[exp.Expr] | None = found.select
    if found.totals and not grouped:
        select = [exp.Count(this=exp.Star()), *found.totals]
    try:
        sql = compose_select(
            (found.table.schema, found.table.name),
            ctx.adapter.sqlglot_dialect,
            select=select or [],
            where=found.where,
            group=found.group,
            having=found.having,
            order=None if found.totals and not grouped else found.order,
        )
    except RecursionError:
        raise _too_deep() from None
    return prefill_console(ctx, sql)


def _real_names(found: Fragments, tree: exp.Expr) -> None:
    """Columns of the table under their real names, unqualified (FROM names it once)."""
    for node in list(tree.find_all(exp.Column)):
        parts = column_parts(node)
        scope = node.find_ancestor(exp.Subquery, exp.Select)
        if parts is None or (scope is not None and scope is not tree):
            continue  # inside a subquery: another table's column
        try:
            real = column(found, parts)
        except BadRequest:
            continue  # not this table's: left as written, the console will say
        node.set("this", exp.to_identifier(real, quoted=True))
        node.set("table", None)
        node.set("db", None)


def prefill_console(ctx: Context, sql: str) -> Target:
    """``/query?sql=...``: the console shows the statement and waits for the user.

    A statement the console would refuse is refused here already, so a link can never
    prefill a write.
    """
    if not ctx.settings.allow_sql_console:
        raise Forbidden("the SQL console is disabled (ALLOW_SQL_CONSOLE=false)",
                        code="FEATURE_DISABLED")  # fmt: skip
    if len(sql) > MAX_SQL_LENGTH:
        raise BadRequest(f"the SQL is longer than {MAX_SQL_LENGTH} characters",
                         code="LEGACY_BAD_SQL")  # fmt: skip
    try:
        verdict = check_statement(sql, ctx.adapter, ctx.settings.sql_denied_functions)
    except RecursionError:
        raise _too_deep() from None
    if not verdict.allowed:
        raise Forbidden(verdict.reason or "this statement is not allowed", code="READ_ONLY")
    return Target(url("/query", [("sql", sql)]))


def _too_deep() -> BadRequest:
    return BadRequest("the SQL is nested too deeply to be checked", code="LEGACY_BAD_SQL")
