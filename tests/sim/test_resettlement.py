"""Resettled persons as an inflow per Member State (sim/resettlement.py), parameterised by the Union Plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from migralex.countries import EU27
from migralex.resettlement import plan as plan_module
from migralex.sim import resettlement
from migralex.sim.scenario import load_dict, load_scenario


def test_the_whole_plan_period_admits_the_adopted_total_times_completion() -> None:
    f = resettlement.inflow(dt.date(2026, 1, 1), 730, completion=0.79)
    assert f.daily.sum() == pytest.approx(10430 * 0.79)
    assert f.daily.shape == (730, len(EU27))
    assert f.assumption is not None and "ILLUSTRATIVE" in f.assumption


def test_no_inflow_outside_the_plan_period() -> None:
    f = resettlement.inflow(dt.date(2025, 12, 1), 31)
    assert f.daily.sum() == 0
    after = resettlement.inflow(dt.date(2027, 12, 31), 10)
    assert after.daily[0].sum() > 0 and after.daily[1:].sum() == 0


def test_known_pledges_are_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    real = plan_module.plan()
    fake = dataclasses.replace(real, pledges={"DE": 730, "PT": 365})
    monkeypatch.setattr(resettlement, "plan", lambda name="union-2026-2027": fake)
    f = resettlement.inflow(dt.date(2026, 1, 1), 730)
    totals = dict(zip(f.totals()["member_state"], f.totals()["resettled"], strict=True))
    assert totals["DE"] == pytest.approx(730) and totals["PT"] == pytest.approx(365)
    assert sum(v for k, v in totals.items() if k not in ("DE", "PT")) == 0
    assert f.assumption is None
    assert np.allclose(f.daily[:, EU27.index("DE")], 1.0)


def test_the_scenario_carries_the_plan_and_its_completion() -> None:
    s = load_scenario("resettlement-2026-2027")
    assert s.resettlement is not None and s.resettlement.completion == pytest.approx(0.79)
    assert load_scenario("baseline").resettlement is None


def test_a_bad_completion_is_refused_with_its_field() -> None:
    raw = load_scenario("resettlement-2026-2027").model_dump(mode="json")
    raw["resettlement"]["completion"] = 1.5
    with pytest.raises(Exception, match="completion"):
        load_dict(raw, "test")


def test_resettled_persons_enter_protected_and_nothing_else_changes() -> None:
    """Same seed as the baseline: the kernel's persons, applications and counters are identical; the
    resettled add to `protected` of their Member State from their arrival day (URF Art. 9(15))."""
    from migralex.sim.engine import check_conservation, simulate
    from migralex.sim.stages import ARRIVAL, M_APPLICATIONS, PROTECTED

    changes = {"scale": 0.05, "days": 60}
    with_r = simulate(load_scenario("resettlement-2026-2027").with_changes(**changes), 4, keep_persons=True)
    base = simulate(load_scenario("baseline").with_changes(**changes), 4)
    daily = with_r.resettled
    assert daily is not None and base.resettled is None
    assert daily.shape == (60, len(EU27)) and daily.sum() > 0
    np.testing.assert_array_equal(with_r.metrics, base.metrics)
    np.testing.assert_array_equal(with_r.apps_daily, base.apps_daily)
    diff = with_r.counts.astype(np.int64) - base.counts
    np.testing.assert_array_equal(diff[:, :, PROTECTED], np.cumsum(daily, axis=0))
    diff[:, :, PROTECTED] = 0
    assert not diff.any()
    assert (with_r.flows - base.flows)[:, ARRIVAL, PROTECTED].tolist() == daily.sum(axis=0).tolist()
    assert with_r.metrics[:, M_APPLICATIONS].sum() == base.metrics[:, M_APPLICATIONS].sum()
    # the extended conservation law: persons of the kernel + the resettled so far
    counts = with_r.counts.copy()
    counts[:, :, PROTECTED] -= np.cumsum(daily, axis=0, dtype=counts.dtype)
    assert with_r.population is not None
    check_conservation(counts, with_r.population)


def test_the_summary_counts_the_resettled_apart_from_applications() -> None:
    from migralex.sim.montecarlo import run_scenario

    s = run_scenario("resettlement-2026-2027", days=90, runs=2, scale=0.05, executor_kind="serial").summary()
    expected = resettlement.inflow(dt.date(2027, 1, 1), 90, completion=0.79).daily.sum()
    band = s["union"]["resettled"]
    assert 0.7 * expected < band["median"] < 1.3 * expected
    assert "AMMR Art. 9(3)(a)(viii)" in s["figures"]["resettled"]
    assert any("ILLUSTRATIVE" in n for n in s["notes"])
    base = run_scenario("baseline", days=30, runs=1, scale=0.01, executor_kind="serial").summary()
    assert "resettled" not in base["union"] and "resettled" not in base["figures"]
