"""The web dashboard: static pages, vendored ECharts and the map of Europe, served by `migralex.api`."""

from __future__ import annotations

from pathlib import Path

#: Folder of the dashboard's static files (HTML, JS, CSS, vendored libraries, GeoJSON).
STATIC_DIR = Path(__file__).resolve().parent / "static"
