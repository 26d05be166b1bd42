"""``pydbpro openapi``: the document the UI's types are generated from is the one a running
server serves, and it is written without any database configured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .cli import run_cli


async def test_writes_what_the_server_serves_without_a_database(
    tmp_path: Path, client: Any
) -> None:
    output = tmp_path / "openapi.json"
    result = run_cli(tmp_path, "openapi", "--output", str(output))  # no DATABASE_URL set
    assert result.returncode == 0, result.stderr
    served = await (await client.get("/openapi.json")).get_json()
    assert json.loads(output.read_text(encoding="utf-8")) == served
    assert "column_kinds" in json.dumps(served)


def test_an_unchanged_document_keeps_its_file_time(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    assert run_cli(tmp_path, "openapi", "-o", str(output)).returncode == 0
    output.touch()  # a rewrite would give it a later time than this
    touched = output.stat().st_mtime_ns
    assert run_cli(tmp_path, "openapi", "-o", str(output)).returncode == 0
    assert output.stat().st_mtime_ns == touched
    stdout = run_cli(tmp_path, "openapi").stdout
    assert json.loads(stdout) == json.loads(output.read_text(encoding="utf-8"))
