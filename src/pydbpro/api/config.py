"""What the UI needs to know before it draws anything: branding and the column kinds'
filter and sort rules always, features and the connected database only for a logged-in caller
(an anonymous visitor sees the login page)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from quart import Blueprint
from quart_schema import tag, validate_response

from ..auth.guard import authenticate
from ..auth.permissions import public
from ..column_kind import ColumnKind
from ..db.aggregate import GROUP_UNITS, KIND_USES, Use
from ..db.facet_buckets import DateUnit
from ..db.filters import KIND_RULES, Op
from ..errors import Unauthorized
from ..state import app_state
from .responses import Body

blueprint = Blueprint("config", __name__, url_prefix="/api")


class DatabaseInfo(Body):
    name: str
    dialect: Literal["postgresql", "mysql", "sqlite"]


class ColumnKindRules(Body):
    """What the API accepts for a column of one kind: its filters, and sorting on it."""

    operators: list[Op] = Field(
        description="The filter operators (filter_<column>_<op>) the column accepts, in the "
        "order a UI offers them; the first is the default. Any other is refused with 400."
    )
    sortable: bool = Field(description="Whether the column may be named in sort=.")
    aggregates: list[Use] = Field(
        description="What GET .../aggregate may do with the column: group=<column>, and the "
        "measures <function>:<column> it accepts. Any other is refused with 400."
    )
    group_units: list[DateUnit] = Field(
        description="The calendar units GET .../aggregate may group the column by "
        "(group=<column>:<unit>): day, week (from Monday), month, year for dates and "
        "timestamps, none for other kinds. Any other is refused with 400 BAD_GROUP.",
    )


#: The same for every caller: it describes the API, not the database or the settings.
COLUMN_KINDS = {
    kind: ColumnKindRules(
        operators=list(rules.operators),
        sortable=rules.sortable,
        aggregates=list(KIND_USES[kind]),
        group_units=list(GROUP_UNITS[kind]),
    )
    for kind, rules in KIND_RULES.items()
}


class UiConfig(Body):
    app_name: str
    brand_logo_url: str | None
    footer_text: str
    theme: Literal["light", "dark", "auto"]
    allow_sql_console: bool
    allow_export: bool
    enable_schema_view: bool
    show_routines: bool = Field(False, description="The sidebar lists GET /api/routines.")
    page_size_options: list[int]
    page_size_default: int
    max_records_display: int
    database: DatabaseInfo | None  # None until logged in
    column_kinds: dict[ColumnKind, ColumnKindRules] = Field(
        description="For each column kind (the `kind` of a column), its filter operators and "
        "whether it can be sorted on. The example is this server's table.",
        examples=[{k.value: r.model_dump(mode="json") for k, r in COLUMN_KINDS.items()}],
    )


@blueprint.get("/config")
@public
@tag(["ui"])
@validate_response(UiConfig)
async def config() -> UiConfig:
    """Branding, feature switches and page sizes; ``database`` only when logged in."""
    state = app_state()
    settings = state.settings
    try:
        logged_in = await authenticate() is not None
    except Unauthorized:
        logged_in = False
    # Database.dialect is a plain str holding one of the adapters' names (the Literal).
    database = DatabaseInfo(name=state.database.name, dialect=state.database.dialect)  # type: ignore[arg-type]
    return UiConfig(
        app_name=settings.app_name,
        brand_logo_url=settings.brand_logo_url,
        footer_text=settings.footer_text,
        theme=settings.theme,
        allow_sql_console=settings.allow_sql_console,
        allow_export=settings.allow_export,
        enable_schema_view=settings.enable_schema_view,
        show_routines=settings.show_routines,
        page_size_options=list(settings.page_size_options),
        page_size_default=settings.page_size_default,
        max_records_display=settings.max_records_display,
        database=database if logged_in else None,
        column_kinds=COLUMN_KINDS,
    )
