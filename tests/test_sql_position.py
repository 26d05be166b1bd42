"""Where a statement failed, from what a database quotes or from sqlglot's parse: found only
when it can be told apart (``db/sql_position.py`` and the adapters' ``error_position``)."""

from __future__ import annotations

from pydbpro.db.adapters import adapter_for
from pydbpro.db.sql_position import parse_error_at, quoted_text_at

MARIADB_1064 = (
    "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB "
    "server version for the right syntax to use near {!r} at line {}"
)


def test_quoted_text_is_placed_only_when_it_occurs_once_on_its_line() -> None:
    sql = "SELECT a,\n  b FROM t\nWHERE b = = 1"
    assert quoted_text_at(sql, "= 1", 3) == sql.index("= 1") + 1
    assert quoted_text_at(sql, "b", 2) == sql.index("  b") + 3
    assert quoted_text_at(sql, "=", 3) is None  # twice on line 3
    assert quoted_text_at(sql, "= 1", 9) is None  # no such line
    assert quoted_text_at("SELECT 1 + ;", "") == len("SELECT 1 +")  # ended too soon


def test_parse_errors_point_at_the_token_sqlglot_stopped_at() -> None:
    sql = "SELECT id\nFROM customers WHERE id IN (1 oops)"
    assert parse_error_at(sql, "sqlite") == sql.index("oops") + 1
    assert parse_error_at("SELECT 1", "sqlite") is None
    assert parse_error_at("SELECT 'unterminated", "postgres") is None


def test_each_adapter_places_its_own_messages() -> None:
    mysql, sqlite, postgresql = (adapter_for(d) for d in ("mysql", "sqlite", "postgresql"))
    sql = "SELECT 1,\n2 FROM WHERE x"
    assert mysql.error_position(sql, MARIADB_1064.format("WHERE x", 2)) == sql.index("WHERE") + 1
    cut = MARIADB_1064.format("WHERE x", 2).split("WHERE x")[0] + "WHERE"  # quote went past \n
    assert mysql.error_position(sql, cut) == sql.index("WHERE") + 1
    assert mysql.error_position(sql, "Unknown column 'x' in 'where clause'") is None
    broken = "SELECT id FROM customers WHERE id IN (1 oops)"
    assert sqlite.error_position(broken, 'near "oops": syntax error') == broken.index("oops") + 1
    assert sqlite.error_position(broken, "no such column: oops") is None  # not a syntax error
    assert postgresql.error_position(broken, "syntax error") is None  # the server says where
