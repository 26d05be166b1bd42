"""nginx from Debian as the load balancer in front of several ``pydbpro serve`` instances on
127.0.0.1: the production proxy configuration (deploy/nginx/pydbpro.conf) with only what a
loopback test cannot have changed, run as an unprivileged foreground process.

Changed from the deployed file, and nothing else: the instances' addresses, plain HTTP on a
free loopback port instead of TLS (and no redirect from port 80), the log paths, and one
header added for the test, ``X-Upstream`` (nginx's ``$upstream_addr``), so that a test sees
which instance answered each request (after a retry: the addresses tried, comma-separated).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .live_server import REPO, free_port, wait_until_listening

DEPLOYED = REPO / "deploy" / "nginx" / "pydbpro.conf"


@dataclass
class Balancer:
    url: str
    error_log: Path
    access_log: Path


def require_nginx() -> str:
    """nginx's path; the test is skipped without it (it fails under CI=true)."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx:
        return nginx
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is not installed (.ci/run installs it)")
    pytest.skip("!!! nginx is not installed (apt-get install nginx): scale-out NOT tested")


def _sub(pattern: str, replacement: str, text: str, count: int = 0) -> str:
    """re.sub that fails when the deployed file no longer has what it replaces."""
    changed, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert found, f"deploy/nginx/pydbpro.conf no longer matches {pattern!r}"
    return changed


def site_config(ports: list[int], listen_port: int, logs: Path) -> str:
    """The deployed site with the changes listed in the module's docstring."""
    site = DEPLOYED.read_text(encoding="utf-8")
    server_line = re.search(r"^(\s*)server\s+\S+:8000(\s[^;]*)?;\n", site, re.MULTILINE)
    assert server_line, "deploy/nginx/pydbpro.conf: no upstream server line"
    indent, options = server_line.group(1), server_line.group(2) or ""
    servers = "".join(f"{indent}server 127.0.0.1:{port}{options};\n" for port in ports)
    site = _sub(r"^\s*server\s+\S+:8000(\s[^;]*)?;\n", "", site)
    site = _sub(r"^(upstream pydbpro \{\n)", rf"\g<1>{servers}", site)
    # The plain-HTTP server that only redirects to HTTPS.
    site = _sub(r"(?s)^server \{\n(?:(?!^\}).)*?return 301[^\n]*\n\}\n", "", site)
    site = _sub(r"^\s*listen\s+443 ssl;\n", f"    listen 127.0.0.1:{listen_port};\n", site)
    site = _sub(r"^\s*listen\s+\[::\]:443 ssl;\n", "", site)
    site = _sub(r"^\s*ssl_[a-z_]+\s[^;]*;\n", "", site)
    site = _sub(r"/var/log/nginx/", f"{logs}/", site)
    upstream_header = r"\g<1>    add_header X-Upstream $upstream_addr always;\n"
    return _sub(r"^(\s*server_tokens off;\n)", upstream_header, site, count=1)


@contextmanager
def nginx_balancer(workdir: Path, ports: list[int]) -> Iterator[Balancer]:
    """nginx in front of the instances on ``ports`` (round robin, no affinity); stopped
    (SIGQUIT: a graceful stop) when the block ends."""
    nginx = require_nginx()
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (workdir / "site.conf").write_text(site_config(ports, port, workdir), encoding="utf-8")
    temp = {name: workdir / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(exist_ok=True)
    temp_paths = "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items())
    (workdir / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {workdir}/nginx.pid;\n"
        f"error_log {workdir}/error.log warn;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{\n{temp_paths}  access_log off;\n  include {workdir}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    with (workdir / "nginx.out").open("w") as out:
        process = subprocess.Popen(
            [nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_listening(port, time.monotonic() + 30)
        yield Balancer(f"http://127.0.0.1:{port}", workdir / "error.log", workdir / "access.log")
    finally:
        process.send_signal(3)  # SIGQUIT
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
