"""`/v1/relocations`: the same answer as the CLI; large batches as a background job."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from migralex.api import relocations


def test_match_answers_every_person(client: TestClient) -> None:
    body = {
        "persons": [
            {
                "person_id": "P1",
                "family_group": "F",
                "links": ["DE"],
                "nationality": "SY",
                "benefitting": "IT",
            },
            {"person_id": "P2", "family_group": "F", "benefitting": "IT"},
            {"person_id": "P3", "status": "beneficiary", "consent": False, "benefitting": "IT"},
        ],
        "places": {"DE": 2, "PT": 1},
    }
    r = client.post("/v1/relocations/match", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    rows = {a["person_id"]: a for a in out["assignments"]}
    assert rows["P1"]["member_state"] == rows["P2"]["member_state"] == "DE"
    assert rows["P3"]["member_state"] is None and rows["P3"]["article"] == "AMMR Art. 67(4)"
    assert out["relocated"] == 2 and out["status"] == "optimal"


def test_bad_person_is_a_422_naming_the_field(client: TestClient) -> None:
    r = client.post(
        "/v1/relocations/match", json={"persons": [{"person_id": "a", "links": ["US"]}], "places": {}}
    )
    assert r.status_code == 422
    assert "links" in r.text


def test_example_then_match(client: TestClient) -> None:
    sample = client.get("/v1/relocations/example", params={"persons": 50, "places": 40, "seed": 2}).json()
    assert len(sample["persons"]) == 50 and sum(sample["places"].values()) == 40
    out = client.post("/v1/relocations/match", json=sample).json()
    assert len(out["assignments"]) == 50
    assert sum(t["used"] for t in out["totals"]) == out["relocated"] <= 40


def test_large_batch_runs_in_the_background(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relocations, "SYNC_LIMIT", 10)
    sample = client.get("/v1/relocations/example", params={"persons": 30, "places": 20}).json()
    r = client.post("/v1/relocations/match", json=sample)
    assert r.status_code == 202, r.text
    url = r.headers["Location"]
    for _ in range(200):
        job = client.get(url).json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert len(job["result"]["assignments"]) == 30
