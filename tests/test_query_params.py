"""Query strings: nothing a client writes is silently ignored. Unknown parameters, repeated
ones and NUL characters are 400s naming them; the specification's spellings (``limit``,
``filter[...]``) mean what they say."""

from __future__ import annotations

from typing import Any

import pytest

from .browsing import get_json


@pytest.mark.parametrize(
    "path",
    [
        "/api/tables/customers/data?bogus=1",
        "/api/tables/customers/export/csv?bogus=1",
        "/api/tables?bogus=1",
        "/api/schemas?bogus=1",
        "/api/tables/customers/schema?bogus=1",
        "/api/tables/customers/row?id=1&bogus=1",
    ],
)
async def test_an_unknown_parameter_is_400_naming_it(backend_client: Any, path: str) -> None:
    body = await get_json(backend_client, path, expect=400)
    assert body["code"] == "UNKNOWN_PARAMETER" and "'bogus'" in body["error"], body


async def test_a_cache_buster_is_accepted(backend_client: Any) -> None:
    body = await get_json(backend_client, "/api/tables/customers/data?_=1712345&page_size=2")
    assert len(body["rows"]) == 2


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/tables/customers/data?page=1&page=2", "page"),
        ("/api/tables?schema=a&schema=b", "schema"),
        ("/api/tables/customers/row?id=1&id=2", "id"),  # a key column too
        ("/api/tables/customers/export/csv?bom=1&bom=0", "bom"),
    ],
)
async def test_a_parameter_given_twice_is_400(backend_client: Any, path: str, name: str) -> None:
    body = await get_json(backend_client, path, expect=400)
    assert body["code"] == "BAD_PARAMETER" and f"'{name}'" in body["error"], body


async def test_limit_is_page_size(backend_client: Any) -> None:
    body = await get_json(backend_client, "/api/tables/customers/data?limit=3")
    assert len(body["rows"]) == 3 and body["page_size"] == 3
    clash = "/api/tables/customers/data?limit=3&page_size=4"
    assert (await get_json(backend_client, clash, expect=400))["code"] == "BAD_PAGE_SIZE"


async def test_the_specifications_filter_forms(backend_client: Any) -> None:
    ours = await get_json(backend_client, "/api/tables/customers/data?filter_id_le=3&sort=id")
    assert [row[0] for row in ours["rows"]] == [1, 2, 3]
    structured = ("/api/tables/customers/data?filter[column]=id&filter[op]=Less Than"
                  "&filter[value]=4&sort=id")  # fmt: skip
    assert (await get_json(backend_client, structured))["rows"] == ours["rows"]
    plain = await get_json(backend_client, "/api/tables/customers/data?filter[id]=2")
    assert [row[0] for row in plain["rows"]] == [2]
    assert plain["filters"] == [{"column": "id", "op": "eq", "value": "2"}]


@pytest.mark.parametrize(
    "query",
    [
        "filter[column]=id&filter[op]=resembles&filter[value]=1",
        "filter[op]=eq&filter[value]=1",
        "filter[id",
        "filter_id_resembles=1",
        "filter_nope=1",
    ],
)
async def test_a_filter_it_cannot_read_is_400_saying_how(backend_client: Any, query: str) -> None:
    body = await get_json(backend_client, f"/api/tables/customers/data?{query}", expect=400)
    assert body["code"] in ("BAD_FILTER", "UNKNOWN_COLUMN"), body
    assert "filter" in body["error"]


@pytest.mark.parametrize("query", ["q=a%00b", "filter_name=a%00b", "sort=na%00me"])
async def test_a_nul_character_is_400_naming_the_parameter(
    backend_client: Any, query: str
) -> None:
    body = await get_json(backend_client, f"/api/tables/customers/data?{query}", expect=400)
    assert body["code"] == "BAD_VALUE" and "NUL" in body["error"], body


async def test_too_big_integers_in_filters_and_keys_are_400(backend_client: Any) -> None:
    big = "1" * 30
    for path in (f"/api/tables/customers/data?filter_id={big}",
                 f"/api/tables/customers/row?id={big}",
                 f"/api/tables/customer_orders/data?filter_customer_id={big}"):  # fmt: skip
        body = await get_json(backend_client, path, expect=400)
        assert body["code"] == "BAD_VALUE" and "out of range" in body["error"], body


async def test_a_body_nested_too_deeply_is_400(backend_client: Any) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = await backend_client.post("/api/query", data=deep,
                                         headers={"Content-Type": "application/json"})  # fmt: skip
    body = await response.get_json()
    assert response.status_code == 400 and body["code"] == "BAD_JSON", body


async def test_a_body_that_is_not_utf8_is_400(backend_client: Any) -> None:
    for path in ("/api/query", "/api/query/export/csv", "/api/login"):
        response = await backend_client.post(
            path, data=b'{"sql": "select \xd9"}', headers={"Content-Type": "application/json"}
        )
        body = await response.get_json()
        assert response.status_code == 400 and body["code"] == "BAD_JSON", (path, body)


#: Every spelling of a yes/no parameter, each in two letter cases (``api/params.FLAG_WORDS``).
FLAGS = {**{w: True for w in ("true", "1", "yes", "on", "t", "y")},
         **{w: False for w in ("false", "0", "no", "off", "f", "n")}}  # fmt: skip
FLAG_PATHS = ["/api/schemas", "/api/tables", "/api/tables/customers/schema"]


@pytest.mark.parametrize("path", FLAG_PATHS)
async def test_refresh_is_spelled_the_same_everywhere(backend_client: Any, path: str) -> None:
    for word in (*FLAGS, *(w.upper() for w in FLAGS)):
        await get_json(backend_client, f"{path}?refresh={word}")
    for word in ("maybe", "", "2", " true"):
        body = await get_json(backend_client, f"{path}?refresh={word}", expect=400)
        assert [d["field"] for d in body["details"]] == ["refresh"], body
        assert "true or false" in body["details"][0]["message"], body


async def test_a_flag_means_what_it_says(client: Any, login: Any) -> None:
    """``bom`` shows the value read: the file starts with a byte order mark or not."""
    await login(client)
    for word, value in (*FLAGS.items(), *((w.title(), v) for w, v in FLAGS.items())):
        response = await client.get(f"/api/tables/customers/export/csv?bom={word}")
        assert response.status_code == 200, word
        assert (await response.get_data()).startswith(b"\xef\xbb\xbf") is value, word
