"""1ClickDBPro's URLs, kept working: every legacy page translated to a clean route.

One place for the whole feature (``shared/legacy-urls.md`` is its checklist):

- ``urlmap``: which legacy page is what (case-insensitive, Free-edition aliases);
- ``grid`` (Browse.asp), ``pages`` (the others), ``console`` (what only SQL can express):
  parameters in, a ``target.Target`` (clean URL) or a ``pydbpro.errors`` error out;
- ``fragments`` and ``sqltext``: the raw SQL fragments parsed with sqlglot, one slot each;
  ``where``: ``sqlwhere_A`` as structured filters; ``names``: resolution via the catalog;
- ``routes``: the HTTP side (routing, login redirect, 405, the HTML error page).

Nothing taken from a legacy URL is ever executed as SQL: it becomes bound filter values, or
text that prefills the console for the user to read.
"""

from __future__ import annotations

from .routes import init_app

__all__ = ["init_app"]
