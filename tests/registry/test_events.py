"""Events: typed actions, payload validation, and the state derived by folding them."""

from __future__ import annotations

import pytest

from migralex.errors import InvalidInput
from migralex.registry.events import EventType, action_payload, fold


def test_fold_derives_the_state_from_the_events_in_order() -> None:
    state = fold(
        [
            ("registered", {"category": "applicant", "member_state": "IT"}),
            ("marked_protection", {}),
            ("security_flag", {}),
            ("member_state_responsible", {"member_state": "DE"}),
            ("unmarked_protection", {}),
            ("security_flag_deleted", {}),
            ("returned", {"date": "2027-01-05"}),
        ]
    )
    assert state["mark"] is None and state["security_flag"] is False
    assert state["ms_responsible"] == "DE" and state["returned_on"] == "2027-01-05"
    assert state["category"] == "applicant"


def test_a_log_starts_with_its_registration() -> None:
    with pytest.raises(InvalidInput, match="before registered"):
        fold([(EventType.marked_protection, {})])


def test_action_payloads_are_checked_field_by_field() -> None:
    assert action_payload("member_state_responsible", {"member_state": "el"}) == {"member_state": "GR"}
    assert action_payload("left_territory", {"date": "2027-02-01"}) == {"date": "2027-02-01"}
    with pytest.raises(InvalidInput) as e:
        action_payload("member_state_responsible", {"member_state": "US"})
    assert e.value.path == "member_state"
    with pytest.raises(InvalidInput) as e:
        action_payload("returned", {"date": "2027-02-01", "name": "x"})
    assert e.value.path == "name"
    with pytest.raises(InvalidInput, match="unknown action"):
        action_payload("erased", {})
