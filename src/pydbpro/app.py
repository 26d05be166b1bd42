"""The application factory: one function that wires every subsystem onto a new app."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from quart import Quart, current_app
from quart_schema import QuartSchema

from . import (
    __version__,
    activity,
    api,
    apidoc,
    auth,
    compression,
    draining,
    errors,
    headers,
    jsonbody,
    legacy,
    requestid,
    web,
)
from .audit import AuditLog, configured_sinks
from .auth.sessions import SessionPolicy, prune_expired
from .auth.throttle import Counters, FallbackCounters, ThrottlePolicy
from .auth.throttle_redis import RedisCounters
from .auth.throttle_store import StoreCounters
from .auth.users import UserExists, count_users, create_user
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
from .db.write_access import note_write_access
from .monitoring import requests as request_monitoring
from .monitoring.metrics import Metrics
from .queries.recorder import HistoryLog
from .roles import ADMIN
from .settings import Settings
from .settings_loading import load_settings, start_logging
from .shared import RedisLink, lookup_cache, redis_link
from .state import AppState, app_state, attach
from .store import Store
from .store.database import store_url

log = logging.getLogger(__name__)

#: Long exports stream for minutes; Quart's default 60 s would cut them. Work inside a
#: response is bounded by the database statement timeouts, this only bounds slow readers.
RESPONSE_TIMEOUT_SECONDS = 3600
#: Threads for synchronous export writers: each running export holds one; more exports than
#: this wait for a thread (their rows are not read meanwhile), nothing fails.
EXPORT_THREADS = 16


def create_app(settings: Settings | None = None) -> Quart:
    """Build a PyDBPro app. Raises SettingsError (a clear message) on bad configuration."""
    loaded_here = settings is None
    settings = settings or load_settings(report=False)
    settings.check_serving()
    start_logging(settings, report=loaded_here)  # settings given by a caller: its warnings
    app = Quart("pydbpro", static_folder=None)
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        RESPONSE_TIMEOUT=RESPONSE_TIMEOUT_SECONDS,
        MAX_CONTENT_LENGTH=1_000_000,
        PREFERRED_URL_SCHEME=settings.preferred_url_scheme,
    )
    attach(app, _build_state(settings))
    QuartSchema(
        app,
        openapi_path=None,  # served by web.py, behind the same CSP and without CDN assets
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        info={"title": f"{settings.app_name} API", "version": __version__},
        security_schemes={
            "session": {"type": "apiKey", "in_": "cookie", "name": auth.COOKIE_NAME},
            "token": {"type": "http", "scheme": "bearer"},
        },
        security=[{"session": []}, {"token": []}],
        openapi_provider_class=apidoc.Provider,  # the error envelope, downloads
    )
    requestid.init_app(app)
    request_monitoring.init_app(app)  # early: its after_request then runs last
    headers.init_app(app, settings)
    compression.init_app(app, settings.compress_responses)
    draining.init_app(app)
    errors.init_app(app)
    jsonbody.init_app(app)
    auth.init_app(app, settings)
    activity.init_app(app)
    api.init_app(app)
    web.init_app(app)
    legacy.init_app(app, settings)
    app.before_serving(_start)
    app.after_serving(_stop)
    return app


def _secret_key(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    import secrets  # demo mode only: sessions simply do not survive a restart

    return secrets.token_urlsafe(48)


def _build_state(settings: Settings) -> AppState:
    database = Database(settings)
    catalog = Catalog(database)
    browser, console = Browser(database, catalog), Console(database, catalog)
    store = Store(store_url(settings.app_database_url, settings.data_dir))
    sinks = configured_sinks(settings, store) if settings.enable_activity_log else []
    audit = AuditLog(sinks, settings.audit_queue_size)
    throttle_policy = ThrottlePolicy(
        max_failures=settings.login_max_failures,
        window=timedelta(minutes=settings.login_failure_window),
        lockout_delay=timedelta(seconds=settings.login_lockout_delay),
        address_max_failures=settings.login_address_max_failures,
        username_max_failures=settings.login_username_max_failures,
    )
    redis = redis_link(settings)
    return AppState(
        settings=settings,
        store=store,
        database=database,
        catalog=catalog,
        browser=browser,
        rows=RowDetails(browser),
        labels=ParentLabels(browser),
        profiles=ColumnProfiles(browser),
        facets=Facets(browser),
        aggregates=Aggregates(browser),
        console=console,
        exports=Exports(database, browser, console),
        export_threads=ThreadPoolExecutor(EXPORT_THREADS, thread_name_prefix="pydbpro-export"),
        session_policy=SessionPolicy(
            idle_timeout=timedelta(minutes=settings.session_timeout),
            max_age=timedelta(hours=settings.session_max_age),
        ),
        login_counters=_login_counters(store, redis, throttle_policy),
        redis=redis,
        lookups=lookup_cache(settings, redis),
        audit=audit,
        metrics=Metrics(database, browser.counts, audit, redis),
        history=HistoryLog(store, settings.query_history_limit),
    )


def _login_counters(store: Store, redis: RedisLink | None, policy: ThrottlePolicy) -> Counters:
    """The store's counters, or Redis's with the store's whenever Redis does not answer."""
    in_store = StoreCounters(store, policy)
    if redis is None:
        return in_store
    return FallbackCounters(RedisCounters(redis, policy), in_store)


async def _start() -> None:
    state = app_state()
    await state.store.upgrade()
    await prune_expired(state.store, state.session_policy)
    await _ensure_first_admin(state)
    state.audit.start()
    state.history.start()
    # In the background: start-up never waits for the explored database.
    current_app.add_background_task(note_write_access, state.database)


async def _ensure_first_admin(state: AppState) -> None:
    settings = state.settings
    if not settings.admin_user or settings.admin_password is None:
        return
    if await count_users(state.store) > 0:
        return
    try:
        await create_user(state.store, settings.admin_user,
                          settings.admin_password.get_secret_value(), role=ADMIN)  # fmt: skip
    except UserExists:  # another instance starting at the same moment created it
        return
    log.info("created the first user %r from ADMIN_USER", settings.admin_user)


async def _stop() -> None:
    state = app_state()
    await state.history.stop()
    await state.audit.stop()
    state.export_threads.shutdown(wait=False, cancel_futures=True)
    await state.browser.close()
    await state.database.dispose()
    await state.store.dispose()
    if state.redis is not None:
        await state.redis.close()
