"""The benchmark's machinery: a real ``pydbpro serve``, an HTTP client, load, machine facts.

The server runs exactly as in production (the console script, the packaged hypercorn.toml, its
workers); the benchmark only talks HTTP to it, with an API token like any script.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tests.cli import clean_env

REPO = Path(__file__).resolve().parents[2]
PYDBPRO = Path(sys.executable).parent / "pydbpro"  # the venv's console script
HOST = "127.0.0.1"
WRK = shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One ``pydbpro serve`` subprocess with its own DATA_DIR, user and API token."""

    database_url: str
    data_dir: Path
    port: int = 0
    token: str = ""
    process: subprocess.Popen[bytes] | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(36))  # 48 chars
    settings: dict[str, str] = field(default_factory=dict)  # more env settings (limits...)
    config: Path = REPO / "src/pydbpro/hypercorn.toml"  # the packaged one unless told

    def _env(self) -> dict[str, str]:
        base = {
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "DATA_DIR": str(self.data_dir),
            "HOST": HOST,
            "PORT": str(self.port),
            "LOG_LEVEL": "WARNING",
        }
        return clean_env(**{**base, **self.settings})

    def _cli(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [str(PYDBPRO), *args],
            cwd=REPO,
            env=self._env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"pydbpro {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)  # a fresh store: one user, one token
        self.data_dir.mkdir(parents=True)
        self.port = self.port or free_port()
        self._cli("users", "add", "bench", stdin=secrets.token_urlsafe(24) + "\n")
        output = self._cli("tokens", "create", "--user", "bench", "--name", "benchmark")
        self.token = next(line for line in output.split() if line.startswith("pdb_"))
        with (self.data_dir / "server.log").open("wb") as log:  # the access log goes here
            self.process = subprocess.Popen(
                [str(PYDBPRO), "serve", "--config", str(self.config)],
                cwd=REPO,
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.data_dir / 'server.log'}")
            client = Client(self.port, self.token)
            try:
                if client.get("/api/health")[0] == 200:
                    return
            except OSError:
                pass
            finally:
                client.close()
            time.sleep(0.2)
        raise RuntimeError("server did not become healthy within a minute")

    def processes(self) -> list[int]:
        """The Hypercorn parent and its workers (multiprocessing's resource tracker is a
        child too, but it is not part of the server: left out)."""
        assert self.process is not None
        parent = self.process.pid
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        workers = [
            pid
            for pid in map(int, children)
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        return [parent, *workers]

    def peak_rss_mb(self) -> tuple[float, list[float]]:
        """Sum and per-process VmHWM (peak resident set) in MiB: parent first, then workers."""
        peaks = []
        for pid in self.processes():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            peaks.append(int(match.group(1)) / 1024 if match else 0.0)
        return sum(peaks), peaks

    def worker_pids(self) -> list[int]:
        """The processes serving requests: the workers, or the parent with workers = 0."""
        processes = self.processes()
        return processes[1:] or processes

    def load(self, path: str, clients: int, seconds: float) -> Load:
        """run_load, plus the server's CPU time per request and how the workers shared it."""
        request = Request(path, {"Authorization": f"Bearer {self.token}"})
        return measure_load(self.processes, self.port, request, clients, seconds)

    def stop(self) -> int | None:
        """SIGINT (Hypercorn's graceful stop), then wait; SIGKILL only as a last resort."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@dataclass(frozen=True)
class Download:
    """One streamed response: its head, how much body came, and when."""

    status: int
    headers: dict[str, str]  # names in lower case
    size: int  # body bytes
    first_byte: float | None  # seconds from the request to the first body byte
    seconds: float  # seconds from the request to the last body byte


class Client:
    """A persistent HTTP/1.1 connection (keep-alive), as a browser or script would use."""

    def __init__(self, port: int, token: str, timeout: float = 120) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, path: str) -> dict[str, Any]:
        status, body = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)  # type: ignore[no-any-return]

    def timings(self, path: str, runs: int, warmup: int = 5) -> tuple[list[float], int]:
        """Seconds per request over ``runs`` sequential requests, and the non-200 count."""
        errors = 0
        for _ in range(warmup):
            self.get(path)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            status, _ = self.get(path)
            timings.append(time.perf_counter() - started)
            errors += status != 200
        return timings, errors

    def download(self, path: str, chunk: int = 1 << 20, body: str | None = None) -> Download:
        """GET ``path`` (POST ``body``, JSON, if given) and throw the body away as it
        arrives: a big export is measured without the client holding it (or writing it to
        disk) and skewing the figures."""
        started = time.perf_counter()
        if body is None:
            self.conn.request("GET", path, headers=self.headers)
        else:
            headers = {**self.headers, "Content-Type": "application/json"}
            self.conn.request("POST", path, body=body.encode(), headers=headers)
        response = self.conn.getresponse()
        first_byte, size = None, 0
        while block := response.read1(chunk):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(block)
        seconds = time.perf_counter() - started
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Download(response.status, headers, size, first_byte, seconds)

    def close(self) -> None:
        self.conn.close()


def median_p95_ms(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


@dataclass(frozen=True)
class Request:
    """The one request a load run repeats (DbGate's pages are POSTs with a JSON body)."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: str = ""


@dataclass(frozen=True)
class Load:
    clients: int
    requests_per_second: float
    requests: int
    errors: int  # non-2xx responses plus socket errors
    p50_ms: float | None
    tool: str
    server_cpu_ms: float | None = None  # server CPU time (user + system) per request
    worker_split: tuple[float, ...] = ()  # each worker's share of that CPU time, in %
    p99_ms: float | None = None


def cpu_seconds(pids: list[int]) -> list[float]:
    """User + system CPU seconds used so far by each process (from /proc/<pid>/stat);
    0 for a process that has exited (a peer's helper process may come and go)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            seconds.append(0.0)
            continue
        fields = stat.rpartition(")")[2].split()
        seconds.append((int(fields[11]) + int(fields[12])) / ticks)  # utime, stime
    return seconds


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (a peer's server forks helpers of its own)."""
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                queue += map(int, (task / "children").read_text().split())
            except OSError:
                pass  # the task or the process has just ended
    return pids


def measure_load(
    processes: Callable[[], list[int]], port: int, request: Request, clients: int, seconds: float
) -> Load:
    """run_load, plus the CPU time per request of the server's processes (``processes()``:
    parent first, then the processes serving requests) and how those shared it.

    The processes are listed before and after the run, so one started during it counts too.
    """
    before = dict(zip(pids := processes(), cpu_seconds(pids), strict=True))
    load = run_load(port, request, clients, seconds)
    after = dict(zip(pids := processes(), cpu_seconds(pids), strict=True))
    used = [after[pid] - before.get(pid, 0.0) for pid in pids]
    serving = used[1:] or used  # one process: it serves
    return replace(
        load,
        server_cpu_ms=1000 * sum(used) / max(1, load.requests),
        worker_split=tuple(100 * u / (sum(serving) or 1e-9) for u in serving),
    )


def run_load(port: int, request: Request, clients: int, seconds: float) -> Load:
    """Requests/s with ``clients`` concurrent keep-alive connections for ``seconds``."""
    if WRK:
        return _wrk(WRK, port, request, clients, seconds)
    return asyncio.run(_asyncio_load(port, request, clients, seconds))


def _wrk(wrk: str, port: int, request: Request, clients: int, seconds: float) -> Load:
    headers = [arg for name, value in request.headers.items() for arg in ("-H", f"{name}: {value}")]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        # wrk takes a method and a body only from a Lua script; long brackets need no escaping.
        script.write(f"wrk.method = {_lua(request.method)}\nwrk.body = {_lua(request.body)}\n")
        script.flush()
        done = subprocess.run(
            [
                wrk,
                f"-t{min(clients, os.cpu_count() or 1)}",
                f"-c{clients}",
                f"-d{seconds:g}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                *headers,
                f"http://{HOST}:{port}{request.path}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    p50, p99 = (_wrk_percentile(out, percent) for percent in (50, 99))
    return Load(clients, rps, requests, errors, p50, "wrk", p99_ms=p99)


def _lua(text: str) -> str:
    """``text`` as a Lua long-bracket string literal."""
    level = next(n for n in range(1, 100) if f"]{'=' * n}]" not in text)
    return f"[{'=' * level}[{text}]{'=' * level}]"


def _wrk_percentile(out: str, percent: int) -> float | None:
    """A latency percentile of wrk --latency's distribution, in ms."""
    found = re.search(rf"\b{percent}%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return float(found.group(1)) * scale[found.group(2)] if found else None


async def _asyncio_load(port: int, request: Request, clients: int, seconds: float) -> Load:
    """The fallback load generator: raw asyncio streams, one keep-alive connection each."""
    body = request.body.encode()
    head = [f"{request.method} {request.path} HTTP/1.1", f"Host: {HOST}:{port}"]
    head += [f"{name}: {value}" for name, value in request.headers.items()]
    head += [f"Content-Length: {len(body)}"] if body else []
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    deadline = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                await reader.readexactly(int(length.group(1)) if length else 0)
                latencies.append(time.perf_counter() - started)
                counts["ok" if head.startswith(b"HTTP/1.1 2") else "errors"] += 1
        except (OSError, asyncio.IncompleteReadError):
            counts["errors"] += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000 if ordered else None
    p99 = ordered[round(0.99 * (len(ordered) - 1))] * 1000 if ordered else None
    total = counts["ok"] + counts["errors"]
    return Load(clients, total / elapsed, total, counts["errors"], p50, "asyncio", p99_ms=p99)


def _tool(name: str) -> str:
    return shutil.which(name) or name


def machine() -> dict[str, str]:
    """The facts that make figures comparable: cores, memory, CPU model."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    free = subprocess.run([_tool("free"), "-g"], capture_output=True, text=True, check=False).stdout
    mem = re.search(r"^Mem:\s+(\d+)", free, re.MULTILINE)
    nproc = subprocess.run([_tool("nproc")], capture_output=True, text=True, check=False).stdout
    return {
        "nproc": nproc.strip(),
        "memory": f"{mem.group(1)} GiB" if mem else "?",
        "cpu": model.group(1).strip() if model else "?",
    }


def git_commit() -> str:
    """The commit measured (read-only ``git rev-parse``)."""
    done = subprocess.run(
        [_tool("git"), "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def append_section(path: Path, heading: str, intro: str, text: str) -> None:
    """Append ``text`` at the end of the top-level ``# heading`` section of ``path``,
    creating the section (with ``intro``) at the end of the file the first time.

    One results file holds several benchmarks, each under its own ``# `` heading; a run
    goes into its own section even when another section follows it.
    """
    lines = path.read_text().splitlines() if path.exists() else []
    title = f"# {heading}"
    if title not in lines:
        lines += [*([""] if lines else []), title, "", *intro.splitlines()]
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    section = _strip_blank(lines[start:end])
    after = _strip_blank(lines[end:])
    merged = [*lines[:start], *section, "", *text.strip("\n").splitlines()]
    merged += ["", *after] if after else []
    path.write_text("\n".join(merged) + "\n")


def _strip_blank(lines: list[str]) -> list[str]:
    """``lines`` without its leading and trailing blank lines."""
    kept = [i for i, line in enumerate(lines) if line.strip()]
    return lines[kept[0] : kept[-1] + 1] if kept else []
