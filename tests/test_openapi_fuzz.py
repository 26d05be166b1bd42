"""Schemathesis fuzzes every operation of ``/openapi.json`` on each backend, authenticated
with an API token: no 5xx, and every answer is documented (status code, content type, body
schema; downloads: status, media type and headers, not the file's bytes).

Two passes. The document as served: every field generated, so unknown tables, broken SQL,
wrong types and missing fields (negative examples). Then ``support.fuzz.focused``: the same
operations with ``table``, ``schema``, ``fmt`` and ``sql`` drawn from what exists on the
backend, so that pages, rows, structures, console results and exports of real tables (every
awkward shape of the fixture) are generated and checked too.

Nothing is excluded: /metrics is hidden from the document (its own token, its own text
format; tests/test_monitoring.py), and so are the HTML pages and legacy URLs. POST
/api/logout is fuzzed too: it ends a cookie session, and a token is not one.

The app runs in-process on the test's event loop (``running_app``); Hypothesis and
Schemathesis run in a worker thread and hand each request to that loop (``support/fuzz.py``).
Schemathesis' own ASGI transport is not used: it runs the app on an event loop of its own,
where the app's database pools (made on the test's loop) cannot be used.

Bounded for CI: a few examples per operation and generation mode, a fixed seed
(``derandomize``: a failure reproduces), and a time budget per backend after which the
operations not yet started fail as "not run".
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

from quart.typing import TestClientProtocol as Client

from pydbpro.auth.tokens import create_token
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .conftest import USERNAME, TestDatabase, running_app
from .support.fuzz import AppBridge, FuzzReport, focused, fuzz_operations

#: Examples per operation and generation mode (positive: valid input; negative: invalid),
#: in the first pass and in the focused one.
MAX_EXAMPLES, FOCUSED_EXAMPLES = 6, 12
#: Per backend; a run takes a fraction of it on a 2-core machine.
TIME_BUDGET_SECONDS = 60.0
#: Table names every dialect reads unquoted in the statements of the focused pass.
PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


async def test_every_operation_answers_as_documented(
    make_settings: Callable[..., Settings], backend_db: TestDatabase
) -> None:
    settings = make_settings(
        database_url=backend_db.readonly_url,
        enable_activity_log=True,  # GET /api/audit answers only with the store sink
        audit_sinks=["store"],
        max_export_rows=5,  # a download is checked for its status and type, not its size
        pdf_max_rows=5,
    )
    async with running_app(settings) as app:
        async def mint() -> str:
            return (await create_token(app_state(app).store, USERNAME, "fuzz"))[0]

        bridge = AppBridge(app.test_client(), asyncio.get_running_loop(), mint)
        await bridge.login()
        document = await bridge.get("/openapi.json")
        tables = [t["name"] for t in (await bridge.get("/api/tables"))["tables"]]
        schemas = (await bridge.get("/api/schemas"))["schemas"]
        plain = [name for name in tables if PLAIN_NAME.fullmatch(name)]
        statements = ["SELECT 1", "SELECT * FROM customers WHERE id = :id",
                      *(f"SELECT * FROM {name}" for name in plain)]  # fmt: skip

        narrowed = focused(document, tables, schemas, statements)
        started = time.monotonic()
        deadline, report = started + TIME_BUDGET_SECONDS, FuzzReport()
        await asyncio.to_thread(fuzz_operations, document, bridge, MAX_EXAMPLES, deadline, report)
        await asyncio.to_thread(fuzz_operations, narrowed, bridge, FOCUSED_EXAMPLES, deadline,
                                report, "focused")  # fmt: skip
        elapsed = time.monotonic() - started

    print(f"\n{backend_db.dialect}: {report.requests} requests in {elapsed:.1f} s")
    for (label, status), count in sorted(bridge.statuses.items()):
        print(f"  {label} {status}: {count}")
    operations = sum(len(item) for d in (document, narrowed) for item in d["paths"].values())
    assert report.operations == operations >= 16 + 7, report.operations  # every one ran
    assert len(tables) > 10 and len(plain) > 5, tables
    assert not report.failures, "\n\n".join(report.failures)
    # The focused pass reached the data: real pages, rows, results and downloads.
    for label in ("GET /api/tables/{table}/data", "GET /api/tables/{table}/row",
                  "GET /api/tables/{table}/schema", "GET /api/tables/{table}/export/{fmt}",
                  "POST /api/query", "POST /api/query/explain", "POST /api/query/export/{fmt}"):
        assert bridge.statuses[(f"{label} focused", 200)] > 0, label  # fmt: skip


async def test_every_operation_documents_its_answers(client: Client) -> None:
    """The document itself, without a request: a success body for every operation, the
    guard's 401 for every protected one, and the one error envelope for every error."""
    document = await (await client.get("/openapi.json")).get_json()
    envelope = document["components"]["schemas"]["ErrorBody"]
    assert set(envelope["properties"]) == {"error", "code", "request_id", "details"}
    assert envelope["required"] == ["error", "code", "request_id"]
    assert envelope["additionalProperties"] is False
    public = {"/api/login", "/api/config", "/api/health", "/api/health/ready", "/api/health/live"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses, where = operation["responses"], f"{method.upper()} {path}"
            success = responses.get("200") or responses["201"]  # 201: it created something
            assert success["content"], where
            assert "401" in responses or path in public, where
            for status, response in responses.items():
                if int(status) >= 400 and not path.startswith("/api/health"):  # its own 503
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (where, status)


#: A component's name is a class name: a generated client's type (no ``Model1``, no
#: ``module__Name`` from two classes sharing a name).
COMPONENT_NAME = re.compile(r"[A-Z][A-Za-z]+")
BINARY = {"type": "string", "format": "binary"}


async def test_every_success_is_a_named_body_or_a_file(client: Client) -> None:
    """What a TypeScript client is generated from: every operation's 2xx answer is a JSON
    body named in components (all of its fields required: a Body sends every field, null
    or not) or a file (a media type with a binary string); no query parameter is null."""
    document = await (await client.get("/openapi.json")).get_json()
    components = document["components"]["schemas"]
    assert all(COMPONENT_NAME.fullmatch(name) for name in components), sorted(components)
    for name, schema in components.items():
        if schema.get("additionalProperties") is False and name != "ErrorBody":
            assert set(schema["required"]) == set(schema["properties"]), name
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            successes = {s: r for s, r in operation["responses"].items() if int(s) < 300}
            assert successes, where
            for status, response in successes.items():
                content = response.get("content")
                assert content, (where, status)
                for media_type, body in content.items():
                    if body["schema"] == BINARY:
                        continue  # a download (a JSON export's document too)
                    assert media_type == "application/json", (where, media_type)
                    name = body["schema"]["$ref"].removeprefix("#/components/schemas/")
                    assert components[name]["type"] == "object", (where, name)
            for parameter in operation.get("parameters", []):
                assert "null" not in str(parameter["schema"]), (where, parameter)
