"""Every 1ClickDBPro page (``shared/legacy-urls.md`` section a) and what answers it.

Page names are matched case-insensitively, as IIS did; the Free edition's ``Free*.asp``
names are aliases of the same pages. Pages that wrote data or the schema are refused as
read-only; pop-ups and code generators that have no counterpart are unknown (404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

from ..errors import NotFound
from . import pages
from .grid import grid
from .target import Context, Params, Target, refuse_write

Handler = Callable[[Params, Context], Awaitable[Target]]


def _to(location: str, *, public: bool = False) -> Handler:
    async def handler(params: Params, ctx: Context) -> Target:
        return Target(location, public=public)

    return handler


def _refused(what: str) -> Handler:
    async def handler(params: Params, ctx: Context) -> Target:
        raise refuse_write(what)

    return handler


def _unknown(what: str) -> Handler:
    async def handler(params: Params, ctx: Context) -> Target:
        raise NotFound(f"PyDBPro has no {what}", code="LEGACY_NOT_SUPPORTED")

    return handler


def _sync(function: Callable[[Params, Context], Target]) -> Handler:
    async def handler(params: Params, ctx: Context) -> Target:
        return function(params, ctx)

    return handler


async def _browse(params: Params, ctx: Context) -> Target:
    return await grid(params, ctx)


async def _frameset(params: Params, ctx: Context) -> Target:
    """Frameset.asp: the page it framed when that is an on-site legacy page, else ``/``.

    ``contenturl`` is never followed as a URL (it was an open redirect): only its last path
    segment and query are read, as a legacy page of this site, and translated like any other.
    """
    content = params.get("contenturl") or ""
    parts = urlsplit(content)
    if parts.scheme or parts.netloc or content.startswith(("//", "/\\")) or "\\" in content:
        return Target("/")
    handler = handler_for(parts.path.rsplit("/", 1)[-1])
    if handler is None or handler is _frameset:
        return Target("/")
    return await handler(Params(parse_qsl(parts.query, keep_blank_values=True)), ctx)


PAGES: dict[str, Handler] = {
    "default.asp": _to("/"),
    "connect.asp": _to("/"),  # one fixed connection: nothing to choose
    "logon.asp": _sync(pages.logon),
    "logout.asp": _sync(pages.logout),
    "schema.asp": _sync(pages.schema_index),
    "frameset.asp": _frameset,
    "mtmcode.asp": _to("/"),
    "mtmheading.asp": _to("/"),
    "mtmmenu_empty.asp": _to("/"),
    "launch.htm": _to("/"),
    "browse.asp": _browse,
    "select.asp": pages.select_editor,
    "wizardsqlquery.asp": _to("/browse"),
    "structure.asp": pages.structure,
    "describefield.asp": pages.structure,
    "edit.asp": pages.row_page,
    "command.asp": _sync(pages.command),
    "graphit.asp": pages.chart,
    "help.asp": _to("/help"),
    "test1clickdb.asp": _to("/api/health", public=True),
    "execute.asp": _refused("running stored procedures"),
    "wizardsqlaudit.asp": _refused("creating audit tables and triggers"),
    "codewizupload.asp": _refused("uploading databases"),
    "wizardaspcode.asp": _unknown("ASP code generator"),
    "generator.asp": _unknown("ASP code generator"),
    "ocdzoomtext.asp": _unknown("text zoom pop-up"),
    "ocdhtmledit.asp": _unknown("HTML editor pop-up"),
    "ocdpickdate.asp": _unknown("date picker pop-up"),
}
FREE_EDITION = {
    "freebrowse.asp": "browse.asp",
    "freeschema.asp": "schema.asp",
    "freeedit.asp": "edit.asp",
    "freeconnect.asp": "connect.asp",
    "freelogon.asp": "logon.asp",
    "freelogout.asp": "logout.asp",
    "freehelp.asp": "help.asp",
    "freeframe.asp": "frameset.asp",
}
#: Page families by name: DBDesignSQLServer.asp, WizardImport_*.asp hooks, <Object>_Edit.asp.
_FAMILIES: tuple[tuple[Callable[[str], bool], Handler], ...] = (
    (lambda page: page.startswith("dbdesign"), _refused("changing the database design")),
    (lambda page: page.startswith("wizardimport"), _refused("importing data")),
    (lambda page: page.endswith("_edit.asp"), pages.row_page),
)


def handler_for(page: str) -> Handler | None:
    """The handler of a legacy page name (any case), or None when it is not one."""
    name = page.lower()
    name = FREE_EDITION.get(name, name)
    found = PAGES.get(name)
    if found is None:
        found = next((handler for test, handler in _FAMILIES if test(name)), None)
    return found


async def legacy_target(page: str, params: Params, ctx: Context) -> Target:
    """The clean URL a legacy page and its parameters stand for, or a domain error."""
    handler = handler_for(page)
    if handler is None:
        raise NotFound(f"{page} is not a 1ClickDBPro page PyDBPro knows", code="NOT_FOUND")
    return await handler(params, ctx)
