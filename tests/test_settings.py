"""Bad settings stop start-up with one clear message naming the setting, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from pydbpro.settings import Settings, SettingsError
from pydbpro.settings_loading import load_settings

from .cli import run_cli

STRONG = "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz"
README = Path(__file__).parents[1] / "README.md"


@pytest.mark.parametrize(
    ("env", "setting", "phrase"),
    [
        ({"PAGE_SIZE_DEFAULT": "lots"}, "PAGE_SIZE_DEFAULT", "integer"),
        ({"PAGE_SIZE_DEFAULT": "30"}, "PAGE_SIZE_DEFAULT", "PAGE_SIZE_OPTIONS"),
        ({"READ_ONLY_MODE": "false"}, "READ_ONLY_MODE", "read-only"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY", "too weak"),
        ({"SECRET_KEY": "a" * 40}, "SECRET_KEY", "too weak"),
        ({"SECRET_KEY": "CHANGE-ME-to-the-output-of-python3-secrets-48"}, "SECRET_KEY", "too weak"),
        ({"DB_PORT": "99999"}, "DB_PORT", "65535"),
        ({"DATABASE_URL": "oracle://scott:tiger@db/orcl"}, "DATABASE_URL", "unsupported"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"}, "TRUSTED_PROXIES", "not-an-ip"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "DEBUG"),
    ],
)
def test_bad_setting_gives_one_clear_message(
    tmp_path: Path, env: dict[str, str], setting: str, phrase: str
) -> None:
    settings = {"SECRET_KEY": STRONG, "DATABASE_URL": "sqlite:////nonexistent.db", **env}
    result = run_cli(tmp_path, "serve", **settings)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"pydbpro: invalid setting {setting}:")
    assert phrase in lines[0]


def test_missing_secret_key_refuses_to_serve(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").touch()
    result = run_cli(tmp_path, "serve", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 2
    assert result.stderr.startswith("pydbpro: invalid setting SECRET_KEY: is required")


def test_missing_sqlite_file_is_reported(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, "serve", SECRET_KEY=STRONG, DATABASE_URL="sqlite:////no/such/file.db"
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_serve_without_a_database_explains_what_to_do(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", SECRET_KEY=STRONG)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "pydbpro demo" in result.stderr


def test_settings_read_from_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        f"SECRET_KEY={STRONG}\nPAGE_SIZE_OPTIONS=5,25\nPAGE_SIZE_DEFAULT=25\n"
        "HIDDEN_TABLES=secret_*, audit.*\n"
    )
    monkeypatch.chdir(tmp_path)
    for name in ("SECRET_KEY", "PAGE_SIZE_OPTIONS", "PAGE_SIZE_DEFAULT", "HIDDEN_TABLES"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.page_size_options == [5, 25] and settings.page_size_default == 25
    assert settings.hidden_tables == ["secret_*", "audit.*"]


def test_load_settings_raises_settings_error_not_validation_error() -> None:
    with pytest.raises(SettingsError, match="invalid setting MAX_QUERY_TIME"):
        load_settings(_env_file=None, secret_key=STRONG, max_query_time=-1)


def test_readme_documents_every_setting() -> None:
    """The README's configuration table and the Settings model cannot drift apart."""
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), flags=re.M))
    declared = {name.upper() for name in Settings.model_fields}
    assert declared - documented == set(), "settings missing from the README table"
    assert documented - declared == set(), "README documents settings that do not exist"


def test_readme_names_every_alias_in_its_settings_row() -> None:
    """The specification's names (ADMIN_PASS, DB_TIMEOUT...) are documented where they act."""
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `([A-Z_]+)` \|.*$", README.read_text(), flags=re.M)
    }
    aliases = {
        name.upper(): [choice.upper() for choice in field.validation_alias.choices[1:]]
        for name, field in Settings.model_fields.items()
        if isinstance(field.validation_alias, AliasChoices)
    }
    assert {"ADMIN_PASSWORD", "MAX_QUERY_TIME", "ENABLE_ACTIVITY_LOG"} <= set(aliases)
    for name, names in aliases.items():
        for alias in names:
            assert f"`{alias}`" in rows[name], f"README row of {name} does not name {alias}"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"audit_sinks": "stdout,kafka"}, "invalid setting AUDIT_SINKS: unknown sink 'kafka'"),
        ({"enable_activity_log": True, "audit_sinks": "file"},
         "invalid setting AUDIT_SINKS: the file sink needs LOG_FILE_PATH"),
        ({"metrics_token": "short"}, "invalid setting METRICS_TOKEN: is too weak"),
        ({"metrics_allowed_addresses": "10.0.0.0/8,intranet"},
         "invalid setting METRICS_ALLOWED_ADDRESSES: 'intranet' is not an IP address"),
    ],
)  # fmt: skip
def test_logging_and_metrics_settings_are_checked(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, secret_key=STRONG, **values)
    assert str(raised.value).startswith(message)


def test_audit_sinks_are_normalised() -> None:
    settings = load_settings(_env_file=None, secret_key=STRONG, audit_sinks=" Store, stdout,store")
    assert settings.audit_sinks == ["store", "stdout"]
    assert not settings.audit_store  # ENABLE_ACTIVITY_LOG is off
