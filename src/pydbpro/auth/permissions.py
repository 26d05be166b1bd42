"""The one place where permission decisions are made.

Every route declares what it needs with ``@require_permission(...)`` (or ``@public``); the
request guard calls ``is_allowed``, which decides by the caller's role (``principal.user.role``,
read from the store on every request, so a role change holds at once) and the CONSOLE_ROLES
and EXPORT_ROLES settings. The ALLOW_* switches are not decided here: they turn a feature off
for everyone, and the feature's own service says so (a 403 with its own code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from ..roles import ADMIN, VIEWER
from .principal import Principal

F = TypeVar("F", bound=Callable[..., Any])

PERMISSION_ATTR = "_pydbpro_permission"
PUBLIC_ATTR = "_pydbpro_public"
UI_ATTR = "_pydbpro_ui"


class Permission(StrEnum):
    """What a route needs; each role maps to a set of these (``ROLE_PERMISSIONS``)."""

    READ = "read"  # browse tables, structure, own account
    QUERY = "query"  # run read-only SQL in the console (and CONSOLE_ROLES)
    EXPORT = "export"  # download files, data leaving the system (and EXPORT_ROLES)
    AUDIT = "audit"  # the activity log: everyone's addresses and, maybe, their SQL
    METRICS = "metrics"  # /metrics shown to a logged-in person (scrapers have their own gate)
    USERS = "users"  # administer users, their roles, passwords, tokens and sessions


#: What each role may do at most; CONSOLE_ROLES and EXPORT_ROLES narrow QUERY and EXPORT.
#: A role the store holds but this table does not (an old free-text --role) may do nothing.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    ADMIN: frozenset(Permission),
    VIEWER: frozenset({Permission.READ, Permission.QUERY, Permission.EXPORT}),
}


class RoleSwitches(Protocol):
    """The settings ``is_allowed`` reads (``Settings`` is one)."""

    @property
    def console_roles(self) -> Sequence[str]: ...

    @property
    def export_roles(self) -> Sequence[str]: ...


def require_permission(*permissions: Permission) -> Callable[[F], F]:
    """The route needs every one of ``permissions`` (a query export: QUERY and EXPORT)."""

    def mark(view: F) -> F:
        setattr(view, PERMISSION_ATTR, permissions)
        return view

    return mark


def public(view: F) -> F:
    """No login needed: login, health, docs and static assets only."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def ui_page(view: F) -> F:
    """An HTML page: an anonymous browser is redirected to the login page, not given 401."""
    setattr(view, UI_ATTR, True)
    return view


def is_public(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, PUBLIC_ATTR, False))


def declared_permissions(view: Callable[..., Any]) -> tuple[Permission, ...] | None:
    return getattr(view, PERMISSION_ATTR, None)


def is_allowed(principal: Principal, permission: Permission, switches: RoleSwitches) -> bool:
    """The one RBAC decision: an active user whose role grants ``permission``, and for the
    console and exports, whose role the organisation lets use them."""
    role = principal.user.role
    if not principal.user.is_active or permission not in ROLE_PERMISSIONS.get(role, ()):
        return False
    if permission is Permission.QUERY:
        return role in switches.console_roles
    if permission is Permission.EXPORT:
        return role in switches.export_roles
    return True


def granted(principal: Principal, switches: RoleSwitches) -> list[Permission]:
    """Everything ``principal`` may do now: what the UI offers them (``GET /api/me``)."""
    return [p for p in Permission if is_allowed(principal, p, switches)]


def is_admin(principal: Principal) -> bool:
    """An administrator: an active user whose role grants every permission there is. What
    a person may do to other users' things (their query history, their saved queries) is
    decided here, by the role's permissions, never by comparing its name elsewhere."""
    role_grants = ROLE_PERMISSIONS.get(principal.user.role, frozenset())
    return principal.user.is_active and role_grants >= frozenset(Permission)
