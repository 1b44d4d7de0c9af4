"""Shared case fixtures: the example of docs/case-format.md."""

from __future__ import annotations

import copy
from typing import Any

import pytest

EXAMPLE: dict[str, Any] = {
    "id": "case-001",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "sar_disembarkation"},
    "applicant": {
        "date_of_birth": "2009-04-02",
        "age_uncertain": False,
        "unaccompanied": True,
        "nationality": "SY",
        "security_threat": False,
        "misled_authorities": False,
        "vulnerable": False,
        "subsequent_application": False,
        "health_prevents_travel": False,
    },
    "family": [
        {
            "relation": "sibling",
            "member_state": "DE",
            "status": "legally_present",
            "existed_before_arrival": True,
            "consent_in_writing": True,
            "first_substantive_decision_taken": False,
            "can_take_care": True,
            "date_of_birth": None,
            "dependency_established": False,
        }
    ],
    "documents": [
        {
            "kind": "visa",
            "member_state": "FR",
            "visa_type": "short_stay",
            "issued_on_behalf_of": None,
            "valid_from": "2025-01-01",
            "valid_until": "2025-03-31",
            "ended_early_on": None,
            "fraud_after_issuance": False,
        }
    ],
    "diplomas": [{"member_state": "NL", "issued_on": "2022-06-30", "study_months": 24}],
    "entries": [{"kind": "sar_disembarkation", "member_state": "IT", "date": "2026-08-28"}],
    "relocated_to": None,
}


@pytest.fixture
def example() -> dict[str, Any]:
    """A fresh deep copy of the spec's example case."""
    return copy.deepcopy(EXAMPLE)
