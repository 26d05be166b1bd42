"""Reading the settings (``load_settings``): from the environment and ``.env``, under any
of their names, with one clear message for what is wrong and a warning for what has no
effect.

pydantic-settings ignores every name it does not know, so a typo (``MAX_QUERY_TIMEOUT``) or
the specification's spelling of a setting would silently leave the default in force. This
module finds those names: aliases, their conflicts, and names we do not know.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import AliasChoices, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from . import logging as app_logging
from .settings import Settings, SettingsError

log = logging.getLogger("pydbpro.settings")  # what operators filter on: about the settings

#: Set by ``pydbpro serve`` for the Hypercorn workers it starts: the command has already
#: reported the settings' warnings, each worker need not repeat them.
REPORTED_MARKER = "PYDBPRO_SETTINGS_REPORTED"

#: Prefixes of PyDBPro's own settings that ordinary software does not use: an unknown name
#: starting with one of them is almost certainly meant for us. Generic first words of our
#: names (APP_, DATA_, HOST, PORT, USER_, SECRET_...) are left out on purpose.
SETTING_PREFIXES = (
    "DB_", "DATABASE_", "APP_DATABASE_", "APP_LOG_", "ADMIN_", "LOGIN_", "SESSION_",
    "AUDIT_", "LOG_", "METRICS_", "MAX_", "ALLOW_", "ENABLE_", "PAGE_SIZE_", "EXPORT_",
    "PDF_", "COUNT_", "METADATA_", "HIDDEN_", "LEGACY_", "BRAND_", "TRUSTED_", "SLOW_QUERY_",
    "SQL_DENIED_", "SHOW_SYSTEM_", "READ_ONLY_", "CONSOLE_", "QUERY_", "REDIS_",
    "AUTH_CACHE_", "GRACEFUL_", "COMPRESS_",
)  # fmt: skip
#: PyDBPro's settings have no prefix; PYDBPRO_<setting> is someone expecting one. Other
#: PYDBPRO_* names belong to the development tools (PYDBPRO_TEST_PG_URL...).
PREFIX = "PYDBPRO_"
#: Other programs' variables that happen to start like ours.
FOREIGN = frozenset({"SESSION_MANAGER"})
#: Kubernetes writes <SERVICE>_SERVICE_HOST, <SERVICE>_PORT=tcp://..., <SERVICE>_PORT_5432_TCP
#: ... for every service in the namespace; a service named "db" or "pydbpro" is no setting.
_SERVICE_LINK = re.compile(r"_SERVICE_(HOST|PORT\w*)$|_PORT_\d+_(TCP|UDP|SCTP)(_\w+)?$")
_SERVICE_ADDRESS = re.compile(r"(tcp|udp|sctp)://", re.IGNORECASE)
#: How alike an unprefixed name must be to one of ours to count as a typo (SECRET_KY).
TYPO_CUTOFF = 0.85


def accepted_names(fields: Mapping[str, FieldInfo]) -> dict[str, str]:
    """Every name a setting may be given under (upper case) -> its field name."""
    names: dict[str, str] = {}
    for field_name, field in fields.items():
        for name in field_names(field_name, field):
            names[name] = field_name
    return names


def field_names(field_name: str, field: FieldInfo) -> list[str]:
    """The field's own name first, then its aliases (``validation_alias=AliasChoices``)."""
    names = [field_name.upper()]
    if isinstance(field.validation_alias, AliasChoices):
        names += [str(choice).upper() for choice in field.validation_alias.choices]
    return list(dict.fromkeys(names))


def read_dotenv(env_file: str | Path | None) -> dict[str, str]:
    """The keys and values of the ``.env`` file (upper-case keys), empty when there is none."""
    if env_file is None or not Path(env_file).is_file():
        return {}
    values = dotenv_values(env_file, encoding="utf-8")
    return {key.upper(): value or "" for key, value in values.items()}


def alias_conflicts(
    fields: Mapping[str, FieldInfo], given: Mapping[str, str], skip: Iterable[str] = ()
) -> list[str]:
    """One message per setting given under two of its names with different values.

    ``given`` is the .env file overlaid with the environment. pydantic would quietly take
    one of the names; which one is an accident of ordering, so start-up is refused instead.
    Values are compared after conversion (``30`` equals ``30.0``, ``1`` equals ``true``) and
    never printed: one of them may be a password.
    """
    skipped = set(skip)
    problems = []
    for field_name, field in fields.items():
        names = [name for name in field_names(field_name, field) if name in given]
        if field_name in skipped or len(names) < 2 or field.annotation is None:
            continue  # (every Settings field is annotated; None is pydantic's "untyped")
        adapter = TypeAdapter(field.annotation)
        values = [_comparable(adapter, given[name]) for name in names]
        if any(value != values[0] for value in values[1:]):
            listed = " and ".join(sorted(names))
            problems.append(
                f"invalid settings {listed}: both name the setting {field_name.upper()} but "
                "have different values; set only one of them"
            )
    return problems


def _comparable(adapter: TypeAdapter[object], raw: str) -> object:
    try:
        return adapter.validate_python(raw.strip())
    except ValidationError:
        return raw.strip()  # the bad value is reported by the model itself


def looks_like_a_setting(name: str, value: str, known: Iterable[str]) -> bool:
    """Whether an unknown environment variable was probably meant for PyDBPro."""
    if name in FOREIGN or _SERVICE_LINK.search(name):
        return False
    if name.endswith("_PORT") and _SERVICE_ADDRESS.match(value):
        return False
    if name.startswith(PREFIX):
        return name.removeprefix(PREFIX) in set(known)
    if name.startswith(SETTING_PREFIXES):
        return True
    return bool(difflib.get_close_matches(name, list(known), n=1, cutoff=TYPO_CUTOFF))


def closest(name: str, known: Iterable[str]) -> str:
    """The known name most like ``name`` (there always is one)."""
    return difflib.get_close_matches(name.removeprefix(PREFIX), list(known), n=1, cutoff=0)[0]


def unknown_names(
    known: Iterable[str], environ: Mapping[str, str], dotenv: Mapping[str, str]
) -> list[str]:
    """One warning per unknown name: every unknown key of the .env file (it is ours), and
    the environment variables that look like settings."""
    names = sorted(set(known))
    warnings = []
    for key in sorted(set(dotenv) - set(names)):
        warnings.append(_unknown(key, "in .env", names))
    environ = {key.upper(): value for key, value in environ.items()}
    for key in sorted(set(environ) - set(names) - set(dotenv)):
        if looks_like_a_setting(key, environ[key], names):
            warnings.append(_unknown(key, "in the environment", names))
    return warnings


def _unknown(name: str, where: str, known: list[str]) -> str:
    hint = " (PyDBPro's settings have no prefix)" if name.startswith(PREFIX) else ""
    return f"unknown setting {name} {where} is ignored; did you mean {closest(name, known)}?{hint}"


def describe_validation_error(
    error: ValidationError, given: Mapping[str, str] | None = None
) -> str:
    """One line per bad setting, named as the operator writes it (``PAGE_SIZE_DEFAULT``, or
    ``DB_TIMEOUT`` when that alias of MAX_QUERY_TIME is what ``given`` holds)."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        message = item["msg"].removeprefix("Value error, ")
        if not item["loc"]:  # a rule across settings names them itself
            lines.append(message)
            continue
        name = _name_as_given(str(item["loc"][0]), given or {})
        lines.append(f"invalid setting {name}: {message}")
    return "\n".join(lines)


def _name_as_given(field_name: str, given: Mapping[str, str]) -> str:
    field = Settings.model_fields.get(field_name)
    if field is None:
        return field_name.upper()
    names = field_names(field_name, field)
    return next((name for name in names if name in given), names[0])


def load_settings(*, report: bool = True, **overrides: Any) -> Settings:
    """Read settings from the environment and ``.env``; raise SettingsError with a clear text.

    A setting given under two of its names with different values is refused. With
    ``report``, unknown names and settings without effect are logged (``report_settings``);
    callers that configure logging first pass False and report afterwards.
    """
    env_file = overrides.get("_env_file", Settings.model_config.get("env_file"))
    given = {**read_dotenv(env_file), **_environ()}
    conflicts = alias_conflicts(Settings.model_fields, given, skip=overrides)
    if conflicts:
        raise SettingsError("\n".join(conflicts))
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error, given)) from None
    if report:
        report_settings(settings, env_file)
    return settings


def report_settings(settings: Settings, env_file: str | Path | None = ".env") -> None:
    """Log one warning per unknown setting name and per setting without effect, once per
    start-up: not again in the workers of ``pydbpro serve`` (REPORTED_MARKER)."""
    if os.environ.get(REPORTED_MARKER):
        return
    known = accepted_names(Settings.model_fields)
    dotenv = read_dotenv(env_file)
    for message in unknown_names(known, _environ(), dotenv) + settings.notices():
        log.warning("%s", message)


def _environ() -> dict[str, str]:
    return {key.upper(): value for key, value in os.environ.items()}


def start_logging(settings: Settings, *, report: bool = True) -> None:
    """The application log as the settings ask for it; then, with ``report``, the
    settings' warnings, so that they land in that log."""
    app_logging.configure(
        "DEBUG" if settings.debug else settings.log_level, settings.app_log_file_path
    )
    if report:
        report_settings(settings)
