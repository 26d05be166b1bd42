"""The legacy data grid (``Browse.asp`` and its ``_<GRIDID>`` parameters) as clean URLs.

Everything that has a browse-API equivalent becomes the table view's (or the export's)
query parameters. What has none -- GROUP BY, HAVING, totals, expressions in the column
list or sort, a WHERE richer than flat filters -- is never executed from the URL: it is
composed into one SELECT that prefills the SQL console (not run) when ALLOW_SQL_CONSOLE is
on, and is a 400 that says why otherwise.
"""

from __future__ import annotations

from urllib.parse import quote

from ..db.filters import PREFIX, Op
from ..errors import BadRequest, Forbidden
from .console import console
from .fragments import Fragments, column, fragments, legacy_value
from .names import Table
from .sqltext import Parts, Richer, plain_columns, plain_order
from .target import Context, Params, Target, table_pairs, table_path, url
from .where import Filters, to_filters

#: 1ClickDBPro's shipped ocdPageSizeDefault: the page size of a link without sqlpagesize_A.
LEGACY_PAGE_SIZE = 10
#: ocdExportFormat_A -> (PyDBPro format, extra parameters). The map's excel->xlsx,
#: print->pdf, text/tsv/xml->csv; tsv keeps its tabs.
EXPORTS = {
    "excel": ("xlsx", ()),
    "print": ("pdf", ()),
    "text": ("csv", ()),
    "tsv": ("csv", (("delimiter", "tab"),)),
    "xml": ("csv", ()),
}


async def grid(params: Params, ctx: Context, suffix: str = "A", mode: str | None = None) -> Target:
    """Browse.asp: the table view, its filter panel, an export, or the console."""
    mode = mode or params.word(f"ocdgridmode_{suffix}") or "browse"
    if mode == "process":
        raise BadRequest(
            "this is 1ClickDBPro's search form submission, which cannot be replayed; "
            "open the table and use its filter panel",
            code="LEGACY_FORM_POST",
        )
    found = await fragments(params, ctx, suffix)
    if found is None:
        return Target("/browse")
    filters = to_filters(found.where) if found.where is not None else Filters(())
    columns = plain_columns(found.select) if found.select is not None else None
    sort = plain_order(found.order) if found.order is not None else []
    richer = [r.reason for r in (filters, columns, sort) if isinstance(r, Richer)]
    if found.group is not None or found.having is not None:
        richer.insert(0, "it groups rows (GROUP BY/HAVING)")
    if found.totals:
        richer.insert(0, "it asks for totals (SUM/AVG/MIN/MAX)")
    if richer:
        return console(ctx, found, richer[0])
    # Narrowed by ``richer`` above; said again for the type checker.
    assert isinstance(filters, Filters) and not isinstance(columns, Richer)
    assert not isinstance(sort, Richer)
    pairs = _data_pairs(found, filters, columns, sort, params.get(f"ocdkeyword_{suffix}"))
    if mode == "export":
        return _export(params, ctx, found.table, suffix, pairs)
    view = table_pairs(found.table)
    if mode in ("search", "filter"):
        view.append(("panel", "filters"))
        focus = params.get(f"ocdfilterfieldname_{suffix}") if mode == "filter" else None
        if focus and (name := found.table.focus(focus)):
            view.append(("column", name))
    view += _paging(params, ctx, suffix)
    return Target(url(table_path(found.table), view + pairs))


def _data_pairs(
    found: Fragments,
    filters: Filters,
    selected: list[Parts] | None,
    sort: list[tuple[Parts, bool]],
    keyword: str | None,
) -> list[tuple[str, str]]:
    """sort/order, filter_*, match, q and columns: shared by the view and the export."""
    table = found.table
    pairs: list[tuple[str, str]] = []
    if sort:
        keys = [column(found, parts) for parts, _ in sort]
        pairs += [
            ("sort", _listed(keys)),
            ("order", ",".join("desc" if d else "asc" for _, d in sort)),
        ]
    for term in filters.terms:
        name = column(found, term.column)
        key = PREFIX + name + ("" if term.op is Op.EQ else f"_{term.op.value}")
        values = [legacy_value(table, name, v) for v in term.values]
        pairs.append((key, ",".join(values)))
    if filters.match == "any" and len(filters.terms) > 1:
        pairs.append(("match", "any"))
    if keyword:
        pairs.append(("q", keyword))
    names = _visible(found, selected)
    if names is not None:
        pairs.append(("columns", _listed(names)))
    return pairs


def _visible(found: Fragments, selected: list[Parts] | None) -> list[str] | None:
    """sqlselect_A minus sqlselecthide_A; None means every column (no ``columns``)."""
    names = None if selected is None else [column(found, p) for p in selected]
    if found.hide is None:
        return names
    hidden_parts = plain_columns(found.hide)
    if not isinstance(hidden_parts, list):
        raise BadRequest("sqlselecthide_A must list column names", code="LEGACY_BAD_SQL")
    hidden = {column(found, p) for p in hidden_parts}
    listed = names if names is not None else found.table.names()
    if listed is None:
        return None  # before login the full column list is unknown: show them all
    kept = [n for n in listed if n not in hidden]
    if not kept:
        raise BadRequest("sqlselecthide_A hides every column", code="LEGACY_BAD_SQL")
    return kept


def _listed(names: list[str]) -> str:
    """The API splits sort/columns on commas: a name with one cannot travel there."""
    if any("," in n for n in names):
        raise BadRequest(
            "a column whose name contains a comma cannot be sorted or selected by URL",
            code="LEGACY_UNSUPPORTED",
        )
    return ",".join(names)


def _paging(params: Params, ctx: Context, suffix: str) -> list[tuple[str, str]]:
    """page and page_size, the size clamped to PAGE_SIZE_OPTIONS and MAX_RECORDS_DISPLAY.

    The page is recomputed so that the bookmark's first row stays on it, as 1ClickDBPro's
    own page-size links did.
    """
    settings = ctx.settings
    asked = _positive(params.get(f"sqlpagesize_{suffix}"))
    allowed = [s for s in settings.page_size_options if s <= settings.max_records_display]
    allowed = allowed or [settings.max_records_display]
    size = None if asked is None else next((s for s in allowed if s >= asked), allowed[-1])
    page_no = _positive(params.get(f"sqlpage_{suffix}")) or 1
    first_row = (page_no - 1) * (asked or LEGACY_PAGE_SIZE)
    page = first_row // (size or settings.page_size_default) + 1
    return ([("page", str(page))] if page > 1 else []) + (
        [("page_size", str(size))] if size else []
    )


def _positive(text: str | None) -> int | None:
    """A 1ClickDBPro number: anything that is not a positive integer counts as absent."""
    try:
        value = int((text or "").strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _export(
    params: Params, ctx: Context, table: Table, suffix: str, pairs: list[tuple[str, str]]
) -> Target:
    word = params.word(f"ocdexportformat_{suffix}")
    if word not in EXPORTS:
        raise BadRequest(
            f"ocdExportFormat_{suffix} must be one of {', '.join(EXPORTS)}",
            code="LEGACY_BAD_PARAMETER",
        )
    if not ctx.settings.allow_export:
        raise Forbidden("exports are disabled (ALLOW_EXPORT=false)", code="FEATURE_DISABLED")
    fmt, extra = EXPORTS[word]
    path = f"/api/tables/{quote(table.name, safe='')}/export/{fmt}"
    return Target(url(path, table_pairs(table) + pairs + list(extra)))
