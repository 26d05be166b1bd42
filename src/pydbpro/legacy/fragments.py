"""One legacy grid's parameters (``sqlfrom_A``, ``sqlwhere_A``...), parsed and resolved.

Each raw SQL fragment is parsed into the only shape its slot allows (``sqltext``); the
table is resolved through ``Names``; column references are checked against that table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlglot import exp

from ..column_kind import ColumnKind
from ..errors import BadRequest
from .names import Table
from .sqltext import E, Parts, parse_fragment, select_list, table_name
from .target import Context, Params

TOTALS = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_LEGACY_DATE = re.compile(rf"\d{{1,2}}-(?i:{'|'.join(_MONTHS)})-\d{{4}}")


@dataclass(frozen=True)
class Fragments:
    """One grid's legacy parameters, each parsed into the only shape its slot allows."""

    written: tuple[str | None, str]
    table: Table
    select: exp.Select | None = None
    hide: exp.Select | None = None
    where: exp.Expr | None = None
    order: exp.Order | None = None
    group: exp.Group | None = None
    having: exp.Having | None = None
    totals: tuple[exp.Expr, ...] = ()


async def fragments(params: Params, ctx: Context, suffix: str) -> Fragments | None:
    """The grid's parameters parsed (None when no table is named); a 400 when malformed."""
    raw = params.get(f"sqlfrom_{suffix}")
    if raw is None:
        return None
    written = table_name(raw, f"sqlfrom_{suffix}")
    table = await ctx.names.table(*written)
    totals: list[exp.Expr] = []
    for word, function in TOTALS.items():
        found = _columns(params, f"SQLSelect{word.title()}_{suffix}")
        totals += [function(this=c) for c in found.expressions] if found else []
    return Fragments(
        written=written,
        table=table,
        select=_columns(params, f"sqlselect_{suffix}"),
        hide=_columns(params, f"sqlselecthide_{suffix}"),
        where=_parsed(params, f"sqlwhere_{suffix}", exp.Condition, ""),
        order=_parsed(params, f"sqlorderby_{suffix}", exp.Order, "ORDER BY"),
        group=_parsed(params, f"sqlgroupby_{suffix}", exp.Group, "GROUP BY"),
        having=_parsed(params, f"sqlhaving_{suffix}", exp.Having, "HAVING"),
        totals=tuple(totals),
    )


def _parsed(params: Params, key: str, into: type[E], lead: str) -> E | None:
    text = params.get(key)
    return None if text is None else parse_fragment(text, into, key, lead)


def _columns(params: Params, key: str) -> exp.Select | None:
    text = params.get(key)
    return None if text is None else select_list(text, key)


def column(found: Fragments, parts: Parts) -> str:
    """A column reference of the grid's table (an optional table/owner qualifier must name
    that table) as its real name."""
    *qualifier, name = parts
    table, (written_schema, written_name) = found.table, found.written
    tables = {written_name.lower(), table.name.lower()}
    schemas = {s.lower() for s in (written_schema, table.schema) if s}
    if qualifier and not (
        qualifier[-1].lower() in tables
        and (len(qualifier) == 1 or (len(qualifier) == 2 and qualifier[0].lower() in schemas))
    ):
        raise BadRequest(
            f"{'.'.join(parts)} is not a column of {written_name!r}", code="LEGACY_BAD_SQL"
        )
    return table.column(name)


def legacy_value(table: Table, column_name: str, value: str) -> str:
    """1ClickDBPro wrote dates as d-MON-yyyy; the API reads ISO dates."""
    if table.kind(column_name) in (ColumnKind.DATE, ColumnKind.DATETIME) and (
        _LEGACY_DATE.fullmatch(value)
    ):
        day, month, year = value.split("-")
        try:
            return date(int(year), _MONTHS.index(month.lower()) + 1, int(day)).isoformat()
        except ValueError:
            return value  # 31-FEB-2004: the API's own 400 names the column
    return value
