"""`/v1/readmission` and `/v1/resettlement`: the CLI's answers over HTTP, errors as JSON 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_readmission_lists_the_grounds_with_article_and_disclaimer(client: TestClient) -> None:
    r = client.get("/v1/readmission", params={"year": 2024, "all": True, "on": "2026-06-01"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert "Commission's decision" in out["disclaimer"]
    assert out["thresholds_on"] == "2026-06-01"
    row = next(c for c in out["countries"] if c["citizenship"] == "GE")
    assert row["visa_status"] == "exempt"
    assert {x["article"] for x in row["reasons"]} == {"VISA_LIST Art. 8"}
    assert any("20%" in x["threshold"] for x in row["reasons"])


def test_readmission_errors(client: TestClient) -> None:
    assert client.get("/v1/readmission", params={"year": 2031}).status_code == 404
    bad = client.get("/v1/readmission", params={"year": "soon"})
    assert bad.status_code == 422 and "year" in bad.text


def test_resettlement_deadlines(client: TestClient) -> None:
    r = client.get("/v1/resettlement/deadlines", params={"registered": "2026-07-31", "member_state": "DE"})
    assert r.status_code == 200, r.text
    got = {d["deadline"]: d for d in r.json()["deadlines"]}
    assert got["conclusion"]["date"] == "2027-03-01" and got["conclusion"]["basis"] == "URF Art. 9(9)"
    assert got["entry"]["date"] is None


def test_resettlement_bad_input_names_the_field(client: TestClient) -> None:
    r = client.get(
        "/v1/resettlement/deadlines",
        params={"registered": "2026-07-31", "member_state": "DE", "concluded": "2026-01-01"},
    )
    assert r.status_code == 422 and "concluded" in r.text
    assert (
        client.get("/v1/resettlement/deadlines", params={"registered": "x", "member_state": "DE"}).status_code
        == 422
    )


def test_resettlement_plan_and_inflow(client: TestClient) -> None:
    plan = client.get("/v1/resettlement/plan").json()
    assert plan["adopted_total"] == 10430 and plan["pledges"] == {} and plan["notes"]
    inflow = client.get("/v1/resettlement/inflow").json()
    assert inflow["days"] == 365 and 0 < inflow["total"] < 10430
    assert client.get("/v1/resettlement/inflow", params={"scenario": "nope"}).status_code == 404
