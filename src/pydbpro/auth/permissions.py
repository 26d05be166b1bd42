"""The one place where permission decisions are made.

Every route declares what it needs with ``@require_permission(...)`` (or ``@public``); the
request guard calls ``is_allowed``. In this version every permission only needs a logged-in
user. RBAC later changes ``is_allowed`` alone, reading ``principal.user.role``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from .principal import Principal

F = TypeVar("F", bound=Callable[..., Any])

PERMISSION_ATTR = "_pydbpro_permission"
PUBLIC_ATTR = "_pydbpro_public"
UI_ATTR = "_pydbpro_ui"


class Permission(StrEnum):
    """What a route needs. Future roles map to sets of these."""

    READ = "read"  # browse tables, structure, own account
    QUERY = "query"  # run read-only SQL in the console
    EXPORT = "export"  # download files (a form of data leaving the system: audited)
    # Read the activity log. The first candidate for an admin-only role when RBAC lands:
    # is_allowed will grant it by principal.user.role, no route changes.
    AUDIT = "audit"


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


def is_allowed(principal: Principal, permission: Permission) -> bool:
    """RBAC goes here. Today: any authenticated, active user may do everything read-only."""
    return principal.user.is_active
