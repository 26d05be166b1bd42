"""Hypercorn with a graceful stop a load balancer does not see: ``pydbpro serve`` runs
``python -m pydbpro.graceful`` (Hypercorn's own command line) instead of ``-m hypercorn``.

What Hypercorn 0.17-0.18 does on SIGTERM (or SIGINT) to its master: it tells the workers
(they poll every 0.1 s), and each worker closes its listening server, closes its idle
keep-alive connections at once, waits up to ``graceful_timeout`` for the requests in flight
(streamed exports included), then runs the app's lifespan shutdown (PyDBPro closes its
pools there). What it leaves to chance, and what this module adds:

- The master keeps its copy of the listening socket until every worker has exited, so the
  kernel goes on accepting connections that nobody answers: for the whole drain (an export
  may keep it going for minutes) they hang, then are reset. A proxy has already sent its
  request on them: a GET waits that long, a POST fails (nginx never resends one). Here the
  worker shuts its listening socket down (``SHUT_RD``): the shared one, or with several
  workers its own (``pydbpro.worker_sockets``; the master's copy of the address never
  listens). Once every worker has, a connection attempt is refused, which every proxy
  retries on another instance, POSTs included.
- Idle keep-alive connections closed at the instant of the stop race with a proxy that is
  sending its next request on one: that request fails. Here the stop begins by marking the
  app as draining (``pydbpro.draining``: readiness 503, ``Connection: close`` on every
  response), then waits ``KEEP_ALIVE_LINGER`` seconds, during which the proxy's connections
  carry their next request and are closed with its response, before Hypercorn closes the
  ones left.
- A worker dies at once on a SIGTERM of its own (systemd's default KillMode signals every
  process of the service); here it starts the same graceful stop. Signalled alone, it drains
  and exits, and Hypercorn starts a new one: with several workers the others take every new
  connection meanwhile, and the new worker joins them on the port.

The master stays Hypercorn's (``hypercorn.__main__.main``, so ``--config`` and every
option work as before): only its worker functions are replaced by ones that give
Hypercorn's ``worker_serve`` the stop described above as its shutdown trigger, and their
own listening sockets (``pydbpro.worker_sockets``). This module imports nothing of the
application: the master stays lean. Hypercorn's reload (SIGHUP to the master) stops the
workers the same way; the new ones listen again (on sockets of their own, or on the shared
one: a shut-down socket can listen again), so a reload refuses connections for a moment
instead of queueing them.
"""

from __future__ import annotations

import asyncio
import select
import signal
import socket
import ssl
import sys
from collections.abc import Callable
from functools import partial
from multiprocessing.synchronize import Event as EventType
from typing import Any

import hypercorn.asyncio.run as hypercorn_workers
from hypercorn.__main__ import main as hypercorn_main
from hypercorn.asyncio.run import worker_serve
from hypercorn.config import Config, Sockets
from hypercorn.utils import check_multiprocess_shutdown_event, load_application

from .worker_sockets import PortTaken, own_sockets

#: Seconds between "draining" and Hypercorn closing idle keep-alive connections.
KEEP_ALIVE_LINGER = 1.0
#: Seconds to let connections already queued on the socket be accepted before refusing.
ACCEPT_BACKLOG_WAIT = 0.5


def uvloop_worker(
    config: Config, sockets: Sockets | None = None, shutdown_event: EventType | None = None
) -> None:
    """Hypercorn's ``uvloop`` worker class with PyDBPro's stop."""
    import uvloop

    _run_worker(config, sockets, shutdown_event, uvloop.new_event_loop)


def asyncio_worker(
    config: Config, sockets: Sockets | None = None, shutdown_event: EventType | None = None
) -> None:
    """Hypercorn's ``asyncio`` worker class with PyDBPro's stop."""
    _run_worker(config, sockets, shutdown_event, None)


def _run_worker(
    config: Config,
    sockets: Sockets | None,
    shutdown_event: EventType | None,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None,
) -> None:
    if sockets is None:  # workers = 0: this process is the server, it owns the sockets
        sockets = config.create_sockets()
    else:  # before the app loads: a port taken by another program stops the start at once
        try:
            sockets = own_sockets(config, sockets)
        except PortTaken as error:
            sys.exit(str(error))  # the message alone; Hypercorn's master then stops
    app = load_application(config.application_path, config.wsgi_max_body_size)
    servers: list[asyncio.AbstractServer] = []
    trigger = partial(_graceful_stop, shutdown_event, _listening(sockets), servers)
    factory = partial(_recording_loop, loop_factory or asyncio.new_event_loop, servers)
    with asyncio.Runner(debug=config.debug, loop_factory=factory) as runner:
        runner.get_loop().set_exception_handler(_exception_handler)
        runner.run(worker_serve(app, config, sockets=sockets, shutdown_trigger=trigger))


def _listening(sockets: Sockets) -> list[socket.socket]:
    return [*sockets.secure_sockets, *sockets.insecure_sockets]


def _recording_loop(
    factory: Callable[[], asyncio.AbstractEventLoop], servers: list[asyncio.AbstractServer]
) -> asyncio.AbstractEventLoop:
    """A new event loop that notes the servers ``worker_serve`` opens on it: the stop must
    close them itself, at the moment it shuts their sockets down."""
    loop = factory()
    create_server = loop.create_server

    async def create_and_note(*args: Any, **kwargs: Any) -> asyncio.AbstractServer:
        server = await create_server(*args, **kwargs)
        servers.append(server)
        return server

    # Replaces the method on this loop object only; mypy sees an overloaded method replaced
    # by a plain function with the same calls.
    loop.create_server = create_and_note  # type: ignore[method-assign,assignment]
    return loop


async def _graceful_stop(
    shutdown_event: EventType | None,
    listening: list[socket.socket],
    servers: list[asyncio.AbstractServer],
) -> None:
    """Hypercorn's shutdown trigger: returns when Hypercorn may close idle connections,
    having refused new ones and told the app it is draining."""
    await _stop_requested(shutdown_event)
    from . import draining  # the worker has loaded the app: no cost here

    draining.begin()
    await _refuse_connections(listening, servers)
    await asyncio.sleep(KEEP_ALIVE_LINGER)


async def _stop_requested(shutdown_event: EventType | None) -> None:
    """The master's event (SIGTERM or SIGINT to the master) or a SIGTERM to this worker;
    with workers = 0, SIGINT or SIGTERM to this process."""
    loop = asyncio.get_running_loop()
    signalled = asyncio.Event()
    signals = [signal.SIGTERM] if shutdown_event is not None else [signal.SIGTERM, signal.SIGINT]
    for signum in signals:
        loop.add_signal_handler(signum, signalled.set)
    waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(signalled.wait())]
    if shutdown_event is not None:
        waits.append(
            asyncio.ensure_future(check_multiprocess_shutdown_event(shutdown_event, asyncio.sleep))
        )
    _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()


async def _refuse_connections(
    listening: list[socket.socket], servers: list[asyncio.AbstractServer]
) -> None:
    """Shut this worker's listening sockets down (its own, or shared with the master and
    the other workers): the kernel no longer queues connections on them for nobody; it
    hands them to the workers still listening, or refuses them.

    Connections already queued are reset by the shutdown, after their client may have sent
    a request, so they are first left to the server to accept (it does, within a loop turn).
    Then, in one step with no await: shut down, and close the sockets in this process, so
    that the event loop never polls a listening socket that was shut down (it would spin).
    Other workers that share the socket poll it until they see the stop too (0.1 s at
    most): uvloop's accept ignores the error, asyncio's logs it.
    """
    deadline = asyncio.get_running_loop().time() + ACCEPT_BACKLOG_WAIT
    open_sockets = [sock for sock in listening if sock.fileno() != -1]
    while open_sockets and asyncio.get_running_loop().time() < deadline:
        readable, _, _ = select.select(open_sockets, [], [], 0)
        if not readable:
            break
        await asyncio.sleep(0.005)
    for sock in open_sockets:
        try:
            sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass  # another worker shut it down already
    for server in servers:
        server.close()


def _exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Hypercorn's: a failed TLS handshake is the client's problem, not worth a traceback."""
    if not isinstance(context.get("exception"), ssl.SSLError):
        loop.default_exception_handler(context)


def main(argv: list[str] | None = None) -> int:
    """Hypercorn's command line with these worker classes."""
    hypercorn_workers.uvloop_worker = uvloop_worker  # read by hypercorn.run at each start
    hypercorn_workers.asyncio_worker = asyncio_worker
    return hypercorn_main(argv)


if __name__ == "__main__":
    sys.exit(main())
