"""What a translation works from and produces: legacy parameters in, a clean URL out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from ..db.adapters import DialectAdapter
from ..errors import Forbidden
from ..settings import Settings
from .names import Names, Table


class Params:
    """Query parameters as ASP read them, so old links mean what they meant.

    Names are case-insensitive (``sqlfrom_A`` = ``SQLFROM_a``), a repeated name's values
    are joined with ``", "``, and an empty value counts as absent.
    """

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        values: dict[str, list[str]] = {}
        for key, value in items:
            values.setdefault(key.lower(), []).append(value)
        self._values = {key: ", ".join(found) for key, found in values.items()}

    def get(self, name: str) -> str | None:
        return self._values.get(name.lower()) or None

    def word(self, name: str) -> str:
        """A keyword-like value (a mode, a format, an action), lower-cased; "" if absent."""
        return (self.get(name) or "").strip().lower()


@dataclass(frozen=True)
class Target:
    """Where a legacy URL goes: a clean route at the site root."""

    location: str
    public: bool = False  # an anonymous visitor goes straight there (login page, health)
    logout: bool = False  # end the caller's session first


@dataclass(frozen=True)
class Context:
    settings: Settings
    adapter: DialectAdapter  # the explored database's, for SQL composed for the console
    names: Names


def url(path: str, pairs: Sequence[tuple[str, str]] = ()) -> str:
    """``path?k=v&...``, every part percent-encoded (commas kept readable)."""
    query = "&".join(f"{quote(key, safe='')}={quote(value, safe=',')}" for key, value in pairs)
    return f"{path}?{query}" if query else path


def table_path(table: Table) -> str:
    return "/browse/" + quote(table.name, safe="")


def table_pairs(table: Table) -> list[tuple[str, str]]:
    return [("schema", table.schema)] if table.schema else []


def refuse_write(what: str) -> Forbidden:
    return Forbidden(f"PyDBPro is read-only: {what} is not available", code="READ_ONLY")
