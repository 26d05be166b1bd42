"""Browse filters: ``filter_<column>[_<op>]=value`` resolved against real columns, typed,
and turned into SQLAlchemy conditions whose values are always bound parameters."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import String, and_, cast, false, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from ..column_kind import ColumnKind
from ..errors import BadRequest
from .adapters import DialectAdapter
from .models import Column

PREFIX = "filter_"


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    CONTAINS = "contains"
    STARTSWITH = "startswith"
    ENDSWITH = "endswith"
    IN = "in"
    BETWEEN = "between"
    ISNULL = "isnull"
    NOTNULL = "notnull"


TEXT_OPS = {Op.CONTAINS, Op.STARTSWITH, Op.ENDSWITH}
NULL_OPS = (Op.ISNULL, Op.NOTNULL)


@dataclass(frozen=True)
class KindRules:
    """What a client may do with a column of one kind: the one table filters and sorting
    are checked against, and that ``GET /api/config`` gives the UI (so they cannot differ)."""

    operators: tuple[Op, ...]  # in the order a UI offers them; the first is the default
    sortable: bool


_ORDERED = KindRules(
    (Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.BETWEEN, Op.IN, *NULL_OPS), sortable=True
)
_TEXT = KindRules(
    (Op.CONTAINS, Op.STARTSWITH, Op.ENDSWITH, Op.EQ, Op.NE, Op.IN, Op.LT, Op.LE, Op.GT, Op.GE,
     Op.BETWEEN, *NULL_OPS),
    sortable=True,
)  # fmt: skip
#: Every ColumnKind. Values no filter can be compared with (JSON, binary, arrays,
#: intervals) are tested for NULL only; kinds without a dependable order on every backend
#: (json, arrays, network types, geometry...) are never sorted on.
KIND_RULES: Mapping[ColumnKind, KindRules] = {
    ColumnKind.INTEGER: _ORDERED,
    ColumnKind.BIGINT: _ORDERED,
    ColumnKind.DECIMAL: _ORDERED,
    ColumnKind.FLOAT: _ORDERED,
    ColumnKind.BOOLEAN: _ORDERED,
    ColumnKind.TEXT: _TEXT,
    ColumnKind.DATE: _ORDERED,
    ColumnKind.DATETIME: _ORDERED,
    ColumnKind.TIME: _ORDERED,
    ColumnKind.INTERVAL: KindRules(NULL_OPS, sortable=True),
    ColumnKind.JSON: KindRules(NULL_OPS, sortable=False),
    ColumnKind.BINARY: KindRules(NULL_OPS, sortable=True),
    ColumnKind.UUID: _ORDERED,
    ColumnKind.ARRAY: KindRules(NULL_OPS, sortable=False),
    ColumnKind.ENUM: _TEXT,
    ColumnKind.OTHER: KindRules((Op.EQ, Op.NE, Op.IN, *NULL_OPS), sortable=False),
}
#: Kinds the database compares with < dependably: range filters, and keyset paging.
ORDERED_KINDS = frozenset(kind for kind, rules in KIND_RULES.items() if Op.LT in rules.operators)


@dataclass(frozen=True)
class Filter:
    column: str
    op: Op
    values: tuple[str, ...]

    def describe(self) -> dict[str, Any]:
        value: Any = (
            None
            if self.op in NULL_OPS
            else (list(self.values) if self.op in (Op.IN, Op.BETWEEN) else self.values[0])
        )
        return {"column": self.column, "op": self.op.value, "value": value}


def parse_filters(items: Sequence[tuple[str, str]], columns: Sequence[Column]) -> list[Filter]:
    """Resolve raw ``filter_*`` parameters; an exact column name wins over an op suffix."""
    names = {c.name for c in columns}
    grouped: dict[tuple[str, Op], list[str]] = {}
    for key, value in items:
        column, op = _resolve(key.removeprefix(PREFIX), names)
        grouped.setdefault((column, op), []).append(value)
    return [_build(column, op, values) for (column, op), values in grouped.items()]


def _resolve(rest: str, names: set[str]) -> tuple[str, Op]:
    if rest in names:
        return rest, Op.EQ
    column, _, suffix = rest.rpartition("_")
    if column in names and suffix in Op.__members__.values():
        return column, Op(suffix)
    if column in names:
        raise BadRequest(
            f"unknown filter operator {suffix!r} for column {column!r}; "
            f"use one of {', '.join(op.value for op in Op)}",
            code="BAD_FILTER",
        )
    raise BadRequest(f"unknown column {rest!r} in filter", code="UNKNOWN_COLUMN")


def _build(column: str, op: Op, raw: list[str]) -> Filter:
    if op in NULL_OPS:
        return Filter(column, op, ())
    if op is Op.IN:
        values = tuple(v for item in raw for v in item.split(","))
        return Filter(column, op, values)
    if op is Op.BETWEEN:
        values = tuple(v for item in raw for v in item.split(","))
        if len(values) != 2:
            raise BadRequest(
                f"between on {column!r} needs two comma-separated values", code="BAD_FILTER"
            )
        return Filter(column, op, values)
    if len(raw) > 1:
        raise BadRequest(f"filter {op.value} on {column!r} given more than once", code="BAD_FILTER")
    return Filter(column, op, (raw[0],))


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes", "t", "y"):
        return True
    if lowered in ("false", "0", "no", "f", "n"):
        return False
    raise ValueError(text)


_CONVERTERS: dict[ColumnKind, Callable[[str], Any]] = {
    ColumnKind.INTEGER: int,
    ColumnKind.BIGINT: int,
    ColumnKind.DECIMAL: Decimal,
    ColumnKind.FLOAT: float,
    ColumnKind.BOOLEAN: _boolean,
    ColumnKind.DATE: date.fromisoformat,
    ColumnKind.DATETIME: datetime.fromisoformat,
    ColumnKind.TIME: time.fromisoformat,
    ColumnKind.UUID: uuid.UUID,
    ColumnKind.TEXT: str,
    ColumnKind.ENUM: str,
    ColumnKind.OTHER: str,  # compared as text: see TEXT_COMPARED
}
#: Kinds whose filter text is taken as typed (spaces are part of the value).
_AS_TYPED = frozenset({ColumnKind.TEXT, ColumnKind.ENUM, ColumnKind.OTHER})
#: Integers any backend's biggest integer type holds (MySQL BIGINT UNSIGNED included);
#: beyond, the value is refused here rather than by a driver.
INT_RANGE = (-(2**63), 2**64 - 1)
#: Kinds whose values are compared as the database's text of them (network addresses,
#: regproc, geometry...): equality on what the API shows is what a user can ask for.
TEXT_COMPARED = frozenset({ColumnKind.OTHER})


def convert(text: str, column: Column) -> Any:
    """The filter value as the column's Python type; a bad value is a 400 naming the column."""
    converter = _CONVERTERS[column.kind]  # KIND_RULES gives the others no value operator
    if "\x00" in text:
        raise BadRequest(f"the value for column {column.name!r} contains a NUL character",
                         code="BAD_VALUE")  # fmt: skip
    try:
        value = converter(text if column.kind in _AS_TYPED else text.strip())
    except (ValueError, InvalidOperation, TypeError):
        raise BadRequest(
            f"{text!r} is not a valid {column.kind.value} for column {column.name!r}",
            code="BAD_VALUE",
        ) from None
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not (INT_RANGE[0] <= value <= INT_RANGE[1])
    ):
        raise BadRequest(
            f"{text.strip()[:40]!r} is out of range for column {column.name!r} "
            "(integers are 64-bit at most)",
            code="BAD_VALUE",
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise BadRequest(
            f"{text!r} is not a valid number for column {column.name!r}", code="BAD_VALUE"
        )
    return value


TEMPORAL_KINDS = {ColumnKind.DATE, ColumnKind.DATETIME, ColumnKind.TIME}


def condition(
    f: Filter, expr: ColumnElement[Any], column: Column, adapter: DialectAdapter
) -> ColumnElement[bool]:
    """One filter as a SQL condition; text matching is case-insensitive on every backend."""
    accepted = KIND_RULES[column.kind].operators
    if f.op not in accepted:
        raise BadRequest(
            f"{f.op.value} does not apply to column {column.name!r} ({column.type}); "
            f"use one of {', '.join(op.value for op in accepted)}",
            code="BAD_FILTER",
        )
    if column.kind in TEXT_COMPARED:
        expr = cast(expr, String)
    if f.op is Op.ISNULL:
        return expr.is_(None)
    if f.op is Op.NOTNULL:
        return expr.is_not(None)
    if f.op in TEXT_OPS:
        text, pattern = _as_text(expr, column), f.values[0]
        if f.op is Op.CONTAINS:
            return text.icontains(pattern, autoescape=True)
        if f.op is Op.STARTSWITH:
            return text.istartswith(pattern, autoescape=True)
        return text.iendswith(pattern, autoescape=True)
    # literal(): a bound parameter even for True/False, which SQLAlchemy refuses to compare
    # with <; an enum's value bound as the enum type (PostgreSQL has no mood = varchar).
    typed = expr.type if column.kind is ColumnKind.ENUM else None
    values = [literal(adapter.bind_value(convert(v, column)), typed) for v in f.values]
    if column.kind in TEMPORAL_KINDS:
        expr, values = adapter.temporal(expr), [adapter.temporal(v) for v in values]
    if f.op is Op.IN:
        return expr.in_(values)
    if f.op is Op.BETWEEN:
        return expr.between(values[0], values[1])
    # SQLAlchemy types a comparison with an untyped value as Any; the result is a condition.
    compared: ColumnElement[bool] = _COMPARISONS[f.op](expr, values[0])
    return compared


_COMPARISONS: dict[Op, Callable[[Any, Any], Any]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


def _as_text(expr: ColumnElement[Any], column: Column) -> ColumnElement[Any]:
    """A text column as it is, an enum as its label: PostgreSQL has no LIKE on enums."""
    return cast(expr, String) if column.kind is ColumnKind.ENUM else expr


def keyword_condition(
    q: str, exprs: Sequence[tuple[ColumnElement[Any], Column]]
) -> ColumnElement[bool]:
    """1ClickDBPro's keyword box: a case-insensitive contains across the text columns."""
    texts = [_as_text(expr, column).icontains(q, autoescape=True)
             for expr, column in exprs if column.kind.is_text]  # fmt: skip
    return or_(*texts) if texts else false()


def combine(conditions: Sequence[ColumnElement[bool]], match: str) -> ColumnElement[bool] | None:
    if not conditions:
        return None
    return or_(*conditions) if match == "any" else and_(*conditions)
