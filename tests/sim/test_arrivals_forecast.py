"""The simulator's arrivals drawn from the forecast (migralex.forecast) with its uncertainty."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from migralex.sim import arrivals as A
from migralex.sim.backtest import arrivals_backtest


def test_a_draw_keeps_the_mix_and_scales_each_route_month_to_a_forecast_draw() -> None:
    months = A.forecast_route_months(2023)
    mix = A.route_arrivals(2022)
    drawn = A.draw_route_arrivals(2023, np.random.default_rng(5))
    assert drawn.routes == mix.routes and drawn.detections.shape == mix.detections.shape
    assert (drawn.detections >= 0).all()
    rng = np.random.default_rng(5)  # the same draws, in the same order (routes sorted)
    for route in sorted(set(months["route"])):
        z = rng.standard_normal()
        one = months.filter(pl.col("route") == route).sort("month")
        expected = np.expm1(np.log1p(one["mean"].to_numpy()) + z * one["sigma"].to_numpy()).clip(0)
        rows = [k for k, (r, _) in enumerate(drawn.routes) if r == route]
        assert drawn.detections[rows].sum(axis=(0, 2)) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # nationality shares within a busy route-month are those of the mix year
    k = next(k for k, (r, _) in enumerate(mix.routes) if r == "Central Mediterranean Route")
    share = lambda d: d[k, 7] / d[k, 7].sum()  # noqa: E731
    assert share(drawn.detections) == pytest.approx(share(mix.detections))


def test_forecast_is_made_from_the_year_before_only() -> None:
    months = A.forecast_route_months(2024)
    assert sorted(set(months["month"])) == list(range(1, 13))
    assert (months["sigma"] > 0).all()


def test_arrivals_backtest_reports_both_years_against_naive() -> None:
    bt = arrivals_backtest(years=(2023,), draws=20)
    row = bt.summary.row(0, named=True)
    assert row["year"] == 2023 and 0 < row["weighted_error"] < 1
    assert row["reduction"] == pytest.approx(1 - row["weighted_error"] / row["naive_weighted_error"])
    assert "| 2023 |" in bt.markdown()


def test_a_scenario_can_draw_its_arrivals_from_the_forecast_per_run() -> None:
    from migralex.sim.montecarlo import run_scenario
    from migralex.sim.scenario import load_scenario

    spec = load_scenario("backtest-2023").with_changes(arrivals_source="forecast", days=31, scale=0.004)
    result = run_scenario(spec, runs=2, seed=3, executor_kind="serial")
    detected = [float(r.detected_daily.sum()) for r in result.runs]
    assert detected[0] > 0 and detected[0] != detected[1]  # each run draws its own year
    assert any("drawn from the forecast" in note for note in result.runs[0].notes)


def test_applications_backtest_moves_the_scenario_to_the_year() -> None:
    from migralex.sim.backtest import applications_backtest

    bt = applications_backtest(2024, "forecast", runs=1, scale=0.01)
    assert bt.runs == 1 and bt.table.height == 27
    # compared with Eurostat 2024; the naive forecast is 2023's figure
    observed, naive = A.applications_total(2024), A.applications_total(2023)
    ok = observed > 0
    expected = np.abs(naive[ok] - observed[ok]).sum() / observed[ok].sum()
    assert bt.naive_weighted == pytest.approx(expected)
    assert bt.table["observed"].to_list() == pytest.approx(list(observed), nan_ok=True)
