"""QA: the `latest` bounds of the take charge reply and the transfer use the right Member State's
holidays (AMMR Art. 75(d): "official holidays in the Member State concerned")."""

from __future__ import annotations

from typing import Any

from migralex.rules.deadlines import decide_deadlines
from migralex.rules.procedure import Context

CASE: dict[str, Any] = {
    "id": "qa-latest",
    "registration": {"member_state": "DE", "date": "2027-10-06", "place": "territory"},
    "applicant": {"nationality": "SY", "date_of_birth": "1995-01-01"},
    "family": [
        {
            "relation": "spouse",
            "member_state": "SE",
            "status": "beneficiary_of_international_protection",
            "consent_in_writing": True,
        }
    ],
}


def _by_name(case: dict[str, Any]) -> dict[str, Any]:
    result = decide_deadlines([case], context=Context.from_dict({"recognition_rates": {"SY": 0.9}}))
    return {d["name"]: d for d in result.answer(0)["deadlines"]}


def test_reply_bound_uses_the_requested_member_states_holidays() -> None:
    """AMMR Arts 39(1), 40(1): the request by 6 December 2027 (DE); the reply one month later would
    end on 6 January 2028, Epiphany, a public holiday in Sweden (the requested State) but not a
    national one in Germany: it moves to 7 January."""
    got = _by_name(CASE)
    assert got["take_charge_request"]["date"] == "2027-12-06"
    assert got["take_charge_reply"]["date"] is None
    assert got["take_charge_reply"]["latest"] == "2028-01-07"
    assert got["transfer"]["latest"] == "2028-07-07"


def test_reply_bound_in_a_member_state_without_that_holiday() -> None:
    """The same request answered by the Netherlands (no holiday on 6 January): 6 January 2028."""
    case = {**CASE, "family": [{**CASE["family"][0], "member_state": "NL"}]}
    assert _by_name(case)["take_charge_reply"]["latest"] == "2028-01-06"
