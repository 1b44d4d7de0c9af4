"""The Readmission page: indicators table, the grounds met and why, a framed chart, the disclaimer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser


def test_readmission_table_chart_and_disclaimer(page: Any) -> None:
    page.goto("/readmission?year=2024&on=2026-06-01")
    page.wait_for_selector("#table table tbody tr", timeout=60_000)
    assert "Commission's decision" in page.inner_text("#disclaimer")
    assert page.locator("#table tbody tr").count() >= 40  # the visa-exempt countries with applications
    wait_for_chart(page, "#scatter")
    assert "Source:" in page.inner_text(".chart-foot") and "CSV" in page.inner_text(".chart-foot")
    assert "2023–2024" in page.inner_text(".chart-title")
    assert page.locator("#met-list").count() == 1
    page.select_option("#show", "all")
    page.wait_for_function("() => document.querySelectorAll('#table tbody tr').length > 100")
    assert page.locator('nav a[href="/readmission"][aria-current="page"]').count() == 1
    screenshot(page, "readmission")
