"""The dashboard's pages and their shared navigation and head, generated once from one table.

A page's HTML file carries `<!-- nav -->` where the main navigation goes and `<!-- head -->` where the
head's shared part goes (charset, viewport, title, icon, the shared style sheet); the app fills them
in from `PAGES`, so adding a page is one entry here and every page's navigation lists it. What only
one page loads (its scripts, another style sheet) stays in its file, after `<!-- head -->`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape

from migralex.web import STATIC_DIR

#: Where the navigation goes in a page's HTML file.
NAV_SLOT = "<!-- nav -->"
#: Where the head's shared part goes in a page's HTML file (inside `<head>`, first).
HEAD_SLOT = "<!-- head -->"


@dataclass(frozen=True)
class Page:
    """One dashboard page: its HTML file under web/static, its label in the navigation, its title."""

    file: str
    label: str
    #: The page's title (before " — migralex") where it is not the label.
    title: str = ""


#: Dashboard pages: URL path → page, in navigation order.
PAGES: dict[str, Page] = {
    "/": Page("overview.html", "Overview"),
    "/solidarity": Page("solidarity.html", "Solidarity"),
    "/cases": Page("cases.html", "Case explainer"),
    "/scenarios": Page("scenarios.html", "Scenarios"),
    "/early-warning": Page("early-warning.html", "Early warning"),
    "/relocation": Page("relocation.html", "Relocation"),
    "/readmission": Page("readmission.html", "Readmission", "Readmission leverage"),
    "/screening": Page("screening.html", "Screening"),
    "/pathways": Page("pathways.html", "Pathways", "Pathways: returns and resettlement"),
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


def head(path: str) -> str:
    """The head's shared part of the page at `path`: charset, viewport, its title, icon, style sheet."""
    page = PAGES[path]
    return "\n".join(
        [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(page.title or page.label)} — migralex</title>",
            '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
            '<link rel="stylesheet" href="/static/css/app.css">',
        ]
    )


@cache
def render(path: str) -> str:
    """The HTML of the page at `path`, its head and navigation filled in."""
    page = PAGES[path]
    html = (STATIC_DIR / page.file).read_text("utf-8")
    for slot, what in ((HEAD_SLOT, "the head"), (NAV_SLOT, "the navigation")):
        if slot not in html:
            raise ValueError(f"web/static/{page.file} has no {slot} slot for {what}")
    return html.replace(HEAD_SLOT, head(path), 1).replace(NAV_SLOT, navigation(path), 1)
