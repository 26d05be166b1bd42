"""``pydbpro serve`` (the configured database) and ``pydbpro demo`` (a generated one)."""

from __future__ import annotations

import asyncio
import errno
import os
import secrets
import signal
import socket
import sys
from pathlib import Path

import click
from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from ..app import create_app
from ..auth import users as user_service
from ..db.url import database_url
from ..roles import ADMIN
from ..settings import Settings, SettingsError
from ..settings_loading import REPORTED_MARKER, load_settings, start_logging
from ..shared import opened_lookup_cache
from ..store import Store
from ..store.database import store_url

NO_DATABASE = (
    "no database configured.\n"
    "  Set DATABASE_URL (e.g. postgresql://readonly:secret@db.example.com:5432/sales,\n"
    "  mysql://readonly:secret@db:3306/shop or sqlite:////data/file.db), or DB_TYPE, DB_HOST,\n"
    "  DB_PORT, DB_NAME, DB_USER and DB_PASSWORD, in the environment or in a .env file.\n"
    "  To try PyDBPro on a generated demo database instead, run: pydbpro demo"
)
DEMO_USER = "demo"
DEMO_HOST = "127.0.0.1"
#: Hypercorn settings for production, installed with the package (package data).
DEFAULT_HYPERCORN_CONFIG = Path(__file__).resolve().parents[1] / "hypercorn.toml"


def hypercorn_config(config_path: Path | None) -> Path:
    """--config, else ./hypercorn.toml, else the default installed with PyDBPro: an
    installed PyDBPro (a systemd unit, a container) serves with the documented settings
    without a file of its own."""
    if config_path is not None:
        if not config_path.is_file():
            raise SettingsError(f"Hypercorn config file {config_path} does not exist")
        return config_path
    local = Path("hypercorn.toml")
    return local if local.is_file() else DEFAULT_HYPERCORN_CONFIG


def hypercorn_command(settings: Settings, config_path: Path | None) -> list[str]:
    """Hypercorn with its config file (workers, logs), PyDBPro's graceful stop (``graceful``)
    and the settings that PyDBPro owns: the bind from HOST/PORT, and GRACEFUL_TIMEOUT."""
    grace = [] if settings.graceful_timeout is None else [
        "--graceful-timeout", str(settings.graceful_timeout)]  # fmt: skip
    return [
        sys.executable, "-m", "pydbpro.graceful", "--bind", f"{settings.host}:{settings.port}",
        "--config", str(hypercorn_config(config_path)), *grace, "pydbpro.asgi:app",
    ]  # fmt: skip


def ensure_port_free(host: str, port: int, how_to_change: str) -> None:
    """Refuse to start when HOST:PORT is taken, before anything is changed on disk.

    The probe binds as Hypercorn does (SO_REUSEADDR: a port a stopped server left in
    TIME_WAIT is free) but without SO_REUSEPORT, so a server that shares its port between
    workers still counts as running. Binding predicts what Hypercorn's own bind will do,
    also for a port below 1024 or an address not on this machine; a connection would only
    say whether something answers.
    """
    address = host.strip("[]")
    url_host = f"[{address}]" if ":" in address else address
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise SettingsError(
                    f"port {port} on {address} is already in use (is PyDBPro already running? "
                    f"open http://{url_host}:{port}/ or {how_to_change})"
                ) from None
            raise SettingsError(
                f"cannot listen on {address}:{port} ({error.strerror}); {how_to_change}"
            ) from None


async def _prepare_store(settings: Settings) -> Store:
    store = Store(store_url(settings.app_database_url, settings.data_dir))
    await store.upgrade()
    return store


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Hypercorn TOML file (default: ./hypercorn.toml if present, else PyDBPro's own).",
)
def serve(config_path: Path | None) -> None:
    """Serve the database configured by DATABASE_URL or DB_* settings."""
    settings = load_settings(report=False)
    start_logging(settings)
    if not settings.database_configured:
        raise SettingsError(NO_DATABASE)
    settings.check_serving()
    database_url(settings)  # validates the database settings before any worker starts
    ensure_port_free(settings.host, settings.port, "set PORT")

    async def _upgrade() -> None:
        # Once, here, so that several workers never race to create the store's tables.
        await (await _prepare_store(settings)).dispose()

    asyncio.run(_upgrade())
    command = hypercorn_command(settings, config_path)
    click.echo(f"PyDBPro serving on http://{settings.host}:{settings.port}/", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ[REPORTED_MARKER] = "1"  # the workers load the settings again, silently
    # Replace this process: the Hypercorn master then holds only Hypercorn, not the app
    # and its libraries that were imported here to validate the settings.
    os.execv(command[0], command)  # noqa: S606 -- our own interpreter, fixed arguments


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on (default: PORT or 8000).",
)
@click.option("--reset", is_flag=True, help="Regenerate the demo database from scratch.")
def demo(port: int | None, reset: bool) -> None:
    """Generate a demo SQLite database, create a demo user, and serve it on 127.0.0.1."""
    from ..demo.generate import generate_demo_database

    base = load_settings(demo_mode=True, report=False)
    start_logging(base)
    port = port or base.port
    # Before the demo database or the demo user is touched: a demo that is already running
    # on this port serves them, and its password must keep working.
    ensure_port_free(DEMO_HOST, port, "pass --port")
    demo_dir = (base.data_dir / "demo").resolve()
    db_path = demo_dir / "demo.sqlite3"
    if reset or not db_path.is_file():
        click.echo(f"generating the demo database in {db_path} ...", err=True)
        generate_demo_database(db_path)
    settings = load_settings(
        report=False,
        demo_mode=True,
        data_dir=demo_dir,
        database_url=f"sqlite:///{db_path}",
        app_database_url=None,
        admin_user=None,
        host=DEMO_HOST,
        port=port,
    )
    password = secrets.token_urlsafe(12)
    asyncio.run(_reset_demo_user(settings, password))
    _print_welcome(settings, password)
    asyncio.run(_serve_in_process(settings))


async def _reset_demo_user(settings: Settings, password: str) -> None:
    """A fresh random password each start: the demo never has a well-known password. The
    demo's one user is an admin: the demo shows everything PyDBPro has."""
    store = await _prepare_store(settings)
    try:
        if await user_service.find_user(store, DEMO_USER):
            async with opened_lookup_cache(settings) as lookups:
                await user_service.set_password(store, DEMO_USER, password, lookups=lookups)
                await user_service.set_active(store, DEMO_USER, True, lookups=lookups)
                await user_service.set_role(store, DEMO_USER, ADMIN, lookups=lookups)
        else:
            await user_service.create_user(store, DEMO_USER, password, ADMIN)
    finally:
        await store.dispose()


def _print_welcome(settings: Settings, password: str) -> None:
    url = f"http://{settings.host}:{settings.port}"
    login = f'{{"username":"{DEMO_USER}","password":"{password}"}}'
    click.echo(
        f"\nPyDBPro demo: a generated company database (customers, orders, products...)\n\n"
        f"  Open      {url}/\n"
        f"  Username  {DEMO_USER}\n"
        f"  Password  {password}\n\n"
        f"  API       curl -c cookies.txt -H 'Content-Type: application/json' \\\n"
        f"              -d '{login}' {url}/api/login\n"
        f"            curl -b cookies.txt {url}/api/me\n"
        f"  API docs  {url}/docs\n\n"
        f"Press Ctrl+C to stop.\n"
    )


async def _serve_in_process(settings: Settings) -> None:
    app = create_app(settings)
    config = Config()
    config.bind = [f"{settings.host}:{settings.port}"]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await hypercorn_serve(app, config, shutdown_trigger=stop.wait)
    except OSError as error:
        raise SettingsError(
            f"cannot listen on {settings.host}:{settings.port} ({error.strerror}); "
            "choose another port with --port or PORT"
        ) from None
