"""Legacy 1ClickDBPro URLs (``shared/legacy-urls.md``): every page of the map, translated.

The big table asserts the exact redirect target (or the error) of each legacy URL, at the
site root and under LEGACY_URL_PREFIX, on the SQLite fixture. The data tests then follow
translated links on every backend and compare the rows with a direct SQL query, so a
translation that looks right but filters differently fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import unquote, urlsplit

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import text

from pydbpro.settings import Settings, SettingsError
from pydbpro.settings_loading import load_settings

from .browsing import direct, quote
from .conftest import PASSWORD, TEST_SECRET, USERNAME, TestDatabase, running_app

PREFIX = "/1ClickDB"


def console(sql: str) -> str:
    """The console URL for ``sql`` (composed statements use the SQLite dialect here)."""
    return "/query?sql=" + urlquote(sql, safe=",")


# (legacy URL, expected Location or error status). Every row of the map's section (a).
CASES: list[tuple[str, str | int]] = [
    # Entry, connection and login pages; the Free edition's names are aliases.
    ("/Default.asp", "/"),
    ("/default.ASP", "/"),
    ("/Connect.asp?datasource=sqlserver&sourcecontext=import", "/"),
    ("/FreeConnect.asp", "/"),
    ("/Logon.asp", "/login"),
    ("/FreeLogon.asp", "/login"),
    ("/Launch.htm", "/"),
    ("/MTMCODE.ASP", "/"),
    ("/mtmheading.asp", "/"),
    ("/MTMMENU_EMPTY.ASP", "/"),
    ("/Help.asp?walkthru=true", "/help"),
    ("/FreeHelp.asp", "/help"),
    ("/Test1ClickDB.asp", "/api/health"),
    # Schema.asp: the index; never connection, ADO or server details.
    ("/Schema.asp", "/browse"),
    ("/Schema.asp?show=tables", "/browse"),
    ("/FreeSchema.asp?show=views", "/browse?type=views"),
    ("/Schema.asp?show=sys", "/browse"),  # SHOW_SYSTEM_TABLES is off
    ("/Schema.asp?show=procs", "/browse"),
    ("/Schema.asp?show=ado", "/browse"),
    ("/Schema.asp?show=adop", "/browse"),
    ("/Schema.asp?show=schema&schemashow=4", "/browse"),
    ("/schema.asp?SHOW=CGI", "/browse"),
    # Frameset.asp: contenturl is read as an on-site legacy page, never followed.
    ("/Frameset.asp", "/"),
    ("/Frameset.asp?contenturl=Schema.asp?show=views", "/browse?type=views"),
    ("/FreeFrame.asp?contenturl=/1ClickDB/FreeBrowse.asp?sqlfrom_A=orders", "/browse/orders"),
    ("/Frameset.asp?contenturl=http://evil.example/Browse.asp?sqlfrom_A=orders", "/"),
    ("/Frameset.asp?contenturl=//evil.example/Browse.asp", "/"),
    ("/Frameset.asp?contenturl=/\\evil.example/Browse.asp", "/"),
    ("/Frameset.asp?contenturl=javascript:alert(1)", "/"),
    ("/Frameset.asp?contenturl=Frameset.asp?contenturl=Help.asp", "/"),
    # Browse.asp: every identifier quoting style, case-insensitive names, legacy owners.
    ("/Browse.asp?sqlfrom_A=customers", "/browse/customers"),
    ("/browse.asp?SQLFROM_a=[Order Details]", "/browse/Order%20Details"),
    ('/Browse.asp?sqlfrom_A="Order Details"', "/browse/Order%20Details"),
    ("/Browse.asp?sqlfrom_A=`Order Details`", "/browse/Order%20Details"),
    ("/BROWSE.ASP?sqlfrom_A=ORDERS", "/browse/orders"),
    ('/Browse.asp?sqlfrom_A="dbo"."Orders"', "/browse/orders"),
    ("/Browse.asp?sqlfrom_A=[main].[customers]", "/browse/customers"),
    ("/Browse.asp?sqlfrom_A=main.customers", "/browse/customers"),
    ("/Browse.asp?sqlfrom_A=[MixedCase]", "/browse/MixedCase"),
    ("/Browse.asp?sqlfrom_A=[name.with.dots]", "/browse/name.with.dots"),
    ('/Browse.asp?sqlfrom_A="weird""name"', "/browse/weird%22name"),
    ("/Browse.asp?sqlfrom_A=`back``tick`", "/browse/back%60tick"),
    ("/Browse.asp?sqlfrom_A=[it's]", "/browse/it%27s"),
    ("/Browse.asp?sqlfrom_A=café", "/browse/caf%C3%A9"),
    ("/Browse.asp?sqlfrom_A=[view with space]", "/browse/view%20with%20space"),
    ("/Browse.asp", "/browse"),
    ("/Browse.asp?sqlfrom_A=no_such_table", 404),
    ("/Browse.asp?sqlfrom_A=Order Details", 400),  # a name with a space was always quoted
    ("/Browse.asp?sqlfrom_A=orders o JOIN customers c ON 1=1", 400),
    ("/Browse.asp?sqlfrom_A=orders, customers", 400),
    ("/Browse.asp?sqlfrom_A=db.dbo.orders", 400),
    ("/Browse.asp?sqlfrom_A=orders; DROP TABLE orders", 400),
    # Paging: 1ClickDBPro's default page size was 10; the first row stays on the page.
    ("/Browse.asp?sqlfrom_A=orders&sqlpage_A=3", "/browse/orders?page=2"),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlpage_A=5&sqlpagesize_A=50",
        "/browse/orders?page=5&page_size=50",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlpage_A=3&sqlpagesize_A=25",
        "/browse/orders?page=2&page_size=50",
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlpagesize_A=5000", "/browse/orders?page_size=100"),
    ("/Browse.asp?sqlfrom_A=orders&sqlpage_A=abc&sqlpagesize_A=0", "/browse/orders"),
    # Sorting, column selection and hiding, keyword.
    (
        '/Browse.asp?sqlfrom_A=orders&sqlorderby_A="ordered_at" DESC, [ID] ASC',
        "/browse/orders?sort=ordered_at,id&order=desc,asc",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlorderby_A=orders.total",
        "/browse/orders?sort=total&order=asc",
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlselect_A=[id], [Status]", "/browse/orders?columns=id,status"),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlselecthide_A=email",
        "/browse/customers?columns=id,name,city,created_at,balance,vip",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlselect_A=id, name, email&sqlselecthide_A=EMAIL",
        "/browse/customers?columns=id,name",
    ),
    ("/Browse.asp?sqlfrom_A=customers&sqlselect_A=*", "/browse/customers"),
    ("/Browse.asp?sqlfrom_A=customers&ocdKeyword_A=Müller", "/browse/customers?q=M%C3%BCller"),
    (
        "/Browse.asp?sqlfrom_A=orders&DrillDown_A=yes&ndreloadtime=60&ndreloadaction=set&ocdAction_A=x",
        "/browse/orders",
    ),
    # sqlwhere_A that translates into structured filters.
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=status = 'paid'",
        "/browse/orders?filter_status=paid",
    ),
    (
        "/Browse.asp?sqlfrom_A=[Order Details]"
        "&sqlwhere_A=((\"product\" LIKE 'Gad%') AND ([qty] >= 5))",
        "/browse/Order%20Details?filter_product_startswith=Gad&filter_qty_ge=5",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=name LIKE '%ller%'",
        "/browse/customers?filter_name_contains=ller",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=email LIKE '%.com'",
        "/browse/customers?filter_email_endswith=.com",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=city IN ('Berlin', N'Łódź')",
        "/browse/customers?filter_city_in=Berlin,%C5%81%C3%B3d%C5%BA",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=email IS NULL",
        "/browse/customers?filter_email_isnull=",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=NOT (email IS NULL)",
        "/browse/customers?filter_email_notnull=",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=total BETWEEN 100 AND 200.5",
        "/browse/orders?filter_total_between=100,200.5",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=status = 'paid' OR status = 'new'",
        "/browse/orders?filter_status_in=paid,new",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=status = 'paid' OR total > 100",
        "/browse/orders?filter_status=paid&filter_total_gt=100&match=any",
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=NOT id = 3", "/browse/orders?filter_id_ne=3"),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=5 < [ID]", "/browse/orders?filter_id_gt=5"),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id <> -1", "/browse/orders?filter_id_ne=-1"),
    (
        '/Browse.asp?sqlfrom_A=orders&sqlwhere_A="orders"."status" = \'paid\'',
        "/browse/orders?filter_status=paid",
    ),
    (
        "/Browse.asp?sqlfrom_A=types&sqlwhere_A=d = '29-FEB-2024'",
        "/browse/types?filter_d=2024-02-29",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=name = 'x'' OR ''1''=''1'",
        "/browse/customers?filter_name=x%27%20OR%20%271%27%3D%271",  # one bound value
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=customers.name = 'x'", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=no_such_column = 1", 400),
    # Injection attempts and anything richer: a 400, or the console prefilled (never run).
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=1=1; DROP TABLE x", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = 1; DELETE FROM orders", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = 1 UNION SELECT name FROM customers", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = 1 -- and the rest", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = 1 /* hidden */", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = 1)", 400),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=" + "(" * 80 + "id = 1" + ")" * 80, 400),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id=1 OR 1=1",
        console('SELECT * FROM "orders" WHERE "id" = 1 OR 1 = 1'),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id IN (SELECT id FROM customers)",
        console('SELECT * FROM "orders" WHERE "id" IN (SELECT id FROM customers)'),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=(SELECT COUNT(*) FROM customers) > 0",
        console('SELECT * FROM "orders" WHERE (SELECT COUNT(*) FROM customers) > 0'),
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id = load_extension('evil')", 403),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=customer_id = ID",
        console('SELECT * FROM "orders" WHERE "customer_id" = "id"'),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders"
        "&sqlwhere_A=(status = 'paid' OR status = 'new') AND total > 100",
        console(
            'SELECT * FROM "orders" '
            'WHERE ("status" = \'paid\' OR "status" = \'new\') AND "total" > 100'
        ),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=status NOT LIKE 'p%'",
        console('SELECT * FROM "orders" WHERE "status" NOT LIKE \'p%\''),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlorderby_A=LEN(status) DESC",
        console('SELECT * FROM "orders" ORDER BY LENGTH(CAST("status" AS TEXT)) DESC'),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlselect_A=status, COUNT(*)&sqlgroupby_A=status",
        console('SELECT "status", COUNT(*) FROM "orders" GROUP BY "status"'),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&sqlselect_A=customer_id&sqlgroupby_A=customer_id"
        "&sqlhaving_A=COUNT(*) > 1&sqlwhere_A=status = 'paid'",
        console(
            'SELECT "customer_id" FROM "orders" WHERE "status" = \'paid\' '
            'GROUP BY "customer_id" HAVING COUNT(*) > 1'
        ),
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&SQLSelectSum_A=total&SQLSelectAvg_A=[Total]"
        "&sqlwhere_A=id < 10",
        console('SELECT COUNT(*), SUM("total"), AVG("total") FROM "orders" WHERE "id" < 10'),
    ),
    ("/Browse.asp?sqlfrom_A=orders&sqlselect_A=id FROM customers", 400),
    # Grid modes and every export format (paging is dropped from exports).
    ("/Browse.asp?sqlfrom_A=customers&ocdGridMode_A=Search", "/browse/customers?panel=filters"),
    ("/FreeBrowse.asp?sqlfrom_A=customers&ocdGridMode_A=SEARCH", "/browse/customers?panel=filters"),
    (
        "/Browse.asp?sqlfrom_A=customers&ocdGridMode_A=Filter&ocdFilterFieldName_A=City"
        "&ocdFilterFieldType_A=202&ocdFilterFieldSize_A=100",
        "/browse/customers?panel=filters&column=city",
    ),
    ("/Browse.asp?sqlfrom_A=customers&ocdGridMode_A=Process", 400),
    (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=excel&sqlpage_A=4"
        "&sqlwhere_A=status='paid'&sqlorderby_A=id DESC",
        "/api/tables/orders/export/xlsx?sort=id&order=desc&filter_status=paid",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=print",
        "/api/tables/orders/export/pdf",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=export&ocdExportFormat_A=TEXT",
        "/api/tables/orders/export/csv",
    ),
    (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=tsv",
        "/api/tables/orders/export/csv?delimiter=tab",
    ),
    (
        "/Browse.asp?sqlfrom_A=[Order Details]&ocdGridMode_A=Export&ocdExportFormat_A=xml",
        "/api/tables/Order%20Details/export/csv",
    ),
    ("/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=doc", 400),
    # Select.asp and the query wizard.
    (
        "/Select.asp?sqlfrom_A=orders&sqlwhere_A=status='paid'&sqlorderby_A=id DESC",
        console('SELECT * FROM "orders" WHERE "status" = \'paid\' ORDER BY "id" DESC'),
    ),
    ("/Select.asp?sqlfrom_A=orders&ocdStartQueryWizard=yes", "/browse"),
    ("/Select.asp", "/query"),
    ("/WizardSQLQuery.asp?sqlfrom_A=orders&objtoshow=Tables", "/browse"),
    (
        "/Graphit.asp?GridID=A&Graphtype=bar&sqlfrom_A=orders&sqlwhere_A=status='paid'",
        "/browse/orders?filter_status=paid",
    ),
    ("/Graphit.asp?GridID=B&sqlfrom_B=customers", "/browse/customers"),
    # Structure.asp, DescribeField.asp.
    ("/Structure.asp?sqlfrom=[Order Details]", "/browse/Order%20Details?tab=structure"),
    ('/structure.asp?SQLFROM="dbo"."Orders"&SQLSelect=*', "/browse/orders?tab=structure"),
    (
        "/DescribeField.asp?sqlfrom=customers&sqlfield=EMAIL",
        "/browse/customers?tab=structure&column=email",
    ),
    # Edit.asp: the read-only row view with its related records.
    ("/Edit.asp?sqlfrom=orders&sqlid=5", "/browse/orders?tab=row&key_id=5"),
    (
        '/FreeEdit.asp?sqlfrom=[Order Details]&sqlwhere="order_id"=3 AND "line_no"=1',
        "/browse/Order%20Details?tab=row&key_order_id=3&key_line_no=1",
    ),
    (
        "/Edit.asp?sqlfrom=`Order Details`&sqlwhere=LINE_NO=2 AND Order_ID=3&ocdShowRelated=Yes",
        "/browse/Order%20Details?tab=row&key_order_id=3&key_line_no=2",
    ),
    ("/Orders_Edit.asp?sqlfrom=orders&sqlid=7", "/browse/orders?tab=row&key_id=7"),
    ("/Edit.asp?sqlfrom=orders", "/browse/orders"),
    ("/Edit.asp?sqlfrom=orders&sqlwhere=status='paid'", "/browse/orders?filter_status=paid"),
    ("/Edit.asp?sqlfrom=[Order Details]&sqlid=5", 400),
    ("/Edit.asp?sqlfrom=orders&sqlid=5&ocdEditDelete=delete", 403),
    # Command.asp: the console prefilled, never run; writes refused up front.
    (
        "/Command.asp?sqltext=SELECT name FROM customers",
        "/query?sql=SELECT%20name%20FROM%20customers",
    ),
    ("/Command.asp?proposedsqltext=SELECT 1&nocache=38000", "/query?sql=SELECT%201"),
    ("/Command.asp", "/query"),
    ("/Command.asp?sqltext=DELETE FROM orders", 403),
    ("/Command.asp?sqltext=SELECT 1; DROP TABLE orders", 403),
    ("/Command.asp?editsp=myproc", 403),
    ("/Command.asp?loadit=true", 403),
    # Pages that wrote: read-only. Pop-ups and code generators: unknown.
    ("/Execute.asp?sqlfrom=myproc", 403),
    ("/DBDesignSQLServer.asp?action=droptable&sqlfrom=orders", 403),
    ("/DBDesignMSAccess.asp?DBCompact=Yes", 403),
    ("/WizardImport.asp?action=import", 403),
    ("/WizardImport_BeforeInsert.asp", 403),
    ("/WizardSQLAudit.asp?sqlfrom=orders&makehistorytable=yes", 403),
    ("/CODEWIZUPLOAD.ASP", 403),
    ("/WizardASPCode.asp?sqlfrom_A=orders", 404),
    ("/Generator.asp", 404),
    ("/ocdZoomText.asp?CallingForm=x", 404),
    ("/ocdHTMLEdit.asp", 404),
    ("/ocdPickDate.asp?DateField=x", 404),
    ("/NoSuchPage.asp", 404),
]


@pytest.fixture(scope="module")
async def legacy_app(
    databases: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Any]:
    """A SQLite app with LEGACY_URL_PREFIX set, shared by the read-only tests of this module."""
    db = await databases["get"]("sqlite")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("legacy"),
        database_url=db.readonly_url,
        legacy_url_prefix=PREFIX,
    )
    async with running_app(settings) as app:
        yield app


@pytest.fixture(scope="module")
async def legacy_client(legacy_app: Any) -> Client:
    """A logged-in client of ``legacy_app`` (nothing here logs it out)."""
    client = legacy_app.test_client()
    response = await client.post("/api/login", json={"username": USERNAME, "password": PASSWORD})
    assert response.status_code == 200
    return client  # type: ignore[no-any-return]


def encoded(legacy: str) -> str:
    """The URL as a browser sends the bookmark: every parameter percent-encoded."""
    path, _, query = legacy.partition("?")
    pairs = [item.partition("=") for item in query.split("&")] if query else []
    encoded_query = "&".join(f"{urlquote(k, safe='')}={urlquote(v, safe='')}" for k, _, v in pairs)
    return urlquote(path) + (f"?{encoded_query}" if encoded_query else "")


async def expect(client: Client, legacy: str, expected: str | int) -> None:
    response = await client.get(encoded(legacy))
    if isinstance(expected, int):
        assert response.status_code == expected, (legacy, response.headers.get("Location"))
        assert "Location" not in response.headers
    else:
        body = await response.get_data(as_text=True)
        assert response.status_code == 302, (legacy, response.status_code, body)
        assert response.headers["Location"] == expected, legacy


@pytest.mark.parametrize(("legacy", "expected"), CASES)
@pytest.mark.parametrize("prefix", ["", PREFIX])
async def test_legacy_url_translates(
    legacy_client: Client, prefix: str, legacy: str, expected: str | int
) -> None:
    await expect(legacy_client, prefix + legacy, expected)


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("/1clickdb/browse.asp?sqlfrom_a=orders", "/browse/orders"),
        ("/1CLICKDB/FreeSchema.asp?show=views", "/browse?type=views"),
        ("/1ClickDB/", "/"),
        ("/1ClickDB/Default.asp", "/"),
    ],
)
async def test_prefix_matches_any_case(legacy_client: Client, legacy: str, expected: str) -> None:
    await expect(legacy_client, legacy, expected)


async def test_without_a_prefix_only_the_root_answers(client: Client, login: Any) -> None:
    await login(client)
    assert (await client.get("/1ClickDB/Default.asp")).status_code == 404
    assert (await client.get("/Default.asp")).status_code == 302
    assert (await client.get("/1ClickDB/")).status_code == 404


# --- before login: translated without any lookup, then the login page -----------------------

ANONYMOUS: list[tuple[str, str | int]] = [
    (
        "/Browse.asp?sqlfrom_A=[Order Details]&sqlwhere_A=qty > 5&sqlorderby_A=line_no DESC",
        "/login?next=/browse/Order%2520Details%3Fsort%3Dline_no%26order%3Ddesc%26filter_qty_gt%3D5",
    ),
    # Names stay as written (no lookup before login: existence is not revealed).
    (
        '/Structure.asp?sqlfrom="dbo"."Orders"',
        "/login?next=/browse/Orders%3Fschema%3Ddbo%26tab%3Dstructure",
    ),
    ("/Browse.asp?sqlfrom_A=no_such_table", "/login?next=/browse/no_such_table"),
    ("/Edit.asp?sqlfrom=orders&sqlid=5", "/login?next=/browse/orders"),  # key column unknown
    (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=excel",
        "/login?next=/api/tables/orders/export/xlsx",
    ),
    ("/Default.asp", "/login?next=/"),
    ("/Test1ClickDB.asp", "/api/health"),  # public: no login needed
    ("/Logon.asp", "/login"),
    ("/Logout.asp", "/login"),
    ("/FreeLogon.asp?action=logout", "/login"),
    # Refusals need no login: they depend on the URL alone.
    ("/Execute.asp", 403),
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=1=1; DROP TABLE x", 400),
    ("/NoSuchPage.asp", 404),
]


@pytest.mark.parametrize(("legacy", "expected"), ANONYMOUS)
@pytest.mark.parametrize("prefix", ["", PREFIX])
async def test_anonymous_visitor_goes_to_login_with_the_translated_url(
    legacy_app: Any, prefix: str, legacy: str, expected: str | int
) -> None:
    await expect(legacy_app.test_client(), prefix + legacy, expected)


@pytest.mark.parametrize(
    "legacy",
    [
        "/Browse.asp?sqlfrom_A=[Order Details]&sqlwhere_A=product LIKE '%crème' OR qty IN (1, 2)",
        "/Browse.asp?sqlfrom_A=customers&ocdGridMode_A=Search&ocdKeyword_A=Zoë&sqlpage_A=2",
        "/Structure.asp?sqlfrom=`Order Details`",
        "/Edit.asp?sqlfrom=[Order Details]&sqlwhere=order_id=3 AND line_no=1",
        "/Command.asp?sqltext=SELECT * FROM orders",
    ],
)
async def test_login_next_is_where_a_logged_in_user_goes(
    legacy_app: Any, legacy_client: Client, legacy: str
) -> None:
    """With names written exactly, logging in first ends where a logged-in click does."""
    anonymous = await legacy_app.test_client().get(encoded(legacy))
    logged_in = await legacy_client.get(encoded(legacy))
    assert anonymous.status_code == logged_in.status_code == 302
    login_url = anonymous.headers["Location"]
    assert login_url.startswith("/login?next=")
    assert unquote(login_url.removeprefix("/login?next=")) == logged_in.headers["Location"]


async def test_expired_session_goes_to_login_saying_so(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, session_timeout=1 / 60)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await asyncio.sleep(2.5)
        response = await client.get("/Browse.asp?sqlfrom_A=orders")
        assert response.status_code == 302
        assert response.headers["Location"] == "/login?next=/browse/orders&expired=1"


# --- methods, logout, errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/Browse.asp?sqlfrom_A=orders", f"{PREFIX}/edit.asp", "/Logout.asp"]
)
@pytest.mark.parametrize("logged_in", [False, True])
async def test_any_form_post_is_405(
    legacy_app: Any, legacy_client: Client, path: str, logged_in: bool
) -> None:
    client = legacy_client if logged_in else legacy_app.test_client()
    attempts: list[Callable[[], Any]] = [
        lambda: client.post(path, form={"ocdEditSave": "Save", "ocdTFname": "x"}),
        lambda: client.post(path, json={"sqltext": "DELETE FROM orders"}),
        lambda: client.post(path, form={"x": "1"}, headers={"Origin": "http://evil.example"}),
        lambda: client.put(path, json={}),
        lambda: client.delete(path),
    ]
    for attempt in attempts:
        response = await attempt()
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD"
    assert (await client.get("/api/me")).status_code == (200 if logged_in else 401)
    assert (await client.head("/Default.asp")).status_code == 302  # HEAD is a GET


@pytest.mark.parametrize(
    "legacy", ["/Logout.asp", "/FreeLogout.asp", "/Logon.asp?action=logout", "/1ClickDB/LOGOUT.ASP"]
)
async def test_logout_pages_end_the_session_server_side(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any, legacy: str
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, legacy_url_prefix=PREFIX)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        replay = app.test_client()  # the same cookie, copied elsewhere
        for cookie in client.cookie_jar:  # type: ignore[attr-defined]
            replay.cookie_jar.set_cookie(cookie)  # type: ignore[attr-defined]
        assert (await replay.get("/api/me")).status_code == 200
        response = await client.get(encoded(legacy))
        assert response.status_code == 302
        assert response.headers["Location"] == "/login?signed_out=1"
        assert (await client.get("/api/me")).status_code == 401
        assert (await replay.get("/api/me")).status_code == 401  # ended on the server


async def test_errors_are_a_readable_page_or_json_on_request(legacy_client: Client) -> None:
    page = await legacy_client.get(encoded("/Browse.asp?sqlfrom_A=<script>x</script>"))
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = await page.get_data(as_text=True)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert page.headers["X-Request-ID"] in html and "LEGACY_BAD_SQL" in html
    assert "Content-Security-Policy" in page.headers
    refused = await legacy_client.get("/Execute.asp", headers={"Accept": "application/json"})
    assert refused.status_code == 403
    body = await refused.get_json()
    assert body["code"] == "READ_ONLY" and "read-only" in body["error"]
    assert set(body) == {"error", "code", "request_id"}


async def test_legacy_routes_stay_out_of_the_api_description(legacy_client: Client) -> None:
    response = await legacy_client.get("/openapi.json")
    assert response.status_code == 200
    assert ".asp" not in await response.get_data(as_text=True)


# --- settings that change the answers --------------------------------------------------------

SWITCHED_OFF: list[tuple[str, str | int]] = [
    ("/Browse.asp?sqlfrom_A=orders&sqlwhere_A=id=1 OR 1=1", 400),  # no console to go to
    ("/Browse.asp?sqlfrom_A=orders&sqlgroupby_A=status&sqlselect_A=status", 400),
    ("/Command.asp?sqltext=SELECT 1", 403),
    ("/Command.asp", 403),
    ("/Select.asp?sqlfrom_A=orders&sqlwhere_A=status='paid'", "/browse/orders?filter_status=paid"),
    ("/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=excel", 403),
    ("/Structure.asp?sqlfrom=orders", 403),
    ("/Schema.asp?show=sys", "/browse?type=system"),
    ("/Browse.asp?sqlfrom_A=customers", 404),  # hidden
    ("/Browse.asp?sqlfrom_A=[CUSTOMERS]", 404),  # hidden whatever the case
    ("/Edit.asp?sqlfrom=Customers&sqlid=1", 404),
    ("/Browse.asp?sqlfrom_A=orders", "/browse/orders"),
]


async def test_feature_switches_and_hidden_tables(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(
        database_url=sqlite_db.readonly_url,
        allow_sql_console=False,
        allow_export=False,
        enable_schema_view=False,
        show_system_tables=True,
        hidden_tables=["customers"],
    )
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for legacy, expected in SWITCHED_OFF:
            await expect(client, legacy, expected)


@pytest.mark.parametrize("prefix", ["1ClickDB", "/1ClickDB/", "/", "/a b", "/../x", "/x?y"])
def test_legacy_prefix_must_be_a_plain_path(prefix: str) -> None:
    with pytest.raises(SettingsError, match="LEGACY_URL_PREFIX"):
        load_settings(_env_file=None, secret_key=TEST_SECRET, legacy_url_prefix=prefix)


def test_legacy_prefix_may_be_empty_or_nested() -> None:
    for value, expected in (("", None), ("/apps/1ClickDB", "/apps/1ClickDB")):
        settings = load_settings(_env_file=None, secret_key=TEST_SECRET, legacy_url_prefix=value)
        assert settings.legacy_url_prefix == expected


# --- following translated links returns the rows a direct query returns --------------------

#: (legacy URL, SQL on the fixture giving the expected ids in order; {q} quotes a name).
DATA_CASES: list[tuple[str, str]] = [
    (
        "/Browse.asp?sqlfrom_A=orders&sqlwhere_A=status = 'paid' AND total >= 1000"
        "&sqlorderby_A=total DESC&sqlpagesize_A=100",
        "SELECT id FROM orders WHERE status = 'paid' AND total >= 1000 "
        "ORDER BY total DESC, id DESC LIMIT 100",
    ),
    (
        "/FreeBrowse.asp?SQLFROM_A=ORDERS&sqlwhere_A=(status = 'new') OR (status = 'shipped')"
        " OR (total < 10)&sqlorderby_A=[ID]&sqlpage_A=3&sqlpagesize_A=20",
        "SELECT id FROM orders WHERE status IN ('new', 'shipped') OR total < 10 "
        "ORDER BY id LIMIT 20 OFFSET 40",
    ),
    (
        "/Browse.asp?sqlfrom_A=[Order Details]&sqlwhere_A=\"product\" LIKE 'Gad%'"
        " AND [qty] BETWEEN 5 AND 10&sqlorderby_A=order_id DESC, line_no DESC&sqlpagesize_A=50",
        "SELECT order_id FROM {q[Order Details]} WHERE product LIKE 'Gad%' "
        "AND qty BETWEEN 5 AND 10 ORDER BY order_id DESC, line_no DESC LIMIT 50",
    ),
    (
        "/Browse.asp?sqlfrom_A=customers&sqlwhere_A=city IN ('Berlin', 'Oslo') AND NOT (vip = 1)"
        " AND email IS NOT NULL&sqlpagesize_A=100",
        "SELECT id FROM customers WHERE city IN ('Berlin', 'Oslo') AND vip = :no "
        "AND email IS NOT NULL ORDER BY id LIMIT 100",
    ),
    (
        "/Edit.asp?sqlfrom=customers&sqlwhere=name LIKE '%ller%' OR email LIKE '%.jp'",
        "SELECT id FROM customers WHERE LOWER(name) LIKE '%ller%' OR LOWER(email) LIKE '%.jp' "
        "ORDER BY id LIMIT 20",
    ),
]


def _data_url(location: str) -> str:
    """The API equivalent of a translated table-view URL (UI-only parameters dropped)."""
    parts = urlsplit(location)
    assert parts.path.startswith("/browse/"), location
    table = parts.path.removeprefix("/browse/")
    kept = [
        p for p in parts.query.split("&") if p and p.split("=")[0] not in ("tab", "panel", "column")
    ]
    return f"/api/tables/{table}/data?" + "&".join([*kept, "count=none"])


@pytest.mark.parametrize(("legacy", "sql"), DATA_CASES)
async def test_translated_links_return_the_rows_of_a_direct_query(
    backend_client: Client, backend_db: TestDatabase, legacy: str, sql: str
) -> None:
    response = await backend_client.get(encoded(legacy))
    assert response.status_code == 302, await response.get_data(as_text=True)
    page = await backend_client.get(_data_url(response.headers["Location"]))
    body = await page.get_json()
    assert page.status_code == 200, body
    index = [c["name"] for c in body["columns"]].index(sql.split()[1])
    got = [row[index] for row in body["rows"]]
    async with direct(backend_db) as conn:
        names = _Quoter(conn)
        expected = [row[0] for row in await conn.execute(text(sql.format(q=names)), {"no": False})]
    assert got == expected and got, (legacy, response.headers["Location"])


class _Quoter:
    """``{q[Order Details]}`` in the expected SQL: the name quoted for the backend."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __getitem__(self, name: str) -> str:
        return quote(self.conn, name)


async def test_schema_qualified_link_on_postgresql(
    backend_client: Client, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("the sales schema exists on PostgreSQL only")
    legacy = '/Browse.asp?sqlfrom_A="sales"."regions"&sqlwhere_A=country = \'DE\'&sqlorderby_A=id'
    response = await backend_client.get(encoded(legacy))
    assert (
        response.headers["Location"]
        == "/browse/regions?schema=sales&sort=id&order=asc&filter_country=DE"
    )
    body = await (await backend_client.get(_data_url(response.headers["Location"]))).get_json()
    async with direct(backend_db) as conn:
        expected = [
            r[0]
            for r in await conn.execute(
                text("SELECT id FROM sales.regions WHERE country = 'DE' ORDER BY id")
            )
        ]
    assert [row[0] for row in body["rows"]] == expected[:20] and expected


async def test_followed_export_is_the_filtered_file(
    legacy_client: Client, sqlite_db: TestDatabase
) -> None:
    legacy = (
        "/Browse.asp?sqlfrom_A=orders&ocdGridMode_A=Export&ocdExportFormat_A=tsv"
        "&sqlwhere_A=status = 'refunded'&sqlselect_A=id, status&sqlpage_A=3"
    )
    response = await legacy_client.get(encoded(legacy))
    location = response.headers["Location"]
    assert (
        location
        == "/api/tables/orders/export/csv?filter_status=refunded&columns=id,status&delimiter=tab"
    )
    download = await legacy_client.get(location)
    assert download.status_code == 200 and download.mimetype == "text/tab-separated-values"
    lines = (await download.get_data(as_text=True)).splitlines()
    async with direct(sqlite_db) as conn:
        ids = [
            r[0]
            for r in await conn.execute(
                text("SELECT id FROM orders WHERE status = 'refunded' ORDER BY id")
            )
        ]
    assert lines[0] == '"id"\t"status"'
    assert lines[1:] == [f'"{i}"\t"refunded"' for i in ids] and ids
