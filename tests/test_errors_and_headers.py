"""Errors are JSON with a request id; every response carries the security headers."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.permissions import public

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


def assert_error_shape(body: dict[str, Any], code: str) -> None:
    assert set(body) >= {"error", "code", "request_id"}
    assert body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    assert len(body["request_id"]) >= 8


async def test_unknown_api_path_is_404_json(client: Client) -> None:
    response = await client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert_error_shape(await response.get_json(), "NOT_FOUND")


async def test_wrong_method_is_405_json(client: Client) -> None:
    response = await client.get("/api/login")
    assert response.status_code == 405
    assert_error_shape(await response.get_json(), "METHOD_NOT_ALLOWED")


async def test_malformed_json_is_400(client: Client) -> None:
    response = await client.post(
        "/api/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert_error_shape(await response.get_json(), "BAD_REQUEST")


async def test_request_id_is_echoed_or_generated(client: Client) -> None:
    mine = await client.get("/api/me", headers={"X-Request-ID": "trace-0123456789"})
    assert mine.headers["X-Request-ID"] == "trace-0123456789"
    assert (await mine.get_json())["request_id"] == "trace-0123456789"
    hostile = await client.get("/api/me", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(hostile.headers["X-Request-ID"]) == 32


async def test_unexpected_exception_is_a_bare_500_and_is_logged(
    app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    @public
    async def explode() -> None:
        raise RuntimeError("secret internal detail: password=hunter2")

    app.add_url_rule("/api/test-explode", "explode", explode)
    logger = logging.getLogger("pydbpro")
    logger.addHandler(caplog.handler)
    try:
        response = await app.test_client().get("/api/test-explode")
    finally:
        logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    body = await response.get_json()
    assert_error_shape(body, "INTERNAL_ERROR")
    text = await response.get_data(as_text=True)
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert body["request_id"] in caplog.text and "hunter2" in caplog.text  # for the operator
    with_traceback = [r for r in caplog.records if r.exc_info]
    assert len(with_traceback) == 1 and body["request_id"] in with_traceback[0].getMessage()
    assert (await app.test_client().get("/api/health")).status_code == 200  # still serving


@pytest.mark.parametrize(
    "path",
    [
        "/api/health",
        "/api/me",
        "/api/nope",
        "/login",
        "/docs",
        "/browse",
        "/docs/assets/swagger-ui-bundle.js",
    ],
)
async def test_security_headers_on_every_kind_of_response(client: Client, path: str) -> None:
    response = await client.get(path)
    for header in SECURITY_HEADERS:
        assert header in response.headers, (path, header)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "Strict-Transport-Security" not in response.headers  # only over https


async def test_docs_page_loads_no_inline_script_and_no_cdn(client: Client) -> None:
    html = await (await client.get("/docs")).get_data(as_text=True)
    assert "<script>" not in html.replace(" ", "")
    assert "http://" not in html and "https://" not in html
    spec = await (await client.get("/openapi.json")).get_json()
    assert "/api/login" in spec["paths"] and "/api/health" in spec["paths"]
