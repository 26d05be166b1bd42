"""Turn the operator's database settings into one SQLAlchemy async URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

from ..settings import Settings, SettingsError

#: What the operator writes -> the SQLAlchemy async driver we use for it.
DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mariadb": "mysql+aiomysql",
    "sqlite": "sqlite+aiosqlite",
}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}


def database_url(settings: Settings) -> URL:
    """The explored database's URL; SQLite files are opened read-only (``mode=ro``)."""
    if settings.database_url is not None:
        url = make_url(settings.database_url.get_secret_value())
    elif settings.db_type is not None and settings.db_name:
        url = _from_parts(settings)
    else:
        raise SettingsError(
            "no database configured: set DATABASE_URL (or DB_TYPE, DB_HOST, DB_NAME, DB_USER, "
            "DB_PASSWORD), or run `pydbpro demo` to try PyDBPro on a demo database"
        )
    backend = url.drivername.split("+", 1)[0]
    url = url.set(drivername=DRIVERS[backend])
    if backend == "sqlite":
        return _sqlite_read_only(url)
    return _with_ssl(url, settings.db_ssl_mode)


def dialect_name(url: URL) -> str:
    """``postgresql``, ``mysql`` or ``sqlite``: the key of the adapter registry."""
    return url.get_backend_name()


def _from_parts(settings: Settings) -> URL:
    assert settings.db_type is not None
    if settings.db_type == "sqlite":
        return URL.create("sqlite", database=settings.db_name)
    return URL.create(
        settings.db_type,
        username=settings.db_user,
        password=settings.db_password.get_secret_value() if settings.db_password else None,
        host=settings.db_host,
        port=settings.db_port or DEFAULT_PORTS[settings.db_type],
        database=settings.db_name,
    )


def _sqlite_read_only(url: URL) -> URL:
    if not url.database or url.database == ":memory:":
        raise SettingsError("invalid setting DATABASE_URL: SQLite needs a database file path")
    path = Path(url.database.removeprefix("file:")).expanduser().resolve()
    if not path.is_file():
        raise SettingsError(f"invalid setting DATABASE_URL: SQLite file {path} does not exist")
    return url.set(database=f"file:{path}", query={"mode": "ro", "uri": "true"})


def _with_ssl(url: URL, ssl_mode: str | None) -> URL:
    if not ssl_mode or ssl_mode == "disable":
        return url
    if url.get_backend_name() == "postgresql":
        return url.update_query_dict({"ssl": ssl_mode})
    # aiomysql takes an ssl context, not a mode string; the engine module builds it.
    return url
