"""A crawl of everything a user can reach through the API, as a new user would click it.

For every object the table list offers: page 1, a sort on every sortable column (both
ways), the structure and every table it links to, the row view of the first row and every
parent and child link it offers. For user objects also the three export formats,
``SELECT * ... LIMIT 5`` in the console, the suggested facets, the facets of (up to) five
columns, the profile of one column of each declared type, and an aggregate (and its CSV)
grouped by two columns and a date's week with a measure of each declared type, as
``GET /api/config`` says it takes. The crawl records every 5xx, every answer that is not
JSON where JSON is promised, and every link the API produced that does not answer 200 (a dead link).

Sorting: every sortable column both ways; for objects of more than WIDE sortable columns, one
column per distinct declared type (columns of one type run the same SQL; a 300-column table
would take 600 requests); for system objects (SHOW_SYSTEM_TABLES) only the first sortable
column, ascending: some catalog views take seconds per query (PostgreSQL's
information_schema.element_types), and their column types are those of user tables. Objects
are crawled a few at a time, as several users would.

An object the database itself cannot read (a view calling a missing function, a never
populated materialized view) may answer a 4xx with the database's reason: that is a clear
answer, not a crawl failure, but it is counted so a test can assert which objects did.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

#: Kinds the API refuses to sort by (browse.UNSORTABLE_KINDS).
UNSORTABLE = {"json", "other", "array"}
#: Kinds the facets refuse (db/facets.FACET_KINDS: those with an equality filter).
UNFACETABLE = UNSORTABLE | {"binary", "interval"}
#: Columns one facets request may name.
MAX_FACETS = 5
#: Error codes that mean "the database cannot read this object", a clear 4xx.
UNREADABLE_CODES = {"OBJECT_NOT_READABLE"}
EXPORT_FORMATS = ("csv", "xlsx", "pdf")
CONCURRENT_OBJECTS = 4
WIDE = 40


@dataclass
class CrawlReport:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    unreadable: set[tuple[str, str]] = field(default_factory=set)
    objects: int = 0

    def fail(self, what: str) -> None:
        self.failures.append(what)


def table_path(name: str) -> str:
    return "/api/tables/" + quote(name, safe="")


class Crawler:
    """Walks the API with a logged-in test client (Quart's, or anything shaped like it)."""

    def __init__(self, client: Any, quote_identifier: Callable[[str], str]) -> None:
        self.client = client
        self.quote_identifier = quote_identifier
        self.report = CrawlReport()
        self.aggregates: dict[str, list[str]] = {}  # per kind, the aggregate's uses
        self.group_units: dict[str, list[str]] = {}  # per kind, its calendar units

    async def _get(self, url: str, query: dict[str, Any] | None = None) -> tuple[int, Any]:
        self.report.requests += 1
        response = await self.client.get(url, query_string=query or {})
        return await self._read(f"GET {url} {query or ''}", response)

    async def _post(self, url: str, body: dict[str, Any]) -> tuple[int, Any]:
        self.report.requests += 1
        response = await self.client.post(url, json=body)
        return await self._read(f"POST {url} {body}", response)

    async def _read(self, what: str, response: Any) -> tuple[int, Any]:
        status = response.status_code
        data = await response.get_data()
        is_json = response.content_type.startswith("application/json")
        body: Any = await response.get_json() if is_json else data
        if status >= 500:
            self.report.fail(f"{what} -> {status}: {body!r:.300}")
        elif status >= 400 and not is_json:
            self.report.fail(f"{what} -> {status} without a JSON error")
        elif status == 200 and not data:
            self.report.fail(f"{what} -> 200 with an empty body")
        return status, body

    async def _link(self, url: str, query: dict[str, Any], origin: str) -> Any:
        """A link the API gave us: it must answer 200."""
        status, body = await self._get(url, query)
        if status != 200:
            self.report.fail(f"dead link from {origin}: {url} {query} -> {status} {body!r:.300}")
            return None
        return body

    async def crawl(self) -> CrawlReport:
        _, config = await self._get("/api/config")
        kinds = config["column_kinds"]
        self.aggregates = {kind: rules["aggregates"] for kind, rules in kinds.items()}
        self.group_units = {kind: rules["group_units"] for kind, rules in kinds.items()}
        status, body = await self._get("/api/tables")
        assert status == 200, body
        slots = asyncio.Semaphore(CONCURRENT_OBJECTS)

        async def one(table: dict[str, Any]) -> None:
            async with slots:
                await self.crawl_object(table["schema"], table["name"], table["system"])

        self.report.objects = len(body["tables"])
        await asyncio.gather(*(one(table) for table in body["tables"]))
        return self.report

    async def crawl_object(self, schema: str, name: str, system: bool = False) -> None:
        base, where = table_path(name), {"schema": schema}
        label = f"{schema}.{name}"
        status, structure = await self._get(base + "/schema", where)
        status_data, page = await self._get(base + "/data", {**where, "page_size": 5})
        if status_data != 200:
            if isinstance(page, dict) and page.get("code") in UNREADABLE_CODES:
                self.report.unreadable.add((schema, name))
            else:
                self.report.fail(f"{label}: page 1 -> {status_data} {page!r:.300}")
        await self._definition(label, base, where)
        if status == 200:
            await self._structure_links(label, structure)
            if status_data == 200:
                await self._labels(base, where, structure, page)
                if not system:
                    await self._explore(label, base, where, page["columns"])
        elif not (isinstance(structure, dict) and structure.get("code") in UNREADABLE_CODES):
            self.report.fail(f"{label}: structure -> {status} {structure!r:.300}")
        # System catalogs: no export and no console statement. The export and the console
        # take every column kind in the user-objects crawl, and some catalog views take
        # seconds per read (PostgreSQL's took a minute of CI with them).
        if not system:
            for fmt in EXPORT_FORMATS:
                await self._get(f"{base}/export/{fmt}", where)
            await self._post("/api/query", {"sql": self._select(schema, name), "max_rows": 5})
        if status_data != 200:
            return
        for column in self._sortable(page["columns"], system):
            for order in ("asc",) if system else ("asc", "desc"):
                query = {**where, "sort": column, "order": order, "page_size": 5, "count": "none"}
                status_sorted, body = await self._get(base + "/data", query)
                if status_sorted != 200:
                    self.report.fail(f"{label}: sort {query} -> {status_sorted} {body!r:.200}")
        if status == 200 and structure["primary_key"] and page["rows"]:
            await self._row(label, base, where, structure, page)

    @staticmethod
    def _sortable(columns: list[dict[str, Any]], system: bool) -> list[str]:
        sortable = [c for c in columns if c["kind"] not in UNSORTABLE]
        if system:
            return [c["name"] for c in sortable[:1]]
        if len(sortable) <= WIDE:
            return [c["name"] for c in sortable]
        by_type: dict[tuple[str, str], str] = {}
        for column in sortable:
            by_type.setdefault((column["kind"], column["type"]), column["name"])
        return list(by_type.values())

    async def _explore(
        self, label: str, base: str, where: dict[str, Any], columns: list[dict[str, Any]]
    ) -> None:
        """Suggested facets, the facets of the first facetable columns, and the profile of a
        column of each declared type: all must answer 200."""
        asked: list[tuple[str, dict[str, Any]]] = [("/facets/suggest", where)]
        facetable = [c["name"] for c in columns if c["kind"] not in UNFACETABLE]
        if facetable:
            asked.append(("/facets", {**where, "column": facetable[:MAX_FACETS]}))
        # One profile per declared type: columns of one type run the same SQL.
        profiled = list({(c["kind"], c["type"]): c for c in columns}.values())
        asked += [("/profile", {**where, "column": c["name"]}) for c in profiled]
        aggregate = self._aggregate(columns, profiled)
        asked += [("/aggregate", {**where, **aggregate, "sort": "-count", "page_size": 5}),
                  ("/aggregate/export/csv", {**where, **aggregate})]  # fmt: skip
        for path, query in asked:
            status, body = await self._get(base + path, query)
            if status != 200:
                self.report.fail(f"{label}: {path} {query} -> {status} {body!r:.300}")

    def _aggregate(
        self, columns: list[dict[str, Any]], profiled: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Grouped by the first two columns that can be and a date's week, with the row count
        and, per declared type, the first of max, distinct or count the type takes (max and
        avg never overflow, as a sum of the fixture's 64-bit extremes does)."""
        uses = self.aggregates
        group = [c["name"] for c in columns if "group" in uses[c["kind"]]][:2]
        dated = next((c for c in columns if self.group_units[c["kind"]]), None)
        if dated:  # and by a calendar unit, the week's (its SQL is the longest)
            group.append(f"{dated['name']}:week")
        measures = ["count"]
        for column in profiled:
            function = next((f for f in ("max", "distinct", "count")
                             if f in uses[column["kind"]]), None)  # fmt: skip
            if function:
                measures.append(f"{function}:{column['name']}")
        exact = next((c for c in columns if c["kind"] in ("integer", "decimal")), None)
        if exact:
            measures.insert(1, f"avg:{exact['name']}")
        return {"group": group, "measure": list(dict.fromkeys(measures))[:6]}

    def _select(self, schema: str, name: str) -> str:
        q = self.quote_identifier
        return f"SELECT * FROM {q(schema)}.{q(name)} LIMIT 5"

    async def _definition(self, label: str, base: str, where: dict[str, Any]) -> None:
        """The DDL, triggers and partitions: an answer (a broken view's is a reason, not an
        error), and every partition it names opens."""
        status, found = await self._get(base + "/definition", where)
        if status != 200:
            if not (isinstance(found, dict) and found.get("code") in UNREADABLE_CODES):
                self.report.fail(f"{label}: definition -> {status} {found!r:.300}")
            return
        for part in found["partitions"]:
            await self._link(table_path(part["table"]) + "/schema", {"schema": part["schema"]},
                             f"{label} partitions")  # fmt: skip

    async def _labels(
        self, base: str, where: dict[str, Any], structure: dict[str, Any], page: dict[str, Any]
    ) -> None:
        """The parents' labels of page 1's single-column foreign-key values, as the grid asks."""
        names = [c["name"] for c in page["columns"]]
        query = dict(where)
        for fk in structure["foreign_keys"]:
            column = fk["columns"][0]
            values = [row[names.index(column)] for row in page["rows"] if column in names]
            value = next((v for v in values if isinstance(v, (int, str))), None)
            if len(fk["columns"]) == 1 and value is not None:
                query[f"value_{column}"] = value
        if len(query) > len(where):
            await self._get(base + "/labels", query)

    async def _structure_links(self, label: str, structure: dict[str, Any]) -> None:
        for fk in structure["foreign_keys"]:
            ref = fk["references"]
            await self._link(table_path(ref["table"]) + "/schema", {"schema": ref["schema"]},
                             f"{label} structure (references)")  # fmt: skip
        for fk in structure["referenced_by"]:
            await self._link(table_path(fk["table"]) + "/schema", {"schema": fk["schema"]},
                             f"{label} structure (referenced by)")  # fmt: skip

    async def _row(
        self, label: str, base: str, where: dict[str, str], structure: dict[str, Any], page: Any
    ) -> None:
        names = [c["name"] for c in page["columns"]]
        first = dict(zip(names, page["rows"][0], strict=True))
        key: dict[str, Any] = {}
        for column in structure["primary_key"]:
            value = first.get(column)
            if not isinstance(value, (str, int, float, bool)):
                return  # a key shown as binary or truncated: not addressable by text
            key[column] = str(value).lower() if isinstance(value, bool) else str(value)
        row = await self._link(base + "/row", {**where, **key}, f"{label} page 1")
        if row is None:
            return
        for parent in row["parents"]:
            if parent["key"] is not None:
                await self._link(table_path(parent["table"]) + "/row",
                                 {"schema": parent["schema"], **parent["key"]},
                                 f"{label} row parent")  # fmt: skip
        for child in row["children"]:
            query = {"schema": child["schema"], "page_size": 5, **child["filter"]}
            listed = await self._link(table_path(child["table"]) + "/data", query,
                                      f"{label} row children")  # fmt: skip
            if listed is not None and child["count"] is not None and listed["total"] is not None:
                if listed["total"] != child["count"]:
                    self.report.fail(
                        f"{label} row children {child['table']}: count "
                        f"{child['count']} but the link lists {listed['total']}"
                    )
