"""Where a facet's histogram buckets start and end, chosen from the column's least and
greatest value: round numbers (a 1, 2 or 5 times a power of ten) for numbers, whole days,
weeks (from Monday), months or years for dates.

Edges are written as filter text (``filter_<column>_ge`` / ``_lt``): the histogram's own
query compares with them through the filter code, and a bucket the UI turns into a filter
selects exactly the rows it counted. Pure functions: no database here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Literal

#: About this many buckets for numbers; never more than MAX_BUCKETS for anything.
NUMBER_BUCKETS = 10
MAX_BUCKETS = 40
_NICE = (Decimal(1), Decimal(2), Decimal(5))

DateUnit = Literal["day", "week", "month", "year"]


def number_edges(low: Decimal, high: Decimal, integral: bool) -> list[Decimal]:
    """Edges ``e0 <= low < ... <= high < eN``, a round step apart: buckets are
    ``[e(i), e(i+1))``. An integer column never gets a step below 1."""
    with localcontext() as exact:
        exact.prec = 100  # DECIMAL(65, 30) holds more digits than the default 28
        step = _nice_step((high - low) / NUMBER_BUCKETS)
        if integral:
            step = max(step, Decimal(1))
        start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
        edges = [start]
        while edges[-1] <= high:
            edges.append(edges[-1] + step)
        return [_plain(edge) for edge in edges]


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``raw``."""
    if raw <= 0:
        return Decimal(1)
    power = Decimal(10) ** (raw.adjusted() - 1)
    while True:
        for nice in _NICE:
            if nice * power >= raw:
                return nice * power
        power *= 10


def _plain(value: Decimal) -> Decimal:
    """``value`` without exponent or trailing zeros (``1E+2`` is ``100``, ``2.50`` ``2.5``):
    the text a filter takes."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def date_unit(low: date, high: date) -> DateUnit:
    """The finest unit that covers ``low``..``high`` in at most MAX_BUCKETS buckets."""
    days = (high - low).days
    if days < MAX_BUCKETS:
        return "day"
    if days < 7 * (MAX_BUCKETS - 1):
        return "week"
    if _month_number(high) - _month_number(low) < MAX_BUCKETS:
        return "month"
    return "year"


def date_edges(low: date, high: date, unit: DateUnit) -> list[date]:
    """Edges at the start of each ``unit`` from the one holding ``low`` to the one after
    ``high``. Years beyond MAX_BUCKETS are grouped: 2, 5, 10... years a bucket."""
    if unit == "year":
        step = max(1, int(_nice_step(Decimal(high.year - low.year + 1) / MAX_BUCKETS)))
        first = low.year - low.year % step
        return [date(year, 1, 1) for year in range(first, high.year + step + 1, step)]
    if unit == "month":
        months = range(_month_number(low), _month_number(high) + 2)
        return [date(m // 12, m % 12 + 1, 1) for m in months]
    start = low - timedelta(days=low.weekday()) if unit == "week" else low
    size = timedelta(days=7 if unit == "week" else 1)
    edges = [start]
    while edges[-1] <= high:
        edges.append(edges[-1] + size)
    return edges


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def moment_edges(edges: list[date], like: datetime) -> list[datetime]:
    """Date edges as midnights for a timestamp column (in ``like``'s time zone, if any)."""
    return [datetime(d.year, d.month, d.day, tzinfo=like.tzinfo) for d in edges]
