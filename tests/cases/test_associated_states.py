"""The case format accepts the States associated with the Dublin rules (law/participation.yaml)."""

from __future__ import annotations

from typing import Any

import pytest

from migralex.cases.batch import CaseBatch
from migralex.cases.format import parse_case
from migralex.errors import InvalidInput
from migralex.law.timelimits import deadline


def _case(**registration: Any) -> dict[str, Any]:
    return {
        "id": "a",
        "registration": {"member_state": "CH", "date": "2026-09-01", **registration},
        "applicant": {"nationality": "SY"},
        "family": [
            {"relation": "spouse", "member_state": "NO", "status": "beneficiary_of_international_protection"}
        ],
        "documents": [
            {"kind": "visa", "member_state": "IS", "visa_type": "short_stay",
             "valid_from": "2026-08-01", "valid_until": "2026-10-01"}
        ],
        "entries": [{"kind": "irregular_crossing", "member_state": "LI", "date": "2026-08-01"}],
    }  # fmt: skip


@pytest.mark.parametrize("state", ["CH", "IS", "LI", "NO"])
def test_an_associated_state_is_accepted_where_a_member_state_is(state: str) -> None:
    case = parse_case(_case(member_state=state))
    assert case.registration.member_state == state
    batch = CaseBatch.from_dicts([_case(member_state=state)])
    assert batch.case_dict(0)["registration"]["member_state"] == state
    assert batch.case_dict(0)["family"][0]["member_state"] == "NO"


def test_relocation_is_among_member_states_only() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_case({**_case(), "relocated_to": "CH"})
    assert info.value.path == "relocated_to" and "AMMR Part IV" in info.value.reason


def test_a_deadline_in_norway_rolls_over_its_holidays() -> None:
    # 17 May (Constitution Day) 2027 is a Monday: a month from 17 April 2027 ends on the 18th
    assert str(deadline("2027-04-17", "1 month", "NO").date) == "2027-05-18"
    assert str(deadline("2027-04-17", "1 month", "SE").date) == "2027-05-17"
