"""One report page as a reader gets it: opened in headless Chromium, read, screenshotted and
printed to A4.

What a test asserts is what Chromium actually rendered: the page's visible text, the
accessible name the browser computes for each chart (its own accessibility tree, not a
guess from the markup), and the PDF its print engine makes under print media.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from PIL import Image
from playwright.async_api import BrowserContext, Page

from tests.pdf_pages import media_boxes, page_count

#: Where README's screenshots come from: `STEPWISE_SCREENSHOTS=docs/screenshots pytest -m browser`
#: (the stable copy is cropped and reduced to greys, to keep the repository small)
SCREENSHOTS_ENV = "STEPWISE_SCREENSHOTS"

# the @page rules that print media sees, with their `size`
_PAGE_RULES = """() => [...document.styleSheets]
    .flatMap(sheet => [...sheet.cssRules])
    .flatMap(rule => rule instanceof CSSMediaRule ? [...rule.cssRules] : [rule])
    .filter(rule => rule instanceof CSSPageRule)
    .map(rule => rule.style.getPropertyValue('size'))"""


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline `<svg>` (outermost, not hidden from assistive technology) as the browser's
    accessibility tree sees it."""

    role: str
    name: str


@dataclass(frozen=True, slots=True)
class Printed:
    page_sizes: tuple[str, ...]  # the `size` of each @page rule
    pages: int
    media_boxes: tuple[tuple[float, float], ...]  # width x height of each page, in points


@dataclass(frozen=True, slots=True)
class Rendered:
    status: int
    content_type: str
    title: str
    text: str  # the body's rendered text (innerText: what a reader sees, not the markup)
    charts: tuple[Chart, ...]
    screenshots: tuple[Path, ...]
    printed: Printed
    #: axe-core's WCAG 2.2 A/AA violations on the page as Chromium rendered it ("id: n nodes")
    violations: tuple[str, ...]
    #: what the page's Content-Security-Policy stopped (Chromium's console), if anything
    blocked: tuple[str, ...]

    def shows(self, figure: str) -> bool:
        """Whether `figure` appears in the rendered text, whatever the whitespace around it."""
        return " ".join(figure.split()) in " ".join(self.text.split())

    def shows_percent(self, value: float) -> bool:
        """Whether a percentage from the JSON report is on the page, rounded as a reader
        would see it: whole (81%) or to one decimal place (81.3%)."""
        return any(self.shows(f"{value:.{places}f}%") for places in (0, 1))

    def names(self, word: str) -> bool:
        """Whether `word` appears as a word of its own (for names that must NOT be shown)."""
        return re.search(rf"\b{re.escape(word)}\b", self.text) is not None


#: The docs' copy: the first screens of the page (what a reader sees first), in 64 greys
DOCS_HEIGHT = 1800
DOCS_COLOURS = 64


async def _screenshots(page: Page, name: str, output: Path, keep: bool) -> tuple[Path, ...]:
    """The whole page in the test's output; with `keep`, a small copy in STEPWISE_SCREENSHOTS."""
    whole = output / f"{name}.png"
    await page.screenshot(path=whole, full_page=True)
    stable = os.environ.get(SCREENSHOTS_ENV)
    if not (keep and stable):
        return (whole,)
    return whole, _docs_copy(whole, Path(stable))


def _docs_copy(whole: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    docs = folder / whole.name
    with Image.open(whole) as image:
        top = image.crop((0, 0, image.width, min(image.height, DOCS_HEIGHT)))
        top.convert("RGB").quantize(DOCS_COLOURS).save(docs, optimize=True)
    return docs


async def render(
    context: BrowserContext, url: str, name: str, output: Path, *, keep: bool = False
) -> Rendered:
    """Open `url`, wait for it to load, read it, save `name`.png (the full page in the
    existing folder `output`; with `keep`, the docs' copy in STEPWISE_SCREENSHOTS too) and
    print it to PDF under print media."""
    page = await context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        response = await page.goto(url, wait_until="load")
        assert response is not None, f"no response for {url}"
        text = await page.inner_text("body")
        charts = await _charts(context, page)
        violations = await accessibility_violations(page)
        shots = await _screenshots(page, name, output, keep)
        await page.emulate_media(media="print")
        printed = await _print(page)
        return Rendered(
            status=response.status,
            content_type=await response.header_value("content-type") or "",
            title=await page.title(),
            text=text,
            charts=charts,
            screenshots=shots,
            printed=printed,
            violations=violations,
            blocked=tuple(blocked),
        )
    finally:
        await page.close()


async def accessibility_violations(page: Page) -> tuple[str, ...]:
    """axe-core (injected through the DevTools protocol, so the page's own policy, which runs
    no script, does not stop it) against WCAG 2.0-2.2 A and AA."""
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = await Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return tuple(f"{v['id']}: {len(v['nodes'])} nodes" for v in results.response["violations"])


async def _charts(context: BrowserContext, page: Page) -> tuple[Chart, ...]:
    """Each chart's role and accessible name, computed by Chromium (Accessibility domain)."""
    cdp = await context.new_cdp_session(page)
    try:
        document = await cdp.send("DOM.getDocument", {"depth": 0})
        found = await cdp.send(
            "DOM.querySelectorAll",
            {
                "nodeId": document["root"]["nodeId"],
                "selector": "svg:not(svg svg):not([aria-hidden='true'])",
            },
        )
        charts = []
        for node_id in found["nodeIds"]:
            tree = await cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False}
            )
            node = tree["nodes"][0]
            role = node.get("role", {}).get("value", "")
            name = node.get("name", {}).get("value", "")
            charts.append(Chart(role=str(role), name=str(name).strip()))
        return tuple(charts)
    finally:
        await cdp.detach()


async def _print(page: Page) -> Printed:
    """Print as a reader's browser would: the page's own @page size wins over the default."""
    sizes = await page.evaluate(_PAGE_RULES)
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    return Printed(
        page_sizes=tuple(str(size).strip().lower() for size in sizes),
        pages=page_count(pdf),
        media_boxes=tuple(media_boxes(pdf)),
    )
