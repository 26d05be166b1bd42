"""The Vue single-page app; `DIST_DIR` is where its build output is served from."""

from pathlib import Path

DIST_DIR = Path(__file__).parent / "dist"
