"""A scenario's shocks as dated events, and the warning when a run stops before one (issue 14)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from migralex.api import create_app
from migralex.sim.scenario import events, events_outside, load_scenario


def test_shock_is_dated_and_a_short_run_is_warned() -> None:
    surge = load_scenario("lampedusa-surge")
    (shock,) = events(surge)
    assert shock["start"] == "2027-09-12" and shock["end"] == "2027-09-14" and "10,000" in shock["label"]
    # 12 September 2027 is day 255 of a run from 1 January 2027: 254 days stop the day before, 255 reach it
    assert events_outside(surge, 254) and "2027-09-12" in events_outside(surge, 254)[0]
    assert events_outside(surge, 255) == []
    assert events_outside(load_scenario("baseline"), 30) == []


def test_the_api_lists_each_scenario_with_its_events() -> None:
    with TestClient(create_app()) as client:
        body = {s["name"]: s for s in client.get("/v1/simulations/scenarios").json()}
    assert body["lampedusa-surge"]["events"][0]["start"] == "2027-09-12"
    assert body["baseline"]["events"] == []


def test_api_docs_lead_back_to_the_dashboard() -> None:
    with TestClient(create_app()) as client:
        html = client.get("/docs").text
    assert 'href="/"' in html and "migralex dashboard" in html
