"""The back-test's error metric and comparison."""

from __future__ import annotations

import numpy as np
import pytest

from migralex.sim.backtest import ape, compare, weighted_error
from migralex.sim.montecarlo import run_scenario


def test_percentage_errors() -> None:
    assert np.allclose(ape(np.array([110, 50, 7]), np.array([100, 100, 0]))[:2], [0.1, 0.5])
    assert np.isnan(ape(np.array([7]), np.array([0]))[0])
    assert weighted_error(np.array([110, 50]), np.array([100, 100])) == pytest.approx(60 / 200)


def test_comparison_with_eurostat_2023() -> None:
    result = run_scenario("backtest-2023", runs=2, seed=1, scale=0.01, executor_kind="serial")
    bt = compare(result)
    assert bt.table.height == 27
    assert (bt.table["p5"] <= bt.table["p95"]).all()
    assert 0 <= bt.coverage <= 1 and np.isfinite(bt.mape)
    # the driving arrivals do reach Italy: the monthly sea arrivals are of the observed order
    assert 0.5 < bt.italy_monthly["simulated"].sum() / bt.italy_monthly["observed"].sum() < 1.5
    assert "| IT |" in bt.markdown()
