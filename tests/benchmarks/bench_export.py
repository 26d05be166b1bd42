"""Benchmark of the export API (``GET /api/tables/<t>/export/<fmt>``) through a real server.

Run from the repository root with the venv's Python (PostgreSQL on 127.0.0.1:5432 as
``postgres``, MariaDB on 127.0.0.1:3306 as ``root``, and the ``psql``, ``mariadb`` and
``sqlite3`` clients on PATH)::

    .venv/bin/python -m tests.benchmarks.bench_export                   # all, 1,000,000 rows
    .venv/bin/python -m tests.benchmarks.bench_export --backend sqlite --formats csv
    .venv/bin/python -m tests.benchmarks.bench_export --rows 50000 --no-results   # a try-out
    .venv/bin/python -m tests.benchmarks.bench_export --formats csv,jsonl,json --row-path

Per backend it creates (or reuses: ``--reload`` forces) the database
``pydbpro_bench_export`` with the 12-column table ``export_events`` (``_export_dataset``),
then measures side by side:

- the database's own CLI dumping the table in id order to /dev/null (``psql \\copy``,
  ``mariadb --batch --quick``, ``sqlite3 -csv``): one warm-up, then the median of 3 runs;
- each export over HTTP against ``pydbpro serve`` (./hypercorn.toml, bearer token): time to
  the first body byte, total time, rows/s, MB/s (10^6 bytes) and the server's peak RSS. A
  fresh server is started for every export, so the peak resident set (VmHWM) of its
  processes is that export's peak: VmHWM never goes down, so one server for all exports
  would report the largest so far. One 1-row browse request first opens the pool, so the
  first byte is the export's own;
- optionally (``--row-path``) CSV, JSON Lines and JSON of the same rows as a console
  statement (``POST /api/query/export/<fmt>``, ``SELECT * ... ORDER BY id``): the row path
  for all three, as a query's CSV is never written by the database. The JSON formats have
  no database-side path, so their target is the CSV row path's rows per CPU second of the
  serving worker (the wall time on a shared machine measures the neighbours too);
- optionally (``--baselines``) openpyxl's write-only mode on rows read with the driver
  directly (the first 200,000 rows, extrapolated linearly to the table) and fpdf2's
  ``table()`` on 2,000 rows (extrapolated to the PDF cap of 10,000), as references.

"Server peak RSS" is the peak of the process that serves the export: the Hypercorn worker
(the parent only accepts and supervises, about 30 MB, and with ``workers = 2`` a second
worker would idle beside it, so a sum would measure the worker count, not the export). The
sum of the parent and every worker is printed beside it.

The targets are issue 17's: CSV of 1M rows within 1.2x of ``psql \\copy`` (PostgreSQL), 2x of
``mariadb --batch`` (MariaDB) and 2x of ``sqlite3 -csv`` (SQLite), each measured in the same
run; XLSX of 1M rows within 20 s with its first byte within 1 s; peak RSS of the serving
process at most 150 MB during any export; and PDF_MAX_ROWS rows of PDF within 5 s.

It prints one Markdown table per backend (each target beside PyDBPro's figure, the CLI's and
PASS/FAIL) and appends them under "# Export benchmark results" in tests/benchmarks/RESULTS.md
with the date, the commit and /proc/loadavg before and after (``--no-results`` only prints).
It is a script, not a test; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from openpyxl import LXML, Workbook

from . import _export_dataset as data
from ._support import (
    Client,
    Download,
    Server,
    append_section,
    cpu_seconds,
    git_commit,
    machine,
)  # fmt: skip

BACKENDS = ("postgresql", "mysql", "sqlite")
FORMATS = ("csv", "xlsx", "pdf", "jsonl", "json")
ROW_PATH = ("query-csv", "query-jsonl", "query-json")  # POST /api/query/export/<fmt>
LABELS = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
CLI_NAMES = {"postgresql": "psql \\copy", "mysql": "mariadb --batch", "sqlite": "sqlite3 -csv"}
REFERENCES = {
    "postgresql": "psql \\copy (... ORDER BY id) TO '/dev/null' CSV HEADER",
    "mysql": "mariadb --batch --quick -e 'SELECT ... ORDER BY id' > /dev/null",
    "sqlite": "sqlite3 -csv -header ... 'SELECT ... ORDER BY id' > /dev/null",
}
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "Export benchmark results"
MAX_EXPORT_ROWS = 1_000_000
PDF_MAX_ROWS = 10_000
SETTINGS = {
    "MAX_EXPORT_ROWS": str(MAX_EXPORT_ROWS),
    "PDF_MAX_ROWS": str(PDF_MAX_ROWS),
    "EXPORT_QUERY_TIME": "600",
    "ALLOW_EXPORT": "true",
}
REFERENCE_RUNS = 3
XLSX_BASELINE_ROWS = 200_000
PDF_BASELINE_ROWS = 2_000
# The targets (issue 17).
CSV_VS_CLI = {"postgresql": 1.2, "mysql": 2.0, "sqlite": 2.0}
RSS_LIMIT_MB = 150.0  # peak of the serving process, any export
XLSX_SECONDS = 20.0
XLSX_FIRST_BYTE = 1.0
PDF_SECONDS = 5.0
WARMUP = f"/api/tables/{data.TABLE}/data?page_size=1&count=none"
FONTS = Path(__file__).resolve().parents[2] / "src/pydbpro/export/fonts"  # the app's own


def loadavg() -> str:
    """/proc/loadavg's three averages: how busy the shared machine was."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Run:
    """One measured export (over HTTP) or reference (a CLI, or a baseline in-process)."""

    label: str
    rows: int
    seconds: float
    size: int | None = None  # bytes written, when known
    first_byte: float | None = None
    rss_mb: float | None = None  # peak of the serving process (the worker)
    rss_sum_mb: float | None = None  # peaks of the parent and every worker, summed
    download: Download | None = None  # the HTTP exports only
    cpu_seconds: float | None = None  # the serving workers' CPU time (HTTP exports only)

    @property
    def rows_per_cpu_second(self) -> float | None:
        return None if not self.cpu_seconds else self.rows / self.cpu_seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def mb_per_second(self) -> float | None:
        return None if self.size is None else self.size / self.seconds / 1e6


@dataclass(frozen=True)
class Check:
    """One line of the report: a target, PyDBPro's figure, the CLI's, and whether it passed."""

    what: str
    target: str
    ours: str
    cli: str = "-"
    ratio: str = "-"
    ok: bool = True


@dataclass
class Figures:
    """Everything measured for one backend."""

    db: data.BenchDatabase
    load_before: str
    load_after: str = ""
    reference: Run | None = None  # the CLI, for CSV
    exports: dict[str, Run] = field(default_factory=dict)
    baselines: dict[str, Run] = field(default_factory=dict)  # xlsx: openpyxl, pdf: fpdf2

    def checks(self, fmt: str) -> list[Check]:
        """The targets of the export of ``fmt``, then its response head."""
        run = self.exports[fmt]
        assert run.download is not None and run.rss_mb is not None
        name = f"{fmt.upper()} {run.rows:,} rows"
        checks = []
        if fmt == "csv" and self.reference:
            limit, cli = CSV_VS_CLI[self.db.backend], self.reference.seconds
            checks.append(
                Check(
                    f"{name}: time",
                    f"<= {limit:g}x {CLI_NAMES[self.db.backend]}",
                    f"{run.seconds:.2f} s",
                    f"{cli:.2f} s",
                    f"{run.seconds / cli:.2f}x",
                    run.seconds <= limit * cli,
                )
            )
        elif fmt == "xlsx":
            first = run.first_byte
            checks.append(
                Check(
                    f"{name}: time",
                    f"<= {XLSX_SECONDS:g} s",
                    f"{run.seconds:.2f} s",
                    ok=run.seconds <= XLSX_SECONDS,
                )
            )
            checks.append(
                Check(
                    f"{name}: first byte",
                    f"< {XLSX_FIRST_BYTE:g} s",
                    _seconds(first),
                    ok=first is not None and first < XLSX_FIRST_BYTE,
                )
            )
        elif fmt in ("jsonl", "json", "query-jsonl", "query-json"):
            checks += self._row_path_check(name, run)
        elif fmt == "pdf":
            checks.append(
                Check(
                    f"{name}: time",
                    f"< {PDF_SECONDS:g} s",
                    f"{run.seconds:.2f} s",
                    ok=run.seconds < PDF_SECONDS,
                )
            )
        checks.append(Check(f"{name}: server peak RSS", f"<= {RSS_LIMIT_MB:g} MB",
                            f"{run.rss_mb:.0f} MB (with the parent: {run.rss_sum_mb:.0f} MB)",
                            ok=run.rss_mb <= RSS_LIMIT_MB))  # fmt: skip
        failed = [text for text, ok in header_checks(run.download, fmt, self.db.rows) if not ok]
        checks.append(Check(f"{name}: response head", "200, attachment, truncation headers",
                            "; ".join(failed) or "as expected", ok=not failed))  # fmt: skip
        return checks

    def _row_path_check(self, name: str, run: Run) -> list[Check]:
        """JSON (Lines) at least as fast as the CSV row path, when that was measured: rows
        per CPU second of the serving worker, as on a shared machine the wall time measures
        the neighbours too (both read the same rows from the same database)."""
        csv = self.exports.get("query-csv")
        ours, theirs = run.rows_per_cpu_second, csv and csv.rows_per_cpu_second
        if not ours or not theirs:
            return []
        return [Check(f"{name}: rows per worker CPU s", ">= CSV row path", f"{ours:,.0f}",
                      f"CSV row path {theirs:,.0f}", f"{ours / theirs:.2f}x",
                      ours >= theirs)]  # fmt: skip

    def passed(self) -> bool:
        return all(check.ok for fmt in self.exports for check in self.checks(fmt))


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def row_cap(fmt: str) -> int:
    return PDF_MAX_ROWS if fmt == "pdf" else MAX_EXPORT_ROWS


def header_checks(download: Download, fmt: str, rows: int) -> list[tuple[str, bool]]:
    """Status 200, an attachment with a file name, and the truncation headers (``true``
    with the row limit when the table has more rows than the format's cap)."""
    headers = download.headers
    disposition = headers.get("content-disposition", "")
    capped = rows > row_cap(fmt)
    truncated = headers.get("x-pydbpro-truncated")
    truncation_ok = truncated == "true" if capped else truncated in (None, "false")
    if capped:
        truncation_ok = truncation_ok and headers.get("x-pydbpro-row-limit") == str(row_cap(fmt))
    return [
        (f"status {download.status}", download.status == 200),
        ("attachment", re.match(r"attachment;\s*filename=", disposition) is not None),
        (f"X-PyDBPro-Truncated {truncated}", truncation_ok),
    ]


# --- measuring ------------------------------------------------------------------------------


def run_reference(db: data.BenchDatabase) -> Run:
    """The CLI dump: one warm-up (page cache), then the median of REFERENCE_RUNS."""
    command = data.reference_command(db)
    timings = []
    for _ in range(REFERENCE_RUNS + 1):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        timings.append(time.perf_counter() - started)
        if done.returncode:
            message = done.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {message}")
    return Run(REFERENCES[db.backend], db.rows, statistics.median(timings[1:]))


def run_http(db: data.BenchDatabase, fmt: str, args: argparse.Namespace) -> Run:
    """One export over HTTP from a fresh server (so its VmHWM is this export's peak)."""
    server = Server(db.url, args.workdir / f"server-{db.backend}-{fmt}", settings=SETTINGS)
    server.start()
    client = Client(server.port, server.token, timeout=args.timeout)
    query = fmt.removeprefix("query-") if fmt in ROW_PATH else None
    try:
        client.json(WARMUP)
        workers = server.worker_pids()
        before = sum(cpu_seconds(workers))
        if query is None:
            got = client.download(f"/api/tables/{data.TABLE}/export/{fmt}?sort=id")
        else:
            sql = json.dumps({"sql": data.ORDERED})
            got = client.download(f"/api/query/export/{query}", body=sql)
        used = sum(cpu_seconds(workers)) - before
        total, peaks = server.peak_rss_mb()  # parent first, then the workers
    finally:
        client.close()
        server.stop()
    rows = min(db.rows, row_cap(fmt))
    label = f"{fmt.upper()} over HTTP ({rows:,} rows)"
    if query is not None:
        label = f"{query.upper()} of the query over HTTP, row path ({rows:,} rows)"
    serving = max(peaks[1:] or peaks)  # workers = 0: the parent serves
    return Run(label, rows, got.seconds, got.size, got.first_byte, serving, total, got,
               cpu_seconds=used)  # fmt: skip


async def openpyxl_baseline(db: data.BenchDatabase, workdir: Path) -> Run:
    """openpyxl write-only on driver rows: the naive way to stream an XLSX, timed on the
    first XLSX_BASELINE_ROWS rows and extrapolated linearly to the whole table."""
    rows = min(db.rows, XLSX_BASELINE_ROWS)
    path = workdir / "baseline.xlsx"
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(data.TABLE)
    sheet.append(data.COLUMNS)
    async for batch in data.row_batches(db, rows):
        for row in batch:
            sheet.append(row)
    book.save(path)
    seconds, size = time.perf_counter() - started, path.stat().st_size
    path.unlink()
    scale = db.rows / rows
    xml = "lxml" if LXML else "no lxml"  # openpyxl writes XML several times faster with lxml
    label = f"openpyxl write-only ({xml}), driver rows ({rows:,} timed, x{scale:g})"
    return Run(label, db.rows, seconds * scale, round(size * scale))


async def fpdf_baseline(db: data.BenchDatabase) -> Run:
    """fpdf2's ``table()`` (one line per cell: values cut at 40 characters), the same bundled
    font, on PDF_BASELINE_ROWS driver rows, extrapolated linearly to the PDF cap."""
    rows = min(db.rows, PDF_BASELINE_ROWS)
    logging.getLogger("fpdf").setLevel(logging.ERROR)  # glyphs missing: CJK
    started = time.perf_counter()
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", fname=str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_font("DejaVu", size=6)
    pdf.add_page()
    with pdf.table(first_row_as_headings=True, line_height=3) as table:
        table.row(data.COLUMNS)
        async for batch in data.row_batches(db, rows):
            for row in batch:
                table.row(["" if v is None else str(v).replace("\n", " ")[:40] for v in row])
    size = len(pdf.output())
    seconds = time.perf_counter() - started
    target = min(db.rows, PDF_MAX_ROWS)
    scale = target / rows
    label = f"fpdf2 table(), driver rows ({rows:,} timed, x{scale:g})"
    return Run(label, target, seconds * scale, round(size * scale))


def measure(db: data.BenchDatabase, args: argparse.Namespace) -> Figures:
    figures = Figures(db, loadavg())
    if "csv" in args.formats:
        figures.reference = run_reference(db)
        print(f"  {figures.reference.label}: {figures.reference.seconds:.2f} s", flush=True)
    for fmt in args.formats + (list(ROW_PATH) if args.row_path else []):
        run = figures.exports[fmt] = run_http(db, fmt, args)
        print(
            f"  {run.label}: {run.seconds:.2f} s, first byte {_seconds(run.first_byte)}, "
            f"worker peak {run.rss_mb:.0f} MB (sum {run.rss_sum_mb:.0f} MB), "
            f"status {run.download.status if run.download else '?'}",
            flush=True,
        )
        if args.baselines and fmt in ("xlsx", "pdf"):
            baseline = (
                asyncio.run(openpyxl_baseline(db, args.workdir))
                if fmt == "xlsx"
                else asyncio.run(fpdf_baseline(db))
            )
            figures.baselines[fmt] = baseline
            print(f"  {baseline.label}: {baseline.seconds:.2f} s", flush=True)
    figures.load_after = loadavg()
    return figures


# --- reporting ------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(f: Figures) -> list[str]:
    """The figures of one backend as Markdown lines (printed and appended to RESULTS.md):
    the targets with PASS/FAIL, then every run's throughput."""
    lines = [
        "| target | goal | PyDBPro | CLI | ratio | result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for fmt in f.exports:
        for c in f.checks(fmt):
            result = "PASS" if c.ok else "**FAIL**"
            lines.append(f"| {c.what} | {c.target} | {c.ours} | {c.cli} | {c.ratio} | {result} |")
    lines += [
        "",
        "| run | seconds | rows/s | MB/s | first byte s | worker peak RSS MB | sum MB "
        "| worker CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs = [f.reference] if f.reference else []
    runs += [run for fmt, run in f.exports.items() for run in (f.baselines.get(fmt), run) if run]
    for run in runs:
        lines.append(
            f"| {run.label} | {run.seconds:.2f} | {run.rows_per_second:,.0f} "
            f"| {_num(run.mb_per_second, 1)} | {_num(run.first_byte)} | {_num(run.rss_mb, 0)} "
            f"| {_num(run.rss_sum_mb, 0)} | {_num(run.cpu_seconds)} |"
        )
    lines += ["", "Response heads:", ""]
    for fmt, run in f.exports.items():
        assert run.download is not None
        shown = ("content-type", "content-disposition", "x-pydbpro-truncated")
        heads = [f"{k}: {run.download.headers[k]}" for k in shown if k in run.download.headers]
        heads += [f"{k}: {v}" for k, v in run.download.headers.items() if k.startswith("x-pyd")]
        heads = list(dict.fromkeys(heads))
        lines.append(f"- {fmt}: {run.download.status}; " + "; ".join(f"`{h}`" for h in heads))
    lines.append("")
    lines.append(f"/proc/loadavg before this backend: {f.load_before}; after: {f.load_after}.")
    return lines


def client_versions() -> str:
    """The reference CLIs' versions (the servers' versions head each backend's table)."""

    def output(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    psql = output("psql", "--version").split()[2:3] or ["?"]
    mariadb = re.search(r"Distrib ([^,\s]+)", output("mariadb", "--version"))
    sqlite = output("sqlite3", "--version").split()[:1] or ["?"]
    return f"psql {psql[0]}, mariadb {mariadb[1] if mariadb else '?'}, sqlite3 {sqlite[0]}"


def report(all_figures: list[Figures], load_before: str, load_after: str) -> str:
    facts = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now}, commit {git_commit()}, {all_figures[0].db.rows:,} rows",
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} RAM; server, "
        "databases and client share it. /proc/loadavg at the start: "
        f"{load_before}; at the end: {load_after}. Clients: {client_versions()}. "
        "Server settings: "
        + ", ".join(f"{k}={v}" for k, v in SETTINGS.items())
        + ". Each HTTP export ran once on a freshly started `pydbpro serve` (./hypercorn.toml); "
        "its peak RSS is the VmHWM of the worker that served it (the parent and every worker "
        f"summed in the second column). The CLI rows are the median of {REFERENCE_RUNS} runs "
        "after a warm-up, measured just before the exports of the same backend.",
    ]
    for f in all_figures:
        loaded = "reused" if f.db.load_seconds is None else f"loaded in {f.db.load_seconds:.0f} s"
        lines += ["", f"### {LABELS[f.db.backend]} {f.db.version} ({loaded})", "", *table(f)]
    return "\n".join(lines) + "\n"


INTRO = (
    "Appended by `python -m tests.benchmarks.bench_export`; newest last. Table "
    "`export_events`: 12 columns (bigint id, FK, text with NULLs, unicode and 200-500 "
    "character values, numeric, double, boolean, date, timestamp, JSON, ...), 1,000,000 rows, "
    "exported in id order. Targets (issue 17 since December 2026): CSV within 1.2x of "
    "`psql \\copy` (PostgreSQL), 2x of `mariadb --batch --quick` (MariaDB), 2x of "
    "`sqlite3 -csv` (SQLite), each to /dev/null in the same run; XLSX of 1,000,000 rows "
    "within 20 s, first byte within 1 s; PDF of 10,000 rows (PDF_MAX_ROWS) under 5 s; peak "
    "RSS of the serving process at most 150 MB during any export; JSON Lines and JSON "
    "(issue 19) at least as many rows per worker CPU second as the CSV row path "
    "(`--row-path`: the same rows exported as a console statement). Runs before December 2026 "
    "used the earlier targets (1.5x/3x/2x, XLSX 2x faster than openpyxl, RSS sums < 200-250 MB)."
)


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="repeatable")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="regenerate even if loaded")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pydbpro-bench"
    )
    parser.add_argument("--timeout", type=float, default=300, help="HTTP socket timeout, s")
    parser.add_argument(
        "--baselines", action="store_true", help="also time openpyxl and fpdf2 (references)"
    )
    parser.add_argument(
        "--row-path", action="store_true",
        help="also export the table as a query in CSV, JSON Lines and JSON (the row path)",
    )  # fmt: skip
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(args.formats) - set(FORMATS)
    if unknown or not args.formats:
        parser.error(f"--formats: use {', '.join(FORMATS)} (not {', '.join(sorted(unknown))})")
    args.backend = args.backend or list(BACKENDS)
    args.workdir = args.workdir.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results, load_before = [], loadavg()
    for backend in args.backend:
        print(f"{LABELS[backend]}: preparing {args.rows:,} rows ...", flush=True)
        db = asyncio.run(data.prepare(backend, args.rows, args.workdir, args.reload))
        print(f"  {'reused' if db.load_seconds is None else f'loaded in {db.load_seconds:.1f} s'}")
        results.append(measure(db, args))
    text = report(results, load_before, loadavg())
    print("\n" + text)
    if not args.no_results:
        append_section(RESULTS, HEADING, INTRO, text)
    return 0 if all(f.passed() for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
