"""/v1/cycle: the annual cycle as `migralex.cycle` computes it, and the solidarity what-if."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from migralex.api import ApiSettings, create_app
from migralex.api.cycle import notes_in_words
from migralex.cycle.offsets import evaluate_pledges
from migralex.cycle.pledges import parse_pledges
from migralex.cycle.pool import fair_shares, pool_size
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.summary import cycle_summary
from migralex.cycle.timeline import Cycle


@pytest.fixture(scope="module")
def year(client: TestClient) -> int:
    return int(client.get("/v1/cycle").json()["default_year"])


def test_index_lists_years_that_compute_and_says_why_others_do_not(client: TestClient) -> None:
    index = client.get("/v1/cycle").json()
    assert index["years"] and index["default_year"] == max(index["years"])
    for y in index["years"]:
        assert client.get(f"/v1/cycle/{y}").status_code == 200
    for y, why in index["unavailable"].items():
        r = client.get(f"/v1/cycle/{y}")
        assert r.status_code == 404 and r.json()["message"] == why


def test_summary_is_the_cycle_packages_summary(client: TestClient, year: int) -> None:
    body = client.get(f"/v1/cycle/{year}").json()
    expected = json.loads(json.dumps(notes_in_words(cycle_summary(year, forecast=False))))
    assert body == expected
    notes = json.dumps([section.get("notes") for section in body.values() if isinstance(section, dict)])
    assert ".reading." not in notes  # readings in words, never their code names (issue 14)
    assert {r["member_state"] for r in body["solidarity"]["rows"]} == {
        r["member_state"] for r in body["capacity"]["rows"]
    }


def test_year_outside_the_law_is_404_and_nonsense_is_422(client: TestClient) -> None:
    assert client.get("/v1/cycle/2001").status_code == 404
    r = client.get("/v1/cycle/1999")
    assert r.status_code == 422 and r.json()["detail"][0]["path"] == "path.year"
    r = client.get("/v1/cycle/2026", params={"relocations": -5})
    assert r.status_code == 422 and r.json()["detail"][0]["path"] == "query.relocations"


def test_what_if_pool_size_changes_the_fair_shares_as_the_engine_does(client: TestClient, year: int) -> None:
    default = client.post(f"/v1/cycle/{year}/solidarity", json={}).json()
    bigger = client.post(f"/v1/cycle/{year}/solidarity", json={"relocations": 45000}).json()
    assert bigger["pool"]["relocations"] == 45000 and bigger["pledges"] is None
    assert sum(r["relocations"] for r in bigger["fair_shares"]["rows"]) == 45000
    cycle = Cycle(year)
    engine = fair_shares(cycle_reference_key(cycle), pool_size(45000, on=cycle.proposal_date)).frame
    assert {r["member_state"]: r["relocations"] for r in bigger["fair_shares"]["rows"]} == dict(
        zip(engine["member_state"], engine["relocations"], strict=True)
    )
    before = {r["member_state"]: r["relocations"] for r in default["fair_shares"]["rows"]}
    after = {r["member_state"]: r["relocations"] for r in bigger["fair_shares"]["rows"]}
    assert after["DE"] > before["DE"]


def test_what_if_member_set(client: TestClient, year: int) -> None:
    body = client.post(f"/v1/cycle/{year}/solidarity", json={"member_set": ["FR", "DE", "EL"]}).json()
    rows = body["fair_shares"]["rows"]
    assert [r["member_state"] for r in rows] == ["DE", "FR", "GR"]
    assert sum(r["relocations"] for r in rows) == body["pool"]["relocations"]


def test_what_if_pledges_give_the_engines_offsets(client: TestClient, year: int) -> None:
    request = {"pledges": {"DE": {"relocations": 1000}}, "benefitting": ["IT"], "reconvened_forum": True}
    body = client.post(f"/v1/cycle/{year}/solidarity", json=request).json()
    cycle = Cycle(year)
    pool = pool_size(on=cycle.proposal_date)
    engine = evaluate_pledges(
        fair_shares(cycle_reference_key(cycle), pool), pool, parse_pledges(request), on=cycle.pool_end
    ).to_dict()
    assert body["pledges"] == json.loads(json.dumps(notes_in_words(engine)))
    figures = {f["name"]: f["value"] for f in body["pledges"]["figures"]}
    assert figures["pledged_relocations"] == 1000
    assert sum(r["mandatory_offsets"] for r in body["pledges"]["rows"]) == figures["offsets_assigned"]


@pytest.mark.parametrize(
    ("request_body", "path"),
    [
        ({"member_set": ["DE", "XX"]}, "$.member_set[1]"),
        ({"member_set": ["DE"]}, "$.member_set"),
        ({"relocations": 0}, "$.relocations"),
        ({"financial_eur": 1234567}, "$.financial_eur"),
        ({"pledges": {"DE": {"relocations": -1}}}, "$.pledges.DE.relocations"),
        ({"pledges": {"XX": {"relocations": 1}}}, "$.pledges.XX"),
        ({"member_set": ["DE", "FR"], "pledges": {"IT": {"relocations": 1}}}, "$.pledges"),
        ({"pool": 3}, "$.pool"),
    ],
)
def test_what_if_bad_input_names_the_field(
    client: TestClient, year: int, request_body: dict, path: str
) -> None:
    r = client.post(f"/v1/cycle/{year}/solidarity", json=request_body)
    assert r.status_code == 422, r.json()
    assert path in [d["path"] for d in r.json()["detail"]]


def test_body_above_the_limit_is_413() -> None:
    with TestClient(create_app(ApiSettings(max_body_bytes=2000))) as small:
        pledges = {ms: {"relocations": 1, "financial_eur": 1} for ms in ("DE", "FR", "IT", "ES", "PL")}
        big = {"pledges": pledges, "member_set": ["DE", "FR", "IT", "ES", "PL"] * 100}
        r = small.post("/v1/cycle/2026/solidarity", json=big)
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        ok = small.post("/v1/cycle/2026/solidarity", json={"relocations": 40000})
        assert ok.status_code != 413

        def chunked() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            yield b'{"member_set": ["'
            yield from [b"x" * 500] * 5
            yield b'"]}'

        r = small.post(
            "/v1/cycle/2026/solidarity", content=chunked(), headers={"content-type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_period_query_chooses_the_reference_period(client: TestClient, year: int) -> None:
    report = client.get(f"/v1/cycle/{year}").json()["cycle"]["reference_period"]
    calendar = client.get(f"/v1/cycle/{year}", params={"period": "calendar"}).json()["cycle"][
        "reference_period"
    ]
    assert (report["kind"], report["start"]) == ("report", f"{year - 1}-07-01")
    assert (calendar["kind"], calendar["start"], calendar["end"]) == (
        "calendar",
        f"{year - 1}-01-01",
        f"{year - 1}-12-31",
    )
    assert client.get(f"/v1/cycle/{year}", params={"period": "fiscal"}).status_code == 422


def test_forecast_query_adds_the_projection_of_the_pool_year(client: TestClient, year: int) -> None:
    plain = client.get(f"/v1/cycle/{year}").json()["projection"]
    assert plain["status"] == "unavailable"
    projected = client.get(f"/v1/cycle/{year}", params={"forecast": "true"}).json()["projection"]
    assert projected["period"] == f"calendar year {year + 1}" and projected["routes"]
    assert all(r["lower_80"] <= r["projected"] <= r["upper_80"] for r in projected["routes"])
