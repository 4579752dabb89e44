"""One Jinja2 environment for every report page: autoescaped, strict about missing names.

Charts come in as `Markup` (see charts.py) and so are inlined as they are; everything else a
template shows is escaped. Rendering is CPU work (matplotlib, Jinja2), so routes call
`render_in_thread` to keep it off the event loop.
"""

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool

from api.reports.charts import NOT_SHOWN


def percent(value: float | None, decimals: int = 0) -> str:
    """81 -> "81%"; None (withheld or not known) -> NOT_SHOWN."""
    if value is None:
        return NOT_SHOWN
    return f"{value:.{decimals}f}%"


def number(value: float | None, decimals: int = 1) -> str:
    """A plain figure: 3.0 -> "3", 3.25 -> "3.2"; None -> NOT_SHOWN."""
    if value is None:
        return NOT_SHOWN
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.{decimals}f}"


environment = Environment(
    loader=PackageLoader("api.reports", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["percent"] = percent
environment.filters["number"] = number


def render(template: str, **context: Any) -> str:
    """The named template (e.g. "school_summary.html") filled with `context`."""
    return environment.get_template(template).render(**context)


async def render_in_thread(build: Callable[[], str]) -> str:
    """Run `build` (which draws charts and renders a template) in a worker thread."""
    return await run_in_threadpool(build)
