"""The roles a user can have. Their permissions are decided in ``auth/permissions.py``; the
names live here because the settings (CONSOLE_ROLES, EXPORT_ROLES) validate against them and
``auth`` imports the settings."""

from __future__ import annotations

ADMIN = "admin"
VIEWER = "viewer"
#: Every role there is; a role name anywhere else (settings, the CLI, the store) is one of these.
ROLES = (ADMIN, VIEWER)
