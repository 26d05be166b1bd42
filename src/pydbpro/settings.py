"""Every setting PyDBPro reads, in one place.

Values come from the environment (names as in the specification, e.g. ``DB_TYPE``) and an
optional ``.env`` file. Each field is typed, defaulted and described: the README's
configuration table is checked against this model by a test, so the two cannot drift.
Where the specification spells a setting differently (``ADMIN_PASS``, ``DB_TIMEOUT``...),
its name is an alias. Reading them, and reporting names we do not know, is
``settings_loading.py``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .roles import ROLES

#: What APP_DATABASE_URL may start with: PyDBPro's own store (store/) runs on these.
_STORE_SCHEMES = ("sqlite", "postgresql", "postgres")  # the store, not the explored database

_WEAK_SECRETS = {"secret", "changeme", "change-me", "somesecretkey12345", "development", "dev"}
MIN_SECRET_LENGTH = 32
_SECRET_HINT = (
    f"use at least {MIN_SECRET_LENGTH} random characters, e.g. the output of "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
)


def _split_list(value: object) -> object:
    """Accept ``a,b,c`` (the friendly form) as well as a JSON list for list settings."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


#: LEGACY_URL_PREFIX: one or more path segments, none of them "." or "..".
_LEGACY_PREFIX = re.compile(r"(?:/(?!\.{1,2}(?:/|$))[A-Za-z0-9._~-]+)+")

#: The activity log's sinks (audit/sinks.py).
AUDIT_SINKS = ("stdout", "file", "store")

CommaList = Annotated[list[str], NoDecode]
IntList = Annotated[list[int], NoDecode]


class Settings(BaseSettings):
    """PyDBPro's configuration; see the README for the table generated from these fields."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        validate_default=True,
        frozen=True,
    )

    # --- the explored database -------------------------------------------------------------
    database_url: SecretStr | None = Field(
        None,
        description="Whole connection URL of the explored database, e.g. "
        "postgresql://user:pw@host:5432/db, mysql://..., sqlite:////path/file.db. "
        "Overrides the DB_* settings.",
    )
    db_type: Literal["postgresql", "mysql", "mariadb", "sqlite"] | None = Field(
        None, description="Type of the explored database when DATABASE_URL is not set."
    )
    db_host: str = Field("127.0.0.1", description="Database host.")
    db_port: int | None = Field(
        None, ge=1, le=65535, description="Database port (default 5432 / 3306)."
    )
    db_name: str | None = Field(None, description="Database name (file path for SQLite).")
    db_user: str | None = Field(None, description="Database user (should be read-only).")
    db_password: SecretStr | None = Field(None, description="Database password.")
    db_ssl_mode: (
        Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] | None
    ) = Field(None, description="TLS mode for the database connection.")
    db_pool_size: int = Field(
        10, ge=1, le=200, description="Connections kept in the pool (per server process)."
    )
    db_pool_max_overflow: int = Field(
        5, ge=0, le=200, description="Extra connections allowed above DB_POOL_SIZE under load."
    )
    db_pool_timeout: float = Field(
        10, gt=0, le=300, description="Seconds to wait for a free connection before 503."
    )
    db_connect_timeout: float = Field(
        5,
        gt=0,
        le=300,
        description="Seconds to open a connection, or for a liveness check to be answered: "
        "a database silent for longer is unavailable (503 at once until it answers again).",
    )

    # --- PyDBPro's own store -------------------------------------------------------------------
    data_dir: Path = Field(
        Path("var"), description="Directory for PyDBPro's own files (store, demo database)."
    )
    app_database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of PyDBPro's own store (users, tokens, sessions); "
        "default: a SQLite file in DATA_DIR. Never the explored database.",
    )
    redis_url: SecretStr | None = Field(
        None,
        description="Optional Redis shared by all instances, e.g. redis://host:6379/0: login "
        "throttling and a short-lived cache of session and token lookups. While it does not "
        "answer, the store serves both (never an error).",
    )
    redis_key_prefix: str = Field(
        "pydbpro:",
        min_length=1,
        max_length=64,
        description="Prefix of every Redis key PyDBPro writes (several deployments can share "
        "one Redis).",
    )
    redis_timeout: float = Field(
        0.5,
        gt=0,
        le=10,
        description="Seconds a Redis command may take before the store is used instead.",
    )
    auth_cache_seconds: float = Field(
        5,
        ge=0,
        le=300,
        description="Seconds a session or token lookup stays cached, so a request does not "
        "query the store to know who is calling. With REDIS_URL the cache is shared: logout, "
        "revocation and user changes clear it on every instance at once (one made while Redis "
        "was unreachable may be missed for this long). Without it, with the default SQLite "
        "store, each server process keeps its own, and every change (from any worker or "
        "`pydbpro users`) clears them all at once through a file beside the store; with a "
        "PostgreSQL store and no REDIS_URL nothing is cached. 0: no cache.",
    )

    # --- web application -------------------------------------------------------------------
    demo_mode: bool = Field(
        False, description="Set by `pydbpro demo`: a random SECRET_KEY is used when none is set."
    )
    secret_key: SecretStr | None = Field(
        None, description=f"Signs session cookies; at least {MIN_SECRET_LENGTH} random characters."
    )
    debug: bool = Field(False, description="Verbose logging; never enable in production.")
    session_timeout: float = Field(
        30, gt=0, le=24 * 60, description="Minutes of inactivity after which a session ends."
    )
    session_max_age: float = Field(
        12, gt=0, le=24 * 30, description="Hours after login at which a session ends regardless."
    )
    preferred_url_scheme: Literal["http", "https"] = Field(
        "http", description="https makes cookies Secure and adds HSTS."
    )
    host: str = Field("127.0.0.1", description="Address `pydbpro serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `pydbpro serve` listens on.")
    graceful_timeout: int | None = Field(
        None,
        gt=0,
        le=24 * 3600,
        description="Seconds a stop (SIGTERM) lets requests in flight and streamed exports "
        "finish before it closes them; default: the Hypercorn config's graceful_timeout (30).",
    )
    trusted_proxies: CommaList = Field(
        default_factory=list,
        description="Addresses/networks of reverse proxies whose X-Forwarded-For is believed.",
    )
    compress_responses: bool = Field(
        True,
        description="Compress JSON, pages, static files and CSV downloads (brotli or gzip) "
        "for clients that accept it; false when a proxy in front compresses instead.",
    )

    # --- users and login -------------------------------------------------------------------
    admin_user: str | None = Field(
        None, description="Creates this first user at start-up when the store has no users."
    )
    admin_password: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("admin_password", "admin_pass"),
        description="Password for ADMIN_USER. Also read as ADMIN_PASS.",
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        description="Failed logins for one username from one address before the lockout "
        "delays start (429).",
    )
    login_failure_window: float = Field(
        15, gt=0, description="Minutes over which failed logins are counted."
    )
    login_lockout_delay: float = Field(
        60,
        gt=0,
        description="Seconds of the first lockout of a username from an address; each further "
        "failure doubles it, up to LOGIN_FAILURE_WINDOW.",
    )
    login_address_max_failures: int = Field(
        100,
        ge=1,
        description="Failed logins from one address, across usernames, per window before 429 "
        "(against password spraying).",
    )
    login_username_max_failures: int = Field(
        50,
        ge=1,
        description="Failed logins for one username, across addresses, per window before 429; "
        "a success from an address that had not failed resets it.",
    )

    # --- logging -------------------------------------------------------------------------------
    # The specification names it LOGGING or USER_ACTIVITY_LOG too. PyDBPro's application
    # log cannot be turned off (it always goes to stderr), so LOGGING can only mean this.
    enable_activity_log: bool = Field(
        False,
        validation_alias=AliasChoices("enable_activity_log", "user_activity_log", "logging"),
        description="Record user activity (audit log). Also read as USER_ACTIVITY_LOG or "
        "LOGGING (the application log is always on).",
    )
    audit_sinks: CommaList = Field(
        default_factory=lambda: ["stdout"],
        description="Where activity events go: any of stdout (JSON lines), file "
        "(LOG_FILE_PATH) and store (PyDBPro's own database, read by GET /api/audit). "
        "When not set: file if LOG_FILE_PATH is set, otherwise stdout.",
    )
    log_file_path: Path | None = Field(
        None,
        description="File of the activity log's file sink (JSON lines, rotated by size). "
        "Setting it without AUDIT_SINKS turns that sink on.",
    )
    log_file_max_bytes: int = Field(
        10_000_000, ge=1000, description="Size at which the activity log file is rotated."
    )
    log_file_backups: int = Field(
        5, ge=0, le=1000, description="Rotated activity log files kept (name.1 ... name.N)."
    )
    audit_retention_days: float = Field(
        90, ge=0, description="Days events are kept in the store sink; 0 keeps them forever."
    )
    audit_queue_size: int = Field(
        10_000,
        ge=1,
        description="Events waiting to be written; when full, new events are dropped and "
        "counted, never blocking a request.",
    )
    log_sql_queries: bool = Field(
        False, description="Include SQL text in the activity log (otherwise a hash)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="Application log level."
    )
    app_log_file_path: Path | None = Field(
        None, description="Also write the application log to this file (it always goes to stderr)."
    )
    slow_query_seconds: float = Field(
        5, gt=0, description="Queries and exports slower than this are logged at WARNING."
    )
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token that GET /metrics requires (Prometheus scrapers)."
    )
    metrics_allowed_addresses: CommaList = Field(
        default_factory=list,
        description="Addresses/networks that may read GET /metrics without the token. With "
        "neither this nor METRICS_TOKEN set, /metrics is off.",
    )

    # --- limits ----------------------------------------------------------------------------
    max_query_time: float = Field(
        30,
        gt=0,
        le=3600,
        validation_alias=AliasChoices("max_query_time", "db_timeout"),
        description="Seconds a browse or console query may run. Also read as DB_TIMEOUT.",
    )
    export_query_time: float = Field(
        300,
        gt=0,
        le=86_400,
        description="Seconds one export may run, from its query to the last byte.",
    )
    max_export_rows: int = Field(
        1_000_000,
        ge=1,
        description="Row cap for CSV/XLSX exports (XLSX never more than 1,048,575 rows).",
    )
    pdf_max_rows: int = Field(10_000, ge=1, le=1_000_000, description="Row cap for PDF exports.")
    max_records_display: int = Field(1000, ge=1, description="Largest page size allowed.")
    max_records_retrieve: int = Field(
        10_000, ge=1, description="Row cap for one SQL console result."
    )
    query_history_limit: int = Field(
        200,
        ge=0,
        le=100_000,
        description="Console runs kept per user (GET /api/history); older ones are deleted. "
        "0 keeps none.",
    )
    count_timeout: float = Field(
        1.0,
        gt=0,
        le=60,
        description="Seconds an exact row count may take before the estimate is shown.",
    )
    facet_timeout: float = Field(
        2.0,
        gt=0,
        le=60,
        description="Seconds one facets request may spend on all its columns together; a "
        "column not done by then comes back with timed_out.",
    )
    count_cache_seconds: float = Field(
        30, ge=0, description="Seconds an exact row count is reused for the same table and filters."
    )
    profile_timeout: float = Field(
        2.0,
        gt=0,
        le=60,
        description="Seconds a column profile's exact figures may take before the planner's "
        "estimates (or a sample's) are shown.",
    )
    metadata_cache_seconds: float = Field(
        60, ge=0, description="Seconds the table list and table structures are cached."
    )
    max_cell_text: int = Field(
        10_000,
        ge=100,
        description="Characters of a text value sent to the browser before truncation.",
    )
    page_size_options: IntList = Field(
        default_factory=lambda: [10, 20, 50, 100], description="Page sizes offered in the UI."
    )
    page_size_default: int = Field(20, ge=1, description="Default page size.")

    sql_denied_functions: CommaList = Field(
        default_factory=list,
        description="More functions the SQL console refuses (e.g. side-effecting UDFs; "
        "name* matches a prefix), on top of the built-in list.",
    )

    # --- features ----------------------------------------------------------------------------
    allow_export: bool = Field(True, description="Enable CSV/XLSX/PDF exports.")
    allow_sql_console: bool = Field(True, description="Enable the read-only SQL console.")
    read_only_mode: bool = Field(True, description="Must stay true in this version.")
    enable_schema_view: bool = Field(True, description="Show table structure.")
    show_system_tables: bool = Field(False, description="List system schemas and tables.")
    show_routines: bool = Field(
        False,
        description="List functions, procedures and sequences (names and signatures, "
        "read-only) in the sidebar, under their schema (GET /api/routines).",
    )
    console_roles: CommaList = Field(
        default_factory=lambda: list[str](ROLES),
        description="Roles that may use the SQL console (admin, viewer); e.g. admin lets "
        "viewers browse but not run SQL. Console exports need EXPORT_ROLES too.",
    )
    export_roles: CommaList = Field(
        default_factory=lambda: list[str](ROLES),
        description="Roles that may download exports (admin, viewer).",
    )
    hidden_tables: CommaList = Field(
        default_factory=list,
        description="Glob patterns (e.g. secret_*, audit.*) of tables never shown or served.",
    )
    label_columns: CommaList = Field(
        default_factory=list,
        description="The column a foreign-key value's label comes from, per referenced "
        "table: table=column or schema.table=column, comma-separated (e.g. "
        "customers=email); other tables use their first text column.",
    )
    legacy_url_prefix: str | None = Field(
        None,
        description="Folder the old 1ClickDBPro pages lived in (e.g. /1ClickDB): its legacy "
        "URLs then also answer under it (they always answer at the site root).",
    )

    # --- branding ----------------------------------------------------------------------------
    app_name: str = Field("PyDBPro", min_length=1, max_length=80, description="Product name.")
    brand_logo_url: str | None = Field(None, description="Logo image URL for the header.")
    footer_text: str = Field("", max_length=500, description="Footer text.")
    theme: Literal["light", "dark", "auto"] = Field("auto", description="Default UI theme.")

    # --- validators ------------------------------------------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _log_file_path_means_the_file_sink(cls, data: object) -> object:
        """LOG_FILE_PATH alone asks for the activity log in that file (the specification:
        stdout only when it is not set); explicit AUDIT_SINKS are taken as they are."""
        if isinstance(data, dict):
            keys = {str(key).lower(): key for key in data}
            path = data.get(keys.get("log_file_path"))
            if "audit_sinks" not in keys and path and str(path).strip():
                return {**data, "audit_sinks": ["file"]}
        return data

    @field_validator(
        "trusted_proxies",
        "metrics_allowed_addresses",
        "audit_sinks",
        "hidden_tables",
        "label_columns",
        "page_size_options",
        "sql_denied_functions",
        "console_roles",
        "export_roles",
        mode="before",
    )
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("label_columns")
    @classmethod
    def _label_columns(cls, value: list[str]) -> list[str]:
        for item in value:
            table, _, column = item.partition("=")
            if not table.strip() or not column.strip():
                raise ValueError(f"{item!r}: write table=column (or schema.table=column)")
        return value

    @field_validator("log_file_path", "app_log_file_path", mode="before")
    @classmethod
    def _empty_path_is_unset(cls, value: object) -> object:
        """``LOG_FILE_PATH=`` means no file (the specification), not the current folder."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        # Imported here: the adapters import this module (their Settings argument).
        from .db.adapters import BY_URL_SCHEME

        scheme = value.get_secret_value().split(":", 1)[0].split("+", 1)[0].lower()
        if scheme not in BY_URL_SCHEME:
            schemes = ", ".join(BY_URL_SCHEME)
            raise ValueError(f"unsupported scheme {scheme!r}; use one of {schemes}")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        """A weak key is refused at once; a missing one only when serving (``check_serving``)."""
        if value is None or not value.get_secret_value():
            return None
        if _is_weak_secret(value.get_secret_value()):
            raise ValueError(f"is too weak; {_SECRET_HINT}")
        return value

    @field_validator("read_only_mode")
    @classmethod
    def _read_only(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                "false is not supported: this version of PyDBPro is read-only; "
                "remove READ_ONLY_MODE or set it to true"
            )
        return value

    @field_validator("audit_sinks")
    @classmethod
    def _sinks(cls, value: list[str]) -> list[str]:
        return _known_names(value, AUDIT_SINKS, "sink")

    @field_validator("console_roles", "export_roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        return _known_names(value, ROLES, "role")

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if _is_weak_secret(value.get_secret_value()):
            raise ValueError(f"is too weak; {_SECRET_HINT}")
        return value

    @field_validator("trusted_proxies", "metrics_allowed_addresses")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @field_validator("page_size_options")
    @classmethod
    def _page_sizes(cls, value: list[int], info: ValidationInfo) -> list[int]:
        if not value or any(size < 1 for size in value):
            raise ValueError("must be a non-empty list of positive integers, e.g. 10,20,50,100")
        return sorted(set(value))

    @field_validator("page_size_default")
    @classmethod
    def _page_default(cls, value: int, info: ValidationInfo) -> int:
        options = info.data.get("page_size_options")
        if options and value not in options:
            raise ValueError(f"must be one of PAGE_SIZE_OPTIONS {options}")
        return value

    @field_validator("legacy_url_prefix")
    @classmethod
    def _legacy_prefix(cls, value: str | None) -> str | None:
        """A URL path of plain segments: it becomes part of the routing table."""
        if not value:
            return None
        if not _LEGACY_PREFIX.fullmatch(value):
            raise ValueError(
                "must be a path such as /1ClickDB: it starts with /, has no trailing /, "
                "and its segments use only letters, digits and . _ ~ -"
            )
        return value

    @field_validator("app_database_url")
    @classmethod
    def _app_db(cls, value: str | None) -> str | None:
        if value and not value.split(":", 1)[0].startswith(_STORE_SCHEMES):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value or None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        text = value.get_secret_value().strip() if value is not None else ""
        if text and text.split(":", 1)[0] not in ("redis", "rediss", "unix"):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return SecretStr(text) if text else None

    @model_validator(mode="after")
    def _file_sink_has_a_file(self) -> Settings:
        if self.enable_activity_log and "file" in self.audit_sinks and not self.log_file_path:
            raise ValueError("invalid setting AUDIT_SINKS: the file sink needs LOG_FILE_PATH")
        return self

    # --- derived values ----------------------------------------------------------------------
    @property
    def database_configured(self) -> bool:
        """True when either DATABASE_URL or DB_TYPE (with DB_NAME) names a database."""
        return self.database_url is not None or (self.db_type is not None and bool(self.db_name))

    @property
    def secure_cookies(self) -> bool:
        return self.preferred_url_scheme == "https"

    @property
    def audit_file(self) -> Path | None:
        """The file sink's path, when the activity log writes to a file."""
        on = self.enable_activity_log and "file" in self.audit_sinks
        return self.log_file_path if on else None

    @property
    def audit_store(self) -> bool:
        return self.enable_activity_log and "store" in self.audit_sinks

    def notices(self) -> list[str]:
        """Settings that are valid but have no effect together: warned about at start-up."""
        if self.log_file_path is None:
            return []
        if not self.enable_activity_log:
            return ["LOG_FILE_PATH is set but ENABLE_ACTIVITY_LOG is off: nothing is written "
                    "to it"]  # fmt: skip
        if "file" not in self.audit_sinks:
            sinks = ",".join(self.audit_sinks) or "(none)"
            return [f"LOG_FILE_PATH is not used: AUDIT_SINKS={sinks} has no file sink; add "
                    "file to AUDIT_SINKS or remove LOG_FILE_PATH"]  # fmt: skip
        return []

    def check_serving(self) -> None:
        """Refuse to serve without a SECRET_KEY, except in demo mode (a random one is used)."""
        if self.secret_key is None and not self.demo_mode:
            raise SettingsError(f"invalid setting SECRET_KEY: is required; {_SECRET_HINT}")


def _is_weak_secret(secret: str) -> bool:
    """A key is weak when short, a known placeholder, or drawn from very few characters."""
    lowered = secret.lower()
    if len(secret) < MIN_SECRET_LENGTH or lowered in _WEAK_SECRETS:
        return True
    if "changeme" in lowered.replace("-", "").replace("_", ""):
        return True  # the placeholder of deploy/pydbpro.env.example, left unedited
    distinct = set(secret)
    return len(distinct) < 12 or distinct <= set(string.digits)


class SettingsError(Exception):
    """Start-up refused because of configuration; the message is meant for the operator."""


def _known_names(value: list[str], known: Sequence[str], what: str) -> list[str]:
    """A comma list of names from ``known``, lower-cased, each once, in the order given."""
    names = [item.lower() for item in value]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; use any of {', '.join(known)}")
    return list(dict.fromkeys(names))


def label_column_map(settings: Settings) -> dict[str, str]:
    """LABEL_COLUMNS as ``{"table" or "schema.table": column}``."""
    pairs = (item.partition("=") for item in settings.label_columns)
    return {table.strip(): column.strip() for table, _, column in pairs}
