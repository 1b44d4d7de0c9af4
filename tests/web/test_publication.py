"""Publication-grade surfaces in Chromium at 1440×900 and at phone width (390 px): issue 14.

Titles, sources and downloads on charts; runs kept per browser session and compared by date; the
scenario's own length by default; errors next to their field; no page wider than a phone.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from migralex.web.pages import PAGES as DASHBOARD_PAGES
from tests.web.conftest import screenshot
from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser

#: Every page of the dashboard (web/pages.py), the newer ones too: each must fit a phone.
PAGES = list(DASHBOARD_PAGES)
#: Elements wider than the phone that are not inside a horizontal scroll box (one scroll box, never nested).
WIDE_OUTSIDE_A_SCROLL_BOX = """() => {
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const inScroll = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return p;
    return null;
  };
  const all = [...document.querySelectorAll("main *")];
  const nested = all.filter((e) => scrolls(e) && e.scrollWidth > e.clientWidth && inScroll(e));
  const wide = all.filter((e) => e.getBoundingClientRect().right > 392 && !inScroll(e));
  return [...nested, ...wide].map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 5);
}"""


def test_scenario_defaults_to_its_own_length_and_warns_about_shocks_outside(page: Any) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option[value='lampedusa-surge']", state="attached")
    page.select_option("#scenario", "lampedusa-surge")
    scenarios = {
        s["name"]: s for s in httpx.get(page.url.split("/scenarios")[0] + "/v1/simulations/scenarios").json()
    }
    assert page.input_value("#days") == str(scenarios["lampedusa-surge"]["days"])
    assert page.locator("#days-warning").is_hidden()
    page.fill("#days", "180")
    warning = page.locator("#days-warning")
    assert warning.is_visible() and "12 September 2027" in warning.inner_text()
    assert "10,000 extra arrivals in IT" in page.inner_text("#scenario-description")


def _run(page: Any, scenario: str, days: int) -> None:
    page.select_option("#scenario", scenario)
    page.fill("#days", str(days))
    page.fill("#runs", "1")
    page.fill("#scale", "0.01")
    page.click("#run")
    page.wait_for_function(
        "s => (document.querySelector('#status').textContent || '').startsWith(s + ': done')",
        arg=scenario,
        timeout=120_000,
    )


def test_runs_are_per_session_compared_by_date_and_linked(page: Any, browser: Any, base_url: str) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option[value='baseline']", state="attached")
    _run(page, "baseline", 20)
    _run(page, "dublin-iii", 20)
    assert "job=" in page.url and "scenario=dublin-iii" in page.url
    wait_for_chart(page, "#compare")
    a = page.locator("#cmp-a option:checked").inner_text()
    b = page.locator("#cmp-b option:checked").inner_text()
    assert a.startswith("baseline") and b.startswith("dublin-iii")
    svg = page.inner_text("#compare")
    assert "day 1" not in svg and "Jan 27" in svg  # dates on the axis, as on the other charts
    assert "annual maximum" not in page.inner_text("#occupancy")  # a yearly quota is not a head-count
    assert "annual maximum" in page.inner_text("#occ-basis")
    for chart in ("#occupancy", "#sankey", "#compare"):
        title = page.locator(f"{chart} ~ .chart-foot").first
        assert "Source:" in title.inner_text()
        assert {"CSV", "PNG", "SVG"} <= set(title.locator("button").all_inner_texts())
    assert "registration → registration" not in page.inner_text("#flows-back")
    with page.expect_download() as download:
        page.locator("#occupancy ~ .chart-foot button", has_text="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    screenshot(page, "scenarios-compare")
    # Another browser session sees none of these runs, and the shared link shows the run.
    other = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=base_url, reduced_motion="reduce"
    )
    try:
        fresh = other.new_page()
        fresh.goto("/scenarios")
        fresh.wait_for_selector("#cmp-empty", state="visible")
        assert fresh.locator("#cmp-a option").count() == 0
        fresh.goto(page.url.replace(base_url, ""))
        fresh.wait_for_function(
            "() => (document.querySelector('#status').textContent || '').includes('done')"
        )
        assert fresh.input_value("#scenario") == "dublin-iii"
    finally:
        other.close()


def test_invalid_run_shows_the_error_next_to_the_field(page: Any) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option[value='baseline']", state="attached")
    page.fill("#runs", "0")
    page.click("#run")
    page.wait_for_selector("#runs[aria-invalid='true']")
    message = page.locator("#runs + .field-error").inner_text()
    assert message.startswith("Runs") and "HTTP" not in message and "$." not in message


def test_invalid_case_clears_the_old_answer_and_marks_the_field(page: Any) -> None:
    page.goto("/cases")
    page.wait_for_selector("#case-form select[name='applicant.nationality'] option", state="attached")
    names = page.locator("select[name='registration.member_state'] option").all_inner_texts()
    assert (
        names == sorted(names) and any("Netherlands" in n for n in names) and not any("(" in n for n in names)
    )
    page.select_option("select[name='example']", "1")
    page.wait_for_function(
        "() => (document.querySelector('#status').textContent || '').startsWith('Answered')"
    )
    assert "case=" in page.url  # a shareable link to the case
    shared = page.url
    page.fill("#case-form input[name='id']", "")
    page.click("#explain")
    page.wait_for_selector("#case-form input[name='id'][aria-invalid='true']")
    assert page.locator("input[name='id'] + .field-error").inner_text() == "Case id is required."
    assert (
        "Answered for" not in page.inner_text("#answer")
        and page.locator("#answer .article-link").count() == 0
    )
    page.goto(shared)
    page.wait_for_function(
        "() => (document.querySelector('#status').textContent || '').startsWith('Answered')"
    )
    assert page.input_value("#case-form input[name='id']") == "example-visa"


def test_api_docs_link_back_to_the_dashboard(page: Any) -> None:
    page.goto("/docs")
    link = page.locator("a", has_text="migralex dashboard")
    assert link.get_attribute("href") == "/"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone(browser: Any, base_url: str, path: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=base_url, reduced_motion="reduce"
    )
    try:
        pg = context.new_page()
        pg.goto(path)
        pg.wait_for_load_state("networkidle")
        pg.wait_for_timeout(500)
        width = pg.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at a 390 px viewport"
        wide = pg.evaluate(WIDE_OUTSIDE_A_SCROLL_BOX)
        assert not wide, wide
        name = "phone-" + (path.strip("/") or "overview")
        screenshot(pg, name)
    finally:
        context.close()


def test_overview_charts_are_framed_and_words_replace_code_names(page: Any) -> None:
    page.goto("/?indicator=adequate_capacity")
    wait_for_chart(page, "#map")
    page.wait_for_selector("#map ~ .chart-foot")
    assert "Adequate capacity" in page.locator("#map ~ .chart-title, .chart-title").first.inner_text()
    assert "Source:" in page.locator("#map ~ .chart-foot").inner_text()
    assert "places" in page.inner_text("#map")  # the map legend says its unit
    basis = page.inner_text("#indicator-basis")
    assert "capacity_exact" not in basis and "largest_remainder" not in basis and "Art. 47(1)" in basis
    assert page.inner_text("#pressure-candidates").strip() not in ("", "none")
    assert "pool for" in page.inner_text("#status")
    first_column = page.locator("#table tbody th").all_inner_texts()
    assert first_column == sorted(first_column) and not any("(" in n for n in first_column)
    page.locator("#table thead th button", has_text="Adequate capacity").click()
    page.locator("#table thead th button", has_text="Adequate capacity").click()  # descending
    assert page.locator("#table tbody tr").first.locator("th").inner_text() in ("Italy", "Hungary")


def test_border_list_shows_decisions_and_a_reader_set_minimum(page: Any) -> None:
    page.goto("/")
    page.wait_for_selector("#low-rate table tbody tr")
    shown = page.locator("#low-rate tbody tr").count()
    assert "Decisions" in page.inner_text("#low-rate thead")
    assert "Bahrain" not in page.inner_text("#low-rate tbody")  # 5 decisions: below the default minimum
    page.fill("#min-decisions", "0")
    page.dispatch_event("#min-decisions", "change")
    page.wait_for_function(
        "n => document.querySelectorAll('#low-rate tbody tr').length > n", arg=shown, timeout=10_000
    )
    assert "min_decisions=0" in page.url


def test_solidarity_warns_below_the_minimum_and_links_the_what_if(page: Any) -> None:
    page.goto("/solidarity")
    page.wait_for_function("() => (document.querySelector('#status').textContent || '').startsWith('Cycle')")
    labels = page.locator("#members label").all_inner_texts()
    assert labels == sorted(labels) and "Germany" in labels
    page.fill("#relocations", "10000")
    page.wait_for_selector("#minimum-warning:not([hidden])")
    assert "Art. 12(2)" in page.inner_text("#minimum-warning")
    assert "relocations=10000" in page.url
    page.wait_for_selector("#shares-chart ~ .chart-foot")
    assert "Source:" in page.inner_text("#shares-chart ~ .chart-foot")
    page.goto(page.url)
    page.wait_for_selector("#minimum-warning:not([hidden])")
    assert page.input_value("#relocations") == "10000"
