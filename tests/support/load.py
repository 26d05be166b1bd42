"""A bounded HTTP load from threads (plain http.client, one kept-alive connection per
client, as a browser holds one): what was asked, what failed, and how long it took.

Why threads and http.client: the test must see every failure exactly as a client would (a
status, a reset connection, a timeout), with nothing retried behind its back.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    """One request a client makes: method, path, JSON body (or None), and the statuses that
    count as a success."""

    method: str
    path: str
    body: str | None = None
    ok: tuple[int, ...] = (200,)


@dataclass
class Report:
    durations: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, failure: str | None) -> None:
        with self.lock:
            self.durations.append(seconds)
            if failure is not None:
                self.failures.append(failure)

    @property
    def requests(self) -> int:
        return len(self.durations)

    def percentile(self, share: float) -> float:
        """Seconds within which ``share`` (0..1) of the requests answered."""
        ordered = sorted(self.durations)
        if len(ordered) < 2:
            return ordered[0] if ordered else 0.0
        return statistics.quantiles(ordered, n=1000, method="inclusive")[round(share * 1000) - 1]

    def summary(self) -> str:
        return (
            f"{self.requests} requests, {len(self.failures)} failed, "
            f"p50 {self.percentile(0.5) * 1000:.0f} ms, p99 {self.percentile(0.99) * 1000:.0f} ms, "
            f"max {max(self.durations, default=0) * 1000:.0f} ms"
        )


def connection(url: str, timeout: float = 60) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)


def _client(
    url: str, headers: dict[str, str], calls: Callable[[int], Call], stop: threading.Event,
    report: Report, first: int, pause: float,
) -> None:  # fmt: skip
    conn = connection(url)
    index = first
    try:
        while not stop.is_set():
            call = calls(index)
            index += 1
            started = time.monotonic()
            failure = None
            try:
                sent = {**headers, "Content-Type": "application/json"} if call.body else headers
                conn.request(call.method, call.path, call.body, sent)
                response = conn.getresponse()
                body = response.read()
                if response.status not in call.ok:
                    failure = f"{call.method} {call.path}: {response.status} {body[:200]!r}"
            except (OSError, http.client.HTTPException) as error:
                failure = f"{call.method} {call.path}: {type(error).__name__}: {error}"
                conn.close()  # a new connection for the next request, as a browser would
            report.record(time.monotonic() - started, failure)
            stop.wait(pause)
    finally:
        conn.close()


@contextmanager
def load(
    url: str, clients: int, calls: Callable[[int], Call], headers: dict[str, str],
    pause: float = 0.0,
) -> Iterator[Report]:  # fmt: skip
    """``clients`` threads, client ``n`` making ``calls(n)``, ``calls(n + 1)``... against
    ``url``, ``pause`` seconds apart (a user's think time), until the block ends (then each
    finishes the request it is in)."""
    report = Report()
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_client, args=(url, headers, calls, stop, report, number, pause), daemon=True
        )
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        yield report
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
