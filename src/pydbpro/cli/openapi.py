"""``pydbpro openapi``: the API's OpenAPI document, as ``/openapi.json`` serves it, written
without starting a server or reaching a database. The UI's TypeScript types are generated
from it when the UI is built (``make ui``), so they cannot drift from the server's models.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import click

from .. import apidoc
from ..app import create_app
from ..settings_loading import load_settings


def openapi_document() -> dict[str, Any]:
    """The document of an app made as ``pydbpro demo`` makes one, on an empty SQLite file
    that is never opened: the routes and models do not depend on the database."""
    with tempfile.TemporaryDirectory(prefix="pydbpro-openapi-") as folder:
        empty = Path(folder) / "empty.sqlite3"
        empty.touch()  # the settings check that a SQLite file exists
        settings = load_settings(
            report=False,
            demo_mode=True,
            data_dir=Path(folder),
            database_url=f"sqlite:///{empty}",
            app_database_url=None,
            admin_user=None,
        )
        return apidoc.openapi_document(create_app(settings))


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output). Left untouched when it is up to date.",
)
def openapi(output: Path | None) -> None:
    """Write the API's OpenAPI document (what /openapi.json serves)."""
    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    elif not output.is_file() or output.read_text(encoding="utf-8") != text:
        # Unchanged, the file keeps its time: `make` rebuilds the UI only when the API changed.
        output.write_text(text, encoding="utf-8")
