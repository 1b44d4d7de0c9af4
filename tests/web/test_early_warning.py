"""The Early warning page in Chromium: the forecast chart with bands, the alerts, the back-test scores.

The back-test itself (one to two minutes) is replaced by a canned answer of the same shape; the
forecasts and alerts are real.
"""

from __future__ import annotations

from typing import Any

import pytest

import migralex.api.forecast as api_forecast
from tests.web.conftest import screenshot
from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser

CANNED = {
    "status": "done",
    "summary": {
        "series": 23, "origins": 53, "coverage_80": 0.82, "coverage_95": 0.95,
        "mase_ratio_vs_seasonal_naive": {"1": 0.65, "3": 0.73, "6": 0.87, "12": 1.1},
        "smape": {"1": 0.49, "3": 0.65, "6": 0.75, "12": 0.87},
    },
    "per_series": [],
    "alerts": {
        "surges": 1, "recall": 1.0, "precision": 0.5, "median_lead_months": 3,
        "events": [
            {"surge": "Belarus border, 2021", "alerted": True, "first_alert": "2021-04-01", "lead_months": 3}
        ],
    },
}  # fmt: skip


def test_early_warning_shows_forecast_alerts_and_backtest(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_forecast, "backtest_payload", lambda: CANNED)
    page.goto("/early-warning")
    wait_for_chart(page, "#fc-chart")
    assert "frontex:EU" in page.input_value("#series")
    page.wait_for_selector("#fc-table table tbody tr")
    assert page.locator("#fc-table tbody tr").count() == 12
    page.wait_for_function("() => /MASE/.test(document.querySelector('#bt-table')?.textContent || '')")
    assert "0.65" in page.inner_text("#bt-table")
    assert "Belarus" in page.inner_text("#bt-surges")
    # a past month with a known surge: the alert lists the eastern borders in July 2021
    page.select_option("#series", "frontex:eastern-borders")
    page.fill("#as-of", "2021-08")
    page.fill("#horizon", "6")
    label_before = page.get_attribute("#fc-chart", "aria-label")
    page.click("#go")
    page.wait_for_function(
        "l => document.querySelector('#fc-chart').getAttribute('aria-label') !== l", arg=label_before
    )
    page.wait_for_selector("#fc-table tbody tr")
    assert page.locator("#fc-table tbody tr").count() == 6
    page.wait_for_function(
        "() => /2021-07/.test(document.querySelector('#al-table')?.textContent || '')", timeout=60_000
    )
    assert "Eastern Borders" in page.inner_text("#al-table")
    screenshot(page, "early-warning")


def test_early_warning_reports_a_bad_month(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_forecast, "backtest_payload", lambda: {"status": "running"})
    page.goto("/early-warning")
    wait_for_chart(page, "#fc-chart")
    page.wait_for_function("() => /running/.test(document.querySelector('#bt-status').textContent)")
    page.fill("#as-of", "2021-13")
    page.click("#go")
    page.wait_for_selector("#fc-errors .error")
    assert "as_of" in page.inner_text("#fc-errors")
