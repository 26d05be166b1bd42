"""No setting is silently ignored: the specification's names work as aliases, two names for
one setting with different values refuse to start, and a name that looks like a setting but
is not one is reported once at start-up with the closest known name."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pydbpro.settings import SettingsError
from pydbpro.settings_loading import load_settings

from .cli import run_cli

STRONG = "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz"
#: Every name the tests below set, removed from the environment first.
NAMES = (
    "ADMIN_PASS", "ADMIN_PASSWORD", "DB_TIMEOUT", "MAX_QUERY_TIME", "USER_ACTIVITY_LOG",
    "LOGGING", "ENABLE_ACTIVITY_LOG", "AUDIT_SINKS", "LOG_FILE_PATH", "SECRET_KEY",
)  # fmt: skip


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment without the names under test, in a folder without a .env file."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """The messages ``pydbpro.settings`` logs at WARNING, each record once."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    logger = logging.getLogger("pydbpro.settings")
    handler, propagate = Collect(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@pytest.mark.parametrize(
    ("alias", "value", "field", "expected"),
    [
        ("ADMIN_PASS", "s3cret-pass", "admin_password", "s3cret-pass"),
        ("DB_TIMEOUT", "7", "max_query_time", 7.0),
        ("USER_ACTIVITY_LOG", "true", "enable_activity_log", True),
        ("LOGGING", "true", "enable_activity_log", True),
    ],
)
@pytest.mark.parametrize("source", ["environment", ".env"])
def test_the_specifications_names_are_aliases(
    env: pytest.MonkeyPatch, alias: str, value: str, field: str, expected: object, source: str
) -> None:
    if source == ".env":
        Path(".env").write_text(f"{alias}={value}\n")
    else:
        env.setenv(alias, value)
    settings = load_settings(secret_key=STRONG)
    got = getattr(settings, field)
    assert (got.get_secret_value() if hasattr(got, "get_secret_value") else got) == expected


@pytest.mark.parametrize(
    ("environment", "dotenv", "names"),
    [
        ({"ADMIN_PASS": "one-password", "ADMIN_PASSWORD": "another-one"}, "",
         ("ADMIN_PASS", "ADMIN_PASSWORD")),
        ({"DB_TIMEOUT": "5"}, "MAX_QUERY_TIME=60\n", ("DB_TIMEOUT", "MAX_QUERY_TIME")),
        ({"LOGGING": "false"}, "ENABLE_ACTIVITY_LOG=true\n", ("ENABLE_ACTIVITY_LOG", "LOGGING")),
    ],
)  # fmt: skip
def test_two_names_for_one_setting_with_different_values_refuse_to_start(
    env: pytest.MonkeyPatch, environment: dict[str, str], dotenv: str, names: tuple[str, ...]
) -> None:
    Path(".env").write_text(dotenv)
    for name, value in environment.items():
        env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(secret_key=STRONG)
    message = str(raised.value)
    assert all(name in message for name in names), message
    assert "one-password" not in message and "another-one" not in message  # never a secret


def test_two_names_with_the_same_value_are_fine(env: pytest.MonkeyPatch) -> None:
    env.setenv("DB_TIMEOUT", "30")
    env.setenv("MAX_QUERY_TIME", "30.0")
    env.setenv("LOGGING", "1")
    env.setenv("ENABLE_ACTIVITY_LOG", "true")
    settings = load_settings(secret_key=STRONG)
    assert settings.max_query_time == 30 and settings.enable_activity_log


def test_a_bad_value_under_an_alias_names_the_alias(env: pytest.MonkeyPatch) -> None:
    env.setenv("DB_TIMEOUT", "soon")
    with pytest.raises(SettingsError, match="invalid setting DB_TIMEOUT"):
        load_settings(secret_key=STRONG)


ORDINARY = {
    "PATH": "/usr/bin", "HOME": "/home/x", "LANG": "C.UTF-8", "LC_ALL": "C", "CI": "true",
    "PYTHONPATH": "src", "HOSTNAME": "pod-1", "TERM": "xterm", "USER": "x", "SHELL": "/bin/sh",
    "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_PORT": "tcp://10.0.0.1:443",
    "DB_SERVICE_HOST": "10.0.0.2", "DB_SERVICE_PORT": "5432",
    "DB_PORT_5432_TCP_ADDR": "10.0.0.2", "METRICS_SERVICE_PORT_HTTP": "9090",
    "SESSION_MANAGER": "local/host:@/tmp/.ICE-unix/1", "DBUS_SESSION_BUS_ADDRESS": "unix:x",
    "PYDBPRO_TEST_PG_URL": "postgresql://x", "VIRTUAL_ENV": "/v", "HTTP_PROXY": "http://p",
    "PYDBPRO_PORT": "tcp://10.0.0.3:8000", "PYDBPRO_SERVICE_HOST": "10.0.0.3",
}  # fmt: skip


def test_unknown_names_that_look_like_settings_warn_once_with_the_closest(
    env: pytest.MonkeyPatch, warnings: list[str]
) -> None:
    typos = {
        "ALLOW_EXPORTS": "ALLOW_EXPORT",
        "MAX_QUERY_TIMEOUT": "MAX_QUERY_TIME",
        "DB_POOLSIZE": "DB_POOL_SIZE",
        "SECRET_KY": "SECRET_KEY",
        "PYDBPRO_PAGE_SIZE_DEFAULT": "PAGE_SIZE_DEFAULT",
    }
    for name in [*typos, *ORDINARY]:
        env.setenv(name, ORDINARY.get(name, "1"))
    load_settings(secret_key=STRONG)
    for name, closest in typos.items():
        about = [message for message in warnings if f" {name} " in message]
        assert len(about) == 1, (name, warnings)
        assert closest in about[0]
    for name in ORDINARY:
        assert not [message for message in warnings if f" {name} " in message], warnings


def test_every_unknown_key_in_dotenv_warns(env: pytest.MonkeyPatch, warnings: list[str]) -> None:
    Path(".env").write_text("PAGE_SIZE_DEFAULT=20\nEXPORT_LIMIT=10\nTHEME_COLOR=blue\nFOO=1\n")
    load_settings(secret_key=STRONG)
    for name in ("EXPORT_LIMIT", "THEME_COLOR", "FOO"):
        assert len([message for message in warnings if f" {name} " in message]) == 1, warnings
    assert next(message for message in warnings if "THEME_COLOR" in message).endswith("THEME?")
    assert not [message for message in warnings if "PAGE_SIZE_DEFAULT " in message]


def test_log_file_path_alone_turns_the_file_sink_on(
    env: pytest.MonkeyPatch, warnings: list[str], tmp_path: Path
) -> None:
    env.setenv("ENABLE_ACTIVITY_LOG", "true")
    env.setenv("LOG_FILE_PATH", str(tmp_path / "activity.jsonl"))
    settings = load_settings(secret_key=STRONG)
    assert settings.audit_file == tmp_path / "activity.jsonl"
    assert warnings == []


def test_an_empty_log_file_path_is_no_file(env: pytest.MonkeyPatch, warnings: list[str]) -> None:
    env.setenv("ENABLE_ACTIVITY_LOG", "true")
    env.setenv("LOG_FILE_PATH", "")
    settings = load_settings(secret_key=STRONG)
    assert settings.log_file_path is None and settings.audit_sinks == ["stdout"]
    assert warnings == []


def test_explicit_sinks_without_file_warn_that_log_file_path_is_unused(
    env: pytest.MonkeyPatch, warnings: list[str], tmp_path: Path
) -> None:
    env.setenv("ENABLE_ACTIVITY_LOG", "true")
    env.setenv("AUDIT_SINKS", "stdout")
    env.setenv("LOG_FILE_PATH", str(tmp_path / "activity.jsonl"))
    settings = load_settings(secret_key=STRONG)
    assert settings.audit_sinks == ["stdout"] and settings.audit_file is None
    assert len(warnings) == 1 and "LOG_FILE_PATH" in warnings[0], warnings
    assert "AUDIT_SINKS" in warnings[0]


def test_the_serve_command_logs_the_warning_once(tmp_path: Path) -> None:
    """Visible where the operator looks: the command's log, before anything else fails."""
    result = run_cli(tmp_path, "serve", SECRET_KEY=STRONG, MAX_QUERY_TIMEOUT="5")
    assert result.returncode == 2  # no database configured: the warning came first
    lines = [line for line in result.stderr.splitlines() if "MAX_QUERY_TIMEOUT" in line]
    assert len(lines) == 1, result.stderr
    assert "WARNING" in lines[0] and "MAX_QUERY_TIME?" in lines[0]
