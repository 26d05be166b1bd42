"""``pydbpro audit export``: the stored activity log as JSON lines or CSV, for archiving or
for a SIEM. Events are read in batches and written as they come, so months of them stream."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import IO, Any

import click
import orjson

from ..audit import storage
from ..store import Store
from .accounts import run_with_store

#: The CSV's columns: the common fields, then the event's own fields as one JSON object.
CSV_COLUMNS = ("id", "at", "event", "user", "client", "request_id", "details")


@click.group()
def audit() -> None:
    """Read the activity log stored by the ``store`` sink (AUDIT_SINKS)."""


def _time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return storage.utc_time(value)
    except ValueError:
        raise click.BadParameter("use a date or ISO 8601 time, e.g. 2026-11-01") from None


@audit.command("export")
@click.option("--since", callback=_time, help="From this date/time (UTC unless a zone is given).")
@click.option("--until", callback=_time, help="Before this date/time.")
@click.option("--user", help="Only this user's events.")
@click.option("--event", help="Only events of this type, e.g. login_failed.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)  # fmt: skip
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")  # fmt: skip
def export(since: datetime | None, until: datetime | None, user: str | None,
           event: str | None, fmt: str, output: IO[str]) -> None:  # fmt: skip
    """Write stored events, oldest first."""
    where = storage.EventFilter(user=user, event=event, since=since, until=until)
    count = run_with_store(lambda store: _write(store, where, fmt, output))
    click.echo(f"{count} event(s) written", err=True)


async def _write(store: Store, where: storage.EventFilter, fmt: str, output: IO[str]) -> int:
    writer = csv.writer(output, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    count = 0
    async for record in storage.oldest_first(store, where):
        if writer is None:
            output.write(orjson.dumps(record, default=str).decode() + "\n")
        else:
            writer.writerow(_csv_row(record))
        count += 1
    output.flush()
    return count


def _csv_row(record: dict[str, Any]) -> list[Any]:
    common = [record.get(name) for name in CSV_COLUMNS[:-1]]
    details = {k: v for k, v in record.items() if k not in CSV_COLUMNS}
    return [*common, orjson.dumps(details, default=str).decode()]
