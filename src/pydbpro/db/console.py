"""The SQL console: one checked, read-only, time-limited and row-capped statement.

Layer 1 is ``guard.check_statement``; layers 2 and 3 are ``session.read_only`` (a READ ONLY
transaction, the statement timeout), which also resets the session afterwards, so nothing
a statement leaves in it reaches the next request on that pooled connection. Rows are
fetched in batches from a server-side cursor and fetching stops at the row cap, so a huge
result never sits in memory.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from ..errors import BadRequest, Forbidden
from . import placeholders
from .engine import Database
from .guard import Verdict, check_statement
from .models import ResultColumn
from .placeholders import Statement
from .results import column_kind, make_row_encoder
from .session import read_only

BATCH = 500
EXPLAIN = {
    "postgresql": "EXPLAIN (FORMAT JSON) ",
    "mysql": "EXPLAIN FORMAT=JSON ",
    "sqlite": "EXPLAIN QUERY PLAN ",
}


@dataclass
class QueryResult:
    columns: list[ResultColumn]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    elapsed_ms: float
    statement_type: str


class Console:
    def __init__(self, db: Database) -> None:
        self.db = db

    def check(self, sql: str) -> Verdict:
        """Layer 1: refuse anything but a plain read, with the reason (403)."""
        verdict = check_statement(sql, self.db.dialect, self.db.settings.sql_denied_functions)
        if not verdict.allowed:
            raise Forbidden(verdict.reason or "this statement is not allowed",
                            code="READ_ONLY_VIOLATION")  # fmt: skip
        return verdict

    def prepare(self, sql: str, params: dict[str, Any]) -> tuple[Verdict, Statement]:
        """Checked (403 unless a plain read) and with its placeholders matched to ``params``
        (400 on a missing or unknown one): everything before the database sees it."""
        verdict = self.check(sql)
        return verdict, placeholders.prepare(sql, self.db.dialect, params)

    async def run(self, sql: str, params: dict[str, Any], max_rows: int) -> QueryResult:
        verdict, statement = self.prepare(sql, params)
        started = time.perf_counter()
        async with read_only(self.db, explicit=True, reset=True) as conn:
            names, raw, truncated = await self._fetch(conn, statement, params, max_rows)
        elapsed = (time.perf_counter() - started) * 1000
        duration = self.db.adapter.duration_kind
        kinds = [column_kind(raw, i, duration) for i in range(len(names))]
        encode = make_row_encoder(kinds, max_text=self.db.settings.max_cell_text)
        rows = [encode(row) for row in raw]
        columns = [ResultColumn(n, k.value, k) for n, k in zip(names, kinds, strict=True)]
        return QueryResult(columns, rows, len(rows), truncated, round(elapsed, 2),
                           verdict.statement_type)  # fmt: skip

    async def _fetch(
        self, conn: AsyncConnection, statement: Statement, params: dict[str, Any], max_rows: int
    ) -> tuple[list[str], list[tuple[Any, ...]], bool]:
        """Errors raised here, at any fetch, are translated once by ``read_only``."""
        result = await conn.stream(statement.clause(), params)
        names = list(result.keys())
        rows: list[tuple[Any, ...]] = []
        while len(rows) <= max_rows:
            batch = await result.fetchmany(min(BATCH, max_rows + 1 - len(rows)))
            if not batch:
                break
            rows.extend(tuple(r) for r in batch)
        truncated = len(rows) > max_rows
        if truncated and self.db.dialect == "mysql":
            # An unbuffered MySQL result must be read to its end before the connection can
            # be reused; dropping the connection stops the server instead of draining it.
            await conn.invalidate()
        else:
            await result.close()
        return names, rows[:max_rows], truncated

    async def explain(self, sql: str, params: dict[str, Any]) -> Any:
        verdict, statement = self.prepare(sql, params)
        if verdict.statement_type != "SELECT":
            raise BadRequest("only SELECT statements can be explained", code="BAD_EXPLAIN")
        async with read_only(self.db, explicit=True, reset=True) as conn:
            explain = statement.clause(EXPLAIN[self.db.dialect])
            rows = (await conn.execute(explain, params)).all()
        if self.db.dialect == "sqlite":
            return [{"id": r[0], "parent": r[1], "detail": r[3]} for r in rows]
        plan = rows[0][0]
        return json.loads(plan) if isinstance(plan, str) else plan
