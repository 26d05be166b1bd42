"""The generated demo database: realistic, consistent and reproducible.

Users explore the demo to learn PyDBPro, and docs/tests may cite its rows, so what
matters is what a user would see: sensible sizes, intact references, a real org
chart, working views, unicode and NULLs -- and the same rows for the same seed.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from pydbpro.demo import DemoSummary, generate_demo_database

EXPECTED_ROWS = {
    "categories": (10, 15),
    "suppliers": (30, 50),
    "products": (400, 600),
    "employees": (50, 70),
    "customers": (2500, 3500),
    "orders": (15_000, 25_000),
    "order_items": (50_000, 70_000),
}
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as conn:
        yield conn


def scalar(conn: sqlite3.Connection, sql: str) -> object:
    return conn.execute(sql).fetchone()[0]


def content_digest(path: Path) -> str:
    """Hash of schema and every row, in storage order: equal only for identical content."""
    digest = hashlib.sha256()
    with connect(path) as conn:
        for (sql,) in conn.execute("SELECT sql FROM sqlite_master ORDER BY type, name"):
            digest.update(repr(sql).encode())
        for table in EXPECTED_ROWS:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """Generated once: the read-only checks below do not need a fresh database each."""
    return generate_demo_database(tmp_path_factory.mktemp("demo") / "nested" / "demo.db")


@pytest.fixture
def db(demo: DemoSummary) -> Iterator[sqlite3.Connection]:
    with connect(demo.path) as conn:
        yield conn


def test_row_counts_are_in_range_and_match_summary(
    demo: DemoSummary, db: sqlite3.Connection
) -> None:
    assert demo.path.is_file()
    assert set(demo.row_counts) == set(EXPECTED_ROWS)
    for table, (low, high) in EXPECTED_ROWS.items():
        actual = scalar(db, f"SELECT count(*) FROM {table}")
        assert actual == demo.row_counts[table], table
        assert low <= actual <= high, (table, actual)


def test_same_seed_gives_identical_content_and_other_seed_differs(
    demo: DemoSummary, tmp_path: Path
) -> None:
    again = generate_demo_database(tmp_path / "again.db")  # default seed, like `demo`
    other = generate_demo_database(tmp_path / "other.db", seed=7)
    assert again.row_counts == demo.row_counts
    assert content_digest(again.path) == content_digest(demo.path)
    assert content_digest(other.path) != content_digest(demo.path)


def test_references_and_integrity_hold(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # Declared foreign keys really exist (an empty check is meaningless without them).
    referenced = {
        (table, ref[2])
        for table in EXPECTED_ROWS
        for ref in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert referenced >= {
        ("products", "categories"),
        ("products", "suppliers"),
        ("employees", "employees"),
        ("orders", "customers"),
        ("orders", "employees"),
        ("order_items", "orders"),
        ("order_items", "products"),
    }
    assert scalar(db, "SELECT count(*) FROM sqlite_stat1") > 0  # ANALYZE ran


def test_employees_form_a_hierarchy_with_one_root(db: sqlite3.Connection) -> None:
    managers = dict(db.execute("SELECT id, manager_id FROM employees").fetchall())
    roots = [emp for emp, manager in managers.items() if manager is None]
    assert len(roots) == 1
    depths = []
    for employee in managers:
        seen, current = {employee}, managers[employee]
        while current is not None:
            assert current not in seen, f"cycle through employee {employee}"
            seen.add(current)
            current = managers[current]
        depths.append(len(seen) - 1)
    assert max(depths) >= 3
    titles = [t for (t,) in db.execute("SELECT title FROM employees WHERE manager_id IS NULL")]
    assert titles == ["Chief Executive Officer"]


def test_order_totals_has_one_row_per_order_and_adds_up(db: sqlite3.Connection) -> None:
    orders = scalar(db, "SELECT count(*) FROM orders")
    assert scalar(db, "SELECT count(*) FROM order_totals") == orders
    assert scalar(db, "SELECT count(DISTINCT order_id) FROM order_totals") == orders
    assert scalar(db, "SELECT sum(item_count) FROM order_totals") == scalar(
        db, "SELECT count(*) FROM order_items"
    )
    order_id, name, count, total = db.execute(
        "SELECT order_id, customer_name, item_count, total_amount FROM order_totals "
        "WHERE item_count >= 3 ORDER BY order_id LIMIT 1"
    ).fetchone()
    items = db.execute(
        "SELECT quantity, unit_price, discount FROM order_items WHERE order_id = ?", (order_id,)
    ).fetchall()
    assert count == len(items)
    assert total == pytest.approx(sum(q * p * (1 - d) for q, p, d in items), abs=0.01)
    assert name


def test_customer_summary_covers_every_customer(db: sqlite3.Connection) -> None:
    assert scalar(db, "SELECT count(*) FROM customer_summary") == scalar(
        db, "SELECT count(*) FROM customers"
    )
    assert scalar(db, "SELECT sum(order_count) FROM customer_summary") == scalar(
        db, "SELECT count(*) FROM orders"
    )
    assert scalar(db, "SELECT count(*) FROM customer_summary WHERE lifetime_value > 0") > 1000


def test_unicode_text_and_nulls_appear(db: sqlite3.Connection) -> None:
    texts = [
        value
        for sql in (
            "SELECT last_name FROM customers",
            "SELECT city FROM customers",
            "SELECT first_name FROM employees",
        )
        for (value,) in db.execute(sql)
    ]
    assert any(not text.isascii() for text in texts)
    assert {"Łódź", "São Paulo", "東京", "Москва"} <= {
        c for (c,) in db.execute("SELECT DISTINCT city FROM customers")
    }
    for table, column in [
        ("customers", "company_name"),
        ("customers", "phone"),
        ("customers", "postal_code"),
        ("orders", "shipped_date"),
        ("employees", "birth_date"),
        ("suppliers", "phone"),
        ("categories", "description"),
    ]:
        nulls = scalar(db, f"SELECT count(*) FROM {table} WHERE {column} IS NULL")
        assert nulls > 0, (table, column)
    notes = scalar(db, "SELECT avg(notes IS NULL) FROM customers")
    assert 0.8 < notes < 1.0  # mostly NULL, but not all


def test_dates_are_iso_and_within_the_demo_period(db: sqlite3.Connection) -> None:
    stamps = [s for (s,) in db.execute("SELECT order_date FROM orders")]
    stamps += [s for (s,) in db.execute("SELECT created_at FROM customers")]
    stamps += [s for (s,) in db.execute("SELECT shipped_date FROM orders") if s is not None]
    assert all(TIMESTAMP.fullmatch(s) for s in stamps)
    assert min(stamps) >= "2019-01-01 00:00:00"
    assert max(stamps) <= "2025-12-31 23:59:59"
    dates = [d for (d,) in db.execute("SELECT created_at FROM products")]
    assert all(DATE.fullmatch(d) and "2019-01-01" <= d <= "2025-12-31" for d in dates)
    # Orders come after their customer signed up and ship after they were placed.
    assert (
        scalar(
            db,
            """SELECT count(*) FROM orders AS o JOIN customers AS c
                         ON c.id = o.customer_id WHERE o.order_date < c.created_at""",
        )
        == 0
    )
    assert scalar(db, "SELECT count(*) FROM orders WHERE shipped_date < order_date") == 0


def test_order_status_matches_shipping(db: sqlite3.Connection) -> None:
    by_status = dict(
        db.execute(
            "SELECT status, sum(shipped_date IS NULL) FROM orders GROUP BY status"
        ).fetchall()
    )
    assert set(by_status) == {"pending", "processing", "shipped", "delivered", "cancelled"}
    assert by_status["delivered"] == by_status["shipped"] == 0
    assert (
        scalar(
            db,
            "SELECT count(*) FROM orders WHERE status IN ('pending', 'processing')"
            " AND shipped_date IS NOT NULL",
        )
        == 0
    )


def test_money_has_two_decimals_and_discounts_are_bounded(db: sqlite3.Connection) -> None:
    prices = [p for (p,) in db.execute("SELECT unit_price FROM order_items")]
    prices += [p for (p,) in db.execute("SELECT unit_price FROM products")]
    prices += [p for (p,) in db.execute("SELECT salary FROM employees")]
    assert all(Decimal(repr(p)).as_tuple().exponent >= -2 for p in prices)
    low, high = db.execute("SELECT min(discount), max(discount) FROM order_items").fetchone()
    assert low == 0 and 0 < high <= 0.25


def test_regenerating_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"not a database")
    first = generate_demo_database(path)
    second = generate_demo_database(path)
    with connect(path) as conn:
        for table, count in second.row_counts.items():
            assert scalar(conn, f"SELECT count(*) FROM {table}") == count
    assert first.row_counts == second.row_counts
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]  # no temp files left behind
