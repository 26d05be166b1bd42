"""Benchmark of the browse API (``GET /api/tables/<t>/data``) through a real server.

Run from the repository root with the venv's Python (PostgreSQL on 127.0.0.1:5432 as
``postgres`` and MariaDB on 127.0.0.1:3306 as ``root``, as for the test suite)::

    .venv/bin/python -m tests.benchmarks.bench_browse                      # all, 1,000,000 rows
    .venv/bin/python -m tests.benchmarks.bench_browse --backend sqlite --quick   # 50,000 rows
    .venv/bin/python -m tests.benchmarks.bench_browse --drop               # remove bench DBs

Per backend it creates (or reuses: ``--reload`` forces) the database ``pydbpro_bench`` with
one table ``events`` of ``--rows`` rows (SQLite: a file in ``--workdir``), starts ``pydbpro
serve`` with ./hypercorn.toml and an API token, and measures over HTTP: page 1; page 20,000
by OFFSET and by cursor (the next_cursor of page 19,999: page 20,000 is the last page of
1,000,000 rows); a filtered+sorted page against the same SELECT run directly with the
driver; requests/s under 16 and 32 clients (``wrk``, else an asyncio client) with the
server's CPU time per request; non-2xx responses; the server's peak RSS. It prints a table
and appends the figures, with the targets, to tests/benchmarks/RESULTS.md (``--no-results``
only prints). ``--profile`` adds py-spy profiles of each worker under 16-client load.

It is a script, not a test (pytest collects only test_*.py): timing goals never go into
assertions. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from . import _datasets as data
from ._support import Client, Load, Server, append_section, git_commit, machine, median_p95_ms

BACKENDS = ("postgresql", "mysql", "sqlite")
LABELS = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
DRIVERS = {"postgresql": "asyncpg", "mysql": "aiomysql", "sqlite": "aiosqlite"}
RESULTS = Path(__file__).with_name("RESULTS.md")
PAGE_SIZE = 50
DEEP_PAGE = 20_000
CLIENTS = (16, 32)
# The targets (see RESULTS.md); a backend without a throughput target has none here.
TARGET_RPS = {"postgresql": 600.0, "sqlite": 300.0}
CURSOR_VS_PAGE1 = 1.5
FILTERED_VS_SQL = 1.3
RSS_LIMIT_MB = 150.0
DATA = "/api/tables/events/data"


@dataclass
class Figures:
    """Everything measured for one backend."""

    db: data.BenchDatabase
    deep_page: int
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)  # median, p95 ms
    load: dict[str, list[Load]] = field(default_factory=dict)
    errors: int = 0
    loadavg: float = 0.0  # the machine's 1-minute load average before measuring
    workers: int = 0  # Hypercorn worker processes (hypercorn.toml decides)
    rss_total: float = 0.0
    rss_each: list[float] = field(default_factory=list)

    def targets(self) -> list[tuple[str, str, bool]]:
        """(target, figure, met) for each target that applies to this backend."""
        page1, cursor = self.latency["page1"][0], self.latency["cursor"][0]
        filtered, direct = self.latency["filtered"][0], self.latency["direct"][0]
        rows: list[tuple[str, str, bool]] = []
        want = TARGET_RPS.get(self.db.backend)
        if want is not None:
            got = self.load["page1"][0].requests_per_second
            rows.append((f"page 1, 16 clients >= {want:g} req/s", f"{got:.0f} req/s", got >= want))
        cursor_goal = f"cursor page {self.deep_page:,} <= {CURSOR_VS_PAGE1}x page 1 (median)"
        sql_goal = f"filtered+sorted <= {FILTERED_VS_SQL}x direct SQL (median)"
        rss = self.rss_total
        rows.append((cursor_goal, f"{cursor / page1:.2f}x", cursor <= CURSOR_VS_PAGE1 * page1))
        rows.append((sql_goal, f"{filtered / direct:.2f}x", filtered <= FILTERED_VS_SQL * direct))
        rows.append((f"server peak RSS < {RSS_LIMIT_MB:g} MB", f"{rss:.0f} MB", rss < RSS_LIMIT_MB))
        rows.append(("no errors (non-2xx, socket errors)", str(self.errors), self.errors == 0))
        return rows


def url(**params: str | int) -> str:
    return DATA + "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())


def measure(db: data.BenchDatabase, args: argparse.Namespace) -> Figures:
    """Start a server on ``db``, measure everything, stop the server."""
    # Page DEEP_PAGE by OFFSET and by cursor; its cursor is page DEEP_PAGE - 1's next_cursor
    # (with 1,000,000 rows page 20,000 is the last page: it has no next page to point at).
    deep = min(DEEP_PAGE, max(2, db.rows // PAGE_SIZE))
    figures = Figures(db, deep, loadavg=os.getloadavg()[0])
    server = Server(db.url, args.workdir / f"server-{db.backend}")
    server.start()
    client = Client(server.port, server.token)
    try:
        page1 = url(page_size=PAGE_SIZE, count="none")
        offset = url(page=deep, page_size=PAGE_SIZE, count="none")
        before = client.json(url(page=deep - 1, page_size=PAGE_SIZE, count="none"))
        cursor = url(cursor=before["next_cursor"], page_size=PAGE_SIZE, count="none")
        first = client.json(cursor)["rows"][0][0]
        assert first == client.json(offset)["rows"][0][0] == str((deep - 1) * PAGE_SIZE + 1)
        filtered = url(
            filter_kind=data.FILTER_KIND,
            filter_amount_gt=data.FILTER_AMOUNT,
            sort="created_at",
            order="desc",
            page_size=PAGE_SIZE,
            count="none",
        )
        assert len(client.json(filtered)["rows"]) == PAGE_SIZE
        paths = {"page1": page1, "cursor": cursor, "offset": offset, "filtered": filtered}
        for name, path in paths.items():
            runs = args.offset_runs if name == "offset" else args.runs
            timings, errors = client.timings(path, runs, warmup=2 if name == "offset" else 5)
            figures.latency[name] = median_p95_ms(timings)
            figures.errors += errors
            print(f"  {name:<9} {figures.latency[name][0]:8.2f} ms median", flush=True)
        direct = asyncio.run(data.time_direct_sql(db.backend, args.workdir, args.runs))
        figures.latency["direct"] = median_p95_ms(direct)
        server.load(page1, CLIENTS[0], 2)  # warm-up: pools and caches of every worker
        for name in ("page1", "cursor"):
            figures.load[name] = []
            for clients in CLIENTS:
                load = server.load(paths[name], clients, args.duration)
                figures.load[name].append(load)
                figures.errors += load.errors
                rps = load.requests_per_second
                print(f"  {name:<9} {clients} clients {rps:8.0f} req/s", flush=True)
        figures.rss_total, figures.rss_each = server.peak_rss_mb()
        figures.workers = len(server.processes()) - 1
        if args.profile:
            profile(server, page1, args)
    finally:
        client.close()
        code = server.stop()
        print(f"  server stopped (exit status {code})", flush=True)
    return figures


def profile(server: Server, path: str, args: argparse.Namespace) -> None:
    """py-spy on every worker during 16-client load on page 1: flame graphs and raw stacks
    of the thread holding the GIL (idle waits in driver threads are left out)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).is_file():
        print("  py-spy not found (pip install py-spy): no profile", flush=True)
        return
    seconds = max(5, int(args.duration))
    spies = []
    for pid in server.worker_pids():
        for fmt, ext in (("flamegraph", "svg"), ("raw", "txt")):
            out = args.workdir / f"profile-{db_label(server)}-{pid}.{ext}"
            command = [spy, "record", "--pid", str(pid), "--duration", str(seconds)]
            command += ["--rate", "200", "--gil", "--nonblocking", "--format", fmt, "-o", str(out)]
            spies.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            )
    time.sleep(1)
    server.load(path, CLIENTS[0], seconds + 1)
    for spy_process in spies:
        spy_process.wait(timeout=60)
    print(f"  profiles in {args.workdir}/profile-{db_label(server)}-*", flush=True)


def db_label(server: Server) -> str:
    return server.data_dir.name.removeprefix("server-")


def table(f: Figures) -> list[str]:
    """The figures of one backend as Markdown lines (printed and appended to RESULTS.md)."""
    names = {
        "page1": "a. page 1 (50 rows)",
        "cursor": f"b. page {f.deep_page:,} by cursor",
        "offset": f"c. page {f.deep_page:,} by OFFSET",
        "filtered": "d. filtered + sorted page",
        "direct": f"d. same SQL, direct ({DRIVERS[f.db.backend]})",
    }
    lines = ["| sequential requests | median ms | p95 ms |", "|---|---:|---:|"]
    for key, label in names.items():
        lines.append(f"| {label} | {f.latency[key][0]:.2f} | {f.latency[key][1]:.2f} |")
    lines.append("")
    lines.append(
        "| under load | clients | req/s | p50 ms | server CPU ms/req "
        "| CPU split between workers | errors |"
    )
    lines.append("|---|---:|---:|---:|---:|---|---:|")
    for key, loads in f.load.items():
        for load in loads:
            split = " / ".join(f"{share:.0f}%" for share in load.worker_split)
            lines.append(
                f"| {names[key]} | {load.clients} | {load.requests_per_second:.0f} "
                f"| {load.p50_ms or 0:.1f} | {load.server_cpu_ms or 0:.2f} | {split} "
                f"| {load.errors} |"
            )
    each = ", ".join(f"{mb:.0f}" for mb in f.rss_each)
    lines.append("")
    lines.append(
        f"Server: {f.workers} Hypercorn worker(s); peak RSS {f.rss_total:.0f} MB "
        f"(VmHWM of parent, workers: {each}); "
        f"errors {f.errors}; machine load average before measuring {f.loadavg:.2f}."
    )
    lines += ["", "| target | figure | result |", "|---|---:|---|"]
    lines += [f"| {t} | {got} | {'PASS' if ok else '**FAIL**'} |" for t, got, ok in f.targets()]
    return lines


def report(all_figures: list[Figures], args: argparse.Namespace) -> None:
    facts = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    tool = all_figures[0].load["page1"][0].tool
    lines = [
        f"## {now}, commit {git_commit()}, {all_figures[0].db.rows:,} rows"
        + (" (--quick)" if args.quick else ""),
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} RAM; server, "
        f"databases and load generator share it. Latency: {args.runs} sequential requests "
        f"({args.offset_runs} for OFFSET) on one keep-alive connection; load: {tool}, "
        f"{args.duration:g} s per figure; `pydbpro serve` with the repository's hypercorn.toml.",
    ]
    for f in all_figures:
        loaded = "reused" if f.db.load_seconds is None else f"loaded in {f.db.load_seconds:.0f} s"
        lines += ["", f"### {LABELS[f.db.backend]} {f.db.version} ({loaded})", "", *table(f)]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    intro = (
        "Appended by `python -m tests.benchmarks.bench_browse`; newest last. Targets: page 1 "
        "of 50 rows >= 600 req/s on PostgreSQL and >= 300 req/s on SQLite with 16 clients; a "
        "deep page by cursor within 1.5x of page 1's latency on every backend; the "
        "filtered+sorted page within 1.3x of the same SQL run directly; server peak RSS < 150 "
        "MB; no errors.\n\nServer CPU ms/req is the user + system CPU time of the Hypercorn "
        "parent and workers during the load, per request; the CPU split shows how the load "
        "was shared between the workers."
    )
    append_section(RESULTS, "Browse API benchmark results", intro, text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=(*BACKENDS, "all"), default="all")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows, fewer runs, 3 s loads")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pydbpro-bench"
    )
    parser.add_argument("--runs", type=int, default=200, help="sequential requests per figure")
    parser.add_argument("--offset-runs", type=int, default=30)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load figure")
    parser.add_argument("--reload", action="store_true", help="reload even if already loaded")
    parser.add_argument("--drop", action="store_true", help="drop the bench databases and exit")
    parser.add_argument("--profile", action="store_true", help="py-spy each worker under load")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.runs, args.offset_runs, args.duration = 50_000, 50, 10, 3.0
    args.workdir = args.workdir.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.drop:
        for backend in backends:
            asyncio.run(data.drop(backend, args.workdir))
            print(f"dropped the {LABELS[backend]} benchmark database")
        return 0
    results = []
    for backend in backends:
        print(f"{LABELS[backend]}: preparing {args.rows:,} rows ...", flush=True)
        db = asyncio.run(data.prepare(backend, args.rows, args.workdir, args.reload))
        print(f"  {'reused' if db.load_seconds is None else f'loaded in {db.load_seconds:.1f} s'}")
        results.append(measure(db, args))
    if args.no_results:
        for f in results:
            print("\n".join(["", LABELS[f.db.backend], *table(f)]))
    else:
        report(results, args)
    return 0 if all(ok for f in results for _, _, ok in f.targets()) else 1


if __name__ == "__main__":
    sys.exit(main())
