"""Reading 1ClickDBPro's raw SQL fragments with sqlglot, one fragment per slot.

1ClickDBPro put SQL text into its URLs (``sqlfrom_A``, ``sqlselect_A``, ``sqlwhere_A``,
``sqlorderby_A``...) and pasted it into its own statements. Here each fragment is parsed on
its own, *into the one kind of expression its slot allows* (a table name, a select list, a
condition, an ORDER BY list), so a fragment can never close its slot and start something
else: ``1=1; DROP TABLE x`` or ``a = 1 UNION SELECT ...`` simply fail to parse. Nothing
parsed here is ever executed; the trees are turned into the browse API's parameters or
rendered as text to prefill the SQL console.

Quoting follows the legacy sources: ``[name]`` and ``"name"`` (SQL Server, Access) are read
with sqlglot's T-SQL dialect, and a fragment with backticks with the MySQL dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlglot
from sqlglot import TokenType, exp
from sqlglot.errors import ParseError, TokenError

from ..errors import BadRequest

#: Legacy URLs were capped at 2,000 characters; anything much longer is not a bookmark.
MAX_FRAGMENT = 4000

E = TypeVar("E", bound=exp.Expr)
Parts = tuple[str, ...]  # an identifier chain as written, e.g. ("dbo", "orders", "status")


@dataclass(frozen=True)
class Richer:
    """A fragment that is valid SQL but has no equivalent in the browse API's parameters."""

    reason: str


def _dialect(text: str) -> str:
    return "mysql" if "`" in text else "tsql"


def parse_fragment(text: str, into: type[E], param: str, lead: str = "") -> E:
    """``text`` parsed as exactly one ``into`` (after the keyword ``lead``), else a 400.

    Semicolons and comments are refused outright: a legacy link never needed them, and
    they are how an injected fragment would try to end or hide its slot.
    """
    if len(text) > MAX_FRAGMENT:
        raise BadRequest(f"{param} is longer than {MAX_FRAGMENT} characters", code="LEGACY_BAD_SQL")
    dialect = _dialect(text)
    source = f"{lead} {text}" if lead else text
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(source)
        if any(t.token_type is TokenType.SEMICOLON for t in tokens):
            raise BadRequest(
                f"{param} may not contain ';': it must be one piece of a SELECT, not a statement",
                code="LEGACY_BAD_SQL",
            )
        tree = sqlglot.parse_one(source, read=dialect, into=into)
    except (ParseError, TokenError):
        raise BadRequest(
            f"{param} is not valid here: {text!r} could not be read as {_DESCRIBE[into]}",
            code="LEGACY_BAD_SQL",
        ) from None
    except RecursionError:
        raise BadRequest(f"{param} is nested too deeply", code="LEGACY_BAD_SQL") from None
    if any(node.comments for node in tree.walk()) or any(t.comments for t in tokens):
        raise BadRequest(f"{param} may not contain SQL comments", code="LEGACY_BAD_SQL")
    if not isinstance(tree, into):
        raise BadRequest(f"{param} is not {_DESCRIBE[into]}", code="LEGACY_BAD_SQL")
    return tree


_DESCRIBE: dict[type[exp.Expr], str] = {
    exp.Table: "one table or view name",
    exp.Condition: "one condition",
    exp.Select: "a column list",
    exp.Order: "an ORDER BY list",
    exp.Group: "a GROUP BY list",
    exp.Having: "a HAVING condition",
}


def table_name(text: str, param: str) -> tuple[str | None, str]:
    """``(schema, name)`` of a single, optionally schema-qualified identifier, else 400.

    ``[Order Details]``, ``"Order Details"``, `` `Order Details` ``, ``[sales].[regions]``
    and ``sales.regions`` are accepted; joins, lists, aliases, hints, functions and
    three-part names are not (a bare name with a space must be quoted, as it always was).
    """
    tree = parse_fragment(text.strip(), exp.Table, param)
    used = {key for key, value in tree.args.items() if value}
    name, schema = tree.args.get("this"), tree.args.get("db")
    if (
        used - {"this", "db"}
        or not isinstance(name, exp.Identifier)
        or not name.name
        or (schema is not None and (not isinstance(schema, exp.Identifier) or not schema.name))
    ):
        raise BadRequest(
            f"{param} must name one table or view, optionally with its schema, "
            f'e.g. [Order Details] or "sales"."regions"; got {text!r}',
            code="LEGACY_BAD_TABLE",
        )
    return (schema.name if schema is not None else None), name.name


def column_parts(node: exp.Expr) -> Parts | None:
    """The identifier chain of a plain column reference, else None."""
    if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier):
        return None
    return tuple(part.name for part in node.parts)


def select_list(text: str, param: str) -> exp.Select:
    """A SELECT list (``*``, names, or expressions, with TOP/DISTINCT), else 400.

    Parsed as ``SELECT <text>``; a FROM, INTO or WHERE in it means the fragment tried to
    leave its slot, which is refused.
    """
    tree = parse_fragment(text, exp.Select, param, lead="SELECT")
    if {key for key, value in tree.args.items() if value} - {"expressions", "distinct", "limit"}:
        raise BadRequest(f"{param} must be a column list only; got {text!r}", code="LEGACY_BAD_SQL")
    return tree


def plain_columns(tree: exp.Select) -> list[Parts] | Richer | None:
    """Plain column names; None for ``*`` alone; Richer for expressions, TOP, DISTINCT."""
    if tree.args.get("distinct") or tree.args.get("limit"):
        return Richer("the column list uses TOP or DISTINCT")
    items = tree.expressions
    if len(items) == 1 and _is_star(items[0]):
        return None
    found = []
    for item in items:
        parts = column_parts(item)
        if parts is None:
            return Richer(f"the column list has {item.sql(dialect='tsql')!r}, not a column name")
        found.append(parts)
    return found


def _is_star(node: exp.Expr) -> bool:
    return isinstance(node, exp.Star) or (
        isinstance(node, exp.Column) and isinstance(node.this, exp.Star)
    )


def plain_order(order: exp.Order) -> list[tuple[Parts, bool]] | Richer:
    """``[(column parts, descending)]`` for a plain ``col [ASC|DESC], ...`` list."""
    keys = []
    for item in order.expressions:
        parts = column_parts(item.this) if isinstance(item, exp.Ordered) else None
        if parts is None:
            return Richer(f"the sort key {item.sql(dialect='tsql')!r} is not a column name")
        keys.append((parts, bool(item.args.get("desc"))))
    return keys


def compose_select(
    table: tuple[str | None, str],
    dialect: str,  # sqlglot's name for the explored database's (its adapter's)
    *,
    select: exp.Select | Sequence[exp.Expr] = (),
    where: exp.Expr | None = None,
    group: exp.Group | None = None,
    having: exp.Having | None = None,
    order: exp.Order | None = None,
) -> str:
    """One SELECT in the explored database's dialect, to prefill the console (never run here).

    It is built as a tree from the already-parsed fragments, so it is exactly one statement
    whatever the fragments contained; the console still checks it when the user runs it.
    """
    schema, name = table
    if isinstance(select, exp.Select):
        query = select.copy()
    else:
        query = exp.Select(expressions=[e.copy() for e in select])
    if not query.expressions:
        query.set("expressions", [exp.Star()])
    query = query.from_(exp.table_(name, db=schema, quoted=True), copy=False)
    if where is not None:
        query = query.where(where.copy(), copy=False)
    if group is not None:
        query.set("group", group.copy())
    if having is not None:
        query.set("having", having.copy())
    if order is not None:
        query.set("order", order.copy())
    return query.sql(dialect=dialect)
