"""ASGI entry point (``pydbpro.asgi:app``) for Hypercorn workers and other ASGI servers.

Settings come from the environment; ``pydbpro serve`` validates them before it starts the
workers, so a bad setting is reported once and clearly rather than by every worker.
"""

from .app import create_app

app = create_app()
