"""PyDBPro's build backend: setuptools, plus the web UI in every sdist and wheel.

The UI's build output (src/pydbpro_ui/dist) is not in git, so a wheel built from a clean
clone would serve "The web interface has not been built". Here `build_py` and `sdist` first
build the UI with npm when it is missing or older than its sources. An sdist carries the
built UI and not its sources, so a wheel built from an sdist never needs Node.

npm runs `build:only` (Vite), not `build`: the bundle does not depend on the TypeScript
types generated from the API's OpenAPI document, and writing that document needs PyDBPro's
dependencies, which an isolated build environment does not have. The type check against
the API (`npm run build`, vue-tsc) is `make ui`'s and CI's job; `make dist` runs `make ui`
first, so its artifacts are type-checked.

PYDBPRO_BUILD_UI=0 builds an API-only package on purpose: the UI is neither built nor
packaged (a warning says so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from setuptools.build_meta import *  # noqa: F403 -- the PEP 517 hooks themselves are setuptools'
from setuptools.command.build_py import build_py as _build_py
from setuptools.command.sdist import sdist as _sdist
from setuptools.errors import SetupError

UI_PACKAGE = "pydbpro_ui"
WEB = Path("src/pydbpro_ui/web")
BUILT = Path("src/pydbpro_ui/dist/index.html")
# What the bundle is made of (the Makefile's UI_SOURCES, plus the npm manifests). Not
# openapi.json or src/api/schema.d.ts: only the type check reads them.
SOURCE_DIRS = ("src", "public")
SOURCE_FILES = ("index.html", "vite.config.ts", "env.d.ts", "package.json", "package-lock.json")
GENERATED = ("src/api/schema.d.ts",)
API_ONLY = "PYDBPRO_BUILD_UI=0: building an API-only PyDBPro, without the web UI"


def _newest_source(web: Path) -> float:
    files = [web / name for name in SOURCE_FILES] + list(web.glob("tsconfig*.json"))
    for folder in SOURCE_DIRS:
        files += [path for path in (web / folder).rglob("*") if path.is_file()]
    skip = {web / name for name in GENERATED}
    return max(path.stat().st_mtime for path in files if path.is_file() and path not in skip)


def api_only() -> bool:
    return os.environ.get("PYDBPRO_BUILD_UI", "1").strip() == "0"


def prepare_ui(root: Path) -> None:
    """Build the UI if needed, or say that this build leaves it out on purpose."""
    if api_only():
        warnings.warn(API_ONLY, stacklevel=1)  # pip shows a backend's warnings (no -v needed)
    else:
        ensure_ui(root)


def ensure_ui(root: Path) -> None:
    """Build the UI in `root` unless its build is present and newer than its sources."""
    web, built = root / WEB, root / BUILT
    if not (web / "package.json").is_file():  # an sdist: the UI came built, sources stay out
        if built.is_file():
            return
        raise SetupError(
            f"{BUILT} is missing and there are no UI sources to build it from (an sdist "
            "made with PYDBPRO_BUILD_UI=0?). Set PYDBPRO_BUILD_UI=0 for an API-only build."
        )
    if built.is_file() and built.stat().st_mtime >= _newest_source(web):
        return
    npm = shutil.which("npm")
    if npm is None:
        state = "older than its sources" if built.is_file() else "missing"
        raise SetupError(
            f"PyDBPro's web UI ({BUILT}) is {state} and building it needs Node.js >= 20.19 "
            "with npm (https://nodejs.org). Install Node.js, install from a PyDBPro sdist "
            "(it carries the built UI), or set PYDBPRO_BUILD_UI=0 for an API-only build."
        )
    # A checkout's node_modules is the developer's (maybe a link): never wiped by `npm ci`.
    if not (web / "node_modules").exists():
        _npm(npm, web, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    _npm(npm, web, "run", "build:only")
    if not built.is_file():
        raise SetupError(f"npm run build:only did not write {BUILT}")


def _npm(npm: str, web: Path, *args: str) -> None:
    print(f"building the web UI: npm {' '.join(args)} (in {WEB})", file=sys.stderr, flush=True)
    result = subprocess.run([npm, *args], cwd=web, check=False)  # noqa: S603 -- npm, fixed args
    if result.returncode != 0:
        raise SetupError(f"npm {' '.join(args)} failed in {WEB} (exit status {result.returncode})")


class BuildPy(_build_py):
    """Packages the built UI as pydbpro_ui's package data, building it first if needed."""

    def run(self) -> None:
        if not self.editable_mode:  # an editable install serves the checkout's own build
            prepare_ui(Path.cwd())
        self.__dict__.pop("data_files", None)  # list the data files after the UI is built
        # build/lib outlives a build: an earlier UI's hashed assets must not ship again.
        shutil.rmtree(Path(self.build_lib, UI_PACKAGE, "dist"), ignore_errors=True)
        super().run()

    def find_data_files(self, package: str, src_dir: str) -> list[str]:
        if package == UI_PACKAGE and api_only():
            return []
        return list(super().find_data_files(package, src_dir))


class Sdist(_sdist):
    """An sdist with the built UI in it, so that installing from it needs no Node."""

    def run(self) -> None:
        prepare_ui(Path.cwd())
        super().run()
