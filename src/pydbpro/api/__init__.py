"""The HTTP API: one blueprint per resource. Handlers parse, call one service, return a model.

Nothing here builds SQL or imports a database driver (a test checks it).
"""

from __future__ import annotations

from quart import Quart

from . import (
    account,
    aggregate,
    audit,
    auth,
    catalog,
    config,
    console,
    exports,
    facets,
    health,
    history,
    metrics,
    profiles,
    rows,
    saved_queries,
    users,
)


def init_app(app: Quart) -> None:
    for blueprint in (
        auth.blueprint,
        account.blueprint,
        users.blueprint,
        health.blueprint,
        config.blueprint,
        catalog.blueprint,
        rows.blueprint,
        profiles.blueprint,
        facets.blueprint,
        aggregate.blueprint,
        console.blueprint,
        history.blueprint,
        saved_queries.blueprint,
        exports.blueprint,
        audit.blueprint,
        metrics.blueprint,
    ):
        app.register_blueprint(blueprint)
