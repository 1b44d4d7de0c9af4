"""match_batch: the public API the simulator calls once per week (AMMR Art. 67(3)-(6))."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from migralex.allocation import REASONS, MatchParams, match_batch
from migralex.allocation.check import total, violations
from migralex.allocation.synthetic import RELOCATION_STATES, persons, pledges
from migralex.errors import InvalidInput


def _small() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e", "f"],
            "family_group": ["F1", "F1", None, None, None, None],
            "links": [["DE"], [], ["FR"], [], [], ["FR"]],
            "status": ["applicant", "applicant", "applicant", "beneficiary", "applicant", "applicant"],
            "eligible": [True, True, True, True, True, False],
            "ineligible_reason": [None, None, None, None, None, "security_threat"],
            "vulnerable": [False, False, True, False, False, False],
            "nationality": ["SY", "SY", "AF", "ER", "SY", "AF"],
            "benefitting": ["IT"] * 6,
        }
    )


def test_every_person_answered_with_reason_and_article() -> None:
    result = match_batch(_small(), {"DE": 2, "FR": 1, "PT": 1})
    table = result.assignments.sort("person_id")
    assert table["person_id"].to_list() == ["a", "b", "c", "d", "e", "f"]
    assert table["reason"].null_count() == 0 and table["article"].null_count() == 0
    by = dict(zip(table["person_id"], table["member_state"], strict=True))
    assert by["a"] == by["b"] == "DE"  # family together, on a's link
    assert by["c"] == "FR"  # link honoured
    assert by["d"] is None and table.filter(pl.col("person_id") == "d")["reason"][0] == "no_consent"
    assert by["f"] is None and table.filter(pl.col("person_id") == "f")["reason"][0] == "security_threat"
    assert by["e"] == "PT"
    assert result.relocated == 4 and result.unplaced == 2 and result.links_honoured == 2
    assert result.status == "optimal" and result.gap == 0.0


def test_scarce_places_go_to_vulnerable_first() -> None:
    frame = pl.DataFrame({"person_id": ["x", "y"], "vulnerable": [False, True]})
    result = match_batch(frame, {"AT": 1})
    assert dict(zip(result.assignments["person_id"], result.assignments["member_state"], strict=True)) == {
        "x": None,
        "y": "AT",
    }
    assert result.assignments.filter(pl.col("person_id") == "x")["reason"][0] == "no_place"


def test_family_larger_than_any_pledge_is_reported() -> None:
    frame = pl.DataFrame({"person_id": ["a", "b", "c"], "family_group": ["F", "F", "F"]})
    result = match_batch(frame, {"AT": 2, "BE": 2})
    assert result.assignments["reason"].to_list() == ["family_too_large"] * 3


def test_all_27_may_be_passed_with_denmark_at_zero() -> None:
    result = match_batch(pl.DataFrame({"person_id": ["a"]}), {"DK": 0, "AT": 1})
    assert result.assignments["member_state"].to_list() == ["AT"]


def test_benefitting_state_is_never_the_state_of_relocation() -> None:
    frame = pl.DataFrame({"person_id": ["a"], "benefitting": ["GR"], "links": [["GR"]]})
    result = match_batch(frame, {"GR": 5})
    assert result.assignments["member_state"][0] is None


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_synthetic_batch_has_no_violation(method: str) -> None:
    rng = np.random.default_rng(7)
    frame = persons(300, rng, benefitting="IT")
    places = pledges(250, [s for s in RELOCATION_STATES if s != "IT"])
    result = match_batch(frame, places, method=method)
    assert total(violations(frame, places, result.assignments)) == 0
    assert set(result.assignments["reason"].unique()) <= set(REASONS)


def test_milp_honours_at_least_as_many_links_as_greedy() -> None:
    rng = np.random.default_rng(3)
    frame = persons(300, rng)
    places = pledges(250, [s for s in RELOCATION_STATES if s != "IT"])
    milp, greedy = match_batch(frame, places), match_batch(frame, places, method="greedy")
    assert milp.relocated >= greedy.relocated
    assert (milp.relocated, milp.links_honoured) >= (greedy.relocated, greedy.links_honoured)


@pytest.mark.parametrize(
    ("frame", "places", "path"),
    [
        (pl.DataFrame({"id": ["a"]}), {"AT": 1}, "persons.person_id"),
        (pl.DataFrame({"person_id": ["a", "a"]}), {"AT": 1}, "persons[1].person_id"),
        (pl.DataFrame({"person_id": ["a"], "links": [["XX"]]}), {"AT": 1}, "persons[0].links"),
        (pl.DataFrame({"person_id": ["a"], "status": ["tourist"]}), {"AT": 1}, "persons[0].status"),
        (pl.DataFrame({"person_id": ["a"]}), {"US": 1}, "places.US"),
        (pl.DataFrame({"person_id": ["a"]}), {"AT": -1}, "places.AT"),
        (pl.DataFrame({"person_id": ["a"]}), {"DK": 1}, "places.DK"),
    ],
)
def test_bad_input_names_the_field(frame: pl.DataFrame, places: dict[str, int], path: str) -> None:
    with pytest.raises(InvalidInput) as error:
        match_batch(frame, places)
    assert error.value.path == path


def test_params_reject_unknown_tier_and_misplaced_integration() -> None:
    with pytest.raises(InvalidInput, match="unknown tier"):
        MatchParams(order=("relocated", "wishes"))
    with pytest.raises(InvalidInput, match="last tier"):
        MatchParams(order=("integration", "relocated"))


def test_params_from_a_mapping_change_the_order_and_reject_bad_types() -> None:
    params = MatchParams.from_mapping({"order": ["relocated", "vulnerable"], "family_ineligible": "split"})
    assert params.order == ("relocated", "vulnerable") and params.family_ineligible == "split"
    with pytest.raises(InvalidInput, match=r"params\.time_limit"):
        MatchParams.from_mapping({"time_limit": "10"})
    with pytest.raises(InvalidInput, match=r"params\.colour"):
        MatchParams.from_mapping({"colour": "red"})


def test_split_reading_lets_eligible_family_members_go() -> None:
    frame = pl.DataFrame(
        {"person_id": ["a", "b", "c"], "family_group": ["F", "F", "F"], "eligible": [True, True, False]}
    )
    together = match_batch(frame, {"AT": 3})
    assert together.relocated == 0
    assert set(together.assignments["reason"]) == {"not_eligible", "family_member_unplaceable"}
    split = match_batch(frame, {"AT": 3}, MatchParams(family_ineligible="split"))
    assert split.relocated == 2
