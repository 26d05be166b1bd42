"""One's own account: API tokens and login sessions (every logged-in user)."""

from __future__ import annotations

from datetime import datetime

import quart_auth
from pydantic import Field
from quart import Blueprint
from quart_schema import tag, validate_request, validate_response

from .. import activity
from ..apidoc import document_errors
from ..auth import sessions as session_service
from ..auth import tokens as token_service
from ..auth.guard import current_principal
from ..auth.permissions import Permission, require_permission
from ..errors import Forbidden
from ..state import app_state
from .params import RequestBody
from .responses import Body

blueprint = Blueprint("account", __name__, url_prefix="/api")
TOKEN_ID = "<int:token_id>"  # noqa: S105 -- a route segment, not a secret


class TokenInfo(Body):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it by.")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")
    active: bool = Field(description="Neither revoked nor expired.")

    @classmethod
    def of(cls, info: token_service.TokenInfo) -> TokenInfo:
        return cls(id=info.id, name=info.name, prefix=info.prefix, created_at=info.created_at,
                   expires_at=info.expires_at, revoked_at=info.revoked_at,
                   last_used_at=info.last_used_at, active=info.active)  # fmt: skip


class TokenList(Body):
    tokens: list[TokenInfo] = Field(description="Newest first, revoked ones included.")


class NewTokenRequest(RequestBody):
    name: str = Field(min_length=1, max_length=100)
    expires_days: float | None = Field(None, gt=0, le=3650, description="Default: never.")


class NewToken(Body):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'. Shown only now.")
    info: TokenInfo


class TokenRevoked(Body):
    revoked: int


class SessionInfo(Body):
    id: str = Field(description="Names the session; it cannot be used to log in.")
    created_at: datetime
    last_seen_at: datetime = Field(description="Updated at most once a minute.")
    client: str | None = Field(description="The address it logged in from.")
    current: bool = Field(description="The session making this request.")

    @classmethod
    def of(cls, info: session_service.SessionInfo, current_id: str | None) -> SessionInfo:
        return cls(id=info.id, created_at=info.created_at, last_seen_at=info.last_seen_at,
                   client=info.client_addr, current=info.id == current_id)  # fmt: skip


class SessionList(Body):
    sessions: list[SessionInfo] = Field(description="Most recently used first.")


class SessionsEnded(Body):
    ended: int


def current_session_id() -> str | None:
    principal = current_principal()
    return principal.credential_id if principal.method == "session" else None


@blueprint.get("/tokens")
@require_permission(Permission.READ)
@tag(["account"])
@validate_response(TokenList)
async def my_tokens() -> TokenList:
    """My API tokens (never their values)."""
    found = await token_service.list_tokens(app_state().store, current_principal().username)
    return TokenList(tokens=[TokenInfo.of(t) for t in found])


@blueprint.post("/tokens")
@require_permission(Permission.READ)
@tag(["account"])
@validate_request(NewTokenRequest)
@validate_response(NewToken, 201)
@document_errors(403)
async def create_my_token(data: NewTokenRequest) -> tuple[NewToken, int]:
    """Create a token for myself; its value is in this answer only. Needs a login session:
    a token cannot create tokens (a leaked one could otherwise outlive its revocation)."""
    principal = current_principal()
    if principal.method != "session":
        raise Forbidden("log in with a password to create API tokens", code="SESSION_REQUIRED")
    token, info = await token_service.create_token(
        app_state().store, principal.username, data.name, data.expires_days
    )
    activity.record("token_created", token_id=info.id, name=info.name, owner=principal.username)
    return NewToken(token=token, info=TokenInfo.of(info)), 201


@blueprint.delete(f"/tokens/{TOKEN_ID}")
@require_permission(Permission.READ)
@tag(["account"])
@validate_response(TokenRevoked)
@document_errors(404)
async def revoke_my_token(token_id: int) -> TokenRevoked:
    """Revoke one of my tokens; it stops working at once."""
    principal, state = current_principal(), app_state()
    await token_service.revoke_token(state.store, token_id, owner_id=principal.user.id,
                                     lookups=state.lookups)  # fmt: skip
    activity.record("token_revoked", token_id=token_id, owner=principal.username)
    return TokenRevoked(revoked=token_id)


@blueprint.get("/sessions")
@require_permission(Permission.READ)
@tag(["account"])
@validate_response(SessionList)
async def my_sessions() -> SessionList:
    """Where I am logged in."""
    state = app_state()
    found = await session_service.list_sessions(
        state.store, current_principal().user.id, state.session_policy
    )
    current = current_session_id()
    return SessionList(sessions=[SessionInfo.of(s, current) for s in found])


@blueprint.delete("/sessions/<session_id>")
@require_permission(Permission.READ)
@tag(["account"])
@validate_response(SessionsEnded)
@document_errors(404)
async def end_my_session(session_id: str) -> SessionsEnded:
    """Log one of my sessions out; ending the current one logs this browser out."""
    principal, state = current_principal(), app_state()
    ended = await session_service.end_sessions(state.store, principal.user.id, session_id,
                                               lookups=state.lookups)  # fmt: skip
    if session_id == current_session_id():
        quart_auth.logout_user()
    activity.record("session_ended", owner=principal.username)
    return SessionsEnded(ended=ended)
