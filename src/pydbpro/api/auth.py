"""Login, logout and the current user."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from quart import Blueprint
from quart_schema import tag, validate_request, validate_response

from ..apidoc import document_errors
from ..auth import login as login_service
from ..auth.guard import current_principal
from ..auth.permissions import Permission, granted, public, require_permission
from ..auth.principal import Principal
from ..clientaddr import client_address
from ..state import app_state
from .params import RequestBody
from .responses import Body

blueprint = Blueprint("auth", __name__, url_prefix="/api")


class LoginRequest(RequestBody):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class CurrentUser(Body):
    username: str
    role: str = Field(description="admin or viewer: what this user may do (README: Roles).")
    auth: Literal["session", "token"] = Field(description="How this request authenticated.")
    permissions: list[Permission] = Field(description="What this user may do now: the role's "
                                          "permissions as CONSOLE_ROLES and EXPORT_ROLES "
                                          "narrow them. The UI offers only these.")  # fmt: skip


class LoggedOut(Body):
    status: Literal["logged out"] = "logged out"


@blueprint.post("/login")
@public
@tag(["auth"])
@validate_request(LoginRequest)
@validate_response(CurrentUser)
@document_errors(401, 429)
async def login(data: LoginRequest) -> CurrentUser:
    """Start a cookie session. Failures say only "invalid username or password"."""
    state = app_state()
    addr = client_address(state.settings.trusted_proxies)
    principal = await login_service.login(state, data.username, data.password, addr)
    return _current(principal)


@blueprint.post("/logout")
@require_permission(Permission.READ)
@tag(["auth"])
@validate_response(LoggedOut)
async def logout() -> LoggedOut:
    """End the session everywhere: the cookie, even if copied, stops working."""
    await login_service.logout(app_state(), current_principal())
    return LoggedOut()


@blueprint.get("/me")
@require_permission(Permission.READ)
@tag(["auth"])
@validate_response(CurrentUser)
async def me() -> CurrentUser:
    return _current(current_principal())


def _current(principal: Principal) -> CurrentUser:
    return CurrentUser(username=principal.username, role=principal.user.role,
                       auth=principal.method,
                       permissions=granted(principal, app_state().settings))  # fmt: skip
