"""An export's MariaDB result off the wire: an unbuffered result read many rows at a time.

aiomysql reads an unbuffered result a row at a time: two awaited ``readexactly`` calls and a
PyMySQL packet object per row, a method call per value. For the database-written CSV (one
text column per row, ``sql_csv/mysql.py``) that was 54% of a 1M-row export's time under
py-spy, more than ``mariadb --batch`` takes for the whole table; for an XLSX export, two
thirds of the event loop's time. Here the statement runs on the export's connection through
aiomysql's unbuffered cursor, as any statement does, and only the rows are read differently:
as the socket delivers them (``StreamReader.read``), every complete packet split in one loop.

- ``copy_lines``: the CSV lines kept as the UTF-8 bytes the server sent (the connection's
  character set is utf8mb4), so the file's bytes are the lines joined;
- ``DriverRows``: rows of values converted by aiomysql's own decoders for the result's
  columns, the rows SQLAlchemy would give for a statement without result processors.

It reads only what a result's rows can be: text rows (a value may be NULL), a row longer
than a packet (16 MB) split over several, the EOF packet that ends the result and an error
packet (a statement timeout, a killed query), raised as aiomysql raises it. Anything else
fails the export, and the connection is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from aiomysql import SSCursor
from pymysql.constants import CR, SERVER_STATUS
from pymysql.err import InternalError, OperationalError, raise_mysql_exception
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..sql_csv import joined_lines
from ..statements import DriverStatement, driver_statement

_CONTINUED = 0xFFFFFF  # a packet of this length is followed by the rest of its payload
_READ_BYTES = 256 * 1024
#: Rows per batch read: about 0.5 MB of CSV for the benchmark's 200-byte lines.
_ROWS_PER_BATCH = 2000
Line = bytes | None


async def copy_lines(
    in_python: dict[int, Callable[[Sequence[Any]], list[Any]]],
    conn: AsyncConnection,
    query: Select[Any],
    delimiter: str,
    counted: list[int],
) -> AsyncIterator[bytes]:
    """The CSV data lines of ``query`` as file chunks; the row count is appended to
    ``counted`` at the end. ``delimiter`` is already in the SQL. Each row is one complete
    line, or (``in_python``) the SQL-written runs of it with, at these positions, values
    whose fields Python writes from their text, a column at a time (``sql_csv.InPython``)."""
    driver: Any = (await conn.get_raw_connection()).driver_connection  # aiomysql's
    statement = driver_statement(query, conn.dialect)
    cursor = await driver.cursor(SSCursor)
    await cursor.execute(statement.sql, statement.values)
    width = len(cursor.description or ())
    if width != 1 + 2 * len(in_python):
        raise InternalError("the CSV statement did not return the columns planned")
    rows = _Rows(driver, cursor._result)
    total = 0
    async for payloads in rows.batches():
        total += len(payloads)
        yield _pieced(payloads, width, in_python) if in_python else _lines(payloads)
    counted.append(total)
    await cursor.close()


def _lines(payloads: list[bytes]) -> bytes:
    # A one-column row is its value: a length under 251 is one byte (the common case).
    return joined_lines({}, [[p[1:] if p[0] < 251 else _long_value(p, 0)[0] for p in payloads]])


def _pieced(
    payloads: list[bytes], width: int, in_python: dict[int, Callable[[Sequence[Any]], list[Any]]]
) -> bytes:
    return joined_lines(in_python, list(zip(*(_raw(p, width) for p in payloads), strict=True)))


async def driver_rows(conn: AsyncConnection, statement: DriverStatement) -> DriverRows:
    """``statement`` started on the export's connection, its rows read by ``DriverRows``."""
    driver: Any = (await conn.get_raw_connection()).driver_connection  # aiomysql's
    cursor = await driver.cursor(SSCursor)
    await cursor.execute(statement.sql, statement.values)
    return DriverRows(cursor, _Rows(driver, cursor._result))


class DriverRows:
    """An unbuffered result as the export reads it (``fetchmany``, ``keys``, ``close``)."""

    def __init__(self, cursor: Any, rows: _Rows) -> None:
        self._cursor = cursor
        self._batches = rows.batches()
        #: aiomysql's (encoding, decoder) per column, from the result's column definitions.
        self._converters: list[tuple[str | None, Any]] = cursor._result.converters
        self._pending: list[bytes] = []
        self._done = False

    def keys(self) -> list[str]:
        return [column[0] for column in self._cursor.description]

    async def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        while len(self._pending) < size and not self._done:
            try:
                self._pending += await anext(self._batches)
            except StopAsyncIteration:
                self._done = True
        taken, self._pending = self._pending[:size], self._pending[size:]
        converters = self._converters
        return [_row(payload, converters) for payload in taken]

    async def close(self) -> None:
        """After the last row only (the export drops a connection with rows unread)."""
        await self._cursor.close()


def _raw(payload: bytes, width: int) -> list[bytes | None]:
    """One row's values as the bytes the server sent (``_row`` without decoders)."""
    values: list[bytes | None] = []
    at = 0
    for _ in range(width):
        head = payload[at]
        if head < 251:
            end = at + 1 + head
            values.append(payload[at + 1 : end])
            at = end
        else:
            value, at = _long_value(payload, at)
            values.append(value)
    return values


def _row(payload: bytes, converters: list[tuple[str | None, Any]]) -> tuple[Any, ...]:
    """One text-protocol row's values, each decoded and converted as aiomysql does."""
    values: list[Any] = []
    at = 0
    for encoding, converter in converters:
        head = payload[at]
        if head < 251:
            end = at + 1 + head
            data: Any = payload[at + 1 : end]
            at = end
        else:
            data, at = _long_value(payload, at)
            if data is None:
                values.append(None)
                continue
        if encoding is not None:
            data = data.decode(encoding)
        if converter is not None:
            data = converter(data)
        values.append(data)
    return tuple(values)


class _Rows:
    """The packets of one unbuffered result, after its column definitions."""

    def __init__(self, driver: Any, result: Any) -> None:
        self.driver = driver
        self.result = result
        self.data = b""  # received, not yet split: at most part of a packet between reads
        self.done = False

    async def batches(self) -> AsyncIterator[list[bytes]]:
        """The row packets' payloads, as many as have arrived (and at least
        ``_ROWS_PER_BATCH`` unless the result ends)."""
        rows: list[bytes] = []
        while True:
            done = self._split(rows)
            if len(rows) >= _ROWS_PER_BATCH or (done and rows):
                yield rows
                rows = []
            if done:
                return
            await self._receive()

    async def _receive(self) -> None:
        chunk = await self.driver._reader.read(_READ_BYTES)
        if not chunk:
            self.driver.close()
            raise OperationalError(
                CR.CR_SERVER_LOST, "Lost connection to MySQL server during query"
            )
        self.data = self.data + chunk if self.data else chunk

    def _split(self, rows: list[bytes]) -> bool:
        """Every complete row packet in ``data`` appended to ``rows`` (its payload); True at
        the result's end."""
        data, at, size = self.data, 0, len(self.data)
        seq = self.driver._next_seq_id
        while at + 4 <= size:
            length = data[at] | data[at + 1] << 8 | data[at + 2] << 16
            end = at + 4 + length
            if end > size:
                break
            if data[at + 3] != seq:
                self._out_of_step(data[at + 3], seq)
            if length == _CONTINUED:
                found = self._joined(data, at, seq)
                if found is None:
                    break
                payload, end, seq = found
            else:
                payload, seq = data[at + 4 : end], (seq + 1) % 256
            at = end
            head = payload[0]
            if (head == 0xFE and len(payload) < 9) or head == 0xFF:
                self._finish(payload, seq, leftover=size - at)
                break
            rows.append(payload)
        self.driver._next_seq_id = seq
        self.data = data[at:]
        return self.done

    def _joined(self, data: bytes, at: int, seq: int) -> tuple[bytes, int, int] | None:
        """A payload split over packets of the maximum length, if all of it is here: its
        bytes, where it ends and the next sequence number."""
        parts, size = [], len(data)
        while True:
            if at + 4 > size:
                return None
            length = data[at] | data[at + 1] << 8 | data[at + 2] << 16
            if at + 4 + length > size:
                return None
            if data[at + 3] != seq:
                self._out_of_step(data[at + 3], seq)
            parts.append(data[at + 4 : at + 4 + length])
            at, seq = at + 4 + length, (seq + 1) % 256
            if length < _CONTINUED:
                return b"".join(parts), at, seq

    def _finish(self, payload: bytes, seq: int, leftover: int) -> None:
        """The result's end: its EOF packet, or the error that stopped it (raised)."""
        self.done = True
        self.result.unbuffered_active = False
        self.result.connection = None
        self.driver._next_seq_id = seq
        if payload[0] == 0xFF:
            raise_mysql_exception(payload)
        self.result.warning_count = int.from_bytes(payload[1:3], "little")
        status = int.from_bytes(payload[3:5], "little")
        self.result.has_next = bool(status & SERVER_STATUS.SERVER_MORE_RESULTS_EXISTS)
        if leftover or self.result.has_next:
            self.driver.close()
            raise InternalError("the CSV statement returned more than one result")

    def _out_of_step(self, got: int, expected: int) -> None:
        self.driver.close()
        raise InternalError(f"Packet sequence number wrong - got {got} expected {expected}")


def _long_value(payload: bytes, at: int) -> tuple[Line, int]:
    """The value at ``at`` whose length takes more than one byte, or NULL (0xFB), and where
    the next value starts."""
    head = payload[at]
    if head == 0xFB:
        return None, at + 1
    width = _WIDTHS[head]
    start = at + 1 + width
    end = start + int.from_bytes(payload[at + 1 : start], "little")
    return payload[start:end], end


_WIDTHS = {0xFC: 2, 0xFD: 3, 0xFE: 8}
