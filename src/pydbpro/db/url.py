"""Turn the operator's database settings into one SQLAlchemy async URL."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

from ..settings import Settings, SettingsError
from .adapters import BY_URL_SCHEME


def database_url(settings: Settings) -> URL:
    """The explored database's URL with our async driver, as the adapter prepares it
    (SQLite files are opened read-only, ``mode=ro``)."""
    if settings.database_url is not None:
        url = make_url(settings.database_url.get_secret_value())
    elif settings.db_type is not None and settings.db_name:
        url = _from_parts(settings)
    else:
        raise SettingsError(
            "no database configured: set DATABASE_URL (or DB_TYPE, DB_HOST, DB_NAME, DB_USER, "
            "DB_PASSWORD), or run `pydbpro demo` to try PyDBPro on a demo database"
        )
    adapter = BY_URL_SCHEME[url.drivername.split("+", 1)[0]]
    return adapter.prepare_url(url.set(drivername=adapter.driver), settings)


def dialect_name(url: URL) -> str:
    """``postgresql``, ``mysql`` or ``sqlite``: the key of the adapter registry."""
    return url.get_backend_name()


def _from_parts(settings: Settings) -> URL:
    assert settings.db_type is not None
    adapter = BY_URL_SCHEME[settings.db_type]
    if adapter.local_file:
        return URL.create(settings.db_type, database=settings.db_name)
    return URL.create(
        settings.db_type,
        username=settings.db_user,
        password=settings.db_password.get_secret_value() if settings.db_password else None,
        host=settings.db_host,
        port=settings.db_port or adapter.default_port,
        database=settings.db_name,
    )
