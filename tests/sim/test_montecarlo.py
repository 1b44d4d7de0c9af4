"""Monte Carlo: bit-identical runs whichever executor ran them; bands; files; persons."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from migralex.errors import InvalidInput
from migralex.sim.engine import ConservationError, check_conservation
from migralex.sim.montecarlo import run_scenario
from migralex.sim.results import SimulationResult

SMALL = {"days": 45, "scale": 0.004, "seed": 42}


@cache
def serial() -> SimulationResult:
    return run_scenario("baseline", runs=3, executor_kind="serial", **SMALL)


def same(a: SimulationResult, b: SimulationResult) -> bool:
    fields = ("counts", "flows", "metrics", "apps_daily", "relief", "arrivals_daily", "detected_daily")
    return all(
        np.array_equal(getattr(x, f), getattr(y, f))
        for x, y in zip(a.runs, b.runs, strict=True)
        for f in fields
    )


def test_process_pool_gives_bit_identical_runs() -> None:
    pooled = run_scenario("baseline", runs=3, executor_kind="process", workers=2, **SMALL)
    assert same(serial(), pooled)


@pytest.mark.slow
def test_dask_local_cluster_gives_bit_identical_runs() -> None:
    pytest.importorskip("distributed")
    dasked = run_scenario("baseline", runs=3, dask="local", workers=1, **SMALL)
    assert same(serial(), dasked)


def test_runs_differ_and_behaviour_ranges_are_drawn_per_run() -> None:
    r = serial()
    assert not np.array_equal(r.runs[0].metrics, r.runs[1].metrics)
    volumes = {run.behaviour["arrival_volume"] for run in r.runs}
    assert len(volumes) == 3 and all(0.85 <= v <= 1.15 for v in volumes)


def test_bands_are_ordered_and_single_runs_are_numbers() -> None:
    summary = serial().summary()
    applications = summary["union"]["applications"]
    assert applications["p5"] <= applications["median"] <= applications["p95"]
    one = run_scenario("baseline", runs=1, **SMALL).summary()
    assert isinstance(one["member_states"]["IT"]["applications"], float)
    assert one["runs"] == 1 and "conservation" in one


def test_summary_is_json_and_counts_scale_back() -> None:
    r = serial()
    summary = json.loads(json.dumps(r.summary()))
    arrivals = sum(run.arrivals_daily.sum() / run.scale for run in r.runs[:1])
    median_arrivals = summary["union"]["arrivals"]["median"]
    assert 0.5 * arrivals < median_arrivals < 2 * arrivals
    assert set(summary["member_states"]) == {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
                                             "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL",
                                             "PT", "RO", "SE", "SI", "SK"}  # fmt: skip


def test_tables_are_written_as_parquet(tmp_path: Path) -> None:
    paths = serial().write(tmp_path)
    daily = pl.read_parquet(paths["daily"])
    assert daily.columns == ["date", "member_state", "stage", "p5", "median", "p95"]
    assert daily.height == 45 * 27 * 16
    occupancy = pl.read_parquet(paths["occupancy"])
    assert {"adequate_capacity", "annual_maximum", "capacity_relief_share"} <= set(occupancy.columns)
    flows = pl.read_parquet(paths["flows"])
    assert (flows["p5"] <= flows["p95"]).all() and flows.filter(pl.col("source") == "arrival").height > 0
    assert json.loads(paths["summary"].read_text("utf-8"))["runs"] == 3


def test_conservation_check_names_the_day() -> None:
    r = run_scenario("baseline", runs=1, keep_persons=True, **SMALL)
    counts = r.runs[0].counts.copy()
    assert r.population is not None
    check_conservation(counts, r.population)
    counts[10, 0, 0] += 1
    with pytest.raises(ConservationError, match="day 10"):
        check_conservation(counts, r.population)


def test_exported_persons_carry_case_and_trajectory() -> None:
    r = run_scenario("baseline", runs=1, keep_persons=True, **SMALL)
    people = r.export_persons(r.applicants()[:5])
    assert len(people) == 5
    for p in people:
        assert p["case"]["registration"]["member_state"] and p["simulated"]["stage"]
    with pytest.raises(InvalidInput, match="keep_persons"):
        serial().applicants()


def test_bad_arguments_are_named() -> None:
    with pytest.raises(InvalidInput, match="runs"):
        run_scenario("baseline", runs=0)
    with pytest.raises(InvalidInput, match="executor"):
        run_scenario("baseline", runs=2, executor_kind="threads", **SMALL)
