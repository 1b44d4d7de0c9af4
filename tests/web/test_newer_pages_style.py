"""The Relocation and Early warning pages in Chromium hold to docs/style.md like the older pages: every
chart has a title that says what, a source line (dataset, publisher) and CSV, PNG and SVG downloads; the
legend sits below the plot; axes are titled.
"""

from __future__ import annotations

from typing import Any

import pytest

import migralex.api.forecast as api_forecast
from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser


def _framed(page: Any, chart: str) -> tuple[str, str]:
    """The chart's title and source line; asserts the three downloads are offered."""
    page.wait_for_selector(f"{chart} ~ .chart-foot")
    foot = page.locator(f"{chart} ~ .chart-foot").first
    assert {"CSV", "PNG", "SVG"} <= set(foot.locator("button").all_inner_texts())
    title = page.evaluate(
        "sel => document.querySelector(sel).previousElementSibling?.textContent || ''", chart
    )
    return title, foot.locator(".source").inner_text()


def _legend_below_plot(page: Any, chart: str) -> bool:
    option = page.evaluate(
        "sel => { const o = echarts.getInstanceByDom(document.querySelector(sel)).getOption();"
        " return { legend: o.legend[0], grid: o.grid[0] }; }",
        chart,
    )
    return option["legend"].get("bottom") == 0 and option["legend"].get("top") in (None, "auto")


def test_relocation_charts_have_titles_sources_and_downloads(page: Any) -> None:
    page.goto("/relocation")
    page.wait_for_selector("#match-table table tbody tr", timeout=60_000)
    wait_for_chart(page, "#sankey")
    wait_for_chart(page, "#places")
    title, source = _framed(page, "#sankey")
    assert title.startswith("Persons relocated from Italy") and "of 200 persons" in title
    assert "AMMR Art. 67" in source and "seed 1" in source and "Eurostat" in source
    title, source = _framed(page, "#places")
    assert "Places pledged per Member State" in title and "used" in title and "open" in title
    assert "synthetic batch of 200 persons" in source
    assert _legend_below_plot(page, "#places")
    assert "Member State of relocation" in page.inner_text("#places")  # the axis is titled
    with page.expect_download() as download:
        page.locator("#places ~ .chart-foot button", has_text="CSV").click()
    assert download.value.suggested_filename == "relocation-places.csv"


def test_early_warning_chart_has_title_source_and_downloads(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_forecast, "backtest_payload", lambda: {"status": "running"})
    page.goto("/early-warning")
    wait_for_chart(page, "#fc-chart")
    title, source = _framed(page, "#fc-chart")
    assert title.startswith("Frontex detections, all routes (EU): observed and forecast to")
    assert "80 % and 95 % bands" in title
    assert source.startswith("Source: Frontex") and "table frontex_ibc" in source
    assert _legend_below_plot(page, "#fc-chart")
    text = page.inner_text("#fc-chart")
    assert "detections a month" in text and "month (start date)" in text  # axis titles with units
    with page.expect_download() as download:
        page.locator("#fc-chart ~ .chart-foot button", has_text="CSV").click()
    assert download.value.suggested_filename == "forecast-frontex-EU.csv"
