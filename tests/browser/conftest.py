"""Reports in a real browser: Debian's headless Chromium, driven by Playwright, reading pages
from a real `stepwise serve` (tests/live_server.py) loaded with the demo trust.

One server, one demo load and one browser for the whole session; a browser context (a
clean profile carrying one caller's bearer token) per test.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, ViewportSize, async_playwright
from typer.testing import CliRunner

from api.settings import ApiSettings
from cli.demo.accounts import ACCOUNTS, DemoAccount
from cli.demo.schools import MILESTONE, TRUST_NAME
from cli.main import app as stepwise
from domain.kernel.access import Role
from domain.kernel.calendar import AcademicYear
from tests.cli.conftest import point_at
from tests.database import fresh_database
from tests.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")

# as root and with no network but loopback: no sandbox, no GPU, no calls home
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",  # the same glyphs on every machine, for stable screenshots
]

#: Wide enough for a report's side-by-side columns, as on a laptop
VIEWPORT: ViewportSize = {"width": 1200, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium. Missing, these tests cannot run: they fail in CI (whose .ci/run
    installs it) and are skipped, loudly, elsewhere."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = (
        f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's Chromium "
        "(`apt-get install -y chromium`; .ci/run does this) to render the reports."
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo_database(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the browser tests' own, with `stepwise demo` loaded: the session's
    database stays as other tests expect it (tests/cli loads and checks the demo there)."""
    with fresh_database(server) as url:
        with pytest.MonkeyPatch.context() as monkeypatch:
            point_at(monkeypatch, url, tmp_path_factory.mktemp("browser-demo"))
            result = CliRunner().invoke(stepwise, ["demo"])
        assert result.exit_code == 0, result.output
        yield url


@dataclass(frozen=True, slots=True)
class Site:
    """A live `stepwise serve` and the log it writes (shown when a page fails)."""

    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])


@pytest.fixture(scope="session")
def site(
    settings: ApiSettings, demo_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A live `stepwise serve` on the demo's database, with the session's keys."""
    data_dir = tmp_path_factory.mktemp("browser-server")
    database = settings.database.model_copy(update={"url": demo_database})
    with live_server(settings.model_copy(update={"database": database}), data_dir) as url:
        yield Site(url, data_dir / "server.log")


@dataclass(frozen=True, slots=True)
class DemoTrust:
    """The demo trust as the API shows it: its ids and a signed-in token per demo account."""

    site: Site
    trust_id: uuid.UUID
    school_id: uuid.UUID  # Milestone Park Academy, the seed 002 school
    tokens: dict[Role, str]  # trust-wide roles, and Milestone's staff
    #: the last full year of the demo's judgements, results and leavers, as schools publish
    last_year: str

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def url(self, path: str, **params: Any) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.site.url}{path}{query}"

    def get_json(self, role: Role, path: str, **params: Any) -> Any:
        """A JSON read from the live server, as `role`."""
        response = httpx.get(self.url(path, **params), headers=self.headers(role), timeout=30)
        assert response.status_code == 200, f"{response.text}\n{self.site.log_tail()}"
        return response.json()


def _sign_in(site: str, account: DemoAccount) -> str:
    response = httpx.post(
        f"{site}/api/v1/auth/token",
        data={"grant_type": "password", "username": account.email, "password": account.password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture(scope="session")
def demo_trust(site: Site) -> DemoTrust:
    """Sign in as the demo's own accounts (password grant, as a person would)."""
    wanted = [a for a in ACCOUNTS if a.school is None or a.school == MILESTONE]
    tokens = {account.role: _sign_in(site.url, account) for account in wanted}
    headers = {"Authorization": f"Bearer {tokens[Role.TRUST_ADMIN]}"}
    schools = httpx.get(f"{site.url}/api/v1/schools", headers=headers, timeout=30).json()
    milestone = next(s for s in schools["items"] if s["urn"] == MILESTONE.urn)
    trust = httpx.get(
        f"{site.url}/api/v1/trusts/{milestone['trust_id']}", headers=headers, timeout=30
    ).json()
    assert trust["name"] == TRUST_NAME, trust
    return DemoTrust(
        site=site,
        trust_id=uuid.UUID(trust["id"]),
        school_id=uuid.UUID(milestone["id"]),
        tokens=tokens,
        last_year=AcademicYear.containing(date.today()).previous().label,  # noqa: DTZ011 - as the demo does
    )


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """One headless Chromium for the session (Playwright's driver, Debian's browser: nothing
    is downloaded)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@asynccontextmanager
async def as_caller(browser: Browser, token: str | None) -> AsyncIterator[BrowserContext]:
    """A clean browser profile that sends `token` (None: no token) with every request."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    context = await browser.new_context(
        viewport=VIEWPORT,
        locale="en-GB",
        timezone_id="Europe/London",
        extra_http_headers=headers,
    )
    try:
        yield context
    finally:
        await context.close()
