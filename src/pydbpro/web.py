"""Serves the single-page app, its hashed assets, and the offline API docs.

UI routes are plain HTML shells; the SPA reads its state from the URL. Anonymous browsers
are redirected to ``/login?next=...`` by the guard (the routes are marked ``ui_page``).

The UI build writes a brotli and a gzip copy beside each of its text files; a client that
accepts one gets it as it is, with no CPU spent (``compression.py`` compresses the rest).
Hashed assets are cached for a year (a new build has new names); everything else is
revalidated on each use (``no-cache``: a 304 when unchanged).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from quart import Blueprint, Quart, Response, current_app, jsonify, send_from_directory
from quart_schema import hide
from swagger_ui_bundle import swagger_ui_path

from pydbpro_ui import DIST_DIR

from . import apidoc
from .auth.permissions import Permission, public, require_permission, ui_page
from .compression import SUFFIXES, add_vary, request_encodings
from .errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"
blueprint = Blueprint("web", __name__)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


async def send_static(directory: Path, filename: str, cache_control: str) -> Response:
    """A file, or its precompressed sibling (``<name>.br``, ``<name>.gz``) when the client
    accepts that encoding and the build wrote one. Each variant has its own ETag, so
    conditional and range requests stay exact."""
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    for encoding in request_encodings():
        variant = filename + SUFFIXES[encoding]
        if (directory / variant).is_file():
            response = await send_from_directory(directory, variant, mimetype=mimetype)
            response.headers["Content-Encoding"] = encoding
            add_vary(response)
            break
    else:
        response = await send_from_directory(directory, filename, mimetype=mimetype)
    response.headers["Cache-Control"] = cache_control
    response.headers.pop("Expires", None)  # send_file's 12 hours; Cache-Control says it all
    return response


async def _spa_shell() -> Response:
    if (DIST_DIR / "index.html").is_file():
        return await send_static(DIST_DIR, "index.html", REVALIDATE)
    return await send_static(STATIC_DIR, "no-ui.html", REVALIDATE)


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
    """Vite's content-hashed files: cacheable for a year because the name changes on change.
    The precompressed copies are not resources of their own: ``send_static`` picks them."""
    if not (DIST_DIR / "assets").is_dir() or filename.endswith(tuple(SUFFIXES.values())):
        raise NotFound()
    return await send_static(DIST_DIR / "assets", filename, IMMUTABLE)


@blueprint.get("/docs")
@public
@hide
async def docs() -> Response:
    return await send_static(STATIC_DIR / "docs", "index.html", REVALIDATE)


@blueprint.get("/docs/init.js")
@public
@hide
async def docs_init() -> Response:
    return await send_static(STATIC_DIR / "docs", "init.js", REVALIDATE)


@blueprint.get("/docs/assets/<any('swagger-ui.css', 'swagger-ui-bundle.js'):filename>")
@public
@hide
async def docs_assets(filename: str) -> Response:
    return await send_static(Path(str(swagger_ui_path)), filename, REVALIDATE)


@blueprint.get("/openapi.json")
@public
@hide
async def openapi() -> Response:
    return jsonify(apidoc.openapi_document(current_app))


def init_app(app: Quart) -> None:
    app.register_blueprint(blueprint)
