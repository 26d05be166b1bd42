"""A dialect is one module: outside ``db/adapters/`` no code decides by a dialect's name.

Every difference between PostgreSQL, MySQL/MariaDB and SQLite is an adapter's method or
attribute (``db/adapters/<dialect>.py``); the registry beside them is the one place that
maps names to adapters. A name compared, or used as a key or one of a set of names,
anywhere else is a difference that escaped: adding a dialect would mean finding it.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pydbpro

#: The tree checked; PYDBPRO_SRC=<checkout>/src checks another one (to see this fail there).
PACKAGE = Path(os.environ.get("PYDBPRO_SRC") or Path(pydbpro.__file__).parent.parent) / "pydbpro"
NAMES = frozenset({"postgresql", "postgres", "mysql", "mariadb", "sqlite"})
EXEMPT = {
    "db/adapters": "the dialects themselves, and the registry that picks one by name",
    "store": "PyDBPro's own database (SQLite or PostgreSQL), never the explored one",
}
#: Ends a line outside store/ that is about the store (settings: APP_DATABASE_URL).
STORE_LINE = "# the store, not the explored database"


def _uses(source: str) -> Iterator[int]:
    """Lines where a dialect name is compared, a dict key, or one of a set/tuple/list. A
    ``Literal[...]`` type only lists the values a field takes (DB_TYPE, the API's
    ``dialect``): it documents them, it decides nothing."""
    tree = ast.parse(source)
    typed = {id(node) for sub in ast.walk(tree) if isinstance(sub, ast.Subscript)
             and isinstance(sub.value, ast.Name) and sub.value.id == "Literal"
             for node in ast.walk(sub.slice)}  # fmt: skip
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found = [node.left, *node.comparators]
        elif isinstance(node, ast.Dict):
            found = [key for key in node.keys if key is not None]
        elif isinstance(node, ast.Set | ast.Tuple | ast.List):
            found = list(node.elts)
        else:
            continue
        for item in found:
            named = isinstance(item, ast.Constant) and item.value in NAMES
            if named and id(item) not in typed and STORE_LINE not in lines[item.lineno - 1]:
                yield item.lineno


def test_no_dialect_name_decides_outside_the_adapters() -> None:
    offenders = sorted(
        {
            f"{path.relative_to(PACKAGE)}:{line}"
            for path in PACKAGE.rglob("*.py")
            if not any(path.relative_to(PACKAGE).is_relative_to(folder) for folder in EXEMPT)
            for line in _uses(path.read_text(encoding="utf-8"))
        }
    )
    assert offenders == []


def test_the_check_sees_each_use() -> None:
    sample = (
        'a == "mysql"\nb in ("sqlite", x)\n{"postgres": 1}\n{"mariadb"}\n"other" == c\n'
        't: Literal["mysql"]\n'
        f'u = ("sqlite",)  {STORE_LINE}\n'
    )
    assert sorted(_uses(sample)) == [1, 2, 3, 4]
