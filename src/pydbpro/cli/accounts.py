"""``pydbpro users ...`` and ``pydbpro tokens ...``: manage the store from a shell.

Passwords are read from a prompt, or from stdin when it is not a terminal, never from argv
(argv is visible to every user of the machine through ``ps``).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from ..auth import tokens as token_service
from ..auth import users as user_service
from ..roles import ROLES
from ..settings_loading import load_settings
from ..shared import LookupCache, opened_lookup_cache
from ..store import Store
from ..store.database import store_url

T = TypeVar("T")
ROLE = click.Choice(ROLES)


def run_with_store(action: Callable[[Store], Awaitable[T]]) -> T:
    """Open the configured store (creating or upgrading it), run one action, close it."""
    return run_changing(lambda store, _lookups: action(store))


def run_changing(action: Callable[[Store, LookupCache], Awaitable[T]]) -> T:
    """``run_with_store`` for a change the running instances must see at once (sessions,
    tokens, users): the action gets the lookup cache they share (with REDIS_URL) to clear."""
    settings = load_settings()

    async def _run() -> T:
        store = Store(store_url(settings.app_database_url, settings.data_dir))
        try:
            await store.upgrade()
            async with opened_lookup_cache(settings) as lookups:
                return await action(store, lookups)
        finally:
            await store.dispose()

    try:
        return asyncio.run(_run())
    except (user_service.UserError, ValueError) as error:
        raise click.ClickException(str(error)) from None


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group()
def users() -> None:
    """Manage PyDBPro user accounts."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=ROLE,
    default=user_service.DEFAULT_ROLE,
    show_default=True,
    help="admin: everything; viewer: everything but the activity log and metrics.",
)
def users_add(username: str, role: str) -> None:
    """Create a user; the password is prompted for (or read from stdin)."""
    password = read_password()
    user = run_with_store(lambda store: user_service.create_user(store, username, password, role))
    click.echo(f"created user {user.username!r} (role {user.role})")


@users.command("list")
def users_list() -> None:
    """List users."""
    for user in run_with_store(user_service.list_users):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{state}")


@users.command("passwd")
@click.argument("username")
def users_passwd(username: str) -> None:
    """Set a new password; the user's existing sessions end."""
    password = read_password()
    run_changing(
        lambda store, lookups: user_service.set_password(store, username, password, lookups=lookups)
    )
    click.echo(f"password changed for {username!r}; existing sessions ended")


@users.command("role")
@click.argument("username")
@click.argument("role", type=ROLE)
def users_role(username: str, role: str) -> None:
    """Change a user's role; their sessions end, their API tokens act with the new role."""
    run_changing(
        lambda store, lookups: user_service.set_role(store, username, role, lookups=lookups)
    )
    click.echo(f"{username!r} is now {role}; existing sessions ended")


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable a user: sessions end, logins and API tokens stop working."""
    run_changing(
        lambda store, lookups: user_service.set_active(store, username, False, lookups=lookups)
    )
    click.echo(f"disabled {username!r}")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Re-enable a disabled user."""
    run_changing(
        lambda store, lookups: user_service.set_active(store, username, True, lookups=lookups)
    )
    click.echo(f"enabled {username!r}")


@click.group()
def tokens() -> None:
    """Manage API tokens (Authorization: Bearer <token>)."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@click.option("--name", default="", help="A label to recognise the token by.")
@click.option(
    "--expires",
    "expires_days",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Days until the token expires (default: never).",
)
def tokens_create(username: str, name: str, expires_days: float | None) -> None:
    """Create a token and print it once; only its hash is stored."""
    token, info = run_with_store(
        lambda store: token_service.create_token(store, username, name, expires_days)
    )
    click.echo(token)
    expiry = info.expires_at.isoformat(timespec="seconds") if info.expires_at else "never"
    click.echo(
        f"token id {info.id} for {username!r}, expires {expiry}; it is not shown again", err=True
    )


@tokens.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
def tokens_list(username: str | None) -> None:
    """List tokens (never their values)."""
    for t in run_with_store(lambda store: token_service.list_tokens(store, username)):
        status = "revoked" if t.revoked_at else "active"
        expiry = t.expires_at.isoformat(timespec="seconds") if t.expires_at else "never"
        used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
        click.echo(
            f"{t.id}\t{t.username}\t{t.prefix}...\t{t.name}\t{status}\texpires {expiry}"
            f"\tlast used {used}"
        )


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `tokens list`)."""
    run_changing(
        lambda store, lookups: token_service.revoke_token(store, token_id, lookups=lookups)
    )
    click.echo(f"revoked token {token_id}")
