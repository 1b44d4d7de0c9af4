"""The case format: defaults, normalisation, and rejections naming the JSON path of the bad field."""

from __future__ import annotations

from typing import Any

import pytest

from migralex.cases.format import parse_case
from migralex.errors import InvalidInput


def test_example_round_trips(example: dict[str, Any]) -> None:
    assert parse_case(example).to_json_dict() == {
        **example,
        "applicant": {**example["applicant"], "former_habitual_residence": None},
    }


def test_defaults_are_filled() -> None:
    case = parse_case(
        {
            "id": "x",
            "registration": {"member_state": "DE", "date": "2026-07-01"},
            "applicant": {"nationality": "AF"},
        }
    )
    assert case.registration.place == "territory"
    assert case.applicant.unaccompanied is False and case.applicant.date_of_birth is None
    assert case.family == [] and case.documents == [] and case.relocated_to is None


def test_greece_is_written_back_as_gr(example: dict[str, Any]) -> None:
    example["registration"]["member_state"] = "EL"
    example["family"][0]["member_state"] = "el"
    case = parse_case(example)
    assert case.registration.member_state == "GR" and case.family[0].member_state == "GR"


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (lambda c: c["family"][0].update(relation="cousin"), "family[0].relation", "spouse"),
        (lambda c: c["applicant"].update(hobby="chess"), "applicant.hobby", "unknown field 'hobby'"),
        (lambda c: c.update(notes="x"), "notes", "unknown field 'notes'"),
        (lambda c: c["documents"][0].update(colour="red"), "documents[0].colour", "unknown field"),
        (
            lambda c: c["registration"].update(member_state="US"),
            "registration.member_state",
            "neither an EU Member State nor a State associated with the Dublin rules",
        ),
        (
            lambda c: c["registration"].update(member_state="XX"),
            "registration.member_state",
            "unknown country",
        ),
        (
            lambda c: c["applicant"].update(nationality="FR"),
            "applicant.nationality",
            "third-country national",
        ),
        (lambda c: c.pop("id"), "id", "missing"),
        (lambda c: c["registration"].pop("date"), "registration.date", "missing"),
        (lambda c: c["entries"][0].update(date="2026-02-30"), "entries[0].date", "ISO 8601"),
        (lambda c: c["entries"][0].update(kind="overstay"), "entries[0].kind", "irregular_crossing"),
        (lambda c: c["applicant"].update(unaccompanied="yes"), "applicant.unaccompanied", "boolean"),
        (
            lambda c: c["diplomas"][0].update(study_months=-1),
            "diplomas[0].study_months",
            "greater than or equal",
        ),
        (lambda c: c["diplomas"][0].update(study_months="12"), "diplomas[0].study_months", "integer"),
        (lambda c: c["documents"][0].update(visa_type=None), "documents[0].visa_type", "needs visa_type"),
        (
            lambda c: c["documents"][0].update(kind="residence_document"),
            "documents[0].visa_type",
            "only for visas",
        ),
        (
            lambda c: c["documents"][0].update(valid_until="2024-12-31"),
            "documents[0].valid_until",
            "before valid_from",
        ),
        (
            lambda c: c["applicant"].update(date_of_birth="2027-01-01"),
            "applicant.date_of_birth",
            "after the registration",
        ),
        (
            lambda c: c["applicant"].update(former_habitual_residence="SY"),
            "applicant.former_habitual_residence",
            "stateless",
        ),
        (lambda c: c["registration"].update(place="harbour"), "registration.place", "sar_disembarkation"),
        (lambda c: c.update(relocated_to="NO"), "relocated_to", "not an EU Member State"),
    ],
)
def test_invalid_cases_name_the_field(example: dict[str, Any], mutate: Any, path: str, words: str) -> None:
    mutate(example)
    with pytest.raises(InvalidInput) as info:
        parse_case(example)
    assert info.value.path == path
    assert words in info.value.reason


def test_several_errors_are_counted(example: dict[str, Any]) -> None:
    example["family"][0]["relation"] = "cousin"
    example["entries"][0]["kind"] = "walk"
    with pytest.raises(InvalidInput) as info:
        parse_case(example)
    assert info.value.path == "family[0].relation"
    assert "1 more: entries[0].kind" in info.value.reason


def test_json_text_and_non_objects() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON"):
        parse_case("{nope")
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_case("[1, 2]")


def test_stateless_with_former_residence() -> None:
    case = parse_case(
        {
            "id": "s",
            "registration": {"member_state": "DE", "date": "2026-07-01"},
            "applicant": {"nationality": "Stateless", "former_habitual_residence": "LB"},
        }
    )
    assert case.applicant.nationality == "stateless" and case.applicant.former_habitual_residence == "LB"
