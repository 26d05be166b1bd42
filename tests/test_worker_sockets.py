"""Several Hypercorn workers share the load (pydbpro.worker_sockets): a real `pydbpro serve`
with 2 workers, and the sockets themselves against the kernel's rules."""

from __future__ import annotations

import errno
import http.client
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypercorn.config import Config, Sockets

from pydbpro.worker_sockets import PortTaken, own_sockets

from .support.live_server import (
    LiveServer,
    connections_held,
    live_server,
    wait_until_workers_listen,
    worker_pids,
)

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="SO_REUSEPORT spreads connections on Linux only"
)

CONNECTIONS = 200
#: Each worker's least share of CONNECTIONS fresh connections. The kernel picks a
#: worker by a hash of each connection's ports: about 100 each, 40 is 8.5 standard
#: deviations away (the shared socket of before gave one worker nearly all of them).
LEAST_EACH = 40


@contextmanager
def _connections_served(port: int, count: int) -> Iterator[list[http.client.HTTPConnection]]:
    """``count`` fresh connections, each with one request answered, held open (keep-alive)
    while the block runs: the worker that accepted each one still holds it."""
    held: list[http.client.HTTPConnection] = []
    try:
        for _ in range(count):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            held.append(connection)
            connection.request("GET", "/api/health/live")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Connection") != "close"
        yield held
    finally:
        for connection in held:
            connection.close()


def _split(server: LiveServer) -> dict[int, int]:
    """Fresh connections, each served once: how many each worker accepted."""
    with _connections_served(server.port, CONNECTIONS):
        return connections_held(server.port, worker_pids(server))


def test_two_workers_each_take_a_fair_share_of_new_connections(
    tmp_path: Path, sqlite_file: Path
) -> None:
    with live_server(tmp_path, workers=2, DATABASE_URL=f"sqlite:///{sqlite_file}") as server:
        wait_until_workers_listen(server, 2, time.monotonic() + 60)
        split = _split(server)
        assert len(split) == 2, split
        assert sum(split.values()) == CONNECTIONS, split  # every connection is a worker's
        assert min(split.values()) >= LEAST_EACH, split
    assert "Traceback" not in server.stderr


def test_a_worker_stopped_alone_is_replaced_and_the_new_one_takes_its_share(
    tmp_path: Path, sqlite_file: Path
) -> None:
    """SIGTERM to one worker (an operator, or the OOM killer's gentler cousins): it drains
    and exits, Hypercorn starts another, which binds its own socket next to the survivor's."""
    with live_server(tmp_path, workers=2, DATABASE_URL=f"sqlite:///{sqlite_file}") as server:
        wait_until_workers_listen(server, 2, time.monotonic() + 60)
        assert len(_split(server)) == 2  # both serve: both are past their start
        stopped, survivor = worker_pids(server)
        os.kill(stopped, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while stopped in worker_pids(server):
            assert server.process.poll() is None, "the master must not stop"
            assert time.monotonic() < deadline, "the worker did not stop"
            time.sleep(0.1)
        wait_until_workers_listen(server, 2, time.monotonic() + 60)
        split = _split(server)
        assert survivor in split and stopped not in split and len(split) == 2, split
        assert min(split.values()) >= LEAST_EACH, split
    assert "Traceback" not in server.stderr


def _master_sockets(workers: int, *binds: str) -> tuple[Config, Sockets]:
    """What Hypercorn's master binds (its own create_sockets) for ``binds``."""
    config = Config()
    config.workers = workers
    config.bind = list(binds)
    return config, config.create_sockets()


def _copy(sockets: Sockets) -> Sockets:
    """A worker's copy of the master's sockets (a worker process receives duplicates)."""
    return Sockets([], [sock.dup() for sock in sockets.insecure_sockets], [])


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_each_worker_binds_its_own_socket_where_the_master_bound(host: str) -> None:
    config, master = _master_sockets(2, f"[{host}]:0" if ":" in host else f"{host}:0")
    port = master.insecure_sockets[0].getsockname()[1]
    first, second = own_sockets(config, _copy(master)), own_sockets(config, _copy(master))
    try:
        (a,), (b,) = first.insecure_sockets, second.insecure_sockets
        assert a is not b and a.getsockname()[:2] == b.getsockname()[:2] == (host, port)
        assert a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        for sock in (a, b):
            sock.listen(CONNECTIONS)
        clients = [socket.create_connection((host, port)) for _ in range(CONNECTIONS)]
        accepted = {name: _accept_all(sock) for name, sock in (("a", a), ("b", b))}
        for client in clients:
            client.close()
        assert sum(accepted.values()) == CONNECTIONS and min(accepted.values()) >= LEAST_EACH
        # The master's socket does not listen: no connection is queued on it.
        assert master.insecure_sockets[0].getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 0
        a.close()
        b.close()
        with pytest.raises(ConnectionRefusedError):  # nobody listens: refused, not queued
            socket.create_connection((host, port), timeout=5)
    finally:
        for sock in [*first.insecure_sockets, *second.insecure_sockets]:
            sock.close()
        master.insecure_sockets[0].close()


def _accept_all(sock: socket.socket) -> int:
    sock.setblocking(False)
    count = 0
    while True:
        try:
            connection, _ = sock.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_one_worker_and_unix_sockets_keep_the_masters_socket(tmp_path: Path) -> None:
    config, master = _master_sockets(1, "127.0.0.1:0")
    assert own_sockets(config, master) is master
    master.insecure_sockets[0].close()
    config, master = _master_sockets(2, f"unix:{tmp_path / 'pydbpro.sock'}", "127.0.0.1:0")
    own = own_sockets(config, master)
    try:
        assert own.insecure_sockets[0] is master.insecure_sockets[0]  # the unix one, shared
        assert own.insecure_sockets[1] is not master.insecure_sockets[1]
        assert master.insecure_sockets[1].fileno() == -1  # the replaced copy is closed
    finally:
        for sock in own.insecure_sockets:
            sock.close()


def test_a_port_another_program_took_while_workers_start_stops_them_clearly() -> None:
    """The master's socket never listens, so a server started at that moment can take the
    port (its bind does not ask to share): the worker then says what happened."""
    config, master = _master_sockets(2, "127.0.0.1:0")
    port = master.insecure_sockets[0].getsockname()[1]
    with socket.socket() as intruder:
        intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        intruder.bind(("127.0.0.1", port))
        intruder.listen()
        with pytest.raises(PortTaken) as taken:
            own_sockets(config, master)
    assert str(taken.value) == (
        f"pydbpro: a worker cannot listen on 127.0.0.1:{port} (Address already in use): "
        "another program took the port while PyDBPro was starting; stop it, or set PORT"
    )
    master.insecure_sockets[0].close()


def _bind_as_another_user(port: int) -> int:
    """0 if a process of another user can bind a socket that asks to share (SO_REUSEPORT)
    to ``port``, else the errno. A fork: that user may not read this test's interpreter."""
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        code = 0
        try:
            os.setresuid(65534, 65534, 65534)
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                sock.bind(("127.0.0.1", port))
        except OSError as error:
            code = error.errno or 255
        os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")
def test_only_the_same_user_asking_to_share_can_join_the_workers_port() -> None:
    """What the module's documentation promises, from the kernel: a program of another user
    cannot take a share of the connections even if it asks to, nor one that does not ask."""
    config, master = _master_sockets(2, "127.0.0.1:0")
    port = master.insecure_sockets[0].getsockname()[1]
    own = own_sockets(config, master)
    try:
        own.insecure_sockets[0].listen()
        assert _bind_as_another_user(port) == errno.EADDRINUSE
        with socket.socket() as without_sharing:
            without_sharing.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            with pytest.raises(OSError) as refused:
                without_sharing.bind(("127.0.0.1", port))
            assert refused.value.errno == errno.EADDRINUSE
        with socket.socket() as same_user_sharing:  # the one that can: documented
            same_user_sharing.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            same_user_sharing.bind(("127.0.0.1", port))
    finally:
        for sock in [*own.insecure_sockets, *master.insecure_sockets]:
            sock.close()
