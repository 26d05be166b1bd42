"""``pydbpro users`` and ``pydbpro tokens`` through the real command, then used over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydbpro.settings import Settings

from .cli import run_cli
from .conftest import TestDatabase, running_app


def _store_env(tmp_path: Path) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "var")}


def test_user_lifecycle(tmp_path: Path) -> None:
    env = _store_env(tmp_path)
    added = run_cli(tmp_path, "users", "add", "bob", stdin="s3cret-password\n", **env)
    assert added.returncode == 0, added.stderr
    assert "created user 'bob' (role viewer)" in added.stdout
    duplicate = run_cli(tmp_path, "users", "add", "bob", stdin="s3cret-password\n", **env)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    short = run_cli(tmp_path, "users", "add", "carol", stdin="short\n", **env)
    assert short.returncode == 1 and "at least 8" in short.stderr
    assert run_cli(tmp_path, "users", "disable", "bob", **env).returncode == 0
    listed = run_cli(tmp_path, "users", "list", **env)
    assert listed.stdout.splitlines() == ["bob\tviewer\tdisabled"]
    missing = run_cli(tmp_path, "users", "passwd", "nobody", stdin="whatever-pass\n", **env)
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


def test_password_is_never_taken_from_argv(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "users", "add", "bob", "--password", "x", **_store_env(tmp_path))
    assert result.returncode != 0
    assert "No such option" in result.stderr


async def test_cli_users_and_tokens_work_over_http(
    tmp_path: Path, make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    env = _store_env(tmp_path)  # make_settings uses the same DATA_DIR
    assert (
        run_cli(tmp_path, "users", "add", "dave", stdin="dave-password-1\n", **env).returncode == 0
    )
    created = run_cli(
        tmp_path, "tokens", "create", "--user", "dave", "--name", "ci", "--expires", "30", **env
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("pdb_") and "not shown again" in created.stderr
    listed = run_cli(tmp_path, "tokens", "list", **env).stdout
    assert token not in listed and token[:12] in listed and "active" in listed
    token_id = listed.split("\t", 1)[0]

    async with running_app(make_settings(database_url=sqlite_db.readonly_url)) as app:
        client = app.test_client()
        me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert (await me.get_json())["username"] == "dave"
        await login(client, "dave", "dave-password-1")

        assert run_cli(tmp_path, "tokens", "revoke", token_id, **env).returncode == 0
        revoked = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert revoked.status_code == 401

        changed = run_cli(tmp_path, "users", "passwd", "dave", stdin="dave-password-2\n", **env)
        assert changed.returncode == 0
        assert (await client.get("/api/me")).status_code == 401  # session ended server-side
        await login(client, "dave", "dave-password-2")
