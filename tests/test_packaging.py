"""What PyDBPro ships: a wheel or sdist built from a clean clone carries the web UI, and an
installed PyDBPro serves it (the check that "The web interface has not been built" fails).

The builds run as a user's would: `pip wheel` / `python -m build` in an isolated build
environment, on a `git clone` of this repository (so they see what is committed, not the
working tree). The fresh virtualenvs borrow this environment's installed dependencies
through a .pth line, so installing PyDBPro with --no-deps downloads nothing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest

from .cli import clean_env
from .support.live_server import SECRET, free_port, wait_until_listening

ROOT = Path(__file__).parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

slow = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    """This environment without the developer's PYTHONPATH (it would import the checkout's
    PyDBPro instead of the installed one) and without a PYDBPRO_BUILD_UI of their own."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYDBPRO_BUILD_UI")}
    return {**env, **extra}


def _run(
    *args: str | Path, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=_env(**env), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip


def _clone(tmp: Path) -> Path:
    clone = tmp / "clone"
    result = _run("git", "clone", "--quiet", ROOT, clone)
    assert result.returncode == 0, result.stderr
    return clone


#: A PATH with this environment's Python and pip, without node and npm.
NO_NODE = str(Path(sys.executable).parent)


def _build_wheel(source: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """What `pip install .` does first: a wheel built in an isolated environment."""
    return _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, source, **env)


def _package_resources(tree: Path) -> set[str]:
    package = tree / "src" / "pydbpro"
    return {
        f"pydbpro/{path.relative_to(package).as_posix()}"
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }


@slow
def test_without_node_the_build_fails_clearly_or_is_api_only_on_purpose(tmp_path: Path) -> None:
    clone = _clone(tmp_path)
    failed = _build_wheel(clone, tmp_path / "refused", PATH=NO_NODE)
    assert failed.returncode != 0
    assert "building it needs Node.js >= 20.19 with npm" in failed.stderr
    assert "PYDBPRO_BUILD_UI=0 for an API-only build" in failed.stderr
    assert "Traceback" not in failed.stderr

    built = _build_wheel(clone, tmp_path / "api", PATH=NO_NODE, PYDBPRO_BUILD_UI="0")
    assert built.returncode == 0, built.stderr
    assert "PYDBPRO_BUILD_UI=0: building an API-only PyDBPro, without the web UI" in (
        built.stdout + built.stderr
    )
    wheel = next((tmp_path / "api").glob("pydbpro-*.whl"))
    packaged = set(zipfile.ZipFile(wheel).namelist())
    # Every resource the code reads at run time (SQL files, static pages, hypercorn.toml).
    resources = _package_resources(clone)
    assert "pydbpro/hypercorn.toml" in resources
    assert resources - packaged == set()
    assert not any(name.startswith("pydbpro_ui/dist/") for name in packaged)


@dataclass
class Artifacts:
    wheel: Path
    sdist: Path | None  # None without the `build` package (a dev dependency)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    """A wheel built from a clean clone (the UI built by npm on the way), then an sdist."""
    tmp = tmp_path_factory.mktemp("artifacts")
    clone = _clone(tmp)
    built = _build_wheel(clone, tmp / "dist")
    assert built.returncode == 0, built.stderr
    sdist = None
    if importlib.util.find_spec("build") is not None:
        result = _run(sys.executable, "-m", "build", "--sdist", "--outdir", tmp / "dist", clone)
        assert result.returncode == 0, result.stderr
        sdist = next((tmp / "dist").glob("pydbpro-*.tar.gz"))
    return Artifacts(next((tmp / "dist").glob("pydbpro-*.whl")), sdist)


def _fresh_venv(path: Path) -> Path:
    """A new virtualenv that borrows this one's dependencies. A plain path line: the .pth
    files there (such as this checkout's editable PyDBPro) are not read."""
    result = _run(sys.executable, "-m", "venv", "--without-pip", path)
    assert result.returncode == 0, result.stderr
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(_run(path / "bin" / "python", "-c", code).stdout.strip())
    borrowed = [entry for entry in sys.path if entry.endswith("site-packages")]
    (purelib / "_borrowed.pth").write_text("\n".join(borrowed) + "\n")
    return path / "bin"


def _install(target: Path, venv: Path, **env: str) -> Path:
    bin_dir = _fresh_venv(venv)
    result = _run(sys.executable, "-m", "pip", "--python", bin_dir / "python", "install",
                  "--no-deps", target, **env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    code = "import pydbpro, pydbpro_ui; print(pydbpro.__file__, pydbpro_ui.__file__)"
    where = _run(bin_dir / "python", "-c", code, cwd=venv)
    assert all(path.startswith(str(venv)) for path in where.stdout.split()), where.stdout
    version = _run(bin_dir / "pydbpro", "--version", cwd=venv)
    assert version.stdout.strip() == f"pydbpro, version {VERSION}"
    return bin_dir


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get_content_type(), response.read()


def _get_brotli(url: str) -> bytes:
    """The body a browser gets: the build's precompressed copy, decoded."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "br", url
        return bytes(brotli.decompress(response.read()))


def _assert_serves_the_ui(bin_dir: Path, workdir: Path) -> None:
    """`pydbpro serve` as installed: /login is the SPA, its hashed assets are served."""
    database = workdir / "explored.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    port = free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY=SECRET, PORT=str(port),
                    DATA_DIR=str(workdir / "var"))  # fmt: skip
    env.pop("PYTHONPATH", None)
    with (workdir / "server.log").open("w") as log:
        process = subprocess.Popen([bin_dir / "pydbpro", "serve"], cwd=workdir, env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
    try:
        wait_until_listening(port, time.monotonic() + 60)
        # No ./hypercorn.toml here: serve became Hypercorn with the one installed with it.
        command = Path(f"/proc/{process.pid}/cmdline").read_text().split("\0")
        config = Path(command[command.index("--config") + 1])
        assert config.name == "hypercorn.toml" and config.parent.name == "pydbpro"
        assert config.is_relative_to(bin_dir.parent)
        base = f"http://127.0.0.1:{port}"
        status, content_type, body = _get(f"{base}/login")
        page = body.decode()
        assert (status, content_type) == (200, "text/html")
        assert '<div id="app"></div>' in page and "not been built" not in page
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
        assert {Path(asset).suffix for asset in assets} >= {".js", ".css"}
        for asset in assets:
            status, content_type, body = _get(base + asset)
            assert (status, content_type) == (200, CONTENT_TYPES[Path(asset).suffix]), asset
            assert body
            assert _get_brotli(base + asset) == body
    finally:
        process.send_signal(signal.SIGTERM)  # as a container engine or systemd stops it
        process.wait(timeout=60)
    log_text = (workdir / "server.log").read_text()
    assert process.returncode == 0, log_text
    assert "Traceback" not in log_text


@slow
def test_the_wheel_from_a_clean_clone_serves_the_ui(artifacts: Artifacts, tmp_path: Path) -> None:
    wheel = zipfile.ZipFile(artifacts.wheel)
    packaged = wheel.namelist()
    assert "pydbpro_ui/dist/index.html" in packaged
    assert any(name.startswith("pydbpro_ui/dist/assets/") for name in packaged)
    assert not any("node_modules" in name or "/web/" in name for name in packaged)
    # The build's compressed copies come along (a tiny file may have none: no gain).
    texts = [name for name in packaged if name.endswith((".js", ".css", ".html"))
             and wheel.getinfo(name).file_size > 1024]  # fmt: skip
    assert texts and all(f"{name}{suffix}" in packaged
                         for name in texts for suffix in (".br", ".gz"))  # fmt: skip
    _assert_serves_the_ui(_install(artifacts.wheel, tmp_path / "venv"), tmp_path)


@slow
def test_the_sdist_installs_without_node_and_serves_the_ui(
    artifacts: Artifacts, tmp_path: Path
) -> None:
    if artifacts.sdist is None:
        pytest.skip("building an sdist needs the `build` package (pip install -e '.[dev]')")
    names = tarfile.open(artifacts.sdist).getnames()
    top = f"pydbpro-{VERSION}"
    assert f"{top}/src/pydbpro_ui/dist/index.html" in names
    assert f"{top}/src/pydbpro_ui/dist/index.html.br" in names
    assert f"{top}/buildsys/pydbpro_build.py" in names
    # The UI's sources stay out: a wheel built from the sdist uses the built UI.
    assert not any("/web/" in name or "node_modules" in name for name in names)
    bin_dir = _install(artifacts.sdist, tmp_path / "venv", PATH=NO_NODE)
    _assert_serves_the_ui(bin_dir, tmp_path)
