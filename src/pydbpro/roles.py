"""The roles a user can have. Their permissions are decided in ``auth/permissions.py``; the
names live here because the settings (CONSOLE_ROLES, EXPORT_ROLES) validate against them and
``auth`` imports the settings."""

from __future__ import annotations

from typing import Literal, get_args

#: A role name as the API accepts it (and documents it).
RoleName = Literal["admin", "viewer"]
ADMIN: RoleName = "admin"
VIEWER: RoleName = "viewer"
#: Every role there is; a role name anywhere else (settings, the CLI, the store) is one of these.
ROLES: tuple[RoleName, ...] = get_args(RoleName)
