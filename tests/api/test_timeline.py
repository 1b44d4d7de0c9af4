"""/v1/cases/state and /v1/cases/status: the timeline over HTTP, the library's answers, errors named."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from migralex.rules.case_state import case_state, case_timeline, caseload_status

EXAMPLE = Path(__file__).parents[2] / "examples" / "cases" / "timeline.jsonl"
CASES = [json.loads(line) for line in EXAMPLE.read_text("utf-8").splitlines()]


def test_state_is_the_librarys_answer(client: TestClient) -> None:
    r = client.post("/v1/cases/state", params={"as_of": "2027-06-01"}, json=CASES[0])
    assert r.status_code == 200
    body = r.json()
    assert body == json.loads(json.dumps(case_state(CASES[0], "2027-06-01")[0]))
    assert body["responsible_member_state"] == "DE" and body["legal_basis"] == "AMMR Art. 46(2)"
    assert body["shifts"][0]["from"] == "GR" and body["determined_member_state"] == "GR"
    transfer = next(x for x in body["limits"] if x["name"] == "transfer")
    assert transfer["status"] == "lapsed" and transfer["consequence_basis"] == "AMMR Art. 46(2)"
    assert "relieved of its obligations" in transfer["consequence"]


def test_a_list_answers_a_list_in_order(client: TestClient) -> None:
    r = client.post("/v1/cases/state", params={"as_of": "2027-03-01"}, json=CASES)
    assert [a["id"] for a in r.json()] == [c["id"] for c in CASES]


def test_an_inconsistent_timeline_names_the_event(client: TestClient) -> None:
    bad = json.loads(json.dumps(CASES[0]))
    bad["events"] = [bad["events"][2]]  # a reply with no request
    r = client.post("/v1/cases/state", params={"as_of": "2027-06-01"}, json=bad)
    assert r.status_code == 422
    assert r.json()["detail"][0]["path"].endswith("events[0]")
    assert "needs an earlier take_charge_request" in r.json()["detail"][0]["message"]


def test_a_late_transfer_is_refused_naming_the_event(client: TestClient) -> None:
    late = json.loads(json.dumps(CASES[0]))
    late["events"].append({"type": "transfer_carried_out", "date": "2027-05-03", "by": "DE", "to": "GR"})
    r = client.post("/v1/cases/state", params={"as_of": "2027-06-01"}, json=late)
    assert r.status_code == 422
    assert r.json()["detail"][0]["path"].endswith("events[4]")


def test_status_is_the_caseloads_answer(client: TestClient) -> None:
    r = client.post("/v1/cases/status", params={"as_of": "2027-04-13", "days": 120}, json=CASES)
    assert r.status_code == 200
    body = r.json()
    want = caseload_status(case_timeline(CASES, "2027-04-13"), 120)
    assert [d["id"] for d in body["due"]] == want["due"]["id"].to_list()
    assert body["shifted"] == [
        {
            "id": "tl-take-charge",
            "date": "2027-04-13",
            "from": "GR",
            "to": "DE",
            "legal_basis": "AMMR Art. 46(2)",
        }
    ]


def test_a_bad_day_is_named(client: TestClient) -> None:
    r = client.post("/v1/cases/state", params={"as_of": "2027-02-30"}, json=CASES[0])
    assert r.status_code == 422
    assert "as_of" in json.dumps(r.json())


def test_state_takes_crisis_authorisations_per_member_state(client: TestClient) -> None:
    """CFMR Art. 12: only the authorised Member State's limits are extended; bad input is a 422 naming it."""
    day = {"as_of": "2027-06-01"}

    def limits(params: dict[str, object]) -> dict[str, object]:
        r = client.post("/v1/cases/state", params={**day, **params}, json=CASES[0])
        assert r.status_code == 200, r.text
        return {x["name"]: x for x in r.json()["limits"]}

    plain = limits({})
    outside = limits({"crisis_in": "MT:2026-06-01:2027-05-31"})
    assert outside == plain
    transferring = limits({"crisis_in": "DE:2026-06-01:2027-05-31"})
    assert transferring["transfer"] != plain["transfer"]
    library = case_state(
        CASES[0], "2027-06-01", crisis=[{"member_state": "DE", "from": "2026-06-01", "to": "2027-05-31"}]
    )
    assert transferring == {x["name"]: x for x in json.loads(json.dumps(library[0]))["limits"]}
    bad = client.post("/v1/cases/state", params={"crisis_in": "XX:2026-01-01:2026-02-01"}, json=CASES[0])
    assert bad.status_code == 422 and "crisis_in[0].member_state" in bad.text
    both = client.post(
        "/v1/cases/state",
        params={"crisis_derogation": True, "crisis_in": "GR:2026-01-01:2026-02-01"},
        json=CASES[0],
    )
    assert both.status_code == 422 and "crisis_in" in both.text


def test_too_many_cases_is_413_naming_the_limit_in_cases() -> None:
    from migralex.api import ApiSettings, create_app

    with TestClient(create_app(ApiSettings(max_cases=1))) as small:
        for path in ("/v1/cases/state", "/v1/cases/status"):
            assert small.post(path, params={"as_of": "2027-03-01"}, json=CASES[:1]).status_code == 200
            r = small.post(path, params={"as_of": "2027-03-01"}, json=CASES[:2])
            assert r.status_code == 413 and r.json()["error"] == "too_large", path
            assert "above the limit of 1 cases" in json.dumps(r.json()), path
