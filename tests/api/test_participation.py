"""`/v1/law/participation` and `/v1/law/{act}/recitals/{n}`: who is bound, with the recitals' words."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_a_recital_is_served_with_its_citation(client: TestClient) -> None:
    r = client.get("/v1/law/AMMR/recitals/90")
    assert r.status_code == 200
    body = r.json()
    assert body["citation"] == "AMMR recital 90" and "Protocol No 22" in body["text"]
    assert client.get("/v1/law/AMMR/recitals/999").status_code == 404


def test_participation_of_denmark(client: TestClient) -> None:
    rows = client.get("/v1/law/participation", params={"state": "dk"}).json()
    by_act = {r["act"]: r for r in rows}
    assert by_act["APR"]["binds"] == "none" and by_act["APR"]["citation"] == "APR recital 107"
    assert by_act["AMMR"]["binds"] == "parts"
    assert by_act["AMMR"]["parts"] == ["Part III", "Part V", "Part VII"]
    assert "OJ L 66, 8.3.2006, p. 38" in by_act["AMMR"]["via"]
    assert by_act["AMMR"]["reading"] == "participation.reading.agreement_states_ammr"


def test_participation_lists_the_six_states(client: TestClient) -> None:
    rows = client.get("/v1/law/participation").json()
    assert {r["state"] for r in rows} == {"DK", "IE", "CH", "IS", "LI", "NO"}
    assert all(r["why"] for r in rows)


def test_countries_say_which_take_part_in_dublin(client: TestClient) -> None:
    rows = {c["code"]: c for c in client.get("/v1/countries").json()}
    assert rows["CH"]["dublin_state"] and not rows["CH"]["member_state"]
    assert rows["DK"]["dublin_state"] and rows["DK"]["member_state"]
    assert not rows["US"]["dublin_state"]
