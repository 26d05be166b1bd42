"""Login, logout and the current user."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import tag, validate_request, validate_response

from ..apidoc import document_errors
from ..auth import login as login_service
from ..auth.guard import current_principal
from ..auth.permissions import Permission, public, require_permission
from ..clientaddr import client_address
from ..state import app_state
from .responses import Body

blueprint = Blueprint("auth", __name__, url_prefix="/api")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class CurrentUser(Body):
    username: str
    role: str = Field(description="admin or viewer: what this user may do (README: Roles).")
    auth: Literal["session", "token"] = Field(description="How this request authenticated.")


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
    user = await login_service.login(state, data.username, data.password, addr)
    return CurrentUser(username=user.username, role=user.role, auth="session")


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
    principal = current_principal()
    return CurrentUser(username=principal.username, role=principal.user.role, auth=principal.method)
