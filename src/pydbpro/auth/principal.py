"""Who is making the current request, however they authenticated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


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
