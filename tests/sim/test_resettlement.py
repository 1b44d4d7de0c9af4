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
