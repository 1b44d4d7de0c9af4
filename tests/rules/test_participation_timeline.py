"""The timeline of a case registered in a State associated with the Dublin rules: the AMMR limits run
(AMMR recital 93), counted with that State's official holidays (AMMR Art. 75(d))."""

from __future__ import annotations

from typing import Any

import pytest

from migralex.rules.case_state import case_state


def _case(state: str) -> dict[str, Any]:
    return {
        "version": 2,
        "id": f"tl-{state}",
        "registration": {"member_state": state, "date": "2027-04-05"},
        "applicant": {"nationality": "SY"},
        "entries": [{"kind": "irregular_crossing", "member_state": "GR", "date": "2027-03-01"}],
        "events": [
            {
                "type": "eurodac_hit",
                "date": "2027-04-06",
                "by": state,
                "to": "GR",
                "category": "irregular_crossing",
            }
        ],
    }


@pytest.mark.parametrize(
    ("state", "last_day"),
    [
        ("CH", "2027-05-07"),  # Ascension Day, Thursday 6 May 2027, is a Swiss national holiday
        ("IT", "2027-05-06"),  # not in Italy
    ],
)
def test_the_request_limit_counts_the_holidays_of_the_requesting_state(state: str, last_day: str) -> None:
    # AMMR Art. 39(1), second subparagraph: "within one month of receiving that hit"; Art. 75(d)
    out = case_state(_case(state), "2027-04-20")[0]
    limit = next(x for x in out["limits"] if x["name"] == "take_charge_request")
    assert (limit["status"], limit["date"], limit["member_state"]) == ("running", last_day, state)
    assert out["determined_member_state"] == "GR"
