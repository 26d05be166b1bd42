"""The legacy pages on the web: routing, authentication, redirects and readable errors.

Every ``*.asp`` (and ``Launch.htm``) path answers at the site root and, when
LEGACY_URL_PREFIX is set, under that folder, in any letter case (IIS paths were
case-insensitive). A GET is translated and redirected (302) to the clean route; any other
method is a 405, because every legacy form wrote or replayed raw SQL.

Authentication stays with the app-wide guard. These views are not ``ui_page``s on purpose:
the guard then raises ``Unauthorized`` instead of redirecting, and this blueprint's handler
sends the visitor to ``/login?next=<the translated clean URL>`` -- translated without
looking anything up, so an anonymous visitor learns nothing about the database.

Errors are the ``pydbpro.errors`` classes, rendered as a small HTML page here (people reach
these URLs from bookmarks) and as the usual JSON envelope for clients that ask for JSON.
"""

from __future__ import annotations

import re
from html import escape
from http import HTTPStatus
from urllib.parse import quote

from quart import Blueprint, Quart, Response, g, redirect, request
from quart_schema import hide
from werkzeug.routing import BaseConverter

from ..auth import login as login_service
from ..auth.guard import current_principal
from ..auth.permissions import Permission, public, require_permission
from ..errors import MethodNotAllowed, PyDBProError, Unauthorized, error_response
from ..requestid import current_request_id
from ..settings import Settings
from ..state import app_state
from .names import CatalogNames, Names, WrittenNames
from .target import Context, Params, Target
from .urlmap import legacy_target

READ_METHODS = ("GET", "HEAD")
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


class LegacyPageConverter(BaseConverter):
    """One path segment naming an ASP page (or Launch.htm), in any letter case."""

    regex = r"[^/]+\.(?i:asp|htm)"


def prefix_converter(prefix: str) -> type[BaseConverter]:
    """The configured folder (``/1ClickDB``), matched in any letter case like IIS did."""
    folder = prefix.strip("/")

    class LegacyPrefixConverter(BaseConverter):
        regex = f"(?i:{re.escape(folder)})"
        part_isolating = "/" not in folder

    return LegacyPrefixConverter


def _context(names: Names) -> Context:
    state = app_state()
    return Context(settings=state.settings, adapter=state.database.adapter, names=names)


def _params() -> Params:
    return Params(request.args.items(multi=True))


@require_permission(Permission.READ)
@hide
async def legacy_page(page: str, prefix: str | None = None) -> Response:
    """Translate, then redirect; Logout.asp ends the session the way POST /api/logout does."""
    target = await legacy_target(page, _params(), _context(CatalogNames(app_state().catalog)))
    if target.logout:
        await login_service.logout(app_state(), current_principal())
    return _found(target.location)


@require_permission(Permission.READ)
@hide
async def legacy_folder(prefix: str) -> Response:
    """``/1ClickDB/``: IIS served Default.asp for the folder."""
    return await legacy_page("Default.asp", prefix)


@public
@hide
async def refused_method(page: str, prefix: str | None = None) -> Response:
    """Any form post to a legacy page. Public because it only ever refuses."""
    raise _method_refused()


def _method_refused() -> MethodNotAllowed:
    return MethodNotAllowed(
        "PyDBPro is read-only and does not accept 1ClickDBPro's forms; open the page with GET",
        headers={"Allow": ", ".join(READ_METHODS)},
    )


def _found(location: str) -> Response:
    # quart's redirect is annotated with werkzeug's Response but makes Quart's.
    return redirect(location, 302)  # type: ignore[return-value]


async def _on_error(error: PyDBProError) -> Response:
    """Every error of these routes, the guard's included."""
    if request.method not in READ_METHODS:
        return render(_method_refused())  # the guard's 403/415 for a form post: still a 405
    if isinstance(error, Unauthorized):
        return await _to_login(error)
    return render(error)


async def _to_login(error: Unauthorized) -> Response:
    page = (request.view_args or {}).get("page", "Default.asp")
    try:
        target: Target = await legacy_target(page, _params(), _context(WrittenNames()))
    except PyDBProError as refused:
        return render(refused)  # a write page or a malformed link: no need to log in first
    if target.public:
        return _found("/login" if target.logout else target.location)
    location = f"/login?next={quote(target.location, safe='/')}"
    if error.error_code == "SESSION_EXPIRED":
        location += "&expired=1"
    return _found(location)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {app}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 42rem; margin: 4rem auto;
 padding: 0 1rem; line-height: 1.5">
<h1>{title}</h1>
<p>{message}</p>
<p>This is an old 1ClickDBPro address that {app} answers for.
<a href="/browse">Open the table list</a> or <a href="/help">read the help</a>.</p>
<p style="color: #666; font-size: 0.85em">{status} {code} &middot; request {request_id}</p>
</body></html>
"""


def render(error: PyDBProError) -> Response:
    """The error as a small HTML page, or the JSON envelope when JSON is preferred."""
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    ):
        return error_response(error)
    status = error.status_code
    g.pydbpro_error_code = error.error_code  # as error_response does, for the activity log
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = _PAGE.format(
        title=escape(title),
        app=escape(app_state().settings.app_name),
        message=escape(error.message),
        status=status,
        code=escape(error.error_code),
        request_id=escape(current_request_id()),
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(error.headers)
    return response


def init_app(app: Quart, settings: Settings) -> None:
    """Register the legacy routes at the root and, if configured, under the legacy folder."""
    app.url_map.converters["legacypage"] = LegacyPageConverter
    blueprint = Blueprint("legacy", __name__)
    paths = ["/<legacypage:page>"]
    if settings.legacy_url_prefix:
        app.url_map.converters["legacyprefix"] = prefix_converter(settings.legacy_url_prefix)
        paths.append("/<legacyprefix:prefix>/<legacypage:page>")
        blueprint.add_url_rule("/<legacyprefix:prefix>/", "folder", legacy_folder, methods=["GET"])
    for path in paths:
        blueprint.add_url_rule(path, "page", legacy_page, methods=["GET"])
        blueprint.add_url_rule(path, "refused_method", refused_method, methods=OTHER_METHODS)
    blueprint.register_error_handler(PyDBProError, _on_error)
    app.register_blueprint(blueprint)
