"""The case explainer's answer in Chromium: discretion as the headline, every flag, no "null", the
printable case sheet (print media) with the answer, the deadlines and the quoted articles."""

from __future__ import annotations

import json
from typing import Any

import pytest

from migralex.web import STATIC_DIR
from tests.web.conftest import explain_json, screenshot

pytestmark = pytest.mark.browser

EXAMPLES = json.loads((STATIC_DIR / "examples" / "cases.json").read_text("utf-8"))["examples"]


def _example(case_id: str) -> int:
    return next(i for i, e in enumerate(EXAMPLES) if e["case"]["id"] == case_id)


def _explain_example(page: Any, case_id: str) -> None:
    page.goto(f"/cases?example={_example(case_id)}")
    page.wait_for_selector("#headline")
    page.wait_for_selector("#sheet-articles[data-ready='true']", state="attached")


def test_discretion_is_the_headline_with_candidates_and_article(page: Any) -> None:
    _explain_example(page, "example-uam-two-siblings")
    headline = page.inner_text("#responsible")
    assert headline.startswith("A decision is needed: DE or FR (AMMR Art. 25(4))"), headline
    assert "none" not in headline.lower()
    assert page.locator("#candidates li").all_inner_texts() == ["Germany (DE)", "France (FR)"]
    assert page.locator("#headline a.article-link").first.inner_text() == "AMMR Art. 25(4)"
    screenshot(page, "case-explainer-decision")


def test_every_flag_is_shown_blocking_and_advisory(page: Any) -> None:
    _explain_example(page, "example-uam-two-siblings")
    flags = page.locator("#flags li")
    kinds = [flags.nth(i).get_attribute("data-flag") for i in range(flags.count())]
    # the blocking choice, and the advisory age assessment of both answers (responsibility and procedure)
    assert kinds[0] == "best_interests_choice"
    assert kinds.count("age_assessment") == 2
    assert page.locator("#flags li.blocking").count() == 1
    assert page.locator("#flags li.advisory").count() == len(kinds) - 1
    assert "DE, FR" in page.inner_text("#flags li.blocking")


def test_a_decided_case_without_flags_names_the_state(page: Any) -> None:
    case = {**EXAMPLES[_example("example-visa")]["case"], "applicant": {"nationality": "SY"}}
    explain_json(page, case)
    assert page.inner_text("#responsible") == "France (FR)"
    assert "No flag" in page.inner_text("#flags")
    assert "decision" not in (page.get_attribute("#headline", "class") or "")


@pytest.mark.parametrize(
    ("case_id", "why"),
    [
        ("example-denmark", "APR recital 107: Denmark is not bound by the APR"),
        ("example-before-pact", "lodged before 12 June 2026"),
    ],
)
def test_no_procedure_is_explained_never_null(page: Any, case_id: str, why: str) -> None:
    _explain_example(page, case_id)
    assert page.inner_text("#procedure") == "No APR procedure"
    assert why in page.inner_text("#procedure-why")
    assert "null" not in page.inner_text("#answer")


def test_denmark_case_is_decided_through_the_agreement(page: Any) -> None:
    _explain_example(page, "example-denmark")
    assert page.inner_text("#responsible") == "Italy (IT)"
    assert "EU-Denmark Dublin agreement" in page.inner_text("#responsibility-basis")
    page.locator("#responsibility-basis a.recital-link").first.click()
    page.wait_for_function("() => document.querySelector('#article-title').textContent === 'AMMR recital 90'")
    assert "Protocol No 22" in page.inner_text("#article mark")
    quoted = page.locator("#sheet-articles article[data-recital='107']")
    assert quoted.count() == 1 and "Denmark is not taking part" in quoted.inner_text()
    names = page.locator("#calendar li").evaluate_all("ls => ls.map(l => l.dataset.name)")
    assert "take_charge_request" in names and "lodging" not in names
    assert page.locator("#flags li[data-flag='act_not_binding']").count() >= 2  # APR and RCD


def test_an_associated_state_from_the_json_box(page: Any) -> None:
    case = {
        "id": "ch-1",
        "registration": {"member_state": "CH", "date": "2026-09-01"},
        "applicant": {"nationality": "AF"},
        "documents": [
            {"kind": "visa", "member_state": "AT", "visa_type": "short_stay",
             "valid_from": "2026-08-01", "valid_until": "2026-10-01"}
        ],
    }  # fmt: skip
    explain_json(page, case)
    assert page.inner_text("#responsible") == "Austria (AT)"
    assert "Switzerland" in page.inner_text("#responsibility-basis")
    assert page.inner_text("#procedure") == "No APR procedure"


def test_the_print_sheet_shows_the_answer_deadlines_and_quoted_articles(page: Any) -> None:
    _explain_example(page, "example-uam-sibling")
    assert not page.is_visible("#sheet-header")  # on screen: the sheet's extra parts are hidden
    page.emulate_media(media="print")
    assert page.is_visible("#sheet-header")
    assert "Case sheet — example-uam-sibling" in page.inner_text("#sheet-header h2")
    assert page.is_visible("#responsible") and page.is_visible("#calendar")
    assert page.locator("#calendar li:visible").count() >= 1
    assert not page.is_visible("#case-form") and not page.is_visible("header.top")
    assert not page.is_visible("#print-sheet") and not page.is_visible("#article")
    quotes = page.locator("#sheet-articles article.quote")
    assert quotes.count() >= 1 and page.is_visible("#sheet-articles")
    cited = quotes.evaluate_all("qs => qs.map(q => q.dataset.act + ' ' + q.dataset.article)")
    assert "AMMR 25" in cited
    text = page.inner_text("#sheet-articles article[data-act='AMMR'][data-article='25']")
    assert "sibling" in text  # the cited paragraph, quoted
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    screenshot(page, "case-sheet-print")


def _timeline_ready(page: Any) -> None:
    page.wait_for_selector("#timeline[data-ready='true']", state="attached")


def _state_says(page: Any, words: str) -> None:
    page.wait_for_function(
        "w => document.querySelector('#state-responsible')?.textContent.includes(w)", arg=words
    )


def test_timeline_state_on_a_day_and_the_calendar_strip(page: Any) -> None:
    _explain_example(page, "tl-take-charge")
    _timeline_ready(page)
    assert page.locator("#events-list li").count() == 4
    page.fill("#state-day", "2027-06-01")
    page.dispatch_event("#state-day", "change")
    _state_says(page, "2027-06-01")
    _timeline_ready(page)
    assert page.inner_text("#state-responsible") == "On 2027-06-01: Germany (DE)"
    assert "AMMR Art. 46(2)" in page.inner_text("#state-basis")
    assert "from GR to DE" in page.inner_text("#state-shifts")
    transfer = page.locator("#calendar-strip .mark[data-name='transfer']")
    assert transfer.get_attribute("data-status") == "lapsed"
    assert transfer.get_attribute("data-date") == "2027-04-12"
    assert page.locator("#calendar-strip .mark.met").count() == 3
    assert page.locator("#state-limits tr[data-name='transfer'] .badge").inner_text() == "lapsed"
    screenshot(page, "case-explainer-timeline")


def test_an_event_added_in_the_editor_changes_the_state(page: Any) -> None:
    _explain_example(page, "tl-take-charge")
    _timeline_ready(page)
    page.fill("#state-day", "2027-06-01")
    page.dispatch_event("#state-day", "change")
    _state_says(page, "Germany")
    page.click("#add-event")
    row = page.locator("#events-list li").nth(4)
    row.locator("select[name='type']").select_option("transfer_carried_out")
    row.locator("input[name='date']").fill("2027-03-01")
    row.locator("input[name='date']").dispatch_event("change")
    row.locator("select[name='to']").select_option("GR")
    _state_says(page, "Greece")
    assert page.inner_text("#state-responsible") == "On 2027-06-01: Greece (GR)"
    assert page.locator("#calendar-strip .mark[data-name='transfer']").get_attribute("data-status") == "met"


def test_an_inconsistent_event_is_reported_with_its_index(page: Any) -> None:
    _explain_example(page, "tl-take-charge")
    _timeline_ready(page)
    row = page.locator("#events-list li").nth(2)
    row.locator("input[name='date']").fill("2026-09-20")
    row.locator("input[name='date']").dispatch_event("change")
    page.wait_for_selector("#state-result .error")
    text = page.inner_text("#state-result .error")
    assert "$.events[2]" in text and "date order" in text
