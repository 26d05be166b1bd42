"""PostgreSQL date, time and interval values without loss (asyncpg codecs, tuple format).

asyncpg's own codecs turn ``infinity`` into ``date.max`` (indistinguishable from a real
9999-12-31), fail on dates before year 1 or after 9999 and on ``24:00:00`` (so one such
row made every page holding it a 500), and turn a month into 30 days. These codecs read
PostgreSQL's binary values as numbers instead: a value Python can hold becomes the usual
``date``/``datetime``/``time``; anything else becomes ``DbText``, PostgreSQL's own text for
it (DateStyle ISO, time zone UTC); intervals become ``Interval`` with their months.

Encoders accept the same values back (``DbText`` included), so a keyset cursor that stopped
on ``infinity`` binds it again exactly.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import asyncpg

from ..values import DbText, Interval

_EPOCH_ORDINAL = date(2000, 1, 1).toordinal()  # PostgreSQL counts from 2000-01-01
_UNIX_TO_PG_DAYS = 10_957  # days from 1970-01-01 to 2000-01-01
_EPOCH = datetime(2000, 1, 1)
_EPOCH_UTC = datetime(2000, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_DATE_INFINITY, _DATE_NEG_INFINITY = 2**31 - 1, -(2**31)
_TIME_INFINITY, _TIME_NEG_INFINITY = 2**63 - 1, -(2**63)
_MIN_ORDINAL, _MAX_ORDINAL = date.min.toordinal(), date.max.toordinal()
_MIN_US = (datetime.min - _EPOCH) // _US
_MAX_US = (datetime.max - _EPOCH) // _US
_TEXT = re.compile(
    r"(?P<y>\d{4,})-(?P<m>\d\d)-(?P<d>\d\d)"
    r"(?:[ T](?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]00(?::?00)?)?(?P<bc> BC)?"
)


# --- calendar arithmetic for any year (proleptic Gregorian, year 0 = 1 BC) ----------------


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count from 1970-01-01, for any year."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def days_from_civil(year: int, month: int, day: int) -> int:
    """The day count from 1970-01-01 of a date in any year (inverse of civil_from_days)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146_097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719_468


def _date_text(pg_days: int) -> tuple[str, bool]:
    """PostgreSQL's text of a day (``0044-03-15``) and whether it is BC."""
    year, month, day = civil_from_days(pg_days + _UNIX_TO_PG_DAYS)
    shown = 1 - year if year <= 0 else year
    return f"{shown:04d}-{month:02d}-{day:02d}", year <= 0


def _clock(micros: int) -> str:
    seconds, fraction = divmod(micros, 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return text + f".{fraction:06d}".rstrip("0") if fraction else text


def _zone(offset_seconds: int) -> str:
    """PostgreSQL's offset: +HH, +HH:MM or +HH:MM:SS."""
    sign = "-" if offset_seconds < 0 else "+"
    minutes, seconds = divmod(abs(offset_seconds), 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{sign}{hours:02d}"
    if minutes or seconds:
        text += f":{minutes:02d}"
    return text + f":{seconds:02d}" if seconds else text


# --- decoders: PostgreSQL's numbers -> Python values, or DbText ---------------------------


def decode_date(value: tuple[int]) -> date | DbText:
    days = value[0]
    ordinal = days + _EPOCH_ORDINAL
    if _MIN_ORDINAL <= ordinal <= _MAX_ORDINAL:
        return date.fromordinal(ordinal)
    if days in (_DATE_INFINITY, _DATE_NEG_INFINITY):
        return DbText("infinity" if days > 0 else "-infinity")
    text, bc = _date_text(days)
    return DbText(text + " BC" if bc else text)


def _timestamp_text(micros: int, zone: str) -> DbText:
    if micros in (_TIME_INFINITY, _TIME_NEG_INFINITY):
        return DbText("infinity" if micros > 0 else "-infinity")
    days, clock = divmod(micros, _DAY_US)
    text, bc = _date_text(days)
    return DbText(f"{text} {_clock(clock)}{zone}" + (" BC" if bc else ""))


def decode_timestamp(value: tuple[int]) -> datetime | DbText:
    micros = value[0]
    if _MIN_US <= micros <= _MAX_US:
        return _EPOCH + timedelta(microseconds=micros)
    return _timestamp_text(micros, "")


def decode_timestamptz(value: tuple[int]) -> datetime | DbText:
    micros = value[0]
    if _MIN_US <= micros <= _MAX_US:
        return _EPOCH_UTC + timedelta(microseconds=micros)
    return _timestamp_text(micros, "+00")


def decode_time(value: tuple[int]) -> time | DbText:
    micros = value[0]
    if micros >= _DAY_US:
        return DbText(_clock(micros))  # 24:00:00
    seconds, fraction = divmod(micros, 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return time(hours, minutes, seconds, fraction)


def decode_timetz(value: tuple[int, int]) -> time | DbText:
    micros, zone = value  # PostgreSQL keeps the zone as seconds WEST of UTC
    if micros >= _DAY_US or abs(zone) >= 86_400:
        return DbText(_clock(micros) + _zone(-zone))
    plain = decode_time((micros,))
    assert isinstance(plain, time)
    return plain.replace(tzinfo=timezone(timedelta(seconds=-zone)))


def decode_interval(value: tuple[int, int, int]) -> Interval:
    return Interval(*value)


# --- encoders: values (ours or the caller's) -> PostgreSQL's numbers ------------------------


def _parse(text: str) -> re.Match[str]:
    match = _TEXT.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a PostgreSQL date/time: {text!r}")
    return match


def _days_of(match: re.Match[str]) -> int:
    year = int(match["y"])
    if match["bc"]:
        year = 1 - year
    return days_from_civil(year, int(match["m"]), int(match["d"])) - _UNIX_TO_PG_DAYS


def encode_date(value: Any) -> tuple[int]:
    if isinstance(value, date):
        return ((value.date() if isinstance(value, datetime) else value).toordinal()
                - _EPOCH_ORDINAL,)  # fmt: skip
    text = str(value).strip().lower()
    if text in ("infinity", "-infinity"):
        return (_DATE_INFINITY if text == "infinity" else _DATE_NEG_INFINITY,)
    return (_days_of(_parse(str(value))),)


def _micros_of_text(text: str) -> int:
    lowered = text.strip().lower()
    if lowered in ("infinity", "-infinity"):
        return _TIME_INFINITY if lowered == "infinity" else _TIME_NEG_INFINITY
    match = _parse(text)
    clock = (int(match["H"] or 0) * 60 + int(match["M"] or 0)) * 60 + int(match["S"] or 0)
    fraction = int((match["f"] or "0").ljust(6, "0"))
    return _days_of(match) * _DAY_US + clock * 1_000_000 + fraction


def encode_timestamp(value: Any) -> tuple[int]:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return ((value - _EPOCH) // _US,)
    if isinstance(value, date):
        return ((value.toordinal() - _EPOCH_ORDINAL) * _DAY_US,)
    return (_micros_of_text(str(value)),)


def encode_timestamptz(value: Any) -> tuple[int]:
    """A value without an offset means UTC (the zone PyDBPro shows every moment in)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return ((value - _EPOCH_UTC) // _US,)
    return encode_timestamp(value)


def _time_micros(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def encode_time(value: Any) -> tuple[int]:
    if isinstance(value, time):
        return (_time_micros(value),)
    hours, minutes, seconds = str(value).strip().split(":")
    whole, _, fraction = seconds.partition(".")
    return ((((int(hours) * 60 + int(minutes)) * 60 + int(whole)) * 1_000_000
             + int(fraction.ljust(6, "0") or 0)),)  # fmt: skip


def encode_timetz(value: Any) -> tuple[int, int]:
    if isinstance(value, time):
        zone_offset = value.utcoffset() or timedelta(0)
        return _time_micros(value), -int(zone_offset.total_seconds())
    text = str(value).strip()
    clock, sign, zone = re.split(r"([+-])", text, maxsplit=1) if re.search(r"[+-]", text) else (
        text, "+", "00")  # fmt: skip
    parts = [int(p) for p in zone.split(":")] + [0, 0]
    offset = (parts[0] * 60 + parts[1]) * 60 + parts[2]
    return encode_time(clock)[0], -offset if sign == "+" else offset


def encode_interval(value: Any) -> tuple[int, int, int]:
    if isinstance(value, Interval):
        return value.months, value.days, value.microseconds
    if isinstance(value, timedelta):
        return 0, value.days, value.seconds * 1_000_000 + value.microseconds
    raise ValueError(f"not an interval: {value!r}")


_CODECS = (
    ("date", encode_date, decode_date),
    ("timestamp", encode_timestamp, decode_timestamp),
    ("timestamptz", encode_timestamptz, decode_timestamptz),
    ("time", encode_time, decode_time),
    ("timetz", encode_timetz, decode_timetz),
    ("interval", encode_interval, decode_interval),
)


async def install(connection: asyncpg.Connection) -> None:
    """Use these codecs on a new connection (arrays of these types follow them)."""
    for name, encoder, decoder in _CODECS:
        await connection.set_type_codec(name, schema="pg_catalog", encoder=encoder,
                                        decoder=decoder, format="tuple")  # fmt: skip
