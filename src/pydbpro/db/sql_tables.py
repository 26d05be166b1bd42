"""Which tables a SQL statement reads, from its sqlglot tree: one answer for the console's
guard (HIDDEN_TABLES) and for the adapters that learn a view's sources from its definition
(SQLite, MariaDB without ``information_schema.VIEW_TABLE_USAGE``).

A name is ``(schema or None, name)``: None when unqualified, the caller knows the default.
CTE names in scope are not tables; table functions have no name.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp


def tables_read(root: exp.Expr) -> list[tuple[str | None, str]]:
    """(schema or None, name) of every table the tree reads; CTE names in scope are not tables,
    and table functions (``generate_series(...)``) have no name to hide. MySQL ``SHOW COLUMNS
    FROM t``/``SHOW CREATE TABLE t`` name their table as the SHOW's target."""
    refs: list[tuple[str | None, str]] = []
    if isinstance(root, exp.Show) and isinstance(root.args.get("target"), exp.Identifier):
        db = root.args.get("db")
        refs.append((db.name if isinstance(db, exp.Identifier) else None, root.args["target"].name))
    for table in root.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or _names_cte(table):
            continue
        refs.append((table.db or None, table.name))
    return refs


def _names_cte(table: exp.Table) -> bool:
    """Does an unqualified `table` name a CTE visible where it stands? A CTE's body sees the
    CTEs before it, and itself only under RECURSIVE (otherwise its own name is the table)."""
    if table.args.get("db"):
        return False
    name = table.name.lower()
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            at = next((i for i, c in enumerate(ctes) if c is child), len(ctes))
            # RECURSIVE adds the CTE itself; a later one is taken as the table (safe side).
            visible = ctes[: at + 1] if node.args.get("recursive") else ctes[:at]
            if any(c.alias.lower() == name for c in visible):
                return True
        else:
            with_ = node.args.get("with_")
            if isinstance(with_, exp.With) and with_ is not child:
                if any(c.alias.lower() == name for c in with_.expressions):
                    return True
        child, node = node, node.parent
    return False


def view_sources(definition: str, dialect: str) -> list[tuple[str | None, str]]:
    """The tables a view's definition reads (``CREATE VIEW v AS ...`` or the bare query).
    Raises when sqlglot cannot read it: the caller decides what an unknown view is."""
    tree = sqlglot.parse_one(definition, read=dialect)
    if isinstance(tree, exp.Create):
        tree = tree.expression
    if not isinstance(tree, exp.Expr):
        raise ValueError("not a view definition")
    return tables_read(tree)
