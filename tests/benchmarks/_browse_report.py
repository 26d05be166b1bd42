"""What bench_browse measured, judged against the targets and written as Markdown.

The targets are issue 17's browse targets (1, 2, 3 and 6; exports are bench_export's) and
the two earlier ones that still hold (a cursor page as fast as page 1; the server's peak RSS).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ._builder import BenchDatabase
from ._support import Load, append_section, git_commit, machine

RESULTS = Path(__file__).with_name("RESULTS.md")
LABELS = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
DRIVERS = {"postgresql": "asyncpg", "mysql": "aiomysql", "sqlite": "aiosqlite"}
# Issue 17's targets.
CPU_MS = 1.5  # server CPU per request, page 1 and cursor page (PostgreSQL)
VS_PEER = {"postgresql": ("DbGate", 1.5), "sqlite": ("Datasette", 2.0)}  # page 1 req/s ratio
P99_VS_P50 = 10.0  # under 100 clients
WORKER_SHARE = (40.0, 60.0)  # % of requests each of 2 workers takes
FILTERED_VS_SQL = 1.3
# Earlier targets.
CURSOR_VS_PAGE1 = 1.5
RSS_LIMIT_MB = 150.0


@dataclass
class Figures:
    """Everything measured on one backend's server (workers as hypercorn.toml says)."""

    db: BenchDatabase
    deep_page: int
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)  # median, p95 ms
    load: dict[str, Load] = field(default_factory=dict)  # page1, cursor, page1@100
    errors: int = 0
    loadavg: float = 0.0  # the machine's 1-minute load average before measuring
    workers: int = 0  # Hypercorn worker processes (hypercorn.toml decides)
    rss_total: float = 0.0
    rss_each: list[float] = field(default_factory=list)


@dataclass
class Split:
    """Page 1 under load on a server with ``workers = 2``: who served what."""

    load: Load
    requests: list[int]  # per worker, from Hypercorn's access log (its process id)


@dataclass
class Run:
    figures: dict[str, Figures] = field(default_factory=dict)  # by backend
    split: Split | None = None
    peers: dict[str, Load] = field(default_factory=dict)  # "DbGate", "Datasette"
    loadavg: list[str] = field(default_factory=list)  # /proc/loadavg at the start and end


@dataclass(frozen=True)
class Target:
    name: str
    ours: str  # PyDBPro's figure
    theirs: str  # the peer's or the driver's, "-" when the target is absolute
    ratio: str
    ok: bool | None  # None: not measured in this run (--no-peers, --backend)


def targets_of(run: Run) -> list[Target]:
    """Every target this run's backends and peers let us judge, in the issue's order."""
    found: list[Target] = []
    pg = run.figures.get("postgresql")
    if pg:
        found += _cpu_targets(pg, run.peers.get("DbGate"))
    for backend, (peer_name, want) in VS_PEER.items():
        if backend in run.figures:
            ours = run.figures[backend].load["page1"].requests_per_second
            peer = run.peers.get(peer_name)
            found.append(
                Target(
                    f"2. page 1 req/s, 16 clients ({LABELS[backend]}) >= {want:g}x {peer_name}",
                    f"{ours:.0f} req/s",
                    f"{peer_name} {peer.requests_per_second:.0f} req/s" if peer else "-",
                    _ratio(ours, peer.requests_per_second if peer else None),
                    ours >= want * peer.requests_per_second if peer else None,
                )
            )
    if pg:
        many = pg.load["page1@100"]
        p50, p99 = many.p50_ms or 0.0, many.p99_ms or 0.0
        found.append(
            Target(
                f"2. p99 < {P99_VS_P50:g}x p50, page 1, 100 clients (PostgreSQL)",
                f"p99 {p99:.0f} ms",
                f"p50 {p50:.0f} ms",
                _ratio(p99, p50),
                p99 < P99_VS_P50 * p50,
            )
        )
    errors = sum(f.errors for f in run.figures.values())
    errors += run.split.load.errors if run.split else 0
    peer_errors = ", ".join(f"{name} {load.errors}" for name, load in run.peers.items())
    found.append(
        Target(
            "2. no errors (non-2xx, socket errors)",
            str(errors),
            peer_errors or "-",
            "-",
            errors == 0,
        )
    )
    if run.split:
        found.append(_split_target(run.split))
    for backend, f in run.figures.items():
        filtered, direct = f.latency["filtered"][0], f.latency["direct"][0]
        found.append(
            Target(
                f"6. filtered+sorted <= {FILTERED_VS_SQL:g}x direct SQL ({LABELS[backend]})",
                f"{filtered:.1f} ms",
                f"{direct:.1f} ms ({DRIVERS[backend]})",
                _ratio(filtered, direct),
                filtered <= FILTERED_VS_SQL * direct,
            )
        )
    for backend, f in run.figures.items():
        found += _earlier_targets(LABELS[backend], f)
    return found


def _cpu_targets(pg: Figures, dbgate: Load | None) -> list[Target]:
    """Target 1 on PostgreSQL: page 1 (beside DbGate's page 1) and the cursor page."""
    found = []
    for name, label in (("page1", "page 1"), ("cursor", "cursor page")):
        cpu = pg.load[name].server_cpu_ms or 0.0
        peer = dbgate.server_cpu_ms if dbgate and name == "page1" else None
        found.append(
            Target(
                f"1. CPU per request, {label} (PostgreSQL) <= {CPU_MS:g} ms",
                f"{cpu:.2f} ms",
                f"DbGate {peer:.2f} ms" if peer else "-",
                _ratio(cpu, peer),
                cpu <= CPU_MS,
            )
        )
    return found


def _split_target(split: Split) -> Target:
    """Target 3: each of two workers serves its share of the requests."""
    low, high = WORKER_SHARE
    shares = [100 * n / max(1, sum(split.requests)) for n in split.requests]
    cpu = " / ".join(f"{share:.0f}%" for share in split.load.worker_split)
    return Target(
        f"3. workers = 2: each takes {low:g}-{high:g}% of requests (PostgreSQL)",
        " / ".join(f"{share:.0f}%" for share in shares),
        f"CPU split {cpu}",
        "-",
        len(shares) == 2 and all(low <= share <= high for share in shares),
    )


def _earlier_targets(label: str, f: Figures) -> list[Target]:
    page1, cursor = f.latency["page1"][0], f.latency["cursor"][0]
    return [
        Target(
            f"earlier: cursor page {f.deep_page:,} <= {CURSOR_VS_PAGE1:g}x page 1 ({label})",
            f"{cursor:.2f} ms",
            f"page 1 {page1:.2f} ms",
            _ratio(cursor, page1),
            cursor <= CURSOR_VS_PAGE1 * page1,
        ),
        Target(
            f"earlier: server peak RSS < {RSS_LIMIT_MB:g} MB ({label})",
            f"{f.rss_total:.0f} MB",
            "-",
            "-",
            f.rss_total < RSS_LIMIT_MB,
        ),
    ]


def _ratio(ours: float, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "-"


def summary(targets: list[Target]) -> list[str]:
    """The targets as one Markdown table."""
    lines = ["| target | PyDBPro | peer / driver / reference | ratio | result |"]
    lines.append("|---|---:|---:|---:|---|")
    for t in targets:
        result = "n/a" if t.ok is None else "PASS" if t.ok else "**FAIL**"
        lines.append(f"| {t.name} | {t.ours} | {t.theirs} | {t.ratio} | {result} |")
    return lines


def details(f: Figures) -> list[str]:
    """One backend's figures as Markdown lines."""
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
    lines += ["", *load_header("under load")]
    for key, load in f.load.items():
        lines.append(load_row(names[key.partition("@")[0]], load))
    each = ", ".join(f"{mb:.0f}" for mb in f.rss_each)
    lines.append("")
    lines.append(
        f"Server: {f.workers} Hypercorn worker(s); peak RSS {f.rss_total:.0f} MB "
        f"(VmHWM of parent, workers: {each}); errors {f.errors}; machine load average "
        f"before measuring {f.loadavg:.2f}."
    )
    return lines


def load_header(first: str) -> list[str]:
    return [
        f"| {first} | clients | req/s | p50 ms | p99 ms | server CPU ms/req "
        "| CPU split between workers | errors |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]


def load_row(label: str, load: Load) -> str:
    split = " / ".join(f"{share:.0f}%" for share in load.worker_split)
    return (
        f"| {label} | {load.clients} | {load.requests_per_second:.0f} | {load.p50_ms or 0:.1f} "
        f"| {load.p99_ms or 0:.1f} | {load.server_cpu_ms or 0:.2f} | {split} | {load.errors} |"
    )


def report(run: Run, targets: list[Target], args: argparse.Namespace) -> None:
    """Print the run and append it to RESULTS.md."""
    facts = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = next(iter(run.figures.values())).db.rows
    tool = next(iter(run.figures.values())).load["page1"].tool
    lines = [
        f"## {now}, commit {git_commit()}, {rows:,} rows" + (" (--quick)" if args.quick else ""),
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} RAM; servers, "
        f"databases and load generator share it. /proc/loadavg at the start `{run.loadavg[0]}`, "
        f"at the end `{run.loadavg[-1]}`. Latency: {args.runs} sequential requests "
        f"({args.slow_runs} for OFFSET and filtered+sorted) on one keep-alive connection; "
        f"load: {tool}, {args.duration:g} s per figure after a 2 s warm-up; `pydbpro serve` "
        "with the packaged hypercorn.toml.",
        "",
        *summary(targets),
    ]
    for backend, f in run.figures.items():
        loaded = "reused" if f.db.load_seconds is None else f"loaded in {f.db.load_seconds:.0f} s"
        lines += ["", f"### {LABELS[backend]} {f.db.version} ({loaded})", "", *details(f)]
    if run.peers or run.split:
        lines += ["", "### Peers, and PyDBPro with workers = 2", "", *load_header("page 1")]
        engines = {"DbGate": "PostgreSQL", "Datasette": "SQLite"}
        lines += [load_row(f"{name} ({engines[name]})", load) for name, load in run.peers.items()]
        if run.split:
            served = " / ".join(str(n) for n in run.split.requests)
            lines.append(load_row(f"PyDBPro, 2 workers (requests {served})", run.split.load))
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    intro = (
        "Appended by `python -m tests.benchmarks.bench_browse`; newest last. Each run opens "
        "with issue 17's browse targets beside DbGate, Datasette and the drivers (see the "
        "script's docstring).\n\nServer CPU ms/req is the user + system CPU time of the "
        "server's process tree (Hypercorn parent and workers; a peer's processes) during the "
        "load, per request; the CPU split shows how the load was shared between the workers."
    )
    append_section(RESULTS, "Browse API benchmark results", intro, text)
