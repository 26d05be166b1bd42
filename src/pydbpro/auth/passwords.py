"""Argon2 password hashing; verification runs off the event loop (it is deliberately slow)."""

from __future__ import annotations

import asyncio
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import BadRequest

_HASHER = PasswordHasher()

MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash() -> str:
    """Verified when the username does not exist, so a miss costs as much as a wrong password."""
    return _HASHER.hash("pydbpro-timing-equaliser")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Compare in a worker thread; a missing user is checked against a dummy hash."""

    def _verify() -> bool:
        try:
            return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


class WeakPassword(BadRequest):
    code = "WEAK_PASSWORD"


def check_password_strength(password: str) -> None:
    """Refuse a new password that is too weak, with a message for the person choosing it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def generate_password() -> str:
    """A password an administrator hands over once: 96 random bits, URL-safe, 16 characters."""
    return secrets.token_urlsafe(12)
