"""The packet framing of ``db/adapters/mysql_results.py``: what a MariaDB export's rows can be.

The HTTP tests (``test_exports.py``) read real MariaDB results through it, byte for byte
against the row path: short lines, lines of 251 bytes to 64 KB and beyond, the NULL line.
What a test server cannot be made to send with its default ``max_allowed_packet`` (a row
split over several 16 MB packets) or only at random (an error after some rows, a packet out
of sequence) is framed here by hand, exactly as the protocol writes it, into a real
``asyncio.StreamReader``.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass
from typing import Any

import pytest
from pymysql.err import InternalError, OperationalError

from pydbpro.db.adapters.mysql_results import _READ_BYTES, _row, _Rows

_MAX = 0xFFFFFF


def _packets(payload: bytes, seq: int) -> tuple[bytes, int]:
    """``payload`` framed as the server sends it (split at 16 MB), and the next sequence."""
    out = b""
    while True:
        part, payload = payload[:_MAX], payload[_MAX:]
        out += struct.pack("<I", len(part))[:3] + bytes([seq]) + part
        seq = (seq + 1) % 256
        if len(part) < _MAX:
            return out, seq


def _lenenc(value: bytes | None) -> bytes:
    if value is None:
        return b"\xfb"
    n = len(value)
    if n < 251:
        return bytes([n]) + value
    if n < 1 << 16:
        return b"\xfc" + n.to_bytes(2, "little") + value
    if n < 1 << 24:
        return b"\xfd" + n.to_bytes(3, "little") + value
    return b"\xfe" + n.to_bytes(8, "little") + value


EOF_PACKET = b"\xfe\x00\x00\x22\x00"  # no warnings, status: autocommit + no index used
ERROR_PACKET = b"\xff" + (1969).to_bytes(2, "little") + b"#70100Query execution was interrupted"


@dataclass
class Driver:
    """What the reader touches of aiomysql's connection: its stream and packet sequence."""

    _reader: asyncio.StreamReader
    _next_seq_id: int = 1
    closed: bool = False

    def close(self) -> None:
        self.closed = True


@dataclass
class Result:
    unbuffered_active: bool = True
    connection: Any = "the connection"
    warning_count: int = 0
    has_next: bool = False


def _reader(payloads: list[bytes], seq: int = 1, chunk: int = 7919) -> asyncio.StreamReader:
    """A stream holding ``payloads`` as packets, fed in odd-sized chunks so that packets and
    their headers are split between reads."""
    data = b""
    for payload in payloads:
        framed, seq = _packets(payload, seq)
        data += framed
    reader = asyncio.StreamReader(limit=1 << 30)
    for start in range(0, len(data), chunk):
        reader.feed_data(data[start : start + chunk])
    reader.feed_eof()
    return reader


async def _read(reader: asyncio.StreamReader) -> tuple[list[bytes | None], Driver, Result]:
    driver, result = Driver(reader), Result()
    lines = [_one(p) async for batch in _Rows(driver, result).batches() for p in batch]
    return lines, driver, result


def _one(payload: bytes) -> bytes | None:
    """A one-column row's value, as the CSV reader takes it."""
    value: bytes | None = _row(payload, [(None, None)])[0]
    return value


async def test_every_length_encoding_and_a_row_over_several_packets() -> None:
    values = [b"short", b"x" * 300, b"y" * 70_000, None, b"", b"z" * (_MAX + 10), b"after"]
    lines, driver, result = await _read(_reader([_lenenc(v) for v in values] + [EOF_PACKET]))
    assert lines == values
    assert result.unbuffered_active is False and result.connection is None
    assert not driver.closed and driver._next_seq_id == (1 + len(values) + 2) % 256


async def test_a_big_result_comes_in_bounded_batches() -> None:
    values = [f"line {i:09d} {'.' * 30}".encode() for i in range(50_000)]  # 2.4 MB
    driver, result = Driver(_reader([_lenenc(v) for v in values] + [EOF_PACKET])), Result()
    batches = [batch async for batch in _Rows(driver, result).batches()]
    assert [_one(p) for batch in batches for p in batch] == values
    assert max(sum(map(len, batch)) for batch in batches) < 2 * _READ_BYTES


async def test_an_error_after_some_rows_is_raised_as_aiomysql_raises_it() -> None:
    reader = _reader([_lenenc(b"one"), _lenenc(b"two"), ERROR_PACKET])
    driver, result = Driver(reader), Result()
    seen: list[bytes | None] = []
    with pytest.raises(OperationalError) as raised:
        async for batch in _Rows(driver, result).batches():
            seen += map(_one, batch)
    assert raised.value.args[0] == 1969 and seen == []
    assert result.unbuffered_active is False  # the result is over; the stream closes it


async def test_a_packet_out_of_sequence_or_a_lost_connection_drops_the_connection() -> None:
    driver = Driver(_reader([_lenenc(b"one"), EOF_PACKET], seq=5))
    with pytest.raises(InternalError, match="sequence"):
        [line async for batch in _Rows(driver, Result()).batches() for line in batch]
    assert driver.closed
    cut = asyncio.StreamReader()
    cut.feed_data(_packets(_lenenc(b"one"), 1)[0] + b"\x10\x00")  # a header cut short
    cut.feed_eof()
    driver = Driver(cut)
    with pytest.raises(OperationalError, match="Lost connection"):
        [line async for batch in _Rows(driver, Result()).batches() for line in batch]
    assert driver.closed


async def test_a_second_result_after_the_rows_is_refused() -> None:
    more = b"\xfe\x00\x00\x0a\x00"  # status: SERVER_MORE_RESULTS_EXISTS
    driver = Driver(_reader([_lenenc(b"one"), more]))
    with pytest.raises(InternalError, match="more than one result"):
        [line async for batch in _Rows(driver, Result()).batches() for line in batch]
    assert driver.closed


def test_a_row_of_many_values_converts_as_aiomysql_does() -> None:
    """The same payload read by aiomysql's own row reader (its MySQLResult, a PyMySQL
    packet) and by ``_row``: equal values, each decoded and converted alike."""
    from aiomysql.connection import MySQLResult
    from pymysql.converters import convert_datetime
    from pymysql.protocol import MysqlPacket

    def aiomysql_row(payload: bytes, converters: list[tuple[str | None, Any]]) -> Any:
        result = MySQLResult.__new__(MySQLResult)
        result.converters = converters
        return result._read_row_from_packet(MysqlPacket(payload, "utf8"))

    converters = [(None, int), ("utf8", None), (None, None), ("utf8", None),
                  ("ascii", convert_datetime), (None, float)]  # fmt: skip
    values = [b"42", "Zoë".encode(), b"\x00\xff", None, b"2020-01-02 03:04:05.250000", b"1.5"]
    payload = b"".join(_lenenc(v) for v in values)
    assert _row(payload, converters) == aiomysql_row(payload, converters)
    long_text = "é" * 40_000  # 80,000 bytes: a length of three bytes (0xFD)
    payload = _lenenc(b"7") + _lenenc(long_text.encode()) + _lenenc(None)
    three: list[tuple[str | None, Any]] = [(None, int), ("utf8", None), ("utf8", None)]
    assert _row(payload, three) == aiomysql_row(payload, three) == (7, long_text, None)
