"""The layers' imports: the HTTP layer never builds SQL (no SQLAlchemy or database driver
import under api/), the data layer never sees a request, and the file writers (export/) get
plain values only, never the data layer's objects."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import pydbpro

PACKAGE = Path(pydbpro.__file__).parent
FORBIDDEN = ("sqlalchemy", "asyncpg", "aiomysql", "aiosqlite", "pymysql", "sqlite3", "sqlglot")


def _imports(source: str, package: Sequence[str]) -> set[str]:
    """Every module a source names, relative imports resolved against its ``package``; an
    imported name may be a module too: ``from ..db import export`` gives ``pydbpro.db`` and
    ``pydbpro.db.export``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _file_imports(path: Path) -> set[str]:
    return _imports(path.read_text(), ["pydbpro", *path.relative_to(PACKAGE).parent.parts])


def _offenders(folder: str, forbidden: str) -> dict[str, list[str]]:
    """The modules under ``folder`` that import ``forbidden`` (a package) or a part of it."""
    found = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in _file_imports(path)
            if name == forbidden or name.startswith(f"{forbidden}.")
        )
        for path in (PACKAGE / folder).rglob("*.py")
    }
    return {module: names for module, names in found.items() if names}


def test_api_modules_import_no_database_library() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _file_imports(path) if name.split(".")[0] in FORBIDDEN
        )
        for path in (PACKAGE / "api").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_data_layer_never_touches_a_request() -> None:
    assert _offenders("db", "quart") == {}


def test_data_layer_never_imports_the_http_layer() -> None:
    assert _offenders("db", "pydbpro.api") == {}


def test_file_writers_import_nothing_from_the_data_layer() -> None:
    """export/ is fed plain values (``export/base.py``); its only view of a row stream is
    the ``RowSource`` protocol, so the two packages do not import each other."""
    assert _offenders("export", "pydbpro.db") == {}


def test_the_checks_above_can_see_imports() -> None:
    source = (
        "import sqlalchemy\nfrom quart import request\n"
        "def later():\n    from ..db import export\n    from .base import Row\n"
    )
    assert _imports(source, ["pydbpro", "export"]) == {
        "sqlalchemy",
        "quart",
        "quart.request",
        "pydbpro.db",
        "pydbpro.db.export",
        "pydbpro.export.base",
        "pydbpro.export.base.Row",
    }
