"""The app's Prometheus metrics, in a registry of its own.

Each app owns one ``Metrics`` (two apps in one process, as in the tests, do not mix their
counts). Values that already live elsewhere (the database pool, the activity log's losses)
are read when scraped instead of being copied into gauges on every change.

With several Hypercorn workers each process counts its own requests, and a scrape reaches
whichever worker the kernel hands its connection to: run one worker per instance (the cloud
pattern hypercorn.toml uses) where the totals matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from ..audit import AuditLog
    from ..db.counting import RowCounts
    from ..db.engine import Database
    from ..shared import RedisLink

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_EXPORT_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)


class Metrics:
    def __init__(
        self, database: Database, counts: RowCounts, audit: AuditLog, redis: RedisLink | None
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("pydbpro_http_requests", "HTTP requests answered.",
                                ["method", "route", "status"], registry=r)  # fmt: skip
        self.latency = Histogram("pydbpro_http_request_duration_seconds",
                                 "Time from request to last byte.", ["method", "route"],
                                 buckets=_LATENCY_BUCKETS, registry=r)  # fmt: skip
        self.active = Gauge("pydbpro_http_requests_active", "Requests being answered.",
                            registry=r)  # fmt: skip
        self.queries = Counter("pydbpro_queries", "Reads of the explored database for a "
                               "request, by source (browse, row, structure, console, explain, "
                               "export) and outcome (ok, failed, timeout, refused).",
                               ["source", "outcome"], registry=r)  # fmt: skip
        self.exports = Counter("pydbpro_exports", "Exports by format and outcome (completed, "
                               "aborted, failed).", ["format", "outcome"], registry=r)  # fmt: skip
        self.export_rows = Counter("pydbpro_export_rows", "Rows exported.", ["format"],
                                   registry=r)  # fmt: skip
        self.export_bytes = Counter("pydbpro_export_bytes", "Bytes of exported files.",
                                    ["format"], registry=r)  # fmt: skip
        self.export_seconds = Histogram("pydbpro_export_duration_seconds",
                                        "Export time from query to last byte.", ["format"],
                                        buckets=_EXPORT_BUCKETS, registry=r)  # fmt: skip
        self.login_failures = Counter("pydbpro_login_failures", "Failed logins by reason.",
                                      ["reason"], registry=r)  # fmt: skip
        r.register(_ReadOnScrape(database, counts, audit, redis))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _ReadOnScrape(Collector):
    """The database pool, the browse row counts, the activity log's and Redis's counters, as
    they are at scrape time."""

    def __init__(
        self, database: Database, counts: RowCounts, audit: AuditLog, redis: RedisLink | None
    ) -> None:
        self.database = database
        self.counts = counts
        self.audit = audit
        self.redis = redis

    def collect(self) -> Iterator[Metric]:
        pool = self.database.pool_status()
        for name, help_text, value in (
            ("pydbpro_db_pool_size", "Connections the pool keeps.", pool.size),
            ("pydbpro_db_pool_in_use", "Connections checked out.", pool.in_use),
            ("pydbpro_db_pool_waiting", "Requests waiting for a connection.", pool.waiting),
            (
                "pydbpro_db_breaker_open",
                "1 while the database is treated as silent (503 at once).",
                int(self.database.breaker.is_open),
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)
        counts = CounterMetricFamily(
            "pydbpro_row_counts",
            "Row counts of browse pages by how they were answered: "
            "counted (a COUNT ran), shared (waited for an identical running COUNT), cached, "
            "timeout (COUNT_TIMEOUT passed), estimated (the catalog's or planner's figure).",
            labels=["outcome"],
        )
        for outcome, value in self.counts.outcomes.items():
            counts.add_metric([outcome], value)
        yield counts
        dropped = CounterMetricFamily("pydbpro_audit_events_dropped",
                                      "Activity events lost: queue full or sink failed.",
                                      labels=["reason"])  # fmt: skip
        dropped.add_metric(["queue_full"], self.audit.dropped)
        dropped.add_metric(["sink_failed"], sum(self.audit.failed.values()))
        yield dropped
        written = CounterMetricFamily(
            "pydbpro_audit_events_written", "Activity events written, by sink.", labels=["sink"]
        )
        for sink in self.audit.sinks:
            written.add_metric([sink.name], self.audit.written[sink.name])
        yield written
        if self.redis is not None:
            yield from self._redis(self.redis)

    @staticmethod
    def _redis(redis: RedisLink) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "pydbpro_redis_up",
            "1 unless the last Redis command failed (REDIS_URL).",
            value=int(redis.up),
        )
        fallbacks = CounterMetricFamily(
            "pydbpro_redis_fallbacks",
            "Uses of the store because Redis did not answer, by use "
            "(throttle, lookup, invalidate).",
            labels=["use"],
        )
        for use in ("throttle", "lookup", "invalidate"):
            fallbacks.add_metric([use], redis.fallbacks[use])
        yield fallbacks
