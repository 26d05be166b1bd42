"""Deterministic generator for the demo database of a small food wholesaler.

The demo must look like a real company's data so that browsing, joins and exports can
be tried on something meaningful, and must be identical for a seed on every machine
and day so that docs and tests can cite concrete rows. Hence one ``Random(seed)``
drives everything, "today" is the fixed ``END`` rather than the clock, and only RNG
methods built on exact arithmetic are used (``gauss`` & co. call libm, which may differ
in the last bit between platforms).
"""

from __future__ import annotations

import os
import sqlite3
import unicodedata
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any

from pydbpro.demo import words

Row = tuple[Any, ...]

START = datetime(2019, 1, 1)
#: The demo's "today": decides which orders are still open. Fixed for determinism.
END = datetime(2025, 12, 31, 23, 59, 59)
HOME_COUNTRY = "Germany"
COMPANY_DOMAIN = "polaris-provisions.example"
N_SUPPLIERS = 40
N_PRODUCTS = 500
N_CUSTOMERS = 3000
N_ORDERS = 20000
#: Per level (CEO, VPs, managers, staff): earliest and latest hire date, salary range.
LEVELS = (
    (date(2012, 3, 1), date(2012, 12, 31), 230_000, 260_000),
    (date(2013, 1, 1), date(2017, 12, 31), 150_000, 190_000),
    (date(2014, 1, 1), date(2021, 12, 31), 85_000, 120_000),
    (date(2014, 1, 1), date(2025, 6, 30), 42_000, 78_000),
)

SCHEMA = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class DemoSummary:
    """Where the demo database was written and how many rows each table got."""

    path: Path
    row_counts: dict[str, int]


def generate_demo_database(path: Path, *, seed: int = 20261122) -> DemoSummary:
    """Write the demo database to `path`.

    Any existing file is replaced atomically: the database is built in a temp file in
    the same directory, then moved over `path` with os.replace, so an explorer that has
    the old demo open never sees a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh unique name (not mkstemp) so SQLite creates the file with normal permissions.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        row_counts = _build(tmp, Random(seed))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
        raise
    return DemoSummary(path=path, row_counts=row_counts)


def _build(target: Path, rng: Random) -> dict[str, int]:
    """Generate every table (parents first, so later tables can reference them) and load it."""
    suppliers, products = _suppliers(rng), _products(rng)
    employees, customers = _employees(rng), _customers(rng)
    orders = _orders(rng, customers, employees)
    tables = {
        "categories": _categories(),
        "suppliers": suppliers,
        "products": products,
        "employees": employees,
        "customers": customers,
        "orders": orders,
        "order_items": _order_items(rng, orders, products),
    }
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")  # loading must prove the references hold
        conn.execute("BEGIN")
        for statement in SCHEMA.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        for table, rows in tables.items():  # dict order is parents first
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
        conn.execute("ANALYZE")  # sqlite_stat1 lets the explorer show realistic plans
        conn.execute("COMMIT")
    finally:
        conn.close()
    return {table: len(rows) for table, rows in tables.items()}


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def _random_date(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _ascii_slug(text: str) -> str:
    """E-mail local parts are ASCII in practice, so fold 'Zoë Ångström' to 'zoeangstrom'."""
    special = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i"})  # noqa: RUF001
    decomposed = unicodedata.normalize("NFKD", text.translate(special))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def _phone(rng: Random, calling_code: str) -> str:
    return f"+{calling_code} {rng.randint(20, 999)} {rng.randint(100000, 9999999)}"


def _postal_code(rng: Random, pattern: str) -> str:
    """Fill a country's pattern so codes look right for the country they belong to."""
    return "".join(
        str(rng.randrange(10)) if ch == "#" else chr(rng.randrange(65, 91)) if ch == "A" else ch
        for ch in pattern
    )


def _countries() -> dict[str, tuple[str, str | None, str]]:
    return {name: (code, postal, company) for name, code, postal, company in words.COUNTRIES}


def _person(rng: Random) -> tuple[str, str]:
    return rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)


def _categories() -> list[Row]:
    return [(i, name, desc) for i, (name, desc, _p, _n) in enumerate(words.CATEGORIES, 1)]


def _suppliers(rng: Random) -> list[Row]:
    countries = _countries()
    rows: list[Row] = []
    for supplier_id in range(1, N_SUPPLIERS + 1):
        country = rng.choice(words.COUNTRIES)[0]
        code, _postal, company_format = countries[country]
        trade = f"{rng.choice(words.SUPPLIER_WORDS)} {rng.choice(words.SUPPLIER_TRADES)}"
        phone = _phone(rng, code) if rng.random() < 0.9 else None
        rows.append(
            (supplier_id, company_format.format(trade), " ".join(_person(rng)), country, phone)
        )
    return rows


def _products(rng: Random) -> list[Row]:
    """Ids follow creation date, as an autoincrement would; 60 % arrived with the launch."""
    per_category, extra = divmod(N_PRODUCTS, len(words.CATEGORIES))
    drafts: list[tuple[str, int, int, float, int, int, str]] = []
    for category_id, (_name, _desc, base_price, nouns) in enumerate(words.CATEGORIES, 1):
        combos = [f"{adj} {noun}" for adj in words.PRODUCT_ADJECTIVES for noun in nouns]
        suppliers = rng.sample(range(1, N_SUPPLIERS + 1), 4)  # suppliers specialise
        for name in rng.sample(combos, per_category + int(category_id <= extra)):
            discontinued = int(rng.random() < 0.08)
            stock = 0 if discontinued or rng.random() < 0.05 else rng.randint(1, 250)
            launched = rng.random() < 0.6
            created = (
                START.date()
                if launched
                else _random_date(rng, date(2019, 1, 2), date(2025, 11, 30))
            )
            spread = rng.random()
            price = round(base_price * (0.4 + 2.6 * spread * spread), 2)  # many cheap, few dear
            drafts.append(
                (
                    name,
                    category_id,
                    rng.choice(suppliers),
                    price,
                    stock,
                    discontinued,
                    created.isoformat(),
                )
            )
    rng.shuffle(drafts)
    drafts.sort(key=lambda draft: draft[6])  # stable: launch products stay shuffled
    return [(product_id, *draft) for product_id, draft in enumerate(drafts, 1)]


def _employees(rng: Random) -> list[Row]:
    """CEO -> VPs -> managers -> staff; inserted top-down so every manager exists first."""
    rows: list[Row] = []
    emails: set[str] = set()

    def hire(title: str, manager_id: int | None, level: int, early: bool = False) -> int:
        given, family = _person(rng)
        local = f"{_ascii_slug(given)}.{_ascii_slug(family)}".strip(".") or "staff"
        email, n = f"{local}@{COMPANY_DOMAIN}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{COMPANY_DOMAIN}"
        emails.add(email)
        earliest, latest, low, high = LEVELS[level]
        hired = _random_date(rng, earliest, date(2018, 12, 31) if early else latest)
        born = _random_date(rng, date(hired.year - 60, 1, 1), date(hired.year - 21, 1, 1))
        rows.append(
            (
                len(rows) + 1,
                given,
                family,
                title,
                email,
                hired.isoformat(),
                born.isoformat() if rng.random() < 0.85 else None,
                manager_id,
                round(rng.uniform(low, high), 2),
            )
        )
        return len(rows)

    ceo = hire("Chief Executive Officer", None, 0)
    for vp_title, manager_title, staff_title, managers, staff in words.DEPARTMENTS:
        vp = hire(vp_title, ceo, 1)
        for _ in range(managers):
            manager = hire(manager_title, vp, 2)
            for position in range(staff):
                # Each team's first member predates the first orders, so 2019 has a rep.
                hire(staff_title, manager, 3, early=position == 0)
    return rows


def _customers(rng: Random) -> list[Row]:
    """Ids follow sign-up time; the first 5 % were migrated from the old system at launch."""
    countries = _countries()
    migrated = N_CUSTOMERS // 20
    span = int((END - START).total_seconds())
    moments = sorted(
        START + timedelta(seconds=rng.randrange(6 * 3600 if i < migrated else span))
        for i in range(N_CUSTOMERS)
    )
    rows: list[Row] = []
    for customer_id, moment in enumerate(moments, 1):
        first, last = _person(rng)
        city, country = rng.choice(words.CITIES)
        code, pattern, company_format = countries[country]
        company = None
        if rng.random() < 0.35:
            company = company_format.format(f"{last} {rng.choice(words.BUSINESS_WORDS)}")
        local = f"{_ascii_slug(first)}.{_ascii_slug(last)}".strip(".") or "customer"
        email = f"{local}{rng.randint(1, 99)}@{rng.choice(words.EMAIL_DOMAINS)}"
        phone = _phone(rng, code) if rng.random() < 0.75 else None
        postal = _postal_code(rng, pattern) if pattern and rng.random() < 0.95 else None
        notes = rng.choice(words.CUSTOMER_NOTES) if rng.random() < 0.06 else None
        rows.append(
            (
                customer_id,
                company,
                first,
                last,
                email,
                phone,
                city,
                country,
                postal,
                _timestamp(moment),
                notes,
            )
        )
    return rows


def _fulfilment(rng: Random, ordered: datetime) -> tuple[str, str | None]:
    """Status and shipped date, consistent with how long ago (from END) the order was placed."""
    if rng.random() < 0.04:
        return "cancelled", None
    age = END - ordered
    if age < timedelta(days=2):
        return "pending", None
    if age < timedelta(days=5) and rng.random() < 0.7:
        return "processing", None
    shipped = min(ordered + timedelta(hours=rng.randint(4, 96)), END)
    in_transit = END - shipped < timedelta(days=rng.randint(2, 8))
    return ("shipped" if in_transit else "delivered"), _timestamp(shipped)


def _orders(rng: Random, customers: list[Row], employees: list[Row]) -> list[Row]:
    """Orders grow over the years, favour loyal customers and go to reps already hired."""
    signed_up = [row[9] for row in customers]
    loyalty = list(accumulate(rng.choice((0.3, 1.0, 1.0, 2.0, 6.0)) for _ in customers))
    reps = sorted((row[5], row[0]) for row in employees if row[3] == words.SALES_REP_TITLE)
    rep_hired = [hired for hired, _ in reps]
    days = (END.date() - START.date()).days + 1
    drafts: list[Row] = []
    for _ in range(N_ORDERS):
        growth = rng.random() if rng.random() < 0.35 else max(rng.random(), rng.random())
        ordered = START + timedelta(
            days=int(growth * days),
            hours=rng.randint(7, 20),
            minutes=rng.randrange(60),
            seconds=rng.randrange(60),
        )
        stamp = _timestamp(ordered)
        # Only customers who had signed up and reps already hired can appear on the order.
        known = bisect_right(signed_up, stamp)
        customer = customers[bisect_right(loyalty, rng.random() * loyalty[known - 1], 0, known - 1)]
        rep = reps[rng.randrange(bisect_right(rep_hired, stamp[:10]))][1]
        status, shipped = _fulfilment(rng, ordered)
        city, country = customer[6:8] if rng.random() < 0.92 else rng.choice(words.CITIES)
        rate = (4.9, 24.9) if country == HOME_COUNTRY else (12.0, 160.0)
        freight = 0.0 if status == "cancelled" else round(rng.uniform(*rate), 2)
        drafts.append((stamp, customer[0], rep, shipped, status, city, country, freight))
    drafts.sort(key=lambda draft: draft[0])  # ids follow order time, as in a live system
    return [
        (order_id, customer_id, rep, stamp, *rest)
        for order_id, (stamp, customer_id, rep, *rest) in enumerate(drafts, 1)
    ]


def _order_items(rng: Random, orders: list[Row], products: list[Row]) -> list[Row]:
    """Only products already in the catalogue; older orders paid older (lower) prices."""
    created = [row[7] for row in products]
    span = (END - START).total_seconds()
    quantities = (1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 50)
    discounts = (0.05, 0.1, 0.15, 0.2, 0.25)
    rows: list[Row] = []
    for order_id, _customer, _rep, stamp, *_rest in orders:
        available = bisect_right(created, stamp)
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(18, 22, 24, 18, 11, 7))[0]
        age = (datetime.fromisoformat(stamp) - START).total_seconds() / span
        price_level = 0.82 + 0.18 * age
        for index in sorted(rng.sample(range(available), count)):
            discount = rng.choice(discounts) if rng.random() < 0.3 else 0.0
            rows.append(
                (
                    order_id,
                    index + 1,
                    rng.choice(quantities),
                    round(products[index][4] * price_level, 2),
                    discount,
                )
            )
    return rows
