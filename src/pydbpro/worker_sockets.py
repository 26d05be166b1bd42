"""Each Hypercorn worker listens on a socket of its own, so that Linux spreads new
connections between the workers instead of one worker taking nearly all of them.

Hypercorn's master binds one socket per address and every worker accepts on a copy of it.
All workers then wait on one queue: the worker that wakes first accepts the whole burst
(asyncio accepts up to the backlog per wake-up) and keep-alive keeps those connections on
it, so with 16 clients one worker served 99% of the requests while the other idled.

Here, with several workers on Linux, each worker binds a socket of its own to the address
and port of the master's, with ``SO_REUSEPORT``: the sockets that listen on the port form
one group, and the kernel hands each new connection to one of them by a hash of the
connection's addresses and ports, whatever the workers are doing (200 fresh connections
split about 100/100). The master's socket stays bound and never listens, so it gets no
connections: once every worker has closed its own (the graceful stop, ``pydbpro.graceful``)
new connections are refused, as before. A worker that Hypercorn starts again binds a new
socket and joins the group; until then the others take every connection. A socket closed
with connections still queued on it resets them: the graceful stop accepts them first, but
a restart by Hypercorn's ``max_requests`` (not set by PyDBPro) does not wait (Linux's
``net.ipv4.tcp_migrate_req = 1`` hands them to the other workers instead).

Who can join the group: Linux lets a socket bind to a port on which sockets listen with
``SO_REUSEPORT`` only if it sets the option too and belongs to the same effective UID; any
other socket gets ``EADDRINUSE``. So no program of another user, and no program that does
not ask for sharing, can take a share of PyDBPro's connections: run PyDBPro under a user of
its own (deploy/pydbpro.service does; so does the container image). A second ``pydbpro
serve`` on the port is refused before it starts (its probe binds without the option). A
program that takes the port while the workers start makes them exit with a clear message.

Elsewhere, the master's shared socket as Hypercorn makes it: with one worker (nothing to
spread, and a worker restarting finds the connections queued on the shared socket), on
systems without ``SO_REUSEPORT`` or where it does not balance (macOS and the BSDs hand
everything to the last socket bound), and for ``unix:`` and ``fd://`` binds (a socket that
someone else created and listens on).
"""

from __future__ import annotations

import socket
import sys

from hypercorn.config import Config, Sockets


class PortTaken(Exception):
    """This worker cannot bind its own socket: another program took the address."""


def spreads_connections(config: Config) -> bool:
    """Whether the workers of ``config`` listen on sockets of their own."""
    return config.workers > 1 and sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def own_sockets(config: Config, shared: Sockets) -> Sockets:
    """The sockets this worker listens on, in place of the master's ``shared`` ones: a socket
    of its own for each host:port bind when ``spreads_connections``, else the shared one.
    The master's copies it replaces are closed in this process (they never listen)."""
    if not spreads_connections(config):
        return shared
    secure_binds, insecure_binds = (
        (config.bind, config.insecure_bind) if config.ssl_enabled else ([], config.bind)
    )
    return Sockets(
        _replace(secure_binds, shared.secure_sockets),
        _replace(insecure_binds, shared.insecure_sockets),
        shared.quic_sockets,  # UDP: QUIC's connections are not kept apart by the kernel
    )


def _replace(binds: list[str], sockets: list[socket.socket]) -> list[socket.socket]:
    # Hypercorn's create_sockets makes one socket per bind, in order. On PortTaken the
    # worker exits: the sockets made so far close with it.
    own = [
        shared if bind.startswith(("unix:", "fd://")) else _bind_alongside(shared)
        for bind, shared in zip(binds, sockets, strict=True)
    ]
    for sock in sockets:
        if sock not in own:
            sock.close()
    return own


def _bind_alongside(shared: socket.socket) -> socket.socket:
    """A new TCP socket bound where ``shared`` is, with the options Hypercorn sets."""
    address = shared.getsockname()  # the port the master got, also for a bind to port 0
    sock = socket.socket(shared.family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if shared.family == socket.AF_INET6:  # the same dual-stack behaviour as the master's
            v6only = shared.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        sock.bind(address)
    except OSError as error:
        sock.close()
        host, port = address[0], address[1]
        raise PortTaken(
            f"pydbpro: a worker cannot listen on {host}:{port} ({error.strerror}): another "
            "program took the port while PyDBPro was starting; stop it, or set PORT"
        ) from error
    sock.setblocking(False)
    return sock
