"""Benchmark of the export API (``GET /api/tables/<t>/export/<fmt>``) through a real server.

Run from the repository root with the venv's Python (PostgreSQL on 127.0.0.1:5432 as
``postgres``, MariaDB on 127.0.0.1:3306 as ``root``, and the ``psql``, ``mariadb`` and
``sqlite3`` clients on PATH)::

    .venv/bin/python -m tests.benchmarks.bench_export                   # all, 1,000,000 rows
    .venv/bin/python -m tests.benchmarks.bench_export --backend sqlite --formats csv
    .venv/bin/python -m tests.benchmarks.bench_export --rows 50000 --no-results   # a try-out

Per backend it creates (or reuses: ``--reload`` forces) the database
``pydbpro_bench_export`` with the 12-column table ``export_events`` (``_export_dataset``),
then measures side by side:

- the database's own CLI dumping the table in id order to /dev/null (``psql \\copy``,
  ``mariadb --batch --quick``, ``sqlite3 -csv``): one warm-up, then the median of 3 runs;
- each export over HTTP against ``pydbpro serve`` (./hypercorn.toml, bearer token): time to
  the first body byte, total time, rows/s, MB/s (10^6 bytes) and the server's peak RSS. A
  fresh server is started for every export, so the peak resident set of its processes
  (VmHWM of the Hypercorn parent plus workers, summed, as bench_browse reports it) is that
  export's peak: VmHWM never goes down, so one server for all exports would report the
  largest so far. One 1-row browse request first opens the pool, so the first byte is the
  export's own;
- baselines: openpyxl's write-only mode on rows read with the driver directly (the first
  200,000 rows, extrapolated linearly to the table) and fpdf2's ``table()`` on 2,000 rows
  (extrapolated to the PDF cap of 10,000).

It prints one Markdown table per backend and appends them under "# Export benchmark results"
in tests/benchmarks/RESULTS.md (``--no-results`` only prints). It is a script, not a test;
the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
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
from ._support import Client, Download, Server, append_section, git_commit, machine

BACKENDS = ("postgresql", "mysql", "sqlite")
FORMATS = ("csv", "xlsx", "pdf")
LABELS = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
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
# The targets.
CSV_VS_CLI = {"postgresql": 1.5, "mysql": 3.0, "sqlite": 2.0}
RSS_LIMIT_MB = {"csv": 200.0, "xlsx": 250.0, "pdf": 200.0}
XLSX_SPEEDUP = 2.0  # at least this many times faster than openpyxl write-only
XLSX_FIRST_BYTE = 2.0
PDF_SECONDS = 5.0
WARMUP = f"/api/tables/{data.TABLE}/data?page_size=1&count=none"
FONTS = Path(__file__).resolve().parents[2] / "src/pydbpro/export/fonts"  # the app's own


@dataclass
class Run:
    """One measured export (over HTTP) or reference (a CLI, or a baseline in-process)."""

    label: str
    rows: int
    seconds: float
    size: int | None = None  # bytes written, when known
    first_byte: float | None = None
    rss_mb: float | None = None
    download: Download | None = None  # the HTTP exports only

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def mb_per_second(self) -> float | None:
        return None if self.size is None else self.size / self.seconds / 1e6


@dataclass
class Figures:
    """Everything measured for one backend."""

    db: data.BenchDatabase
    loadavg: float
    reference: Run | None = None  # the CLI, for CSV
    exports: dict[str, Run] = field(default_factory=dict)
    baselines: dict[str, Run] = field(default_factory=dict)  # xlsx: openpyxl, pdf: fpdf2

    def checks(self, fmt: str) -> list[tuple[str, bool]]:
        """(criterion, met) for the export of ``fmt``: its targets and its response head."""
        run = self.exports[fmt]
        assert run.download is not None and run.rss_mb is not None
        checks = header_checks(run.download, fmt, self.db.rows)
        checks.append((f"RSS < {RSS_LIMIT_MB[fmt]:g} MB", run.rss_mb < RSS_LIMIT_MB[fmt]))
        if fmt == "csv" and self.reference:
            limit = CSV_VS_CLI[self.db.backend]
            checks.append((f"<= {limit:g}x CLI", run.seconds <= limit * self.reference.seconds))
        elif fmt == "xlsx":
            if "xlsx" in self.baselines:
                fast = run.seconds * XLSX_SPEEDUP <= self.baselines["xlsx"].seconds
                checks.append((f">= {XLSX_SPEEDUP:g}x faster than openpyxl", fast))
            first = run.first_byte is not None and run.first_byte <= XLSX_FIRST_BYTE
            checks.append((f"first byte <= {XLSX_FIRST_BYTE:g} s", first))
        elif fmt == "pdf":
            checks.append((f"< {PDF_SECONDS:g} s", run.seconds < PDF_SECONDS))
        return checks

    def passed(self) -> bool:
        return all(ok for fmt in self.exports for _, ok in self.checks(fmt))


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
    try:
        client.json(WARMUP)
        got = client.download(f"/api/tables/{data.TABLE}/export/{fmt}?sort=id")
        rss, _ = server.peak_rss_mb()
    finally:
        client.close()
        server.stop()
    rows = min(db.rows, row_cap(fmt))
    label = f"{fmt.upper()} over HTTP ({rows:,} rows)"
    return Run(label, rows, got.seconds, got.size, got.first_byte, rss, got)


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
    figures = Figures(db, os.getloadavg()[0])
    if "csv" in args.formats:
        figures.reference = run_reference(db)
        print(f"  {figures.reference.label}: {figures.reference.seconds:.2f} s", flush=True)
    for fmt in args.formats:
        run = figures.exports[fmt] = run_http(db, fmt, args)
        first = f"{run.first_byte:.2f}" if run.first_byte is not None else "-"
        print(
            f"  {run.label}: {run.seconds:.2f} s, first byte {first} s, "
            f"{run.rss_mb:.0f} MB, status {run.download.status if run.download else '?'}",
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
    return figures


# --- reporting ------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _line(run: Run, ratio: str, target: str, result: str) -> str:
    return (
        f"| {run.label} | {run.seconds:.2f} | {run.rows_per_second:,.0f} "
        f"| {_num(run.mb_per_second, 1)} | {_num(run.first_byte)} | {_num(run.rss_mb, 0)} "
        f"| {ratio} | {target} | {result} |"
    )


def _result(checks: list[tuple[str, bool]]) -> str:
    failed = [name for name, ok in checks if not ok]
    return "PASS" if not failed else f"**FAIL** ({'; '.join(failed)})"


def table(f: Figures) -> list[str]:
    """The figures of one backend as Markdown lines (printed and appended to RESULTS.md)."""
    lines = [
        "| export | seconds | rows/s | MB/s | first byte s | peak RSS MB "
        "| ratio to reference | target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    references = {"csv": f.reference, **f.baselines}
    names = {"csv": "CLI", "xlsx": "openpyxl", "pdf": "fpdf2"}
    targets = {
        "csv": f"<= {CSV_VS_CLI[f.db.backend]:g}x CLI; RSS < {RSS_LIMIT_MB['csv']:g} MB",
        "xlsx": f">= {XLSX_SPEEDUP:g}x faster than openpyxl; RSS < {RSS_LIMIT_MB['xlsx']:g} MB; "
        f"first byte <= {XLSX_FIRST_BYTE:g} s",
        "pdf": f"< {PDF_SECONDS:g} s; RSS < {RSS_LIMIT_MB['pdf']:g} MB",
    }
    for fmt, run in f.exports.items():
        reference = references.get(fmt)
        if reference is not None:
            lines.append(_line(reference, "1.00x", "reference", "-"))
        ratio = "-" if reference is None else f"{run.seconds / reference.seconds:.2f}x"
        ratio += f" {names[fmt]}" if reference is not None else ""
        lines.append(_line(run, ratio, targets[fmt], _result(f.checks(fmt))))
    lines += ["", "Response heads:", ""]
    for fmt, run in f.exports.items():
        assert run.download is not None
        shown = ("content-type", "content-disposition", "x-pydbpro-truncated")
        heads = [f"{k}: {run.download.headers[k]}" for k in shown if k in run.download.headers]
        heads += [f"{k}: {v}" for k, v in run.download.headers.items() if k.startswith("x-pyd")]
        heads = list(dict.fromkeys(heads))
        lines.append(f"- {fmt}: {run.download.status}; " + "; ".join(f"`{h}`" for h in heads))
    lines.append("")
    lines.append(f"Machine load average before this backend: {f.loadavg:.2f}.")
    return lines


def client_versions() -> str:
    """The reference CLIs' versions (the servers' versions head each backend's table)."""

    def output(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    psql = output("psql", "--version").split()[2:3] or ["?"]
    mariadb = re.search(r"Distrib ([^,\s]+)", output("mariadb", "--version"))
    sqlite = output("sqlite3", "--version").split()[:1] or ["?"]
    return f"psql {psql[0]}, mariadb {mariadb[1] if mariadb else '?'}, sqlite3 {sqlite[0]}"


def report(all_figures: list[Figures]) -> str:
    facts = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now}, commit {git_commit()}, {all_figures[0].db.rows:,} rows",
        "",
        f"Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} RAM; server, "
        "databases and client share it. Clients: "
        f"{client_versions()}. Server settings: "
        + ", ".join(f"{k}={v}" for k, v in SETTINGS.items())
        + ". Each HTTP export ran once on a freshly started `pydbpro serve` (./hypercorn.toml); "
        "its peak RSS is the summed VmHWM of the Hypercorn parent and workers. The CLI rows are "
        f"the median of {REFERENCE_RUNS} runs after a warm-up. "
        "Baselines are timed on part of the rows and extrapolated linearly (see their labels); "
        "their time includes reading the rows with the driver.",
    ]
    for f in all_figures:
        loaded = "reused" if f.db.load_seconds is None else f"loaded in {f.db.load_seconds:.0f} s"
        lines += ["", f"### {LABELS[f.db.backend]} {f.db.version} ({loaded})", "", *table(f)]
    return "\n".join(lines) + "\n"


INTRO = (
    "Appended by `python -m tests.benchmarks.bench_export`; newest last. Table "
    "`export_events`: 12 columns (bigint id, FK, text with NULLs, unicode and 200-500 "
    "character values, numeric, double, boolean, date, timestamp, JSON, ...), 1,000,000 rows, "
    "exported in id order. Targets: CSV within 1.5x of `psql \\copy` (PostgreSQL), 3x of "
    "`mariadb --batch --quick` (MariaDB), 2x of `sqlite3 -csv` (SQLite), each to /dev/null; "
    "XLSX of 1,000,000 rows at least 2x faster than openpyxl's write-only mode, first byte "
    "within 2 s, server peak RSS < 250 MB; PDF of 10,000 rows (PDF_MAX_ROWS) under 5 s; "
    "server peak RSS < 200 MB during a CSV or PDF export."
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
        "--no-baselines", dest="baselines", action="store_false", help="skip openpyxl/fpdf2"
    )
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(args.formats) - set(FORMATS)
    if unknown or not args.formats:
        parser.error(f"--formats: use csv, xlsx and/or pdf (not {', '.join(sorted(unknown))})")
    args.backend = args.backend or list(BACKENDS)
    args.workdir = args.workdir.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for backend in args.backend:
        print(f"{LABELS[backend]}: preparing {args.rows:,} rows ...", flush=True)
        db = asyncio.run(data.prepare(backend, args.rows, args.workdir, args.reload))
        print(f"  {'reused' if db.load_seconds is None else f'loaded in {db.load_seconds:.1f} s'}")
        results.append(measure(db, args))
    text = report(results)
    print("\n" + text)
    if not args.no_results:
        append_section(RESULTS, HEADING, INTRO, text)
    return 0 if all(f.passed() for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
