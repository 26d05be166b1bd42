"""The names settings are given under: aliases, their conflicts, and names we do not know.

pydantic-settings ignores every name it does not know, so a typo (``MAX_QUERY_TIMEOUT``) or
the specification's spelling of a setting would silently leave the default in force. This
module finds those names. It works on the model's field table rather than on ``Settings``
itself, so that ``settings.py`` can use it without an import cycle.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values
from pydantic import AliasChoices, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

#: Prefixes of PyDBPro's own settings that ordinary software does not use: an unknown name
#: starting with one of them is almost certainly meant for us. Generic first words of our
#: names (APP_, DATA_, HOST, PORT, USER_, SECRET_...) are left out on purpose.
SETTING_PREFIXES = (
    "DB_", "DATABASE_", "APP_DATABASE_", "APP_LOG_", "ADMIN_", "LOGIN_", "SESSION_",
    "AUDIT_", "LOG_", "METRICS_", "MAX_", "ALLOW_", "ENABLE_", "PAGE_SIZE_", "EXPORT_",
    "PDF_", "COUNT_", "METADATA_", "HIDDEN_", "LEGACY_", "BRAND_", "TRUSTED_", "SLOW_QUERY_",
    "SQL_DENIED_", "SHOW_SYSTEM_", "READ_ONLY_",
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
        if field_name in skipped or len(names) < 2:
            continue
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
    return (
        f"unknown setting {name} {where} is ignored; did you mean {closest(name, known)}?{hint}"
    )
