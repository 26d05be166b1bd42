"""Benchmark of the browse API (``GET /api/tables/<t>/data``) through a real server, beside
its peers (DbGate, Datasette) and the database drivers, on the same data in the same run.

Run from the repository root with the venv's Python (PostgreSQL on 127.0.0.1:5432 as
``postgres`` and MariaDB on 127.0.0.1:3306 as ``root``, as for the test suite; ``wrk``, and
``npm`` for DbGate)::

    .venv/bin/python -m tests.benchmarks.bench_browse                      # all, 1,000,000 rows
    .venv/bin/python -m tests.benchmarks.bench_browse --quick --no-peers   # 50,000 rows
    .venv/bin/python -m tests.benchmarks.bench_browse --drop               # remove bench DBs

Per backend it creates (or reuses: ``--reload`` forces) the database ``pydbpro_bench`` with
one table ``events`` of ``--rows`` rows (SQLite: a file in ``--workdir``), starts ``pydbpro
serve`` with the packaged hypercorn.toml and an API token, and measures over HTTP: page 1
(sorted by id, default count, which its cache serves); page 20,000 by OFFSET and by cursor
(page 20,000 is the last page of 1,000,000 rows); the filtered+sorted page against the same
SELECT run directly with the driver; requests/s of page 1 and of the cursor page under 16
clients with the server's CPU time per request; on PostgreSQL page 1 under 100 clients (p99
against p50) and, on a second server with ``workers = 2``, how many requests each worker took.
Beside them (unless ``--no-peers``): DbGate's page 1 on the same PostgreSQL database and
Datasette's default JSON page on the same SQLite file, under the same 16 clients (both are
installed into ``--peers-dir`` the first time; see _peers.py).

It prints one table of issue 17's browse targets (1, 2, 3 and 6) and the earlier ones, each
with PyDBPro's figure, the peer's or the driver's, their ratio and PASS/FAIL, then the
details, and appends them to tests/benchmarks/RESULTS.md (``--no-results`` only prints).
``--profile`` adds py-spy profiles of each worker under 16-client load.

It is a script, not a test (pytest collects only test_*.py): timing goals never go into
assertions. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

from . import _datasets as data
from . import _peers as peers
from ._browse_report import Figures, Run, Split, report, summary, targets_of
from ._builder import BenchDatabase
from ._support import Client, Load, Server, median_p95_ms

BACKENDS = ("postgresql", "mysql", "sqlite")
PAGE_SIZE = 50
DEEP_PAGE = 20_000
CLIENTS = 16
MANY_CLIENTS = 100  # the p99 figure
DATA = "/api/tables/events/data"


def url(**params: str | int) -> str:
    return DATA + "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())


def page1_url() -> str:
    """Page 1 as the benchmarks ask for it: sorted by id, the default (cached) count."""
    return url(page_size=PAGE_SIZE, sort="id")


def measure(db: BenchDatabase, args: argparse.Namespace) -> Figures:
    """Start a server on ``db``, measure everything, stop the server."""
    # Page DEEP_PAGE by OFFSET and by cursor; its cursor is page DEEP_PAGE - 1's next_cursor
    # (with 1,000,000 rows page 20,000 is the last page: it has no next page to point at).
    deep = min(DEEP_PAGE, max(2, db.rows // PAGE_SIZE))
    figures = Figures(db, deep, loadavg=os.getloadavg()[0])
    server = Server(db.url, args.workdir / f"server-{db.backend}")
    server.start()
    client = Client(server.port, server.token)
    try:
        page1 = page1_url()
        offset = url(page=deep, page_size=PAGE_SIZE, sort="id")
        before = client.json(url(page=deep - 1, page_size=PAGE_SIZE, sort="id"))
        cursor = url(cursor=before["next_cursor"], page_size=PAGE_SIZE, sort="id")
        first = client.json(cursor)["rows"][0][0]
        assert first == client.json(offset)["rows"][0][0] == str((deep - 1) * PAGE_SIZE + 1)
        filtered = url(
            filter_kind=data.FILTER_KIND, sort="amount", order="desc", page_size=PAGE_SIZE
        )
        assert len(client.json(filtered)["rows"]) == PAGE_SIZE
        paths = {"page1": page1, "cursor": cursor, "offset": offset, "filtered": filtered}
        for name, path in paths.items():
            slow = name in ("offset", "filtered")
            runs = args.slow_runs if slow else args.runs
            timings, errors = client.timings(path, runs, warmup=2 if slow else 5)
            figures.latency[name] = median_p95_ms(timings)
            figures.errors += errors
            print(f"  {name:<9} {figures.latency[name][0]:8.2f} ms median", flush=True)
        direct = asyncio.run(data.time_direct_sql(db.backend, args.workdir, args.slow_runs))
        figures.latency["direct"] = median_p95_ms(direct)
        server.load(page1, CLIENTS, 2)  # warm-up: pools and caches of every worker
        runs = [("page1", page1, CLIENTS), ("cursor", cursor, CLIENTS)]
        if db.backend == "postgresql":
            runs.append(("page1@100", page1, MANY_CLIENTS))
        for name, path, clients in runs:
            load = figures.load[name] = server.load(path, clients, args.duration)
            figures.errors += load.errors
            print(
                f"  {name:<9} {clients} clients {load.requests_per_second:8.0f} req/s", flush=True
            )
        figures.rss_total, figures.rss_each = server.peak_rss_mb()
        figures.workers = len(server.processes()) - 1
        if args.profile:
            profile(server, page1, args)
    finally:
        client.close()
        code = server.stop()
        print(f"  server stopped (exit status {code})", flush=True)
    return figures


def measure_split(db: BenchDatabase, args: argparse.Namespace) -> Split:
    """Page 1 under 16 clients on a server whose Hypercorn config says ``workers = 2`` (a
    copy of the packaged one) and writes an access log of process ids only: the requests
    each worker served, counted without any change to PyDBPro."""
    folder = args.workdir / "server-workers"
    config = args.workdir / "hypercorn-2-workers.toml"
    access_log = args.workdir / "access-2-workers.log"
    packaged = Server(db.url, folder).config.read_text().splitlines()
    replaced = ("workers", "accesslog", "access_log_format")
    kept = [line for line in packaged if line.split("=")[0].strip() not in replaced]
    extra = ["workers = 2", f'accesslog = "{access_log}"', 'access_log_format = "%(p)s"']
    config.write_text("\n".join([*kept, *extra]) + "\n")
    access_log.unlink(missing_ok=True)
    server = Server(db.url, folder, config=config)
    server.start()
    try:
        server.load(page1_url(), CLIENTS, 2)
        before = _requests_by_pid(access_log)
        load = server.load(page1_url(), CLIENTS, args.duration)
        after = _requests_by_pid(access_log)
        requests = [after[pid] - before[pid] for pid in server.worker_pids()]
    finally:
        print(f"  server stopped (exit status {server.stop()})", flush=True)
    shares = " / ".join(f"{100 * n / max(1, sum(requests)):.0f}%" for n in requests)
    print(f"  workers = 2: requests {shares}", flush=True)
    return Split(load, requests)


def _requests_by_pid(access_log: Path) -> Counter[int]:
    """Lines per worker process id in an access log whose lines end in ``<pid>``."""
    text = access_log.read_text() if access_log.exists() else ""
    return Counter(int(pid) for pid in re.findall(r"<(\d+)>$", text, re.MULTILINE))


def measure_peer(peer: peers.Peer, duration: float) -> Load:
    peer.load(CLIENTS, 2)  # warm-up, as for PyDBPro
    load = peer.load(CLIENTS, duration)
    print(f"  {peer.name:<9} {CLIENTS} clients {load.requests_per_second:8.0f} req/s", flush=True)
    return load


def profile(server: Server, path: str, args: argparse.Namespace) -> None:
    """py-spy on every worker during 16-client load on page 1: flame graphs and raw stacks
    of the thread holding the GIL (idle waits in driver threads are left out)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).is_file():
        print("  py-spy not found (pip install py-spy): no profile", flush=True)
        return
    seconds = max(5, int(args.duration))
    label = server.data_dir.name.removeprefix("server-")
    spies = []
    for pid in server.worker_pids():
        for fmt, ext in (("flamegraph", "svg"), ("raw", "txt")):
            out = args.workdir / f"profile-{label}-{pid}.{ext}"
            command = [spy, "record", "--pid", str(pid), "--duration", str(seconds)]
            command += ["--rate", "200", "--gil", "--nonblocking", "--format", fmt, "-o", str(out)]
            spies.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            )
    time.sleep(1)
    server.load(path, CLIENTS, seconds + 1)
    for spy_process in spies:
        spy_process.wait(timeout=60)
    print(f"  profiles in {args.workdir}/profile-{label}-*", flush=True)


def run(args: argparse.Namespace, backends: tuple[str, ...]) -> Run:
    """Every measurement, backend after backend, each peer right after its backend."""
    result = Run(loadavg=[Path("/proc/loadavg").read_text().strip()])
    for backend in backends:
        print(f"{backend}: preparing {args.rows:,} rows ...", flush=True)
        db = asyncio.run(data.prepare(backend, args.rows, args.workdir, args.reload))
        print(f"  {'reused' if db.load_seconds is None else f'loaded in {db.load_seconds:.1f} s'}")
        result.figures[backend] = measure(db, args)
        if backend == "postgresql":
            result.split = measure_split(db, args)
        if args.no_peers or backend == "mysql":
            continue
        with ExitStack() as stack:
            if backend == "postgresql":
                peer = stack.enter_context(peers.dbgate(args.peers_dir, data.DATASET.db_name))
            else:
                assert db.sqlite_path is not None
                peer = stack.enter_context(peers.datasette(args.peers_dir, db.sqlite_path))
            result.peers[peer.name] = measure_peer(peer, args.duration)
        print(f"  {peer.name} stopped", flush=True)
    result.loadavg.append(Path("/proc/loadavg").read_text().strip())
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=(*BACKENDS, "all"), default="all")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows, fewer runs, 3 s loads")
    scratch = Path(tempfile.gettempdir())
    parser.add_argument("--workdir", type=Path, default=scratch / "pydbpro-bench")
    parser.add_argument(
        "--peers-dir", type=Path, default=scratch / "pydbpro-peers", help="peers' install folder"
    )
    parser.add_argument("--no-peers", action="store_true", help="measure PyDBPro only")
    parser.add_argument("--runs", type=int, default=200, help="sequential requests per figure")
    parser.add_argument(
        "--slow-runs", type=int, default=30, help="the same for OFFSET and filtered+sorted"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load figure")
    parser.add_argument("--reload", action="store_true", help="reload even if already loaded")
    parser.add_argument("--drop", action="store_true", help="drop the bench databases and exit")
    parser.add_argument("--profile", action="store_true", help="py-spy each worker under load")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.runs, args.slow_runs, args.duration = 50_000, 50, 10, 3.0
    args.workdir = args.workdir.resolve()
    args.peers_dir = args.peers_dir.resolve()
    return args


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every server started is stopped on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.peers_dir.mkdir(parents=True, exist_ok=True)
    if args.drop:
        for backend in backends:
            asyncio.run(data.drop(backend, args.workdir))
            print(f"dropped the {backend} benchmark database")
        return 0
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    result = run(args, backends)
    targets = targets_of(result)
    if args.no_results:
        print("\n".join(["", *summary(targets)]))
    else:
        report(result, targets, args)
    return 0 if all(t.ok is not False for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
