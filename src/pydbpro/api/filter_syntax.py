"""Filters as the query string writes them: ours and the specification's.

PyDBPro's form is ``filter_<column>[_<op>]=value`` (repeatable, one per condition). The
specification also shows ``filter[<column>]=value`` and one structured filter written as
``filter[column]=Name&filter[op]=Contains&filter[value]=Smith``; both are translated to
ours here, so the data layer knows one form. A bracket form it cannot read is a 400 that
names the forms it can.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from ..db.filters import PREFIX, Op
from ..errors import BadRequest

BRACKET = "filter["
FILTER_PREFIXES = (PREFIX, BRACKET)
_STRUCTURED = ("column", "op", "value")
#: The operator words a client may write (case, spaces and underscores ignored).
_OP_WORDS: dict[str, Op] = {
    **{op.value: op for op in Op},
    "=": Op.EQ, "==": Op.EQ, "equals": Op.EQ, "is": Op.EQ,
    "!=": Op.NE, "<>": Op.NE, "notequals": Op.NE, "not": Op.NE,
    "<": Op.LT, "lessthan": Op.LT, "<=": Op.LE, ">": Op.GT, "greaterthan": Op.GT, ">=": Op.GE,
    "like": Op.CONTAINS, "beginswith": Op.STARTSWITH, "null": Op.ISNULL,
    "isnotnull": Op.NOTNULL, "notempty": Op.NOTNULL,
}  # fmt: skip
_SYNTAX = (
    "filters are filter_<column>[_<op>]=value, filter[<column>]=value, or "
    "filter[column]=<column>&filter[op]=<op>&filter[value]=<value>"
)


def filter_items(args: MultiDict[str, str]) -> tuple[tuple[str, str], ...]:
    """Every filter of the query string as ``(filter_<column>[_<op>], value)`` pairs."""
    items = [(k, v) for k, v in args.items(multi=True) if k.startswith(PREFIX)]
    bracketed: dict[str, list[str]] = {}
    for key, values in args.lists():
        if key.startswith(BRACKET):
            if not key.endswith("]") or len(key) == len(BRACKET) + 1:
                raise BadRequest(f"cannot read the filter {key!r}; {_SYNTAX}", code="BAD_FILTER")
            bracketed[key[len(BRACKET) : -1]] = values
    if any(name in bracketed for name in _STRUCTURED):
        items.append(_structured(bracketed))
    items += [(PREFIX + name, value) for name, values in bracketed.items() for value in values]
    return tuple(items)


def _structured(bracketed: dict[str, list[str]]) -> tuple[str, str]:
    given = {name: bracketed.pop(name) for name in _STRUCTURED if name in bracketed}
    if "column" not in given:
        raise BadRequest(f"filter[op] and filter[value] need filter[column]; {_SYNTAX}",
                         code="BAD_FILTER")  # fmt: skip
    if any(len(values) > 1 for values in given.values()):
        raise BadRequest(f"filter[column], filter[op] and filter[value] describe one filter; "
                         f"for more, {_SYNTAX}", code="BAD_FILTER")  # fmt: skip
    word = given.get("op", ["eq"])[0]
    op = _OP_WORDS.get(word.strip().lower().replace(" ", "").replace("_", ""))
    if op is None:
        known = ", ".join(o.value for o in Op)
        raise BadRequest(f"unknown filter operator {word!r}; use one of {known}",
                         code="BAD_FILTER")  # fmt: skip
    suffix = "" if op is Op.EQ else f"_{op.value}"
    return f"{PREFIX}{given['column'][0]}{suffix}", given.get("value", [""])[0]
