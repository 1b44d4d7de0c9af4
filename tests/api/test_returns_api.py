"""`POST /v1/cases/returns`: the answer of `migralex.rules.returns` with its articles; bad input is a
422 naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from migralex.api import create_app

GOOD = {
    "id": "a",
    "member_state": "IT",
    "decision_date": "2026-09-01",
    "outcome": "unfounded",
    "procedure": "border",
    "right_to_remain_end": "2026-09-01",
    "voluntary_departure_requested": True,
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_answers_with_the_articles(client: TestClient) -> None:
    res = client.post("/v1/cases/returns", json={"decisions": [GOOD]})
    assert res.status_code == 200, res.text
    (answer,) = res.json()
    assert answer["return_decision_basis"] == "APR Art. 37"
    assert answer["return_border_procedure_end"] == "2026-11-24"
    assert answer["voluntary_departure_latest"] == "2026-09-16"
    assert [t["basis"] for t in answer["trace"]] == ["APR Art. 37", "RBPR Art. 4(2)", "RBPR Art. 4(5)"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"outcome": "maybe"}, "outcome"), ({"member_state": "XX"}, "member_state"),
     ({"decision_date": "yesterday"}, "decision_date"), ({"evil": "<script>"}, "evil")],
)  # fmt: skip
def test_bad_input_is_422_naming_the_field(client: TestClient, change: dict, field: str) -> None:
    res = client.post("/v1/cases/returns", json={"decisions": [{**GOOD, **change}]})
    assert res.status_code == 422
    assert field in res.text
