"""`/v1/forecast/...`: series, forecasts, projection, alerts, back-test (its computation is stubbed here)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import migralex.api.forecast as api_forecast


def test_series_list(client: TestClient) -> None:
    r = client.get("/v1/forecast/series")
    assert r.status_code == 200
    ids = {s["series_id"]: s for s in r.json()}
    assert ids["frontex:central-mediterranean"]["parent"] == "frontex:EU"
    assert ids["asylum:DE"]["freq"] == "year"


def test_forecast_with_history(client: TestClient) -> None:
    params = {"series": "frontex:eastern-borders", "horizon": 3, "as_of": "2021-06", "history": 12}
    r = client.get("/v1/forecast", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [row["ds"] for row in body["forecast"]] == ["2021-07-01", "2021-08-01", "2021-09-01"]
    assert len(body["observed"]) == 12 and body["observed"][-1]["ds"] == "2021-06-01"
    assert all(row["lo80"] <= row["mean"] <= row["hi80"] for row in body["forecast"])


def test_errors_name_the_field(client: TestClient) -> None:
    assert client.get("/v1/forecast", params={"series": "frontex:atlantis"}).status_code == 404
    bad = client.get("/v1/forecast", params={"as_of": "June"})
    assert bad.status_code == 422 and "as_of" in bad.text
    assert client.get("/v1/forecast", params={"horizon": 99}).status_code == 422


def test_projection_per_member_state(client: TestClient) -> None:
    r = client.get("/v1/forecast/projection", params={"as_of": "2025-06"})
    assert r.status_code == 200
    rows = {row["country"]: row for row in r.json()["rows"]}
    assert len(rows) == 28 and rows["EU"]["year"] == 2025


def test_alerts_as_of(client: TestClient) -> None:
    r = client.get("/v1/forecast/alerts", params={"as_of": "2021-08"})
    assert r.status_code == 200
    hits = [a for a in r.json()["alerts"] if a["series_id"] == "frontex:eastern-borders"]
    assert any(a["ds"] == "2021-07-01" and a["excess"] > 0 and len(a["history"]) == 12 for a in hits)


def test_backtest_running_then_done(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_forecast, "start_backtest", lambda: None)
    monkeypatch.setitem(api_forecast._STATE, "thread", None)
    assert client.get("/v1/forecast/backtest").json() == {"status": "running"}
    done = {"status": "done", "summary": {"series": 1}, "per_series": [], "alerts": {"events": []}}
    monkeypatch.setattr(api_forecast, "backtest_payload", lambda: done)
    assert client.get("/v1/forecast/backtest").json() == done


def test_start_up_does_not_start_the_backtest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The back-test (about 40 s of CPU) waits for its first request: at start-up it slowed every
    other request (single-case p99 4.5 ms → 124 ms in bench/bench_api.py)."""
    started: list[bool] = []
    monkeypatch.setattr(api_forecast, "start_backtest", lambda: started.append(True))
    api_forecast.warm_up()
    assert started == []


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/v1/forecast/alerts", {"as_of": "2023-13"}, "as_of"),
        ("/v1/forecast/alerts", {"as_of": "2023-01-15"}, "as_of"),
        ("/v1/forecast", {"horizon": 0}, "horizon"),
        ("/v1/forecast", {"horizon": "x"}, "horizon"),
        ("/v1/forecast", {"history": -1}, "history"),
        ("/v1/forecast", {"model": "prophet"}, "model"),
        ("/v1/forecast/projection", {"year": 2100}, "year"),  # in the schema's range, past the data's
        ("/v1/forecast/projection", {"as_of": "2000-01"}, "as_of"),  # no annual data known then
    ],
)
def test_bad_query_parameters_are_422_naming_the_parameter(
    client: TestClient, path: str, params: dict[str, object], name: str
) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert [d["path"] for d in r.json()["detail"]] == [f"query.{name}"]


def test_alerts_answers_are_remembered(client: TestClient) -> None:
    from migralex.forecast import alerts

    first = client.get("/v1/forecast/alerts", params={"as_of": "2021-08"}).json()
    computed = alerts._one_step.computed
    assert client.get("/v1/forecast/alerts", params={"as_of": "2021-08"}).json() == first
    assert alerts._one_step.computed == computed
