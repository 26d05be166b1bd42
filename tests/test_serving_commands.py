"""`pydbpro demo` (the README's run command) and `pydbpro serve`, as real processes."""

from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .cli import clean_env, run_cli
from .support.live_server import SECRET, free_port, live_server, wait_until_listening

REPO = Path(__file__).parents[1]


def _wait_for_password(process: subprocess.Popen[str], deadline: float) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if match := re.match(r"\s+Password\s+(\S+)", line):
            return match.group(1)
        assert time.monotonic() < deadline, "demo did not print credentials in time"
    raise AssertionError(f"demo exited early: {process.wait()}")


def _log_in(base: str, password: str) -> urllib.request.OpenerDirector:
    """Log in as the demo user; the opener then carries the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = urllib.request.Request(
        f"{base}/api/login",
        method="POST",
        data=json.dumps({"username": "demo", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with opener.open(login, timeout=10) as response:
        assert json.load(response)["username"] == "demo"
    return opener


def _errors(stderr: str) -> list[str]:
    """What a refused start printed, without warnings about the developer's own variables."""
    return [line for line in stderr.splitlines() if " WARNING pydbpro.settings " not in line]


def _start_demo(workdir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pydbpro", "demo", "--port", str(port)],
        cwd=workdir,
        env=clean_env(DATA_DIR=str(workdir / "var")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_demo_serves_and_the_printed_credentials_log_in(tmp_path: Path) -> None:
    port = free_port()
    process = _start_demo(tmp_path, port)
    try:
        deadline = time.monotonic() + 90
        password = _wait_for_password(process, deadline)
        wait_until_listening(port, deadline)
        base = f"http://127.0.0.1:{port}"
        opener = _log_in(base, password)
        with opener.open(f"{base}/api/me", timeout=10) as response:
            assert json.load(response) == {
                "username": "demo",
                "role": "admin",
                "auth": "session",
                "permissions": ["read", "query", "export", "audit", "metrics", "users"],
            }
        with opener.open(f"{base}/api/health", timeout=10) as response:
            assert json.load(response) == {"status": "ok", "database": "ok"}
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "var" / "demo" / "demo.sqlite3").is_file()


def test_serve_runs_hypercorn_with_a_lean_master(tmp_path: Path, sqlite_file: Path) -> None:
    """serve validates, then becomes Hypercorn; the master process does not hold the app."""
    with live_server(tmp_path, DATABASE_URL=f"sqlite:///{sqlite_file}") as server:
        with urllib.request.urlopen(f"{server.url}/api/health", timeout=10) as response:
            assert json.load(response) == {"status": "ok", "database": "ok"}
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        assert rss_kb < 60_000, "the Hypercorn master should not import the application"
    assert "Traceback" not in server.stderr


def test_a_second_demo_on_a_busy_port_leaves_the_running_one_alone(tmp_path: Path) -> None:
    """`make run` twice: the second refuses at once, before it resets the demo password or
    regenerates the database the first one is serving."""
    port = free_port()
    first = _start_demo(tmp_path, port)
    try:
        deadline = time.monotonic() + 90
        password = _wait_for_password(first, deadline)
        wait_until_listening(port, deadline)
        base = f"http://127.0.0.1:{port}"
        _log_in(base, password)
        database = tmp_path / "var" / "demo" / "demo.sqlite3"
        before = database.stat()
        second = run_cli(tmp_path, "demo", "--port", str(port), "--reset",
                         DATA_DIR=str(tmp_path / "var"))  # fmt: skip
        assert second.returncode != 0
        assert "Traceback" not in second.stderr
        assert _errors(second.stderr) == [
            f"pydbpro: port {port} on 127.0.0.1 is already in use (is PyDBPro already "
            f"running? open http://127.0.0.1:{port}/ or pass --port)"
        ]
        assert "Password" not in second.stdout
        after = database.stat()
        assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
            before.st_ino, before.st_size, before.st_mtime_ns)  # fmt: skip
        with _log_in(base, password).open(f"{base}/api/me", timeout=10) as response:
            assert json.load(response)["username"] == "demo"  # the original password still works
    finally:
        first.send_signal(signal.SIGINT)
        _, stderr = first.communicate(timeout=30)
    assert first.returncode == 0, stderr


@pytest.mark.parametrize("workers", [1, 2], ids=["1 worker", "2 workers"])
def test_serve_on_a_busy_port_refuses_before_starting(
    tmp_path: Path, sqlite_file: Path, workers: int
) -> None:
    """With 2 workers the running server's sockets share the port (SO_REUSEPORT): the second
    server must not join them, it is refused like any other program."""
    with live_server(tmp_path / "first", workers=workers,
                     DATABASE_URL=f"sqlite:///{sqlite_file}") as server:  # fmt: skip
        port = server.url.rsplit(":", 1)[1]
        second = run_cli(tmp_path, "serve", SECRET_KEY=SECRET, PORT=port,
                         DATABASE_URL=f"sqlite:///{sqlite_file}",
                         DATA_DIR=str(tmp_path / "second"))  # fmt: skip
        assert second.returncode == 2, second.stderr
        assert _errors(second.stderr) == [
            f"pydbpro: port {port} on 127.0.0.1 is already in use (is PyDBPro already "
            f"running? open http://127.0.0.1:{port}/ or set PORT)"
        ]
        assert not (tmp_path / "second").exists()  # nothing was created for the second one
        with urllib.request.urlopen(f"{server.url}/api/health", timeout=10) as response:
            assert response.status == 200


def test_serve_reports_a_settings_warning_once_not_once_per_process(
    tmp_path: Path, sqlite_file: Path
) -> None:
    """The command checks the settings, then Hypercorn's workers load them again: the
    warning about an unknown name must appear once in the log, not once per process."""
    with live_server(tmp_path, DATABASE_URL=f"sqlite:///{sqlite_file}",
                     ALLOW_EXPORTS="false") as server:  # fmt: skip
        with urllib.request.urlopen(f"{server.url}/api/health", timeout=10) as response:
            assert response.status == 200  # a worker has loaded the settings too
    lines = [line for line in server.stderr.splitlines() if "ALLOW_EXPORTS" in line]
    assert len(lines) == 1, lines
    assert "ALLOW_EXPORT?" in lines[0]


def test_sigterm_lets_a_streamed_export_finish_then_stops(tmp_path: Path) -> None:
    """A container engine, systemd or Kubernetes stops PyDBPro with SIGTERM: Hypercorn lets
    the download in flight finish (the packaged hypercorn.toml's graceful_timeout; with a
    short one the download breaks off), then exits cleanly."""
    database = tmp_path / "big.sqlite3"
    rows = 60_000
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, note TEXT)")
        connection.executemany("INSERT INTO big VALUES (?, ?)",
                               ((i, "x" * 200) for i in range(rows)))  # fmt: skip
    password = "a long passphrase for the export"
    added = run_cli(tmp_path, "users", "add", "exporter", "--role", "admin",
                    stdin=password + "\n", DATA_DIR=str(tmp_path / "var"))  # fmt: skip
    assert added.returncode == 0, added.stderr
    with live_server(tmp_path, DATABASE_URL=f"sqlite:///{database}") as server:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = urllib.request.Request(
            f"{server.url}/api/login", method="POST",
            data=json.dumps({"username": "exporter", "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        opener.open(login, timeout=10).close()
        with opener.open(f"{server.url}/api/tables/big/export/csv", timeout=60) as download:
            body = download.read(64 * 1024)  # about 12 MB follow
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert server.process.poll() is None, "the server must wait for the download"
            while chunk := download.read(256 * 1024):
                body += chunk
                time.sleep(0.02)  # a slow client
        assert body.decode().count("\n") == rows + 1  # the header and every row
        assert server.process.wait(timeout=60) == 0
