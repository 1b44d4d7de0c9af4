"""The dashboard in a real browser (Debian's Chromium via Playwright): every page loads and works.

Each test saves a screenshot under docs/screenshots/ for the README. The `page` fixture fails a
test on any JavaScript error, failed request or request leaving the app (the dashboard is offline).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser


def wait_for_chart(page: Any, selector: str) -> None:
    """Wait until ECharts has drawn into the container (SVG renderer: paths inside an <svg>)."""
    page.wait_for_function(
        "sel => { const s = document.querySelector(sel + ' svg'); "
        "return s && s.querySelectorAll('path').length > 5; }",
        arg=selector,
        timeout=20_000,
    )


def test_overview_map_bars_and_indicator_choice(page: Any) -> None:
    page.goto("/")
    wait_for_chart(page, "#map")
    wait_for_chart(page, "#bars")
    assert page.locator("#year option").count() >= 1
    page.wait_for_selector("#table table tbody tr")
    assert page.locator("#table tbody tr").count() >= 26
    label_before = page.get_attribute("#map", "aria-label")
    page.select_option("#indicator", "adequate_capacity")
    page.wait_for_function(
        "l => document.querySelector('#map').getAttribute('aria-label') !== l", arg=label_before
    )
    assert "Adequate capacity" in (page.get_attribute("#map", "aria-label") or "")
    assert "indicator=adequate_capacity" in page.url
    page.select_option("#indicator", "score")
    wait_for_chart(page, "#map")
    screenshot(page, "overview")


def test_overview_temporary_protection_over_time(page: Any) -> None:
    page.goto("/")
    wait_for_chart(page, "#tp-stock")
    label = page.get_attribute("#tp-stock", "aria-label") or ""
    assert "beneficiaries of temporary protection" in label and "2025-03" in label
    assert "9(3)(a)(xv)" in page.inner_text("#tp-basis")
    page.select_option("#indicator", "temporary_protection_per_100k")
    page.wait_for_function(
        "() => document.querySelector('#map').getAttribute('aria-label').includes('Temporary')"
    )


def test_solidarity_pool_size_changes_a_fair_share(page: Any) -> None:
    page.goto("/solidarity")
    cell = page.locator('tr[data-ms="DE"] td.fair-relocations')
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('tr[data-ms=DE] td.fair-relocations')?.textContent || '')"
    )
    before = int(re.sub(r"\D", "", cell.inner_text()))
    pool = int(page.input_value("#relocations"))
    page.fill("#relocations", str(pool * 2))
    page.wait_for_function(
        "b => { const t = document.querySelector('tr[data-ms=\"DE\"] td.fair-relocations').textContent; "
        "return parseInt(t.replace(/\\D/g, ''), 10) !== b; }",
        arg=before,
    )
    after = int(re.sub(r"\D", "", cell.inner_text()))
    assert after > before
    assert "changed" in (cell.get_attribute("class") or "")
    page.locator('tr[data-ms="DE"] input[type=number]').first.fill("1000")
    page.locator('tr[data-ms="IT"] input[type=checkbox]').check()
    page.check("#forum")
    page.wait_for_selector("#offset-figures")
    assert "offsets mandatory" in page.inner_text("#offset-figures")
    wait_for_chart(page, "#shares-chart")
    screenshot(page, "solidarity")


def test_case_explainer_answers_and_links_the_article(page: Any) -> None:
    page.goto("/cases")
    page.wait_for_selector("#case-form select[name='registration.member_state'] option", state="attached")
    page.select_option("select[name='example']", "0")
    page.wait_for_selector("#responsible")
    assert "(DE)" in page.inner_text("#responsible")
    link = page.locator("#responsibility-basis a.article-link").first
    assert link.inner_text().startswith("AMMR Art. 25")
    link.click()
    page.wait_for_function(
        "() => document.querySelector('#article-title').textContent.includes('AMMR Art. 25')"
    )
    assert page.locator("#article mark").count() == 1
    assert "sibling" in page.inner_text("#article mark")
    assert page.locator("ol.trace li").count() >= 3
    assert page.locator("#calendar li time").count() >= 1
    wait_for_chart(page, "#calendar-chart")
    screenshot(page, "case-explainer")


def test_case_explainer_json_box_reports_bad_fields(page: Any) -> None:
    page.goto("/cases")
    page.wait_for_selector("#case-form select[name='registration.member_state'] option", state="attached")
    page.click("#json-box summary")
    page.fill(
        "#case-json",
        '{"id": "x", "registration": {"member_state": "XX", "date": "2026-01-01"}, "applicant": {}}',
    )
    page.click("#json-apply")
    page.wait_for_selector("#case-form [aria-invalid='true']")
    # each error in plain words next to its field (issue 14), not as a JSON path
    ms = page.locator("select[name='registration.member_state'] + .field-error").inner_text()
    nationality = page.locator("select[name='applicant.nationality'] + .field-error").inner_text()
    assert ms.startswith("Member State of registration") and nationality.startswith("Nationality")
    assert "$." not in ms + nationality


def test_keyboard_reaches_every_navigation_link(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    hrefs = []
    for _ in range(7):
        page.keyboard.press("Tab")
        hrefs.append(page.evaluate("document.activeElement.getAttribute('href')"))
    assert {"/", "/solidarity", "/cases", "/scenarios", "/relocation"} <= set(hrefs)


def test_scenarios_run_progress_chart_and_comparison(page: Any) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option", state="attached")
    for scenario in ("baseline", "dublin-iii"):
        page.select_option("#scenario", scenario)
        page.fill("#days", "40")
        page.fill("#runs", "3")
        page.fill("#scale", "0.05")
        page.click("#run")
        page.wait_for_function(
            "s => document.querySelector('#status').textContent.startsWith(s + ': done')",
            arg=scenario,
            timeout=240_000,
        )
        assert page.evaluate("document.querySelector('#progress').value") == 1
    wait_for_chart(page, "#occupancy")
    wait_for_chart(page, "#sankey")
    assert "adequate capacity" in (page.get_attribute("#occupancy", "aria-label") or "")
    assert page.locator("#cmp-a option").count() == 2
    assert page.input_value("#cmp-a") != page.input_value("#cmp-b")
    page.wait_for_selector("#compare-table th:has-text('B: ')")
    wait_for_chart(page, "#compare")
    page.select_option("#occ-ms", "IT")
    page.wait_for_function(
        "() => document.querySelector('#occupancy').getAttribute('aria-label').includes('Italy')"
    )
    screenshot(page, "scenarios")


def test_scenarios_end_of_temporary_protection_table(page: Any) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option[value='tp-end-2027']", state="attached")
    page.select_option("#scenario", "tp-end-2027")
    page.fill("#days", "90")
    page.fill("#runs", "2")
    page.fill("#scale", "0.01")
    page.click("#run")
    page.wait_for_function(
        "() => document.querySelector('#status').textContent.startsWith('tp-end-2027: done')", timeout=240_000
    )
    page.wait_for_selector("#tp-end-table tbody tr")
    assert page.locator("#tp-end-table tbody tr").count() >= 20
    assert "2027-03-04" in page.inner_text("#tp-end-basis")


def test_relocation_match_table_sankey_and_places(page: Any) -> None:
    page.goto("/relocation")
    page.wait_for_selector("#match-table table tbody tr", timeout=60_000)
    assert page.locator("#match-table tbody tr").count() == 200
    assert "relocated" in page.inner_text("#summary-line")
    wait_for_chart(page, "#sankey")
    wait_for_chart(page, "#places")
    assert page.locator("#totals-table tbody tr").count() == 25
    page.select_option("#reason-filter", "link")
    rows = page.locator("#match-table tbody tr")
    assert rows.count() >= 1
    assert all("67(3)" in rows.nth(i).inner_text() for i in range(min(rows.count(), 5)))
    page.fill("#persons-n", "60")
    page.click("#match")
    page.wait_for_function("() => document.querySelectorAll('#match-table tbody tr').length === 60")
    screenshot(page, "relocation")
