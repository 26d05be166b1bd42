"""Deterministic rows for the fixture schema (see ``fixture_schema.py``).

Kept apart from the table definitions so that each module stays readable. Every
value is either a literal or drawn from ``random.Random(1234)``, so two loads of
the fixture -- on any backend, on any machine -- contain exactly the same data and
tests may assert on concrete values and counts.

The awkward values (quotes, LIKE wildcards, unicode, empty and padded strings,
NULLs, values beyond double precision) are deliberate: they are what breaks
naive SQL building, escaping and JSON serialisation in a database explorer.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

Row = dict[str, Any]

SEED = 1234

#: Larger than 2**53: a JavaScript ``Number`` (or a float) cannot hold it exactly.
BIG_INT = 9_007_199_254_740_993
#: The extremes of a signed 64-bit integer.
INT64_MAX = 9_223_372_036_854_775_807
INT64_MIN = -9_223_372_036_854_775_808
#: 30 significant digits in a Numeric(30, 10): a double keeps only ~16 of them.
BIG_DECIMAL = Decimal("12345678901234567890.0123456789")
TINY_DECIMAL = Decimal("-0.0000000001")
#: A few bytes including the ones that break naive text decoding.
BINARY_VALUE = bytes([0x00, 0xFF, 0x10, 0x7F, 0x80, 0x00])
#: ~100 KB of text with multi-byte characters (more bytes than characters).
LARGE_TEXT_CHARS = 100_000
LARGE_TEXT = ("Lorem ipsum dolor sit amet, Zoë Łódź 東京 — " * 3000)[:LARGE_TEXT_CHARS]
JSON_VALUE: dict[str, Any] = {
    "a": 1,
    "nested": {"list": [1, 2.5, None, "x"], "flag": True},
    "unicode": "Zoë 東京",
    "quote": 'O\'Brien "Boss"',
}

#: Customers with hand-picked awkward values; ids 1..len(SPECIAL_CUSTOMERS).
#: (name, email, city)
SPECIAL_CUSTOMERS: list[tuple[str, str | None, str | None]] = [
    ("Zoë Müller", "zoe@example.com", "Łódź"),
    ("東京 太郎", "taro@example.jp", "東京"),
    ("O'Brien", "obrien@example.ie", "Dublin"),
    ('The "Boss"', "boss@example.com", "New York"),
    ("100% _real_ deal", "percent_underscore@example.com", "Berlin"),
    ("", "empty-name@example.com", ""),
    ("  padded name  ", " padded@example.com ", "  Paris"),
    ("No Contact", None, None),
    ("back\\slash C:\\temp", "backslash@example.com", "Zürich"),
    ("Emoji 😀 Fan", "emoji@example.com", "São Paulo"),
    ("line\nbreak\ttab", "whitespace@example.com", "Oslo"),
    ("'; DROP TABLE customers; --", "bobby@example.com", "Bobby Tables"),
]
CUSTOMER_COUNT = 250
ORDER_COUNT = 1000
EMPLOYEE_COUNT = 20

_FIRST = [
    "Anna",
    "Ben",
    "Chloé",
    "Dmitri",
    "Eve",
    "Farid",
    "Grete",
    "Hiro",
    "Inés",
    "Jon",
    "Kasia",
    "Liam",
    "Mei",
    "Nils",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomás",
]
_LAST = [
    "Smith",
    "Nowak",
    "García",
    "Tanaka",
    "Müller",
    "Dubois",
    "Rossi",
    "Kowalski",
    "Olsen",
    "Silva",
    "Kim",
    "Novák",
    "Jensen",
    "Ivanov",
    "Brown",
    "Łukasz",
]
_CITIES = ["Berlin", "Łódź", "東京", "Paris", "Madrid", "Oslo", "Zürich", "Kraków", None]
_STATUSES = ["new", "paid", "shipped", "cancelled", "refunded", None]
_PRODUCTS = ["Widget", "Gadget", "Gizmo «deluxe»", "Spare part #7", "Café crème", "100% cotton"]
_EPOCH = dt.datetime(2020, 1, 1, 0, 0, 0)


def _money(rng: random.Random, low_cents: int, high_cents: int) -> Decimal:
    """Exact two-decimal amount (no float round trip)."""
    return Decimal(rng.randrange(low_cents, high_cents)).scaleb(-2)


def _moment(rng: random.Random) -> dt.datetime:
    """Whole-second timestamps: MariaDB DATETIME drops fractions by default."""
    return _EPOCH + dt.timedelta(seconds=rng.randrange(0, 4 * 365 * 24 * 3600))


def build_customers(rng: random.Random) -> list[Row]:
    """Special customers first, then generated ones, some with NULL columns."""
    rows: list[Row] = []
    for name, email, city in SPECIAL_CUSTOMERS:
        rows.append(
            {
                "id": len(rows) + 1,
                "name": name,
                "email": email,
                "city": city,
                "created_at": _moment(rng),
                "balance": _money(rng, -5000, 100000),
                "vip": len(rows) % 2 == 0,
            }
        )
    rows[7].update(created_at=None, balance=None, vip=None)  # "No Contact": all NULL
    while len(rows) < CUSTOMER_COUNT:
        cid = len(rows) + 1
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        rows.append(
            {
                "id": cid,
                "name": f"{first} {last}",
                "email": None
                if rng.random() < 0.1
                else f"{first}.{last}.{cid}@example.com".lower(),
                "city": rng.choice(_CITIES),
                "created_at": _moment(rng),
                "balance": None if rng.random() < 0.05 else _money(rng, -50000, 10_000_000),
                "vip": None if rng.random() < 0.03 else rng.random() < 0.2,
            }
        )
    return rows


def build_orders(rng: random.Random) -> list[Row]:
    """Orders reference customers 1..CUSTOMER_COUNT-10, so the last ten have none."""
    return [
        {
            "id": oid,
            "customer_id": rng.randint(1, CUSTOMER_COUNT - 10),
            "ordered_at": _moment(rng),
            "total": _money(rng, 100, 500_000),
            "status": rng.choice(_STATUSES),
        }
        for oid in range(1, ORDER_COUNT + 1)
    ]


def build_order_details(rng: random.Random) -> list[Row]:
    """One to four lines per order, keyed by (order_id, line_no)."""
    rows: list[Row] = []
    for oid in range(1, ORDER_COUNT + 1):
        for line_no in range(1, rng.randint(1, 4) + 1):
            rows.append(
                {
                    "order_id": oid,
                    "line_no": line_no,
                    "product": rng.choice(_PRODUCTS),
                    "unit price": _money(rng, 50, 100_000),
                    "qty": rng.randint(1, 20),
                }
            )
    return rows


def build_employees(rng: random.Random) -> list[Row]:
    """A tree: every manager has a smaller id, so rows insert in FK order."""
    rows: list[Row] = [{"id": 1, "name": "Ada Boss", "manager_id": None}]
    for eid in range(2, EMPLOYEE_COUNT + 1):
        rows.append(
            {
                "id": eid,
                "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "manager_id": rng.randint(1, max(1, eid // 2)),
            }
        )
    return rows


def build_types_rows() -> list[Row]:
    """Typical values, extreme values, and a row where every column is NULL."""
    return [
        {
            "id": 1,
            "big": BIG_INT,
            "dec": BIG_DECIMAL,
            "flt": 0.1,
            "flag": True,
            "d": dt.date(2024, 2, 29),
            "ts": dt.datetime(2024, 2, 29, 23, 59, 59, 123456),
            "t": dt.time(13, 37, 42, 500000),
            "txt": LARGE_TEXT,
            "bin": BINARY_VALUE,
            "doc": JSON_VALUE,
        },
        {
            "id": 2,
            "big": INT64_MAX,
            "dec": TINY_DECIMAL,
            "flt": -1.5e300,
            "flag": False,
            "d": dt.date(1970, 1, 1),
            "ts": dt.datetime(1999, 12, 31, 23, 59, 59),
            "t": dt.time(0, 0, 0),
            "txt": "short ünïcödé",
            "bin": b"",
            "doc": [1, "two", {"three": 3}],
        },
        {
            "id": 3,
            "big": INT64_MIN,
            "dec": Decimal("0"),
            "flt": 0.0,
            "flag": None,
            "d": None,
            "ts": None,
            "t": None,
            "txt": "",
            "bin": None,
            "doc": {},
        },
        {
            "id": 4,
            "big": None,
            "dec": None,
            "flt": None,
            "flag": None,
            "d": None,
            "ts": None,
            "t": None,
            "txt": None,
            "bin": None,
            "doc": None,
        },
    ]


def build_line_notes() -> list[Row]:
    """Notes on order lines: a composite FK to ("Order Details".order_id, line_no).

    Every order has a line 1, so these always reference an existing line.
    """
    notes = ["fragile", "gift wrap 🎁", None, "call first", "fragile", "n/a"]
    return [
        {"note": note, "id": i, "order_id": (i + 1) // 2, "line_no": 1}
        for i, note in enumerate(notes, start=1)
    ]


NO_PK_UNIQUE_COUNT = 25


def build_no_pk_unique() -> list[Row]:
    """Codes inserted out of order (a stride through 1..25), so physical != key order.

    Codes are ASCII upper case: every backend's collation sorts them alike, and
    MariaDB's case-insensitive collation cannot see two of them as duplicates.
    """
    rows: list[Row] = []
    for n in range(NO_PK_UNIQUE_COUNT):
        k = n * 7 % NO_PK_UNIQUE_COUNT + 1
        rows.append(
            {
                "label": None if k % 10 == 0 else f"item {k % 4}",
                "code": f"K-{k:04d}",
                "barcode": None if k % 5 == 0 else f"40{k:011d}",
            }
        )
    return rows


def build_small_tables() -> dict[str, list[Row]]:
    """The tables whose only purpose is an awkward name."""
    return {
        "Mixed Case": [
            {"id": i, "CamelCol": f"Camel {i}", "user id": 100 + i} for i in range(1, 6)
        ],
        "select": [
            {"from": 1, "where": "here", "group": "A"},
            {"from": 2, "where": "there", "group": "B"},
            {"from": 3, "where": None, "group": "A"},
        ],
        'weird"name': [{"id": 1, 'say "hi"': 'he said "hi"'}, {"id": 2, 'say "hi"': None}],
        "it's": [{"id": 1, "it's col": "it's here"}, {"id": 2, "it's col": "'quoted'"}],
        "café": [
            {"id": 1, "naïve": "crème brûlée", "prix €": Decimal("4.50")},
            {"id": 2, "naïve": "smörgåsbord", "prix €": Decimal("12.00")},
            {"id": 3, "naïve": None, "prix €": None},
        ],
        "a.b": [{"id": 1, "c.d": "dotted"}, {"id": 2, "c.d": "a.b.c"}],
        "MixedCase": [
            {"Id": 1, "CamelName": "Camel", "UPPER": 1},
            {"Id": 2, "CamelName": "camel", "UPPER": None},
            {"Id": 3, "CamelName": None, "UPPER": 3},
        ],
        "name.with.dots": [
            {"id": 1, "col.with.dots": "x.y.z", "customer.id": 1},
            {"id": 2, "col.with.dots": None, "customer.id": None},
        ],
        "ünïcødé": [
            {"id": 1, "ñame": "Ærøskøbing", "größe": Decimal("1.50")},
            {"id": 2, "ñame": "東京 😀", "größe": Decimal("-0.01")},
            {"id": 3, "ñame": None, "größe": None},
        ],
        "back`tick": [{"id": 1, "back`tick col": "`quoted`"}, {"id": 2, "back`tick col": None}],
        "no_pk": [
            {"a": 1, "b": "same"},
            {"a": 1, "b": "same"},
            {"a": 2, "b": "other"},
            {"a": None, "b": None},
        ],
    }


def build_regions() -> list[Row]:
    """PostgreSQL-only ``sales.regions``."""
    data = [
        ("North", "DE", 1_200_000),
        ("South", "DE", 3_400_000),
        ("East", "PL", 900_000),
        ("West", "PL", 2_100_000),
        ("Kantō", "JP", 43_000_000),
        ("Kansai", "JP", 22_500_000),
        ("Île-de-France", "FR", 12_300_000),
        ("Unknown", None, None),
    ]
    return [
        {"id": i, "name": n, "country": c, "population": p}
        for i, (n, c, p) in enumerate(data, start=1)
    ]


def build_all() -> dict[str, list[Row]]:
    """Every common table's rows, in an order that satisfies foreign keys."""
    rng = random.Random(SEED)
    data: dict[str, list[Row]] = {
        "customers": build_customers(rng),
        "orders": build_orders(rng),
        "Order Details": build_order_details(rng),
        "employees": build_employees(rng),
        "types": build_types_rows(),
    }
    data.update(build_small_tables())
    data["line_notes"] = build_line_notes()
    data["no_pk_unique"] = build_no_pk_unique()
    return data
