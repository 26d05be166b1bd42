"""The HTTP layer never builds SQL: no SQLAlchemy or database driver import under api/."""

from __future__ import annotations

import ast
from pathlib import Path

import pydbpro

PACKAGE = Path(pydbpro.__file__).parent
FORBIDDEN = ("sqlalchemy", "asyncpg", "aiomysql", "aiosqlite", "pymysql", "sqlite3", "sqlglot")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_api_modules_import_no_database_library() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if name.split(".")[0] in FORBIDDEN
        )
        for path in (PACKAGE / "api").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_data_layer_never_touches_a_request() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "db").rglob("*.py")
        if any(name.split(".")[0] == "quart" for name in _imports(path))
    ]
    assert offenders == []


def test_the_checks_above_can_see_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy\nfrom quart import request\n")
    assert _imports(sample) == {"sqlalchemy", "quart"}
