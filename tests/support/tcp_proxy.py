"""A tiny asyncio TCP forwarder for simulating a database outage and recovery.

Why: tests of reconnect / pool-recovery behaviour need the database to "go away"
and come back, but stopping the real shared server would break everyone else's
tests. Pointing the application at this proxy instead lets a test cut every
connection (``stop()``), keep new ones from connecting, and later accept them
again on the same port (``start()``), so URLs stay valid across the outage.

``stall()`` simulates the other kind of outage, a hung server: connections stay
open (new ones are accepted) but nothing comes back until ``resume()``, when the
bytes held meanwhile are delivered, as a server that froze and thawed would.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_CHUNK = 64 * 1024


class TcpProxy:
    """Forward 127.0.0.1:<port> to ``target_host:target_port``.

    ``port`` is picked by the OS on the first ``start()`` and reused afterwards.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port: int = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._transports: set[asyncio.BaseTransport] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    @property
    def running(self) -> bool:
        """Whether the proxy currently accepts connections."""
        return self._server is not None

    async def start(self) -> None:
        """Listen on 127.0.0.1 (on the same port as before after a ``stop()``)."""
        if self._server is not None:
            return
        # reuse_address lets us bind again although closed connections on this
        # port may still be in TIME_WAIT.
        self._server = await asyncio.start_server(
            self._handle,
            host="127.0.0.1",
            port=self.port,
            reuse_address=True,
            family=socket.AF_INET,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and abort every forwarded connection, both directions.

        Aborting (RST instead of a polite FIN) is what an outage looks like to a
        pooled database connection: the next query on it fails.
        """
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for transport in list(self._transports):
            transport.abort()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    def stall(self) -> None:
        """Forward nothing, either way, on every connection (open or new) until ``resume()``."""
        self._flowing.clear()

    def resume(self) -> None:
        """Deliver what was held and forward again."""
        self._flowing.set()

    async def __aenter__(self) -> TcpProxy:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _handle(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        """Per client: connect upstream, then pump both ways until either side ends."""
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._transports.add(client_writer.transport)
        upstream_writer: asyncio.StreamWriter | None = None
        try:
            if not self.running:
                return  # accepted just before stop(): do not start forwarding
            await self._flowing.wait()  # a hung server accepts, then says nothing
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection(
                    self.target_host, self.target_port
                )
            except OSError:
                return  # target down: the client just sees its connection close
            self._transports.add(upstream_writer.transport)
            pumps = [
                asyncio.create_task(self._pump(client_reader, upstream_writer, self._flowing)),
                asyncio.create_task(self._pump(upstream_reader, client_writer, self._flowing)),
            ]
            try:
                # When one direction ends, tear down both.
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pump in pumps:
                    pump.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            for writer in (client_writer, upstream_writer):
                if writer is not None:
                    self._transports.discard(writer.transport)
                    await self._close(writer)
            self._handlers.discard(task)

    @staticmethod
    async def _pump(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, flowing: asyncio.Event
    ) -> None:
        """Copy bytes until EOF or a connection error; hold them while stalled."""
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(_CHUNK):
                await flowing.wait()
                writer.write(data)
                await writer.drain()

    @staticmethod
    async def _close(writer: asyncio.StreamWriter) -> None:
        """Close a stream, ignoring errors from an already broken connection."""
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


@asynccontextmanager
async def proxied(url: str) -> AsyncIterator[tuple[TcpProxy, str]]:
    """A started proxy in front of the server of ``url``, and the same URL through it."""
    from sqlalchemy.engine import make_url

    real = make_url(url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 0)
    await proxy.start()
    try:
        yield (
            proxy,
            real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        )
    finally:
        await proxy.stop()
