"""Who is outside relocation and outside the AMMR: Denmark (Part IV does not bind it, recital 90) and
nationals of the EU and of the free-movement States (not third-country nationals, AMMR Art. 2(1)).
Both sides of each boundary; each source's quotes are checked like the legal examples'."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from migralex.allocation.persons import check_places, normalise
from migralex.cases.batch import CaseBatch
from migralex.cases.format import parse_case
from migralex.errors import InvalidInput
from migralex.law import params
from migralex.rules.relocation import eligibility
from tests.rules.examples_loader import check_quotes

BASE: dict[str, Any] = {
    "version": 2,
    "id": "scope",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "territory"},
    "applicant": {"nationality": "SY"},
}
RECITAL_90 = (
    "AMMR recital 90: 'Given that Parts III, V and VII of this Regulation constitute amendments within"
    " the meaning of Article 3 of the Agreement'"
)
ART_2_1 = (
    "AMMR Art. 2(1): 'a person who is not a citizen of the Union within the meaning of Article 20(1) TFEU"
    " and who is not a person enjoying the right to free movement under Union law'"
)


def _case(**over: Any) -> dict[str, Any]:
    return {**BASE, **over}


@pytest.mark.parametrize(
    ("over", "path"),
    [
        ({"relocated_to": "DK"}, "relocated_to"),
        ({"relocated_to": "FR", "relocation": {"benefitting": "DK"}}, "relocation.benefitting"),
        (
            {
                "registration": {"member_state": "DK", "date": "2026-09-01", "place": "territory"},
                "relocated_to": "FR",
            },
            "registration.member_state",
        ),
        (
            {"events": [{"type": "relocation_information", "date": "2026-09-03", "by": "IT", "to": "DK"}]},
            "events[0].to",
        ),
        (
            {"events": [{"type": "relocation_information", "date": "2026-09-03", "by": "DK", "to": "FR"}]},
            "events[0].by",
        ),
    ],
)
def test_denmark_takes_no_part_in_relocation(over: dict[str, Any], path: str) -> None:
    assert check_quotes(RECITAL_90) == 1
    with pytest.raises(InvalidInput) as exc:
        parse_case(_case(**over))
    assert exc.value.path == path
    assert "takes no part in relocation" in exc.value.reason and "recital 90" in exc.value.reason


@pytest.mark.parametrize("reading", ["applied", "dublin3"])
def test_denmark_is_out_under_either_reading_of_its_agreement(reading: str) -> None:
    frame = pl.DataFrame(
        {
            "id": ["dk", "se"],
            "registration.member_state": ["IT", "IT"],
            "registration.date": ["2026-09-01", "2026-09-01"],
            "applicant.nationality": ["SY", "SY"],
            "relocated_to": ["DK", "SE"],
        }
    )
    p = params().overlay({"participation.reading.agreement_states_ammr": reading}, label="test")
    out = eligibility(CaseBatch.from_frames(frame), params=p).select(
        "id", "eligible", "reason", "legal_basis"
    )
    assert out.to_dicts() == [
        {"id": "dk", "eligible": False, "reason": "not_in_relocation", "legal_basis": "AMMR recital 90"},
        {"id": "se", "eligible": True, "reason": "eligible", "legal_basis": "AMMR Art. 67(5)"},
    ]


def test_sweden_next_door_is_a_Member_State_of_relocation() -> None:
    case = parse_case(_case(relocated_to="SE", relocation={"benefitting": "IT"}))
    assert case.relocated_to == "SE"
    assert eligibility([case])["reason"].to_list() == ["eligible"]


@pytest.mark.parametrize("nationality", ["CH", "NO", "IS", "LI", "FR", "DK"])
def test_union_and_free_movement_nationals_are_not_third_country_nationals(nationality: str) -> None:
    assert check_quotes(ART_2_1) == 1
    with pytest.raises(InvalidInput) as exc:
        parse_case(_case(applicant={"nationality": nationality}))
    assert exc.value.path == "applicant.nationality" and "AMMR Art. 2(1)" in exc.value.reason
    frame = pl.DataFrame(
        {"id": ["x"], "registration.member_state": ["IT"], "registration.date": ["2026-09-01"],
         "applicant.nationality": [nationality]}
    )  # fmt: skip
    with pytest.raises(InvalidInput, match=r"AMMR Art\. 2\(1\)"):
        CaseBatch.from_frames(frame)


@pytest.mark.parametrize("nationality", ["TR", "GB", "UA", "stateless"])
def test_third_country_nationals_next_to_the_union_are_applicants(nationality: str) -> None:
    assert parse_case(_case(applicant={"nationality": nationality})).applicant.nationality == nationality


def test_allocation_refuses_denmark_and_free_movement_nationals() -> None:
    with pytest.raises(InvalidInput, match=r"places\.DK") as exc:
        check_places({"DK": 5, "FR": 5})
    assert "recital 90" in exc.value.reason
    assert check_places({"DK": 0, "FR": 5}) == {"DK": 0, "FR": 5}
    persons = pl.DataFrame({"person_id": ["a", "b"], "benefitting": ["IT", "DK"]})
    with pytest.raises(InvalidInput) as exc:
        normalise(persons)
    assert exc.value.path == "persons[1].benefitting"
    persons = pl.DataFrame({"person_id": ["a", "b"], "nationality": ["SY", "NO"]})
    with pytest.raises(InvalidInput) as exc:
        normalise(persons)
    assert exc.value.path == "persons[1].nationality" and "AMMR Art. 2(1)" in exc.value.reason
    assert (
        normalise(pl.DataFrame({"person_id": ["a"], "nationality": ["SY"], "benefitting": ["IT"]})).height
        == 1
    )
