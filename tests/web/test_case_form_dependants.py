"""The case explainer's form has the AMMR Art. 34 facts: `applicant.health_prevents_travel` (Art.
34(2)) and a family member's `dependency_established` (Art. 34(1)), wired to the case JSON like the
other checkboxes (form -> JSON box -> answer, and JSON -> form)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import explain_json

pytestmark = pytest.mark.browser

#: Registered in Italy; the applicant's mother, a beneficiary of protection in Germany, consented in
#: writing (AMMR Art. 34(1) short of the dependency itself).
CASE: dict[str, Any] = {
    "id": "case-art34",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "territory"},
    "applicant": {"nationality": "SY", "date_of_birth": "1990-04-02"},
    "entries": [{"kind": "irregular_crossing", "member_state": "IT", "date": "2026-08-28"}],
    "family": [
        {
            "relation": "parent",
            "member_state": "DE",
            "status": "beneficiary_of_international_protection",
            "existed_before_arrival": True,
            "consent_in_writing": True,
            "can_take_care": True,
        }
    ],
}
HEALTH = "#case-form input[name='applicant.health_prevents_travel']"
DEPENDENCY = "#case-form .repeat[data-list='family'] input[name='dependency_established']"


def _flags(page: Any) -> list[str]:
    flags = page.locator("#flags li")
    return [flags.nth(i).get_attribute("data-flag") or "" for i in range(flags.count())]


def test_the_art34_checkboxes_write_the_case_and_change_the_answer(page: Any) -> None:
    explain_json(page, CASE)
    assert not page.is_checked(HEALTH) and not page.is_checked(DEPENDENCY)
    assert "dependent_persons" in _flags(page)
    assert "dependent_persons_unable_to_travel" not in _flags(page)
    page.check(HEALTH)
    page.check(DEPENDENCY)
    sent = json.loads(page.input_value("#case-json"))
    assert sent["applicant"]["health_prevents_travel"] is True
    assert sent["family"][0]["dependency_established"] is True
    page.click("#explain")
    # Art. 34(2): the health exception points to the Member State where the applicant is present
    page.wait_for_selector("#flags li[data-flag='dependent_persons_unable_to_travel']")
    assert "dependent_persons" not in _flags(page)
    page.uncheck(HEALTH)
    page.uncheck(DEPENDENCY)
    sent = json.loads(page.input_value("#case-json"))
    assert "health_prevents_travel" not in sent["applicant"]
    assert sent["family"][0]["dependency_established"] is False


def test_a_case_with_the_art34_facts_checks_the_boxes(page: Any) -> None:
    case = json.loads(json.dumps(CASE))
    case["applicant"]["health_prevents_travel"] = True
    case["family"][0]["dependency_established"] = True
    explain_json(page, case)
    assert page.is_checked(HEALTH) and page.is_checked(DEPENDENCY)
    assert "dependent_persons_unable_to_travel" in _flags(page)
