"""Run the real ``pydbpro`` command in a subprocess, isolated from the developer's env."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Settings a developer may have exported; a test must never inherit them.
_SETTING_PREFIXES = (
    "DB_",
    "DATABASE_URL",
    "APP_DATABASE_URL",
    "SECRET_KEY",
    "ADMIN_",
    "DATA_DIR",
    "READ_ONLY_MODE",
    "PAGE_SIZE",
    "PORT",
    "HOST",
    "REDIS_",
    "AUTH_CACHE_",
)


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_SETTING_PREFIXES)}
    env.update(settings)
    return env


def run_cli(
    cwd: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pydbpro", *args],
        cwd=cwd,
        env=clean_env(**settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
