"""Foreign-key values show their parent row's label (issue 18 item 11): the customer's name
beside `orders.customer_id`, fetched in one request per page, the id still a link."""

from __future__ import annotations

import re

from playwright.async_api import Page, Request, expect

from ..support.fixture_schema import FIXTURE_DATA
from .test_ui_interactions import ORDER_COLS, column, ids
from .test_ui_smoke import sign_in

CUSTOMERS = FIXTURE_DATA["customers"]
ORDERS = sorted(FIXTURE_DATA["orders"], key=lambda o: o["id"])
PAGE_SIZE = 20


def name_of(customer_id: int) -> str:
    return str(CUSTOMERS[customer_id - 1]["name"])


def labels(orders: list[dict[str, object]]) -> list[str]:
    """The labels shown: an empty name shows none."""
    return [name for o in orders if (name := name_of(int(str(o["customer_id"]))))]


async def test_foreign_keys_show_the_parent_label_in_one_request_per_page(page: Page) -> None:
    asked: list[str] = []

    def note(request: Request) -> None:
        if "/labels?" in request.url:
            asked.append(request.url)

    page.on("request", note)
    await sign_in(page, "/browse/orders?sort=id")
    cells = column(page, ORDER_COLS["customer_id"])
    first = ORDERS[:PAGE_SIZE]
    await expect(cells).to_have_text(
        [f"{o['customer_id']} {name_of(o['customer_id'])}".strip() for o in first]
    )
    await expect(cells.locator(".fk-label")).to_have_text(labels(first))
    assert len(asked) == 1, asked

    await page.get_by_role("button", name="Next page").click()
    second = ORDERS[PAGE_SIZE : 2 * PAGE_SIZE]
    await expect(column(page, 1)).to_have_text(ids(second))
    await expect(cells.locator(".fk-label")).to_have_text(labels(second))
    assert len(asked) == 2, asked

    # The id is still the link to the parent row.
    link = cells.first.get_by_role("link")
    await expect(link).to_have_text(str(second[0]["customer_id"]))
    await link.click()
    await expect(page).to_have_url(
        re.compile(rf"/browse/customers\?filter_id={second[0]['customer_id']}$")
    )
