"""Every object of the fixture schema browsable, exportable and queryable: a crawl of the API
on each backend, with system objects hidden and shown (``support/crawl.py``).

``PYDBPRO_CRAWL_URLS`` (space-separated database URLs) crawls other databases too, e.g. the
public sample databases, by hand: ``PYDBPRO_CRAWL_URLS=postgresql://postgres@127.0.0.1/pagila
pytest tests/test_crawl.py -k url``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pydbpro.settings import Settings

from .conftest import TestDatabase, running_app
from .support.crawl import Crawler, CrawlReport

EXTRA_URLS = os.environ.get("PYDBPRO_CRAWL_URLS", "").split()


def _quoter(url: str) -> Callable[[str], str]:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    dialects = {"postgresql": postgresql, "mysql": mysql, "sqlite": sqlite}
    backend = make_url(url).get_backend_name()
    module = dialects["mysql" if backend == "mariadb" else backend]
    return module.dialect().identifier_preparer.quote  # type: ignore[no-any-return]


async def crawl(settings: Settings, login: Any, url: str) -> CrawlReport:
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        return await Crawler(client, _quoter(url)).crawl()


def _crawl_settings(make_settings: Callable[..., Settings], url: str, **more: Any) -> Settings:
    # Exports capped at a few rows: the crawl checks that every object exports, not speed.
    return make_settings(database_url=url, max_export_rows=5, pdf_max_rows=5, **more)


@pytest.mark.parametrize("system", [False, True], ids=["user-objects", "system-objects"])
async def test_crawl_finds_no_server_error_and_no_dead_link(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any, system: bool
) -> None:
    settings = _crawl_settings(make_settings, backend_db.readonly_url, show_system_tables=system)
    report = await crawl(settings, login, backend_db.readonly_url)
    assert report.failures == [], "\n".join(report.failures)
    assert report.objects > 10 and report.requests > 100


@pytest.mark.skipif(not EXTRA_URLS, reason="PYDBPRO_CRAWL_URLS is not set")
@pytest.mark.parametrize("url", EXTRA_URLS or [""])
@pytest.mark.parametrize("system", [False, True], ids=["user-objects", "system-objects"])
async def test_crawl_url(
    make_settings: Callable[..., Settings], login: Any, url: str, system: bool
) -> None:
    report = await crawl(_crawl_settings(make_settings, url, show_system_tables=system),
                         login, url)  # fmt: skip
    print(f"{url}: {report.objects} objects, {report.requests} requests, "
          f"unreadable: {sorted(report.unreadable)}")  # fmt: skip
    assert report.failures == [], "\n".join(report.failures)
