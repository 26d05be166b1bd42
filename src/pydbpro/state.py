"""The per-app objects handlers need, kept on the app (never module globals).

Two apps with different settings can live in one process (the tests rely on it), so every
handler reaches settings, store and database through ``app_state()``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from quart import Quart, current_app

from .audit import AuditLog
from .auth.sessions import SessionPolicy
from .auth.throttle import Counters
from .db.aggregate import Aggregates
from .db.browse import Browser
from .db.catalog import Catalog
from .db.column_profile import ColumnProfiles
from .db.console import Console
from .db.engine import Database
from .db.export import Exports
from .db.facets import Facets
from .db.labels import ParentLabels
from .db.row_detail import RowDetails
from .monitoring.metrics import Metrics
from .queries.recorder import HistoryLog
from .settings import Settings
from .shared import LookupCache, RedisLink
from .store import Store

_KEY = "pydbpro"


@dataclass(frozen=True)
class AppState:
    settings: Settings
    store: Store
    database: Database
    catalog: Catalog
    browser: Browser
    rows: RowDetails  # one row with its parents and children
    labels: ParentLabels  # what foreign-key cells show beside their ids
    profiles: ColumnProfiles  # a column's distinct values, NULLs, range, common values
    facets: Facets  # frequent values and histograms of a selection
    aggregates: Aggregates  # grouped counts, sums... of a selection
    console: Console
    exports: Exports
    export_threads: ThreadPoolExecutor  # synchronous file writers (export/stream.py)
    session_policy: SessionPolicy
    login_counters: Counters  # in the store, or in Redis with the store as fallback
    redis: RedisLink | None  # REDIS_URL's, or None
    lookups: LookupCache  # of sessions and tokens: in Redis, or none
    audit: AuditLog  # the activity log's queue and sinks (empty when it is off)
    metrics: Metrics
    history: HistoryLog  # console runs on their way to each user's history


def attach(app: Quart, state: AppState) -> None:
    app.extensions[_KEY] = state


def app_state(app: Quart | None = None) -> AppState:
    state: AppState = (app or current_app).extensions[_KEY]  # extensions: an untyped dict
    return state
