"""The wheel carries every resource the code reads at run time (SQL files, static pages)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "pydbpro"


def test_wheel_contains_every_package_resource(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    wheel = next(tmp_path.glob("pydbpro-*.whl"))
    packaged = set(zipfile.ZipFile(wheel).namelist())
    resources = {
        f"pydbpro/{path.relative_to(PACKAGE).as_posix()}"
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert resources, "expected some non-Python resources"
    assert resources - packaged == set()
    # The built UI ships in the wheel (an installed PyDBPro serves it); its sources do not.
    if (ROOT / "src" / "pydbpro_ui" / "dist" / "index.html").is_file():
        assert "pydbpro_ui/dist/index.html" in packaged
        assert any(name.startswith("pydbpro_ui/dist/assets/") for name in packaged)
    assert not any("node_modules" in name or "/web/" in name for name in packaged)
