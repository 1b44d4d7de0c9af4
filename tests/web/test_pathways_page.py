"""The Pathways page: the returns table and chart with their source, the Union Plan without pledges
(and why), and URF Art. 9 deadlines computed through the form with their legal basis."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser


def test_returns_table_chart_and_source(page: Any) -> None:
    page.goto("/pathways?year=2023")
    page.wait_for_selector("#returns-table table tbody tr", timeout=60_000)
    assert page.locator("#returns-table tbody tr").count() >= 13  # 12 Member States and EU27
    assert "EU27" in page.inner_text("#returns-table")
    assert page.locator("#returns-table thead th").count() == 4
    assert "migr_eiord" in page.inner_text("#returns-source") and "2023" in page.inner_text("#returns-source")
    assert "cohort" in page.inner_text("#returns-source")
    assert "Not shipped for 2023" in page.inner_text("#returns-missing")
    wait_for_chart(page, "#returns-chart")
    assert "migr_eirtn" in page.inner_text("#returns-chart ~ .chart-foot")
    assert "2023" in page.inner_text(".chart-title")
    page.select_option("#year", "2022")
    page.click("#returns-go")
    page.wait_for_function("() => document.querySelector('#returns-source').textContent.includes('2022')")
    assert page.locator('nav a[href="/pathways"][aria-current="page"]').count() == 1
    assert page.locator('main a[href="/readmission"]').count() == 1


def test_union_plan_says_pledges_are_not_shipped(page: Any) -> None:
    page.goto("/pathways")
    page.wait_for_selector("#plan-figures", timeout=60_000)
    assert "URF Art. 8" in page.inner_text("#plan-figures")
    assert "not shipped" in page.inner_text("#plan-pledges")
    assert "Source:" in page.inner_text("#plan-source")


def test_deadlines_form_computes_with_the_basis(page: Any) -> None:
    page.goto("/pathways")
    page.wait_for_selector("#member-state option[value='DE']", state="attached", timeout=60_000)
    page.fill("#registered", "2026-03-02")
    page.select_option("#member-state", "DE")
    page.click("#deadlines-go")
    page.wait_for_selector("#deadlines table tbody tr", timeout=30_000)
    text = page.inner_text("#deadlines")
    assert "URF Art. 9(9)" in text and "seven months" in text
    assert page.locator("#deadlines tbody tr").count() == 4
    screenshot(page, "pathways")
