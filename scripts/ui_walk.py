"""Walk a running PyDBPro in Chromium as a user would, and report what went wrong.

For every table and view: the data tab, the structure tab, and the data tab in group mode
(grouped by its first column that can be, and by a date's month, counting rows); then the
Account page and, for an admin, the Administration page. Any HTTP answer >= 500, any page
error and any alert shown that is not an expected "cannot be read" notice is reported.

    .venv/bin/python scripts/ui_walk.py http://127.0.0.1:8000 USER PASSWORD [--limit N]

Not a test (it needs a running server on a real database: ../shared/datasets in the
project's own workflow); the numbers go into an issue's closing note.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any
from urllib.parse import quote, urlencode

from playwright.async_api import Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
EXPECTED_ALERTS = ("cannot read", "not readable", "could not be read")


async def _walk_table(
    page: Page, table: dict[str, Any], kinds: dict[str, Any], problems: list[str]
) -> None:
    name, schema = table["name"], table.get("schema")
    base = f"/browse/{quote(name, safe='')}"
    query = {"schema": schema} if schema else {}
    views = [{}, {"tab": "structure"}]
    grouped = await _grouping(page, name, query, kinds)
    if grouped:
        views.append(grouped)
    for view in views:
        url = f"{base}?{urlencode({**query, **view}, doseq=True)}"
        await page.goto(url)
        await page.wait_for_load_state("networkidle")
        await _alerts(page, url, problems)


async def _grouping(
    page: Page, name: str, query: dict[str, str], kinds: dict[str, Any]
) -> dict[str, Any] | None:
    """Group mode's URL parameters for this table, as a user would pick them in its panel."""
    found = await page.request.get(f"/api/tables/{quote(name, safe='')}/schema?{urlencode(query)}")
    if not found.ok:
        return None
    columns = (await found.json())["columns"]
    group = [c["name"] for c in columns if "group" in kinds[c["kind"]]["aggregates"]][:1]
    dated = [c["name"] for c in columns if "month" in kinds[c["kind"]]["group_units"]][:1]
    return {"group": group + [f"{d}:month" for d in dated], "measure": "count"}


async def _alerts(page: Page, where: str, problems: list[str]) -> None:
    for alert in await page.locator("[role=alert]").all_inner_texts():
        if not any(word in alert.lower() for word in EXPECTED_ALERTS):
            problems.append(f"{where}: alert {alert.strip()[:200]!r}")


async def walk(base_url: str, user: str, password: str, limit: int | None) -> int:
    problems: list[str] = []
    counts = {"requests": 0, "tables": 0}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = await browser.new_context(base_url=base_url)
        page = await context.new_page()

        def on_response(response: Any) -> None:
            counts["requests"] += 1
            if response.status >= 500:
                problems.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        await page.goto("/login")
        await page.get_by_label("Username").fill(user)
        await page.get_by_label("Password").fill(password)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(lambda url: "/login" not in url)
        me = await (await page.request.get("/api/me")).json()
        kinds = (await (await page.request.get("/api/config")).json())["column_kinds"]
        tables = (await (await page.request.get("/api/tables")).json())["tables"]
        schemas = (await (await page.request.get("/api/schemas")).json())["schemas"]
        for schema in schemas:
            listed = await page.request.get(f"/api/tables?{urlencode({'schema': schema})}")
            tables += [t for t in (await listed.json())["tables"] if t not in tables]
        for table in tables[:limit]:
            counts["tables"] += 1
            await _walk_table(page, table, kinds, problems)
        for path in ["/account", *(["/admin"] if "users" in me["permissions"] else []), "/query"]:
            await page.goto(path)
            await page.wait_for_load_state("networkidle")
            await _alerts(page, path, problems)
        await browser.close()
    print(f"{base_url}: {counts['tables']} tables and views, {counts['requests']} responses, "
          f"{len(problems)} problems")  # fmt: skip
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--limit", type=int, default=None, help="At most this many tables.")
    args = parser.parse_args()
    sys.exit(asyncio.run(walk(args.url, args.user, args.password, args.limit)))


if __name__ == "__main__":
    main()
