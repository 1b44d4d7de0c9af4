"""The trace reasons of Dublin III Arts 9 and 13(1) say what those articles say (not the AMMR's).

Dublin III Art. 13(1): "That responsibility shall cease 12 months after the date on which the
irregular border crossing took place" - one period, for a crossing by land, sea or air (AMMR Art.
33(1)-(2) has two). Dublin III Art. 9: a family member "who has been allowed to reside as a
beneficiary of international protection" - long-term residents and naturalised former beneficiaries
count only under AMMR Art. 26(1)-(2). (Dublin III text not shipped: quoted from the Official
Journal, unchecked.)
"""

from __future__ import annotations

from typing import Any

import pytest

from migralex.rules.responsibility.hierarchy import decide_responsibility

BASE: dict[str, Any] = {
    "id": "d3-reasons",
    "registration": {"member_state": "DE", "date": "2026-06-30", "place": "territory"},
    "applicant": {"nationality": "SY", "date_of_birth": "1990-01-01"},
}


def _line(case: dict[str, Any], rule: str) -> dict[str, str]:
    answer = next(iter(decide_responsibility([{**BASE, **case}], with_trace=True).answers(trace=True)))
    return next(t for t in answer["trace"] if t["rule"] == rule)


@pytest.mark.parametrize("kind", ["irregular_crossing", "sar_disembarkation"])
def test_a_ceased_art_13_1_names_one_period_of_12_months(kind: str) -> None:
    line = _line(
        {"entries": [{"kind": kind, "member_state": "IT", "date": "2025-03-01"}]}, "Dublin III Art. 13(1)"
    )
    assert line["outcome"] == "excluded"
    reason = line["reason"]
    assert reason.startswith(
        "responsibility ceased 12 months after the last irregular border crossing (into IT"
    )
    assert reason.count("12 months") == 1 and "disembarkation" not in reason and "2026-03-01" in reason


def test_the_ammr_ceased_reason_keeps_its_two_periods() -> None:
    case = {
        "registration": {"member_state": "DE", "date": "2026-07-01", "place": "territory"},
        "entries": [{"kind": "irregular_crossing", "member_state": "IT", "date": "2024-03-01"}],
    }
    reason = _line(case, "AMMR Art. 33(1)")["reason"]
    assert "20 months after a crossing, 12 months after a disembarkation" in reason


@pytest.mark.parametrize("status", ["long_term_resident", "naturalised_former_beneficiary"])
def test_art_9_says_a_long_term_resident_or_naturalised_family_member_does_not_count(status: str) -> None:
    family = [{"relation": "spouse", "member_state": "SE", "status": status, "consent_in_writing": True}]
    line = _line({"family": family}, "Dublin III Art. 9")
    assert line["outcome"] == "not_applicable"
    assert line["reason"].endswith("counts under AMMR Art. 26, not under Dublin III Art. 9")


@pytest.mark.parametrize("consent", [True, False])
def test_art_9_reasons_name_beneficiaries_only(consent: bool) -> None:
    family = [
        {
            "relation": "spouse",
            "member_state": "SE",
            "status": "beneficiary_of_international_protection",
            "consent_in_writing": consent,
        }
    ]
    line = _line({"family": family}, "Dublin III Art. 9")
    assert line["outcome"] == ("applies" if consent else "excluded")
    assert "beneficiary of international protection" in line["reason"]
    assert "long-term" not in line["reason"] and "before arrival" not in line["reason"]
    assert "long-term" not in _line({}, "Dublin III Art. 9")["reason"]
