"""The activity log: a scripted session produces exactly the expected events, with their
fields, in each sink; SQL text only with LOG_SQL_QUERIES; the file rotates; a broken sink
never fails a request; GET /api/audit filters and pages; ``pydbpro audit export`` dumps."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pydbpro.audit import Actor, AuditEvent, AuditLog
from pydbpro.auth.tokens import create_token
from pydbpro.auth.users import create_user
from pydbpro.roles import ADMIN
from pydbpro.settings import Settings
from pydbpro.state import app_state
from pydbpro.store.types import utcnow

from .cli import run_cli
from .conftest import USERNAME, TestDatabase, require_server, running_app
from .support.activity import audit_events
from .support.databases import create_database, drop_database

QUERY = "SELECT 42 AS answer"
WRITE = "DELETE FROM customers"
COMMON = ("at", "event", "user", "client", "request_id")


@pytest.fixture
def logged(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase
) -> Callable[..., Settings]:
    """Settings for an app on the SQLite fixture database with the activity log on, written
    to the store unless ``audit_sinks`` says otherwise."""

    def build(**extra: Any) -> Settings:
        extra.setdefault("audit_sinks", "store")
        return make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             **extra)  # fmt: skip

    return build


async def scripted_session(client: Any, login: Any) -> dict[str, Any]:
    """What a user does: a wrong password, login, browse, structure, query, a refused write,
    an export, logout. Returns what the responses said, to compare the events with."""
    await login(client, password="wrong-password", expect=401)
    await login(client)
    page = await client.get(
        "/api/tables/customers/data?filter_city=Berlin&sort=id&order=desc&page_size=100"
    )
    assert page.status_code == 200
    rows = len((await page.get_json())["rows"])
    assert (await client.get("/api/tables/customers/schema")).status_code == 200
    assert (await client.post("/api/query", json={"sql": QUERY})).status_code == 200
    assert (await client.post("/api/query", json={"sql": WRITE})).status_code == 403
    export = await client.get("/api/tables/customers/export/csv?filter_city=Berlin")
    body = await export.get_data()
    assert export.status_code == 200
    assert (await client.post("/api/logout")).status_code == 200
    return {"rows": rows, "export_bytes": len(body)}


def check_session_events(events: list[dict[str, Any]], seen: dict[str, Any]) -> None:
    assert [e["event"] for e in events] == [
        "login_failed", "login", "table_viewed", "structure_viewed", "query_executed",
        "denied", "export", "logout",
    ]  # fmt: skip
    for event in events:
        assert event["at"].endswith("Z") and event["client"] and len(event["request_id"]) >= 8
        assert event["user"] == USERNAME
    failed, _, viewed, structure, query, denied, export, _ = events
    assert failed["reason"] == "wrong_password"
    assert viewed["table"] == "customers" and viewed["page"] == 1
    assert viewed["filters"] == {"filter_city": "Berlin"}
    assert (viewed["sort"], viewed["order"]) == ("id", "desc")
    assert viewed["rows"] == seen["rows"] and viewed["outcome"] == "ok"
    assert structure["table"] == "customers" and structure["outcome"] == "ok"
    assert query["rows"] == 1 and query["truncated"] is False and query["outcome"] == "ok"
    assert query["sql_sha256"] == hashlib.sha256(QUERY.encode()).hexdigest()
    assert query["sql_length"] == len(QUERY) and "sql" not in query
    assert query["duration_ms"] >= 0
    assert denied["status"] == 403 and denied["path"] == "/api/query"
    assert denied["code"] and denied["sql_length"] == len(WRITE) and "sql" not in denied
    assert export["format"] == "csv" and export["outcome"] == "completed"
    assert export["source"].endswith("customers") and export["rows"] == seen["rows"]
    assert export["bytes"] == seen["export_bytes"]


async def test_store_sink_records_the_session_and_the_audit_api_reads_it(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        seen = await scripted_session(client, login)
        await login(client)
        events = await audit_events(app, client, user=USERNAME)
    check_session_events(events[:-1], seen)
    assert events[-1]["event"] == "login"


async def test_file_sink_writes_json_lines(
    logged: Callable[..., Settings], login: Any, tmp_path: Path
) -> None:
    path = tmp_path / "logs" / "activity.jsonl"
    settings = logged(audit_sinks="file", log_file_path=path)
    async with running_app(settings) as app:
        seen = await scripted_session(app.test_client(), login)
        await app_state(app).audit.flush()
    check_session_events([json.loads(line) for line in path.read_text().splitlines()], seen)


async def test_log_file_path_alone_writes_the_file(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any, tmp_path: Path
) -> None:
    """LOG_FILE_PATH without AUDIT_SINKS means "write the activity log here"; it was ignored."""
    path = tmp_path / "activity.jsonl"
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             log_file_path=path)  # fmt: skip
    async with running_app(settings) as app:
        await login(app.test_client())
        await app_state(app).audit.flush()
    events = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["event"], e["user"]) for e in events] == [("login", USERNAME)]


async def test_stdout_sink_is_the_default(
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    login: Any,
    capfd: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True)
    async with running_app(settings) as app:
        seen = await scripted_session(app.test_client(), login)
        await app_state(app).audit.flush()
    lines = [line for line in capfd.readouterr().out.splitlines() if line.startswith("{")]
    check_session_events([json.loads(line) for line in lines], seen)


async def test_nothing_is_recorded_when_the_log_is_off(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any, tmp_path: Path
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, audit_sinks="file,store",
                             log_file_path=tmp_path / "a.jsonl")  # fmt: skip
    async with running_app(settings) as app:
        client = app.test_client()
        await scripted_session(client, login)
        await login(client)
        response = await client.get("/api/audit")
    assert response.status_code == 404
    assert (await response.get_json())["code"] == "AUDIT_STORE_OFF"
    assert not (tmp_path / "a.jsonl").exists()


async def test_sql_text_is_logged_only_when_asked(
    logged: Callable[..., Settings], login: Any
) -> None:
    settings = logged(log_sql_queries=True)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await client.post("/api/query", json={"sql": QUERY})
        await client.post("/api/query/export/csv", json={"sql": QUERY})
        events = await audit_events(app, client)
    by_type = {e["event"]: e for e in events}
    assert by_type["query_executed"]["sql"] == QUERY
    assert by_type["export"]["sql"] == QUERY and by_type["export"]["source"] == "query"
    assert all("sql_sha256" not in e for e in events)


async def test_failed_logins_and_denied_actions_are_recorded(
    logged: Callable[..., Settings], login: Any
) -> None:
    settings = logged(allow_export=False, login_max_failures=2)
    far = {"scope_base": {"client": ("203.0.113.9", 4000)}}
    async with running_app(settings) as app:
        await create_user(app_state(app).store, "auditor", "auditor-password-1", role=ADMIN)
        client = app.test_client()
        assert (await client.get("/api/me")).status_code == 401  # the UI's probe: no denial
        assert (await client.get("/api/tables")).status_code == 401
        await login(client, password="nope", expect=401, **far)
        await login(client, password="nope", expect=401, **far)
        await login(client, expect=429, **far)  # throttled, even with the right password
        await login(client, username="nobody", password="x", expect=401)
        await login(client, username="auditor", password="auditor-password-1")
        assert (await client.get("/api/tables/customers/export/csv")).status_code == 403
        events = await audit_events(app, client)
    summary = [(e["event"], e["user"], e.get("status"), e.get("code"), e.get("reason"))
               for e in events]  # fmt: skip
    assert summary == [
        ("denied", None, 401, "UNAUTHORIZED", None),
        ("login_failed", USERNAME, None, None, "wrong_password"),
        ("login_failed", USERNAME, None, None, "wrong_password"),
        ("login_failed", USERNAME, None, None, "throttled"),
        ("login_failed", "nobody", None, None, "unknown_user"),
        ("login", "auditor", None, None, None),
        ("denied", "auditor", 403, "FEATURE_DISABLED", None),
    ]
    assert [e["client"] for e in events[1:4]] == ["203.0.113.9"] * 3
    assert events[4]["client"] != "203.0.113.9"


async def test_file_sink_rotates_at_the_configured_size(
    logged: Callable[..., Settings], login: Any, tmp_path: Path
) -> None:
    path = tmp_path / "activity.jsonl"
    settings = logged(
        audit_sinks="file", log_file_path=path, log_file_max_bytes=2000, log_file_backups=2
    )
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for _ in range(40):
            response = await client.get("/api/tables/customers/data?page_size=1")
            assert response.status_code == 200
            await app_state(app).audit.flush()  # one write per event: rotation is per write
    files = sorted(p.name for p in tmp_path.glob("activity.jsonl*"))
    assert files == ["activity.jsonl", "activity.jsonl.1", "activity.jsonl.2"]
    for name in files:
        content = (tmp_path / name).read_text()
        assert len(content.encode()) <= 2000
        assert all(json.loads(line)["event"] in ("login", "table_viewed")
                   for line in content.splitlines())  # fmt: skip


async def test_a_broken_sink_does_not_fail_the_request(
    logged: Callable[..., Settings],
    login: Any,
    tmp_path: Path,
    app_log: pytest.LogCaptureFixture,
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the log's folder should be")
    settings = logged(audit_sinks="file,store", log_file_path=blocked / "a.jsonl")
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        response = await client.get("/api/tables/customers/data")
        assert response.status_code == 200
        events = await audit_events(app, client)  # the store sink still works
        audit = app_state(app).audit
        assert audit.failed["file"] == len(events) and audit.written["store"] == len(events)
    assert [e["event"] for e in events] == ["login", "table_viewed"]
    errors = [r for r in app_log.records if "sink 'file' failed" in r.getMessage()]
    assert len(errors) == 1  # reported, and not once per event


async def test_a_full_queue_drops_and_counts_events() -> None:
    written: list[str] = []

    class Collecting:
        name = "collecting"

        async def write(self, events: Any) -> None:
            written.extend(e.event for e in events)

    log = AuditLog([Collecting()], queue_size=2)
    for n in range(5):  # nothing drains yet: the writer has not started
        log.enqueue(AuditEvent(utcnow(), f"e{n}", Actor("u", None, None)))
    log.start()
    await log.flush()
    await log.stop()
    assert (written, log.dropped) == (["e0", "e1"], 3)


async def test_audit_api_filters_and_pages(logged: Callable[..., Settings], login: Any) -> None:
    settings = logged()
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for page in range(1, 6):
            await client.get(f"/api/tables/customers/data?page={page}")
        await app_state(app).audit.flush()
        first = await (await client.get("/api/audit?event=table_viewed&limit=2")).get_json()
        cursor = first["next_cursor"]
        second = await (
            await client.get(f"/api/audit?event=table_viewed&limit=2&cursor={cursor}")
        ).get_json()
        everything = await audit_events(app, client)
        since = everything[1]["at"]
        later = await audit_events(app, client, since=since, event="table_viewed")
        by_user = await audit_events(app, client, user="somebody-else")
        bad = await client.get("/api/audit?since=yesterday")
    assert [e["page"] for e in first["events"]] == [5, 4]
    assert [e["page"] for e in second["events"]] == [3, 2]
    assert [e["event"] for e in everything] == ["login"] + ["table_viewed"] * 5
    assert [e["page"] for e in later] == [1, 2, 3, 4, 5] or since == everything[0]["at"]
    assert by_user == []
    assert bad.status_code == 400 and (await bad.get_json())["details"][0]["field"] == "since"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=35508219243008454656", "cursor"),  # beyond the store's ids
        ("cursor=3000000000", "cursor"),  # beyond PostgreSQL's 32-bit INTEGER: was a 500 there
        ("since=0001-01-01T00:00:00%2B19:45", "since"),  # before year 1 in UTC
        ("until=9999-12-31T23:59:59-10:00", "until"),  # after year 9999 in UTC
    ],
)
async def test_audit_api_out_of_range_values_are_400(
    logged: Callable[..., Settings], login: Any, query: str, field: str
) -> None:
    """Found by tests/test_openapi_fuzz.py: each was a 500 (OverflowError)."""
    async with running_app(logged()) as app:
        client = app.test_client()
        await login(client)
        response = await client.get(f"/api/audit?{query}")
        body = await response.get_json()
    assert response.status_code == 400 and body["details"][0]["field"] == field, body


async def test_audit_api_needs_a_login(logged: Callable[..., Settings]) -> None:
    settings = logged()
    async with running_app(settings) as app:
        response = await app.test_client().get("/api/audit")
    assert response.status_code == 401


async def test_cli_exports_stored_events_as_jsonl_and_csv(
    logged: Callable[..., Settings], login: Any, tmp_path: Path
) -> None:
    settings = logged()
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await client.post("/api/query", json={"sql": QUERY})
        stored = await audit_events(app, client)
    env = {"DATA_DIR": str(settings.data_dir)}
    jsonl = run_cli(tmp_path, "audit", "export", "--since", "2000-01-01", **env)
    assert jsonl.returncode == 0, jsonl.stderr
    assert [json.loads(line) for line in jsonl.stdout.splitlines()] == stored
    out = tmp_path / "events.csv"
    csv_run = run_cli(tmp_path, "audit", "export", "--format", "csv", "--event",
                      "query_executed", "--output", str(out), **env)  # fmt: skip
    assert csv_run.returncode == 0 and "1 event(s) written" in csv_run.stderr
    header, row = out.read_text().splitlines()
    assert header == "id,at,event,user,client,request_id,details"
    assert ",query_executed,alice," in row and '""sql_length"":19' in row
    future = run_cli(tmp_path, "audit", "export", "--since", "2999-01-01", **env)
    assert future.returncode == 0 and future.stdout == ""
    bad = run_cli(tmp_path, "audit", "export", "--since", "last week", **env)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


async def test_token_use_is_recorded_once_a_day_and_session_expiry_once(
    logged: Callable[..., Settings], login: Any
) -> None:
    settings = logged(session_timeout=0.002)  # 120 ms
    async with running_app(settings) as app:
        token, _ = await create_token(app_state(app).store, USERNAME, "ci")
        bearer = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        for _ in range(3):
            assert (await client.get("/api/me", headers=bearer)).status_code == 200
        await login(client)
        await asyncio.sleep(0.3)
        expired = await client.get("/api/me")
        assert (await expired.get_json())["code"] == "SESSION_EXPIRED"
        events = await audit_events(app, client, headers=bearer)
    assert [(e["event"], e["user"]) for e in events] == [
        ("token_used", USERNAME), ("login", USERNAME), ("session_expired", USERNAME),
    ]  # fmt: skip


async def test_store_sink_on_a_postgresql_store(
    logged: Callable[..., Settings], login: Any, tmp_path: Path
) -> None:
    """Several instances share a PostgreSQL store (APP_DATABASE_URL): events land there."""
    require_server("postgresql")
    store_db = await create_database("postgresql", tmp_path)
    try:
        settings = logged(app_database_url=store_db.full_url)
        async with running_app(settings) as app:
            client = app.test_client()
            seen = await scripted_session(client, login)
            await login(client)
            events = await audit_events(app, client, user=USERNAME)
            # The largest id there is: every event is older (was a 500 beyond it on PostgreSQL).
            oldest = await client.get("/api/audit?cursor=2147483647&limit=1000")
            assert len((await oldest.get_json())["events"]) == len(events)
    finally:
        await drop_database(store_db)
    check_session_events(events[:-1], seen)


def test_the_activity_pages_event_hints_list_every_documented_event() -> None:
    """The administration page offers event names to filter by from a list in the UI's code;
    the README's table of events is what the server records: they cannot drift apart."""
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text()
    table = readme[readme.index("| `login` |"):].split("\n\n", 1)[0]
    documented = {name for cell in re.findall(r"^\| ([^|]+) \|", table, flags=re.M)
                  for name in re.findall(r"`([a-z_]+)`", cell)}  # fmt: skip
    audit_ts = (root / "src/pydbpro_ui/web/src/lib/audit.ts").read_text()
    listed = audit_ts[audit_ts.index("KNOWN_EVENTS"):].split("] as const", 1)[0]
    hinted = set(re.findall(r"'([a-z_]+)'", listed))
    assert documented - hinted == set(), "events the UI does not offer"
    assert {"table_aggregated", "export", "login"} <= documented  # the table was found
