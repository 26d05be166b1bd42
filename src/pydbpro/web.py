"""Serves the single-page app, its hashed assets, and the offline API docs.

UI routes are plain HTML shells; the SPA reads its state from the URL. Anonymous browsers
are redirected to ``/login?next=...`` by the guard (the routes are marked ``ui_page``).
"""

from __future__ import annotations

from pathlib import Path

from quart import Blueprint, Quart, Response, current_app, jsonify, send_from_directory
from quart_schema import hide
from swagger_ui_bundle import swagger_ui_path

from pydbpro_ui import DIST_DIR

from . import apidoc
from .auth.permissions import Permission, public, require_permission, ui_page
from .errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"
blueprint = Blueprint("web", __name__)


async def _spa_shell() -> Response:
    index = DIST_DIR / "index.html"
    if index.is_file():
        response = await send_from_directory(DIST_DIR, "index.html")
    else:
        response = await send_from_directory(STATIC_DIR, "no-ui.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/login")
@public
@hide
async def login_page() -> Response:
    return await _spa_shell()


@blueprint.get("/")
@blueprint.get("/browse")
@blueprint.get("/browse/<path:table>")
@blueprint.get("/query")
@blueprint.get("/help")
@blueprint.get("/account")
@blueprint.get("/admin")
@require_permission(Permission.READ)
@ui_page
@hide
async def app_page(table: str | None = None) -> Response:
    return await _spa_shell()


@blueprint.get("/assets/<path:filename>")
@public
@hide
async def assets(filename: str) -> Response:
    """Vite's content-hashed files: cacheable for a year because the name changes on change."""
    if not (DIST_DIR / "assets").is_dir():
        raise NotFound()
    response = await send_from_directory(DIST_DIR / "assets", filename)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@blueprint.get("/docs")
@public
@hide
async def docs() -> Response:
    return await send_from_directory(STATIC_DIR / "docs", "index.html")


@blueprint.get("/docs/init.js")
@public
@hide
async def docs_init() -> Response:
    return await send_from_directory(STATIC_DIR / "docs", "init.js")


@blueprint.get("/docs/assets/<any('swagger-ui.css', 'swagger-ui-bundle.js'):filename>")
@public
@hide
async def docs_assets(filename: str) -> Response:
    return await send_from_directory(Path(str(swagger_ui_path)), filename)


@blueprint.get("/openapi.json")
@public
@hide
async def openapi() -> Response:
    return jsonify(apidoc.openapi_document(current_app))


def init_app(app: Quart) -> None:
    app.register_blueprint(blueprint)
