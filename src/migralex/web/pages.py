"""The dashboard's pages and their shared navigation, generated once from one table.

A page's HTML file carries `<!-- nav -->` where the main navigation goes; the app fills it in from
`PAGES`, so adding a page is one entry here and every page's navigation lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape

from migralex.web import STATIC_DIR

#: Where the navigation goes in a page's HTML file.
NAV_SLOT = "<!-- nav -->"


@dataclass(frozen=True)
class Page:
    """One dashboard page: its HTML file under web/static and its label in the navigation."""

    file: str
    label: str


#: Dashboard pages: URL path → page, in navigation order.
PAGES: dict[str, Page] = {
    "/": Page("overview.html", "Overview"),
    "/solidarity": Page("solidarity.html", "Solidarity"),
    "/cases": Page("cases.html", "Case explainer"),
    "/scenarios": Page("scenarios.html", "Scenarios"),
    "/early-warning": Page("early-warning.html", "Early warning"),
    "/relocation": Page("relocation.html", "Relocation"),
    "/readmission": Page("readmission.html", "Readmission"),
    "/screening": Page("screening.html", "Screening"),
}

#: Links after the pages (not pages of the dashboard themselves).
EXTRA_LINKS = {"/docs": "API"}


def navigation(current: str) -> str:
    """The main navigation with `current` marked as the page shown."""
    items = [(path, page.label) for path, page in PAGES.items()] + list(EXTRA_LINKS.items())
    lines = []
    for path, label in items:
        mark = ' aria-current="page"' if path == current else ""
        lines.append(f'      <li><a href="{escape(path)}"{mark}>{escape(label)}</a></li>')
    return '<nav aria-label="Main">\n    <ul>\n' + "\n".join(lines) + "\n    </ul>\n  </nav>"


@cache
def render(path: str) -> str:
    """The HTML of the page at `path`, its navigation filled in."""
    page = PAGES[path]
    html = (STATIC_DIR / page.file).read_text("utf-8")
    if NAV_SLOT not in html:
        raise ValueError(f"web/static/{page.file} has no {NAV_SLOT} slot for the navigation")
    return html.replace(NAV_SLOT, navigation(path), 1)
