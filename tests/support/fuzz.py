"""Schemathesis against the in-process app: generated requests, checked responses.

Hypothesis drives synchronous test functions, so the fuzzing runs in a worker thread and
each request is handed to the event loop the app lives on (its database pools belong to
that loop). Requests are built by Schemathesis' ``requests`` serialisation, so what the app
receives is exactly what a real client would send for the case.
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import brotli
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from quart.typing import TestClientProtocol as Client
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: No 5xx; the status, media type, body and headers are the documented ones.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
BASE_URL = "http://localhost"
#: A request that takes longer than this is a hang, not a slow answer.
REQUEST_TIMEOUT_SECONDS = 60.0


class AppBridge:
    """Sends a Schemathesis case to the app's test client on the app's own event loop.

    The fuzzer may revoke the very token it calls with (``DELETE /api/tokens/1`` is a likely
    example); then ``mint`` makes a new one and the request is sent again, so every later
    operation is still fuzzed as a logged-in user."""

    def __init__(
        self, client: Client, loop: asyncio.AbstractEventLoop, mint: Callable[[], Awaitable[str]]
    ) -> None:
        self.client = client
        self.loop = loop
        self.mint = mint
        self.auth: dict[str, str] = {}

    async def login(self) -> None:
        self.auth = {"Authorization": f"Bearer {await self.mint()}"}
        self.statuses: Counter[tuple[str, int]] = Counter()  # (operation [pass], status)
        self.pass_name = ""

    async def get(self, path: str) -> Any:
        """A JSON document from the app, as the token's user (from the app's loop)."""
        response = await self.client.get(path, headers=self.auth)
        assert response.status_code == 200, await response.get_data(as_text=True)
        return await response.get_json()

    def send(self, case: schemathesis.Case) -> schemathesis.Response:
        """Call from the worker thread only (it blocks until the app has answered)."""
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=self.auth)
        prepared = requests.Request(**kwargs).prepare()
        started = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(self._open(prepared), self.loop)
        status, headers, content = future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        self.statuses[(f"{case.operation.label} {self.pass_name}".strip(), status)] += 1
        return schemathesis.Response(
            status_code=status,
            headers=headers,
            content=content,
            request=prepared,
            elapsed=time.monotonic() - started,
            verify=False,
        )

    async def _open(
        self, prepared: requests.PreparedRequest
    ) -> tuple[int, dict[str, list[str]], bytes]:
        url = urlsplit(prepared.url or "/")
        path = url.path + (f"?{url.query}" if url.query else "")
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        method, headers = prepared.method or "GET", dict(prepared.headers)
        response = await self.client.open(path, method=method, headers=headers, data=body)
        if response.status_code == 401 and (await response.get_json())["code"] == "INVALID_TOKEN":
            await self.login()  # an earlier case revoked it
            headers.update(self.auth)
            response = await self.client.open(path, method=method, headers=headers, data=body)
        answered: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            answered.setdefault(name.lower(), []).append(value)
        # As an HTTP client would (requests asks for gzip, and br with brotli installed):
        # the body decoded, its Content-Encoding header kept.
        return response.status_code, answered, decoded(await response.get_data(), answered)


def decoded(body: bytes, headers: dict[str, list[str]]) -> bytes:
    encoding = headers.get("content-encoding", [""])[0]
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return bytes(brotli.decompress(body))
    return body


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)


def fuzz_operations(
    document: dict[str, Any],
    bridge: AppBridge,
    max_examples: int,
    deadline: float,
    report: FuzzReport,
    name: str = "",
) -> None:
    """Every operation of ``document``, positive then negative examples, into ``report``:
    a failure per operation and mode (Hypothesis reports the smallest example it found).
    Once ``deadline`` (``time.monotonic()``) has passed, the rest is a failure: not run."""
    schema = schemathesis.openapi.from_dict(document)
    bridge.pass_name = name
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label = f"{operation.label} ({' '.join(filter(None, (name, mode.value)))})"
            if time.monotonic() > deadline:
                report.failures.append(f"{label}: not run, the time budget ran out")
                continue
            try:
                _fuzz(operation, mode, bridge, max_examples)
            except (Exception, BaseExceptionGroup) as error:  # one report for all operations
                report.failures.append(f"{label}:\n{error}")
    report.requests = sum(bridge.statuses.values())


def _fuzz(
    operation: schemathesis.APIOperation, mode: GenerationMode, bridge: AppBridge, examples: int
) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,  # the same examples on every run: CI failures reproduce
        database=None,  # no example database: a run never depends on an earlier one
        deadline=None,  # the request timeout bounds each example
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        case.validate_response(bridge.send(case), checks=CHECKS)

    check()


def focused(
    document: dict[str, Any], tables: list[str], schemas: list[str], statements: list[str]
) -> dict[str, Any]:
    """The document narrowed to values that exist, so that most generated requests reach
    the data paths (a random table name is a 404, a random column a 400): ``table``,
    ``schema``, ``fmt`` and ``sql`` are drawn from what exists (``params`` then fits
    ``:id``), and so are sort and shown columns (those of most fixture tables); a row is
    asked for by ``id``, pages get a few filters, ``limit`` (page_size's other name) and
    ``cursor`` are left to the first pass. Everything else is generated as before. Only the
    operations that take a table or a statement are kept."""
    narrowed = copy.deepcopy(document)
    narrowed["paths"] = {path: item for path, item in narrowed["paths"].items()
                         if "{table}" in path or path.startswith("/api/query")}  # fmt: skip
    values = {"table": {"enum": tables}, "schema": {"enum": schemas}, **NARROWED}
    for path, item in narrowed["paths"].items():
        for operation in item.values():
            parameters = [p for p in operation.get("parameters", []) if p["name"] not in LEFT]
            for parameter in parameters:
                if parameter["name"] in values:
                    parameter["schema"] = values[parameter["name"]]
            operation["parameters"] = parameters
            extra = ROW_KEY if path.endswith("/row") else FILTERS if path.endswith("/data") else []
            operation.setdefault("parameters", []).extend(copy.deepcopy(extra))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "sql" in body["schema"].get("properties", {}):
                body["schema"]["properties"]["sql"] = {"enum": statements}
                body["schema"]["properties"]["params"] = PARAMS
    return narrowed


LEFT = {"limit", "cursor"}
NARROWED: dict[str, dict[str, Any]] = {
    "fmt": {"enum": ["csv", "xlsx", "pdf"]},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 50},
    "sort": {"enum": ["id", "name", "id,name"]},
    "order": {"enum": ["asc", "desc", "desc,asc"]},
    "columns": {"enum": ["id", "id,name", "name"]},
}
ROW_KEY = [{"name": "id", "in": "query", "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": 4}}]  # fmt: skip
FILTERS = [
    {"name": "filter_id", "in": "query", "schema": {"type": "integer"}},
    {"name": "filter_id_in", "in": "query",
     "schema": {"type": "string", "pattern": "^[0-9]{1,3}(,[0-9]{1,3}){0,3}$"}},
    {"name": "filter_name_contains", "in": "query", "schema": {"type": "string"}},
]
PARAMS = {
    "anyOf": [
        {"type": "object", "properties": {"id": {}}, "required": ["id"],
         "additionalProperties": False},
        {"type": "null"},
    ]
}  # fmt: skip
