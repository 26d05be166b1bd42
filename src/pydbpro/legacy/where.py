"""``sqlwhere_A`` as the browse API's structured filters (``filter_<column>[_<op>]``).

What translates (every value then travels as a filter parameter and is bound by the data
layer, never pasted into SQL):

- ``column <op> literal`` with ``= <> != < <= > >=`` (either side may be the column);
- ``column LIKE 'x%'`` / ``'%x%'`` / ``'%x'`` (startswith / contains / endswith; without a
  wildcard it is ``=``); ``IN (literals)``; ``IS [NOT] NULL``; ``BETWEEN lit AND lit``;
- ``NOT`` where the API has the inverse operator (``NOT a = 1`` is ``a <> 1``);
- one flat AND of those (``match=all``) or one flat OR (``match=any``). A flat OR is accepted
  only when *every* term compares a column with a literal, so ``id=1 OR 1=1`` is not a
  filter (``1=1`` has no column) and goes to the console or a 400 like anything richer.

Everything else -- nested AND/OR, functions, subqueries, column-to-column comparisons,
``NOT LIKE``/``NOT IN``, ``_`` or ``[...]`` in a LIKE pattern -- is ``Richer``: valid, but
with no filter equivalent. The caller decides between the console and a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from ..db.filters import Op
from .sqltext import Parts, Richer, column_parts

_COMPARISONS: dict[type[exp.Expr], Op] = {
    exp.EQ: Op.EQ,
    exp.NEQ: Op.NE,
    exp.LT: Op.LT,
    exp.LTE: Op.LE,
    exp.GT: Op.GT,
    exp.GTE: Op.GE,
}
#: ``5 < a`` is ``a > 5``.
_FLIPPED = {Op.EQ: Op.EQ, Op.NE: Op.NE, Op.LT: Op.GT, Op.LE: Op.GE, Op.GT: Op.LT, Op.GE: Op.LE}
#: ``NOT (a < 5)`` is ``a >= 5`` under SQL's three-valued logic too (NULL stays excluded).
_NEGATED = {
    Op.EQ: Op.NE, Op.NE: Op.EQ, Op.LT: Op.GE, Op.GE: Op.LT, Op.LE: Op.GT, Op.GT: Op.LE,
    Op.ISNULL: Op.NOTNULL, Op.NOTNULL: Op.ISNULL,
}  # fmt: skip
_SQL_WORD = {Op.CONTAINS: "LIKE", Op.STARTSWITH: "LIKE", Op.ENDSWITH: "LIKE", Op.IN: "IN",
             Op.BETWEEN: "BETWEEN"}  # fmt: skip


@dataclass(frozen=True)
class Term:
    """One filter: a column (identifier parts as written), an operator, its values."""

    column: Parts
    op: Op
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    terms: tuple[Term, ...]
    match: Literal["all", "any"] = "all"


def to_filters(tree: exp.Expr) -> Filters | Richer:
    """The condition as filters, or why it has no filter equivalent."""
    tree = _unwrap(tree)
    connective = type(tree) if isinstance(tree, exp.And | exp.Or) else None
    items = _flatten(tree, connective) if connective else [tree]
    terms: list[Term] = []
    for item in items:
        if isinstance(item, exp.And | exp.Or):
            return Richer("it mixes AND and OR (nested logic)")
        term = _term(item, negated=False)
        if isinstance(term, Richer):
            return term
        terms.append(term)
    match: Literal["all", "any"] = "any" if connective is exp.Or else "all"
    merged = _merge(terms, match)
    return merged if isinstance(merged, Richer) else Filters(tuple(merged), match)


def _unwrap(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _flatten(node: exp.Expr, connective: type[exp.Connector]) -> list[exp.Expr]:
    """The terms of ``a AND b AND c`` (any grouping), left to right; iterative, as a legacy
    Process step wrote long chains."""
    terms: list[exp.Expr] = []
    pending = [node]
    while pending:
        current = _unwrap(pending.pop())
        if isinstance(current, connective):
            pending += [current.right, current.left]
        else:
            terms.append(current)
    return terms


def _term(node: exp.Expr, negated: bool) -> Term | Richer:
    node = _unwrap(node)
    if isinstance(node, exp.Not):
        return _term(node.this, not negated)
    if node.find(exp.Subquery, exp.Select, exp.Exists):
        return Richer("it uses a subquery")
    if node.args.get("negate"):
        negated = not negated
    if isinstance(node, exp.Is):
        return _null_test(node, negated)
    if isinstance(node, exp.Binary) and type(node) in _COMPARISONS:
        term = _comparison(node)
    elif isinstance(node, exp.Like):
        term = _like(node)
    elif isinstance(node, exp.In):
        term = _in(node)
    elif isinstance(node, exp.Between):
        term = _between(node)
    else:
        return Richer(_why_not(node))
    if isinstance(term, Richer) or not negated:
        return term
    if term.op not in _NEGATED:
        return Richer(f"NOT {_SQL_WORD.get(term.op, term.op.value)} has no filter equivalent")
    return Term(term.column, _NEGATED[term.op], term.values)


def _why_not(node: exp.Expr) -> str:
    if isinstance(node, exp.Func):
        return f"it calls a function ({node.sql(dialect='tsql')})"
    if isinstance(node, exp.Column):
        return f"{node.sql(dialect='tsql')} alone is not a comparison"
    return f"{node.sql(dialect='tsql')!r} is not a comparison of a column with a value"


def literal(node: exp.Expr | None) -> str | None:
    """The text of a literal value (string, number, boolean), else None."""
    if isinstance(node, exp.Literal):
        return str(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and node.this.is_number:
        return f"-{node.this.this}"
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    if isinstance(node, exp.National):
        return str(node.this)
    return None


def _operands(left: exp.Expr, right: exp.Expr) -> tuple[Parts, str, bool] | Richer:
    """(column, value, flipped) for a column compared with a literal, in either order."""
    left_col, right_col = column_parts(left), column_parts(right)
    left_val, right_val = literal(left), literal(right)
    if left_col is not None and right_val is not None:
        return left_col, right_val, False
    if right_col is not None and left_val is not None:
        return right_col, left_val, True
    if left_col is not None and right_col is not None:
        return Richer("it compares two columns")
    if left_val is not None and right_val is not None:
        return Richer("it compares two values without a column (such as 1 = 1)")
    if isinstance(left, exp.Null) or isinstance(right, exp.Null):
        return Richer("= NULL is never true; write IS NULL")
    for side in (left, right):
        if isinstance(side, exp.Func):
            return Richer(f"it calls a function ({side.sql(dialect='tsql')})")
    return Richer(f"{left.sql(dialect='tsql')!r} or {right.sql(dialect='tsql')!r} is not "
                  "a column or a value")  # fmt: skip


def _comparison(node: exp.Binary) -> Term | Richer:
    found = _operands(node.left, node.right)
    if isinstance(found, Richer):
        return found
    column, value, flipped = found
    op = _COMPARISONS[type(node)]
    return Term(column, _FLIPPED[op] if flipped else op, (value,))


def _null_test(node: exp.Is, negated: bool) -> Term | Richer:
    column = column_parts(node.this)
    if column is None or not isinstance(node.expression, exp.Null):
        return Richer(f"{node.sql(dialect='tsql')!r} is not a column IS [NOT] NULL test")
    return Term(column, Op.NOTNULL if negated else Op.ISNULL)


def _like(node: exp.Like) -> Term | Richer:
    column, pattern = column_parts(node.this), literal(node.expression)
    if column is None or pattern is None or node.args.get("escape"):
        return Richer(f"{node.sql(dialect='tsql')!r} is not a column LIKE 'text' test")
    inner = pattern.strip("%")
    starts, ends = pattern.startswith("%"), pattern.endswith("%") and len(pattern) > 1
    if any(c in inner for c in "%_[") or not inner:
        return Richer(f"the LIKE pattern {pattern!r} is not one of 'x%', '%x%', '%x'")
    if starts and ends:
        return Term(column, Op.CONTAINS, (inner,))
    if ends:
        return Term(column, Op.STARTSWITH, (inner,))
    if starts:
        return Term(column, Op.ENDSWITH, (inner,))
    return Term(column, Op.EQ, (inner,))


def _in(node: exp.In) -> Term | Richer:
    column = column_parts(node.this)
    values = [literal(v) for v in node.expressions]
    extra = {key for key, value in node.args.items() if value} - {"this", "expressions"}
    if column is None or extra or not values or any(v is None for v in values):
        return Richer(f"{node.sql(dialect='tsql')!r} is not a column IN (values) test")
    return _listed(Term(column, Op.IN, tuple(v for v in values if v is not None)))


def _between(node: exp.Between) -> Term | Richer:
    column = column_parts(node.this)
    low, high = literal(node.args.get("low")), literal(node.args.get("high"))
    if column is None or low is None or high is None or node.args.get("symmetric"):
        return Richer(f"{node.sql(dialect='tsql')!r} is not a column BETWEEN values test")
    return _listed(Term(column, Op.BETWEEN, (low, high)))


def _listed(term: Term) -> Term | Richer:
    """``in``/``between`` values travel comma-separated: a value with a comma cannot."""
    if any("," in value for value in term.values):
        return Richer(f"a value in {term.op.value} contains a comma")
    return term


def _merge(terms: list[Term], match: str) -> list[Term] | Richer:
    """One filter per (column, operator), as the API requires.

    Under OR, equalities and IN lists on one column merge into one IN
    (``a = 1 OR a = 2`` is ``a IN (1, 2)``); any other repeat has no equivalent.
    """
    merged: dict[tuple[Parts, str], Term] = {}
    for term in terms:
        mergeable = match == "any" and term.op in (Op.EQ, Op.IN)
        key = (term.column, "in" if mergeable else term.op.value)
        if key not in merged:
            merged[key] = term
            continue
        if not mergeable:
            return Richer(f"{'.'.join(term.column)} is tested with {term.op.value} twice")
        joined = _listed(Term(term.column, Op.IN, merged[key].values + term.values))
        if isinstance(joined, Richer):
            return joined
        merged[key] = joined
    return list(merged.values())
