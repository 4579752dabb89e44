"""The browser harness itself, on a page that needs no report: Chromium reaches the live
server with the caller's bearer token, and what it renders is what the API answered."""

from pathlib import Path

import pytest
from playwright.async_api import Browser

from domain.kernel.access import Role
from tests.browser.conftest import DemoTrust, as_caller
from tests.browser.report_page import render

pytestmark = pytest.mark.browser


async def test_the_browser_carries_the_callers_token_to_the_live_server(
    demo_trust: DemoTrust, browser: Browser, tmp_path: Path
) -> None:
    me = demo_trust.get_json(Role.TRUST_ANALYST, "/api/v1/auth/me")

    async with as_caller(browser, demo_trust.tokens[Role.TRUST_ANALYST]) as context:
        page = await render(context, demo_trust.url("/api/v1/auth/me"), "auth-me", tmp_path)

    assert page.status == 200
    assert page.shows(me["name"])
    assert page.shows(me["subject"])
    assert (tmp_path / "auth-me.png").stat().st_size > 1000
    assert page.printed.pages >= 1


async def test_without_a_token_the_browser_gets_the_401_problem(
    demo_trust: DemoTrust, browser: Browser, tmp_path: Path
) -> None:
    async with as_caller(browser, None) as context:
        page = await render(context, demo_trust.url("/api/v1/auth/me"), "no-token", tmp_path)

    assert page.status == 401
    assert "application/problem+json" in page.content_type
