"""Benchmark: what logging costs on the data endpoint (``GET /api/tables/events/data``).

Run from the repository root with the venv's Python::

    .venv/bin/python -m tests.benchmarks.bench_logging                   # PostgreSQL
    .venv/bin/python -m tests.benchmarks.bench_logging --backend sqlite --seconds 5

It serves the benchmark database (see _datasets.py; 100,000 rows unless it already exists)
with ``pydbpro serve`` and ./hypercorn.toml once per logging configuration, and measures
requests/s, median latency and server CPU per request under 16 clients:

- the application log at WARNING (no access log) and at INFO (one line per request), the
  activity log off;
- the activity log on with each sink (stdout, file, store) and with all three.

Each request of the activity runs writes one ``table_viewed`` event; the run checks that the
events arrived (file lines, stored rows), so a sink that silently dropped them cannot look
fast. The figures are appended to tests/benchmarks/RESULTS.md (``--no-results`` prints only).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import _datasets as data
from ._support import Load, Server, append_section, git_commit, machine

RESULTS = Path(__file__).with_name("RESULTS.md")
PATH = "/api/tables/events/data?page_size=50&sort=id"
CLIENTS = 16

#: name -> settings; LOG_LEVEL=WARNING is the Server default, so "INFO" turns the access log on.
CONFIGS: dict[str, dict[str, str]] = {
    "log off, LOG_LEVEL=WARNING": {},
    "log off, LOG_LEVEL=INFO (access log)": {"LOG_LEVEL": "INFO"},
    "activity log: stdout": {"ENABLE_ACTIVITY_LOG": "true", "AUDIT_SINKS": "stdout"},
    "activity log: file": {"ENABLE_ACTIVITY_LOG": "true", "AUDIT_SINKS": "file"},
    "activity log: store": {"ENABLE_ACTIVITY_LOG": "true", "AUDIT_SINKS": "store"},
    "activity log: all three": {"ENABLE_ACTIVITY_LOG": "true", "AUDIT_SINKS": "stdout,file,store"},
}


@dataclass(frozen=True)
class Row:
    name: str
    load: Load
    events: int | None  # events found in the file or store sink after the run


def run_one(db: data.BenchDatabase, name: str, settings: dict[str, str], args: argparse.Namespace
            ) -> Row:  # fmt: skip
    data_dir = args.workdir / "server"
    extra = dict(settings)
    if "file" in extra.get("AUDIT_SINKS", ""):
        extra["LOG_FILE_PATH"] = str(data_dir / "activity.jsonl")
    server = Server(db.url, data_dir, settings=extra)
    server.start()
    try:
        server.load(PATH, CLIENTS, 2)  # warm-up: pools, caches, the events queue's task
        load = server.load(PATH, CLIENTS, args.seconds)
        time.sleep(1.0)  # let the writer task drain the queue
    finally:
        server.stop()
    return Row(name, load, _events_found(data_dir, extra))


def _events_found(data_dir: Path, settings: dict[str, str]) -> int | None:
    sinks = settings.get("AUDIT_SINKS", "")
    if "store" in sinks:
        with sqlite3.connect(data_dir / "pydbpro.sqlite3") as conn:
            return int(conn.execute("SELECT count(*) FROM audit_events").fetchone()[0])
    if "file" in sinks:
        return sum(1 for _ in (data_dir / "activity.jsonl").open())
    return None


def table(rows: list[Row]) -> list[str]:
    base = rows[0].load.requests_per_second
    lines = [
        "| configuration | requests/s | vs. log off | median ms | server CPU ms/request "
        "| requests | events stored | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        load = row.load
        lines.append(
            f"| {row.name} | {load.requests_per_second:,.0f} "
            f"| {100 * load.requests_per_second / base - 100:+.1f}% "
            f"| {load.p50_ms or 0:.1f} | {load.server_cpu_ms or 0:.2f} "
            f"| {load.requests:,} | {'' if row.events is None else f'{row.events:,}'} "
            f"| {load.errors} |"
        )
    return lines


def report(db: data.BenchDatabase, rows: list[Row], args: argparse.Namespace) -> None:
    info = machine()
    heading = "Logging cost on the data endpoint"
    intro = ("Requests/s of `GET /api/tables/events/data?page_size=50&sort=id` under "
             f"{CLIENTS} clients with each logging configuration (bench_logging.py). The "
             "events column counts what the file or store sink held after the run (warm-up "
             "and measured requests both write events).")  # fmt: skip
    text = "\n".join([
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {db.backend} {db.version}, "
        f"{db.rows:,} rows, commit {git_commit()}",
        "",
        f"{info['cpu']}, {info['nproc']} cores, {info['memory']}; load: {rows[0].load.tool}, "
        f"{args.seconds:g} s per configuration.",
        "",
        *table(rows),
    ])  # fmt: skip
    append_section(RESULTS, heading, intro, text)
    print("\n".join(table(rows)))
    print(f"\nappended to {RESULTS}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "mysql", "sqlite"),
                        default="postgresql")  # fmt: skip
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "pydbpro-bench-logging")  # fmt: skip
    parser.add_argument("--no-results", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = asyncio.run(data.prepare(args.backend, args.rows, args.workdir, reload=False))
    rows = []
    for name, settings in CONFIGS.items():
        print(f"{name} ...", flush=True)
        rows.append(run_one(db, name, settings, args))
        print(f"  {rows[-1].load.requests_per_second:,.0f} requests/s", flush=True)
    if args.no_results:
        print("\n".join(table(rows)))
    else:
        report(db, rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
