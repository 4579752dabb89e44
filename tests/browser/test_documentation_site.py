"""The documentation site is a set of pages people read: built as CI builds it (strict), each
page opened in Chromium and checked by axe-core against WCAG 2.2 A and AA, with none of the
site's own links broken."""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.async_api import Browser

from tests.browser.conftest import as_caller
from tests.browser.report_page import accessibility_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log in the test output."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The site built as `mkdocs build --strict` builds it, served on loopback."""
    folder = tmp_path_factory.mktemp("site")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(folder), strict=True)
    build(config)
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def _pages(folder: Path) -> list[str]:
    return sorted(
        str(page.relative_to(folder).parent).replace(".", "")
        for page in folder.rglob("index.html")
        if "search" not in page.parts
    )


async def test_every_page_of_the_documentation_has_no_accessibility_violation(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    pages = _pages(folder)
    assert len(pages) >= 15, pages  # every page of the nav was built
    found: dict[str, tuple[str, ...]] = {}
    async with as_caller(browser, None) as context:
        page = await context.new_page()
        for path in pages:
            response = await page.goto(f"{url}/{path}/" if path else f"{url}/")
            assert response is not None
            assert response.status == 200, path
            if violations := await accessibility_violations(page):
                found[path or "home"] = violations
    assert found == {}
