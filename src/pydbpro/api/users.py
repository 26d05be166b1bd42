"""User administration (admins only): accounts, roles, passwords, tokens and sessions.

Every change is an activity-log event naming the administrator (the event's user) and the
account changed (``target``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from quart import Blueprint
from quart_schema import tag, validate_request, validate_response

from .. import activity
from ..apidoc import document_errors
from ..auth import sessions as session_service
from ..auth import tokens as token_service
from ..auth import users as user_service
from ..auth.passwords import generate_password
from ..auth.permissions import Permission, require_permission
from ..roles import VIEWER, RoleName
from ..state import app_state
from .account import (
    TOKEN_ID,
    SessionInfo,
    SessionList,
    SessionsEnded,
    TokenInfo,
    TokenList,
    TokenRevoked,
    current_session_id,
)
from .params import RequestBody
from .responses import Body

blueprint = Blueprint("users", __name__, url_prefix="/api/users")
# Spelled with its converter: quart-schema misreads a bare <name> before another <conv:name>.
USER = "/<string:username>"


class UserInfo(Body):
    username: str
    role: RoleName
    active: bool = Field(description="A disabled user cannot log in; their tokens do not work.")
    created_at: datetime
    password_changed_at: datetime
    sessions: int = Field(description="Live login sessions.")
    tokens: int = Field(description="API tokens neither revoked nor expired.")

    @classmethod
    def of(cls, account: user_service.Account) -> UserInfo:
        return cls.model_validate(account, from_attributes=True)


class UserList(Body):
    users: list[UserInfo] = Field(description="By username.")


class NewUserRequest(RequestBody):
    username: str = Field(min_length=1, max_length=150)
    role: RoleName = VIEWER
    password: str | None = Field(None, max_length=1024, description="Default: generated.")


class NewUser(Body):
    user: UserInfo
    password: str | None = Field(description="The generated password, shown only now; null "
                                 "when the request gave one.")  # fmt: skip


class UserChange(RequestBody):
    role: RoleName | None = Field(None, description="Ends the user's sessions.")
    active: bool | None = Field(None, description="false ends the user's sessions.")


class PasswordReset(RequestBody):
    password: str | None = Field(None, max_length=1024, description="Default: generated.")


class NewPassword(Body):
    password: str | None = Field(description="The generated password, shown only now.")


async def _account(username: str) -> UserInfo:
    state = app_state()
    [account] = await user_service.accounts(state.store, state.session_policy, username)
    return UserInfo.of(account)


@blueprint.get("")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(UserList)
async def list_users() -> UserList:
    state = app_state()
    found = await user_service.accounts(state.store, state.session_policy)
    return UserList(users=[UserInfo.of(a) for a in found])


@blueprint.post("")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_request(NewUserRequest)
@validate_response(NewUser, 201)
@document_errors(400, 409)
async def create_user(data: NewUserRequest) -> tuple[NewUser, int]:
    """Create a user; without a password one is generated and returned once."""
    password = data.password or generate_password()
    user = await user_service.create_user(app_state().store, data.username, password, data.role)
    activity.record("user_created", target=user.username, role=user.role)
    generated = None if data.password else password
    return NewUser(user=await _account(user.username), password=generated), 201


@blueprint.get(USER)
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(UserInfo)
@document_errors(404)
async def get_user(username: str) -> UserInfo:
    return await _account(username)


@blueprint.patch(USER)
@require_permission(Permission.USERS)
@tag(["users"])
@validate_request(UserChange)
@validate_response(UserInfo)
@document_errors(404, 409)
async def change_user(username: str, data: UserChange) -> UserInfo:
    """Change the role or disable/enable; refused (409) if no active admin would remain."""
    state = app_state()
    await user_service.update_user(state.store, username, role=data.role, active=data.active,
                                   lookups=state.lookups)  # fmt: skip
    activity.record("user_updated", target=username,
                    **data.model_dump(exclude_none=True))  # fmt: skip
    return await _account(username)


@blueprint.post(f"{USER}/password")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_request(PasswordReset)
@validate_response(NewPassword)
@document_errors(400, 404)
async def reset_password(username: str, data: PasswordReset) -> NewPassword:
    """Set a new password (generated unless given) and end the user's sessions."""
    password = data.password or generate_password()
    state = app_state()
    await user_service.set_password(state.store, username, password, lookups=state.lookups)
    activity.record("password_reset", target=username)
    return NewPassword(password=None if data.password else password)


@blueprint.get(f"{USER}/tokens")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(TokenList)
@document_errors(404)
async def user_tokens(username: str) -> TokenList:
    await user_service.require_user(app_state().store, username)
    found = await token_service.list_tokens(app_state().store, username)
    return TokenList(tokens=[TokenInfo.of(t) for t in found])


@blueprint.delete(f"{USER}/tokens/{TOKEN_ID}")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(TokenRevoked)
@document_errors(404)
async def revoke_user_token(username: str, token_id: int) -> TokenRevoked:
    state = app_state()
    user = await user_service.require_user(state.store, username)
    await token_service.revoke_token(state.store, token_id, owner_id=user.id,
                                     lookups=state.lookups)  # fmt: skip
    activity.record("token_revoked", token_id=token_id, owner=username)
    return TokenRevoked(revoked=token_id)


@blueprint.get(f"{USER}/sessions")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(SessionList)
@document_errors(404)
async def user_sessions(username: str) -> SessionList:
    state = app_state()
    user = await user_service.require_user(state.store, username)
    found = await session_service.list_sessions(state.store, user.id, state.session_policy)
    current = current_session_id()
    return SessionList(sessions=[SessionInfo.of(s, current) for s in found])


@blueprint.delete(f"{USER}/sessions")
@require_permission(Permission.USERS)
@tag(["users"])
@validate_response(SessionsEnded)
@document_errors(404)
async def end_user_sessions(username: str) -> SessionsEnded:
    """Log the user out everywhere (their API tokens keep working: revoke those apart)."""
    state = app_state()
    user = await user_service.require_user(state.store, username)
    ended = await session_service.end_sessions(state.store, user.id, lookups=state.lookups)
    activity.record("sessions_ended", target=username, count=ended)
    return SessionsEnded(ended=ended)
