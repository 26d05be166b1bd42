"""The row view, legacy record and filter links, chosen columns and "is one of" filters, in a
real browser. Each test asserts what the user sees."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from ..support.fixture_schema import FIXTURE_DATA
from .test_ui_smoke import sign_in

CUSTOMER_ID = 3  # O'Brien
ORDERS = [o for o in FIXTURE_DATA["orders"] if o["customer_id"] == CUSTOMER_ID]
ORDER = next(o for o in ORDERS if o["status"] is not None)


async def test_legacy_record_link_opens_the_row_with_its_parent_and_children(page: Page) -> None:
    await sign_in(page, "/browse")
    await expect(page).to_have_url(re.compile(r"^[^?]*/browse$"))

    await page.goto(f"/Edit.asp?sqlfrom=orders&sqlid={ORDER['id']}")
    await expect(page).to_have_url(re.compile(rf"/browse/orders\?.*tab=row.*key_id={ORDER['id']}"))
    await expect(page.get_by_role("heading", name=f"Row id = {ORDER['id']}")).to_be_visible()
    fields = page.locator("dl.fields")
    await expect(fields.get_by_text("status", exact=True)).to_be_visible()
    await expect(fields.get_by_text(ORDER["status"], exact=True)).to_be_visible()

    parents = page.get_by_role("region", name="Parent records")
    await parents.get_by_role("link", name=f"Open customers row id = {CUSTOMER_ID}").click()
    await expect(page).to_have_url(re.compile(rf"/customers\?.*tab=row.*key_id={CUSTOMER_ID}"))
    await expect(page.locator("dl.fields").get_by_text("O'Brien", exact=True)).to_be_visible()

    children = page.get_by_role("region", name="Related records")
    await expect(children.get_by_text(f"{len(ORDERS)} rows")).to_be_visible()
    await children.get_by_role("link", name="orders", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/orders\?filter_customer_id={CUSTOMER_ID}$"))
    customer_ids = page.locator("table.grid tbody tr td:nth-child(2)")
    await expect(customer_ids).to_have_count(len(ORDERS))
    # Each id links to the customer, its name beside it (issue 18 item 11).
    await expect(customer_ids.get_by_role("link")).to_have_text([str(CUSTOMER_ID)] * len(ORDERS))
    await expect(customer_ids.locator(".fk-label")).to_have_text(["O'Brien"] * len(ORDERS))


async def test_grid_rows_open_in_the_row_view_and_a_missing_row_says_so(page: Page) -> None:
    await sign_in(page, "/browse/customers?sort=id")
    await page.get_by_role("link", name=f"Open row {CUSTOMER_ID}", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"tab=row&key_id={CUSTOMER_ID}"))
    await expect(page.locator("dl.fields").get_by_text("obrien@example.ie")).to_be_visible()
    await page.get_by_role("tab", name="Data").click()
    await expect(page).to_have_url(re.compile(r"/browse/customers\?sort=id&order=asc$"))

    await page.goto("/browse/customers?tab=row&key_id=999999")
    await expect(page.get_by_text("There is no row in customers with id = 999999.")).to_be_visible()
    await page.get_by_role("link", name="Back to the rows of customers").click()
    await expect(page.locator("table.grid").get_by_text("Zoë Müller")).to_be_visible()


async def test_legacy_filter_link_lands_on_the_focused_city_filter(page: Page) -> None:
    await sign_in(page, "/browse")
    await expect(page).to_have_url(re.compile(r"^[^?]*/browse$"))
    await page.goto(
        "/Browse.asp?sqlfrom_A=customers&ocdGridMode_A=Filter&ocdFilterFieldName_A=city"
    )
    await expect(page).to_have_url(re.compile(r"/browse/customers\?.*panel=filters.*column=city"))
    city = page.get_by_label("Filter value for city")
    await expect(city).to_be_visible()
    await expect(city).to_be_focused()


async def test_columns_link_shows_only_those_columns_until_the_chip_is_removed(page: Page) -> None:
    await sign_in(page, "/browse/customers?columns=name,id&sort=id")
    headers = page.locator("table.grid thead tr.heads th .name")
    await expect(headers).to_have_text(["name", "id"])
    first_row = page.locator("table.grid tbody tr").first.locator("td")
    await expect(first_row).to_have_text(["Zoë Müller", "1"])

    await expect(page.get_by_text("Columns: name, id")).to_be_visible()
    await page.get_by_role("button", name="Show all columns").click()
    await expect(page).not_to_have_url(re.compile(r"columns="))
    every = ["id", "name", "email", "city", "created_at", "balance", "vip"]
    await expect(headers).to_have_text(every)


async def test_is_one_of_filter_typed_in_the_filter_row(page: Page) -> None:
    wanted = {"Oslo", "Kraków"}
    expected = sum(1 for c in FIXTURE_DATA["customers"] if c["city"] in wanted)
    await sign_in(page, "/browse/customers")
    await expect(page.locator("table.grid").get_by_text("Zoë Müller")).to_be_visible()

    await page.get_by_label("Filter operator for city").select_option(label="one of")
    value = page.get_by_label("Filter value for city")
    await expect(value).to_have_attribute("placeholder", "a,b,c")
    await value.fill("Oslo, Kraków")
    await value.press("Enter")
    await expect(page).to_have_url(re.compile(r"filter_city_in=Oslo(,|%2C)Krak"))
    await expect(page.get_by_text("city is one of Oslo, Kraków")).to_be_visible()
    range_text = re.compile(r"Rows 1\u2013\d+ of " + str(expected) + "$")
    await expect(page.get_by_text(range_text)).to_be_visible()
    cities = page.locator("table.grid tbody tr td:nth-child(4)")
    assert {text.strip() for text in await cities.all_inner_texts()} == wanted
