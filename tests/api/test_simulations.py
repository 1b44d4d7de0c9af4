"""/v1/simulations: scenario runs in the background, progress, the simulator's own result, back-pressure."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from migralex.api import ApiSettings, create_app
from migralex.api.simulations import result_json
from migralex.sim.montecarlo import run_scenario
from migralex.sim.scenario import scenario_names

SMALL = {"scenario": "baseline", "days": 20, "runs": 2, "seed": 7, "scale": 0.05}


def wait(client: TestClient, job_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        job = client.get(f"/v1/simulations/{job_id}").json()
        seen.append(job["progress"])
        if job["state"] in ("done", "failed"):
            assert seen == sorted(seen), "progress went backwards"
            return job
        time.sleep(0.2)
    raise AssertionError("the simulation did not finish")


def test_scenarios_are_the_shipped_ones(client: TestClient) -> None:
    body = client.get("/v1/simulations/scenarios").json()
    assert [s["name"] for s in body] == scenario_names()
    assert all(s["days"] > 0 and 0 < s["scale"] <= 1 for s in body)


def test_a_run_reports_progress_and_gives_the_simulators_result(client: TestClient) -> None:
    r = client.post("/v1/simulations", json=SMALL)
    assert r.status_code == 202 and r.headers["location"] == f"/v1/simulations/{r.json()['id']}"
    job = wait(client, r.json()["id"])
    assert job["state"] == "done" and job["progress"] == 1.0 and job["error"] is None
    result = job["result"]
    direct = run_scenario("baseline", days=20, runs=2, seed=7, scale=0.05, executor_kind="serial")
    expected = json.loads(json.dumps(result_json(direct)))
    for answer in (result, expected):  # wall-clock timings of the runs differ, everything else may not
        answer["summary"].pop("median_timings_s")
    assert result == expected
    occupancy = result["occupancy"]
    assert len(occupancy["dates"]) == 20 == len(occupancy["union"]["median"])
    assert all(
        lo <= mid <= hi
        for lo, mid, hi in zip(*(occupancy["union"][k] for k in ("p5", "median", "p95")), strict=True)
    )
    assert {f["source"] for f in result["flows"]["union"]} >= {"arrival"}
    listed = client.get("/v1/simulations").json()
    assert job["id"] in [j["id"] for j in listed] and all(j["result"] is None for j in listed)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"scenario": "no-such-scenario"}, "$.scenario"),
        ({"scenario": "../../etc/passwd"}, "$.scenario"),
        ({"days": 0}, "$.days"),
        ({"runs": 100000}, "$.runs"),
        ({"scale": 1.5}, "$.scale"),
        ({"colour": "red"}, "$.colour"),
    ],
)
def test_bad_requests_name_the_field(client: TestClient, change: dict, path: str) -> None:
    r = client.post("/v1/simulations", json=SMALL | change)
    assert r.status_code == 422 and path in [d["path"] for d in r.json()["detail"]]


def test_server_limits_apply_and_a_full_queue_is_429() -> None:
    with TestClient(create_app(ApiSettings(max_simulation_days=10, max_queued_simulations=0))) as small:
        r = small.post("/v1/simulations", json=SMALL)
        assert r.status_code == 422 and r.json()["detail"][0]["path"] == "$.days"
        r = small.post("/v1/simulations", json=SMALL | {"days": 5})
        assert r.status_code == 429 and r.headers["retry-after"] == "10" and r.json()["error"] == "busy"


def test_unknown_job_is_404(client: TestClient) -> None:
    r = client.get("/v1/simulations/0123456789abcdef")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
