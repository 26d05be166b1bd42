"""Who is making the current request, however they authenticated."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    is_active: bool


@dataclass(frozen=True)
class Principal:
    """The authenticated user plus how they got in (cookie session or API token)."""

    user: User
    method: Literal["session", "token"]
    credential_id: str  # session id hash or token id: what logout/revoke acts on

    @property
    def username(self) -> str:
        return self.user.username


def user_fields(user: User) -> dict[str, Any]:
    """The user as a JSON object, for the lookup cache."""
    return asdict(user)


def cached_user(fields: dict[str, Any]) -> User:
    """``user_fields`` back (KeyError, TypeError or ValueError if it is not such an object)."""
    user = User(**fields)
    if not isinstance(user.id, int) or not isinstance(user.is_active, bool):
        raise TypeError("not a cached user")
    return user
