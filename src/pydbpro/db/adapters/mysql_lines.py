"""MariaDB's CSV lines off the wire: a one-column unbuffered result read many rows at a time.

aiomysql reads an unbuffered result a row at a time: two awaited ``readexactly`` calls, a
PyMySQL packet object and a decode per row. For the database-written CSV (one text column
per row, ``sql_csv/mysql.py``) that was 54% of a 1M-row export's time under py-spy, more
than ``mariadb --batch`` takes for the whole table. Here the statement runs on the export's
connection through aiomysql's unbuffered cursor, as any statement does, and only the rows
are read differently: as the socket delivers them (``StreamReader.read``), every complete
packet split in one loop, each line kept as the UTF-8 bytes the server sent (the connection's
character set is utf8mb4), so the file's bytes are the lines joined.

It reads only what a one-column result's rows can be: a text row (its value NULL when the
server could not build the line), a row longer than a packet (16 MB) split over several, the
EOF packet that ends the result and an error packet (a statement timeout, a killed query),
raised as aiomysql raises it. Anything else fails the export, and the connection is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiomysql import SSCursor
from pymysql.constants import CR, SERVER_STATUS
from pymysql.err import InternalError, OperationalError, raise_mysql_exception
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

_CONTINUED = 0xFFFFFF  # a packet of this length is followed by the rest of its payload
_READ_BYTES = 256 * 1024
#: Lines per yielded chunk: about 0.5 MB for the benchmark's 200-byte lines.
_LINES_PER_CHUNK = 2000
Line = bytes | None


async def copy_lines(
    conn: AsyncConnection, query: Select[Any], delimiter: str, counted: list[int]
) -> AsyncIterator[bytes]:
    """The CSV data lines of ``query`` (each row one complete line) as file chunks; the
    row count is appended to ``counted`` at the end. ``delimiter`` is already in the SQL."""
    driver: Any = (await conn.get_raw_connection()).driver_connection  # aiomysql's
    sql, values = driver_statement(query, conn.dialect)
    cursor = await driver.cursor(SSCursor)
    await cursor.execute(sql, values)
    if len(cursor.description or ()) != 1:
        raise InternalError("the CSV statement did not return one column")
    rows = _Rows(driver, cursor._result)
    total = 0
    async for lines in rows.batches():
        if None in lines:
            raise ValueError("the database returned no CSV line for a row (too long?)")
        total += len(lines)
        yield b"\n".join(lines) + b"\n"  # type: ignore[arg-type]  # no None: checked
    counted.append(total)
    await cursor.close()


def driver_statement(query: Select[Any], dialect: Dialect) -> tuple[str, tuple[Any, ...]]:
    """``query`` as aiomysql's cursor takes it: ``%s`` text and its values in order, each
    converted as SQLAlchemy would before binding (the driver escapes them)."""
    compiled: Any = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    processors = compiled._bind_processors
    values = tuple(
        processors[name](params[name]) if name in processors else params[name]
        for name in compiled.positiontup or ()
    )
    return compiled.string, values


class _Rows:
    """The packets of one unbuffered result, after its column definitions."""

    def __init__(self, driver: Any, result: Any) -> None:
        self.driver = driver
        self.result = result
        self.data = b""  # received, not yet split: at most part of a packet between reads
        self.done = False

    async def batches(self) -> AsyncIterator[list[Line]]:
        lines: list[Line] = []
        while True:
            done = self._split(lines)
            if len(lines) >= _LINES_PER_CHUNK or (done and lines):
                yield lines
                lines = []
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

    def _split(self, lines: list[Line]) -> bool:
        """Every complete row in ``data`` appended to ``lines``; True at the result's end."""
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
            if head < 251:  # the common case: a line shorter than 251 bytes
                lines.append(payload[1 : 1 + head])
            elif (head == 0xFE and len(payload) < 9) or head == 0xFF:
                self._finish(payload, seq, leftover=size - at)
                break
            else:
                lines.append(_long_value(payload))
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


def _long_value(payload: bytes) -> Line:
    """The value of a row whose length takes more than one byte, or NULL (0xFB)."""
    head = payload[0]
    if head == 0xFB:
        return None
    width = {0xFC: 2, 0xFD: 3, 0xFE: 8}[head]
    length = int.from_bytes(payload[1 : 1 + width], "little")
    return payload[1 + width : 1 + width + length]
