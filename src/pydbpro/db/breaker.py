"""The circuit breaker in front of the explored database: a silent server means 503 at once.

A hung server (connection open, nothing comes back) would otherwise hold every request until
its statement deadline and then call it a query timeout. Nothing in a single read can tell a
slow statement from a silent server, so the breaker asks the server itself, on a fresh
connection (``liveness.probe``): whenever a read has waited ``SUSPECT_AFTER`` seconds (then
twice as long, and so on), and while open, at most once every ``PROBE_INTERVAL`` seconds and
never two at a time. The health endpoints' pings count as probes too.

- A probe that gets no answer within DB_CONNECT_TIMEOUT (the health ping: its own second)
  opens the breaker: every read in progress stops with 503 DATABASE_UNAVAILABLE, and every
  new one gets it at once, with Retry-After.
- The first probe answered closes it again; nothing needs a restart.
- A server that answers, even with a refusal, never opens it: slow statements, SQL errors, a
  full pool (DATABASE_BUSY) and refused connections (which fail fast anyway) are not outages
  of this kind.

SQLite is a local file, never silent in this sense (a locked file is a busy timeout): its
breaker is disabled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from ..errors import DatabaseUnavailable
from ..liveness import Answer

log = logging.getLogger(__name__)

#: Seconds a read may wait before the breaker asks whether the server still answers.
SUSPECT_AFTER = 1.0
#: Seconds between the starts of two probes.
PROBE_INTERVAL = 1.0
#: Seconds a stopped read whose connection was dropped gets to notice it (then it is
#: cancelled like one that had no connection yet).
_BACKSTOP = 1.0
RETRY_AFTER = "1"


def unavailable() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "the database does not answer; try again in a moment",
        headers={"Retry-After": RETRY_AFTER},
    )


class Watch:
    """One read in progress: suspected after a while, stopped when the breaker opens."""

    def __init__(self, breaker: Breaker, deadline: asyncio.Timeout) -> None:
        self.breaker = breaker
        self.deadline = deadline
        #: True once the breaker stopped this read.
        self.stopped = False
        #: Closes the read's connection at once, while it holds one: whatever it awaits on
        #: that connection fails now, the way a lost connection does.
        self.drop: Callable[[], None] | None = None
        self._delay = SUSPECT_AFTER
        self._timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self._delay, self._suspect)

    def _suspect(self) -> None:
        self.breaker.suspect()
        self._delay *= 2  # a long export is asked about after 1, 3, 7, 15... seconds
        self._arm()

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def stop(self) -> None:
        """End the read: drop its connection (cancelling a task inside a driver call would
        make SQLAlchemy wait for a graceful close), or fire its deadline now."""
        if self.stopped or self.deadline.expired():
            return
        self.stopped = True
        when = asyncio.get_running_loop().time()
        if self.drop is not None:
            try:
                self.drop()
                when += _BACKSTOP
            except Exception as error:
                log.debug("dropping a connection: %s", type(error).__name__)
        current = self.deadline.when()
        if current is None or when < current:
            self.deadline.reschedule(when)


class Breaker:
    """Closed while the database answers; open (503 at once) from a silent probe to the
    next answered one."""

    def __init__(self, probe: Callable[[], Awaitable[Answer]], enabled: bool = True) -> None:
        self._probe = probe
        self.enabled = enabled
        #: time.monotonic() when it opened; None while closed.
        self.opened_at: float | None = None
        self._probing: asyncio.Task[None] | None = None
        self._last_probe = float("-inf")
        self._watches: set[Watch] = set()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def check(self) -> None:
        """Raise 503 at once while open (and ask the database again when it is time)."""
        if self.opened_at is not None:
            self.suspect()
            raise unavailable()

    @contextmanager
    def watching(self, deadline: asyncio.Timeout) -> Iterator[Watch]:
        """Watch the read that ``deadline`` bounds: the breaker may end it early."""
        watch = Watch(self, deadline)
        if not self.enabled:
            yield watch
            return
        watch._arm()
        self._watches.add(watch)
        try:
            yield watch
        finally:
            watch._disarm()
            self._watches.discard(watch)

    def suspect(self) -> None:
        """Something waits unusually long: ask the database, unless a probe is running or
        one started less than PROBE_INTERVAL ago."""
        if not self.enabled or (self._probing is not None and not self._probing.done()):
            return
        now = time.monotonic()
        if now - self._last_probe < PROBE_INTERVAL:
            return
        self._last_probe = now
        self._probing = asyncio.get_running_loop().create_task(self._ask())

    async def _ask(self) -> None:
        try:
            self.note_answer(await self._probe())
        except Exception:  # a task nobody awaits: its failure must not go unseen
            log.exception("database probe failed")

    def note_answer(self, answer: Answer) -> None:
        """A liveness answer (the breaker's own probe or a health check)."""
        if not self.enabled:
            return
        if answer is Answer.OK and self.opened_at is not None:
            log.warning("database answers again after %.1f s: breaker closed",
                        time.monotonic() - self.opened_at)  # fmt: skip
            self.opened_at = None
        elif answer is Answer.SILENT:
            if self.opened_at is None:
                self.opened_at = time.monotonic()
                log.warning("database does not answer: breaker open, requests get 503 "
                            "until it answers again")  # fmt: skip
            for watch in list(self._watches):
                watch.stop()

    async def close(self) -> None:
        """Stop a probe in flight (app shutdown)."""
        task, self._probing = self._probing, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
