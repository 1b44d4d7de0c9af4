"""The end of temporary protection (sim.tp_end, scenario tp-end-2027): the stock is conserved, the
shares stay in their ranges, the applications join the population, other scenarios are untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from migralex.cases.codes import NATIONALITY_INDEX
from migralex.countries import EU27
from migralex.data import load
from migralex.errors import InvalidInput
from migralex.law import params
from migralex.sim import tp_end
from migralex.sim.engine import simulate
from migralex.sim.population import O_DIRECT
from migralex.sim.scenario import load_scenario

SCENARIO = "tp-end-2027"


def _shipped_latest() -> dict[str, int]:
    tp = load("temporary_protection").filter(pl.col("beneficiaries").is_not_null())
    latest = tp.sort("month").group_by("country").last()
    return dict(zip(latest["country"], latest["beneficiaries"], strict=True))


def test_end_date_is_the_dated_parameter_of_its_act() -> None:
    p = params()["tp.ukraine.end_date"]
    value = p.value_at("2026-06-01")
    assert value.value == dt.date(2027, 3, 4)
    assert value.confidence == "SECONDARY"
    assert value.ref.act == "TP_UA_2025"
    assert "2025/1460" in (value.note or "")


def test_transitions_conserve_the_stock_of_every_member_state() -> None:
    scenario = load_scenario(SCENARIO)
    rng = np.random.default_rng(7)
    t = tp_end.draw(scenario, rng)
    shipped = _shipped_latest()
    stock = np.array([shipped.get(ms, 0) for ms in EU27], dtype=float)
    change = float(t.counts.sum() / stock.sum())
    spec = scenario.temporary_protection_end
    assert spec is not None
    assert spec.stock_change.low is not None and spec.stock_change.high is not None
    assert spec.stock_change.low - 1e-3 <= change <= spec.stock_change.high + 1e-3
    np.testing.assert_allclose(t.counts.sum(axis=1), np.round(stock * change), atol=1)
    assert t.end_date == dt.date(2027, 3, 4)
    for name, share in t.shares.items():
        v = spec.draw_share(name, None)  # the middle of the range
        assert 0 < share <= 1 and abs(share - v) <= v  # inside [low, high] for these symmetric ranges


def test_shares_above_one_are_scaled_down_and_said(tmp_path: Path) -> None:
    raw = yaml.safe_load((Path(tp_end.__file__).parent / "scenarios" / f"{SCENARIO}.yaml").read_text("utf-8"))
    for name in ("international_protection", "national_permit", "return", "onward_movement"):
        raw["temporary_protection_end"][name] = {"value": 0.5, "source": "test"}
    raw["name"] = "over"
    path = tmp_path / "over.yaml"
    path.write_text(yaml.safe_dump(raw), "utf-8")
    t = tp_end.draw(load_scenario(path), np.random.default_rng(1))
    assert sum(t.shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert t.counts[:, -1].sum() == 0  # nothing left without a status
    assert any("scaled down" in n for n in t.notes)


def test_applications_fall_around_the_end_date_at_the_run_scale() -> None:
    scenario = load_scenario(SCENARIO).with_changes(scale=0.01)
    t = tp_end.draw(scenario, np.random.default_rng(3))
    ms, day, notes = tp_end.applications(scenario, t, np.random.default_rng(4))
    spec = scenario.temporary_protection_end
    assert spec is not None
    end_day = (dt.date(2027, 3, 4) - scenario.start).days + 1
    assert day.min() >= end_day - spec.lead_days and day.max() < end_day + spec.spread_days
    expected = t.counts[:, 0] * 0.01
    got = np.bincount(ms, minlength=len(EU27))
    big = expected > 500
    assert big.any()
    np.testing.assert_allclose(got[big], expected[big], rtol=0.15)
    assert notes == []


def test_short_run_leaves_out_later_applications_and_says_so() -> None:
    scenario = load_scenario(SCENARIO).with_changes(scale=0.01, days=70)
    t = tp_end.draw(scenario, np.random.default_rng(3))
    _, day, notes = tp_end.applications(scenario, t, np.random.default_rng(4))
    assert (day < 70).all()
    assert notes and "outside the simulated days" in notes[0]


def test_the_kernel_processes_the_applications_and_the_summary_has_bands() -> None:
    from migralex.sim.montecarlo import run_scenario

    result = run_scenario(SCENARIO, days=120, runs=2, scale=0.002, executor_kind="serial")
    summary = result.summary()
    section = summary["temporary_protection_end"]
    assert section["end_date"] == "2027-03-04"
    assert set(section["union"]) == set(tp_end.OUTCOMES)
    band = section["union"]["international_protection"]
    assert band["p5"] <= band["median"] <= band["p95"]
    assert len(section["shares_per_run"]) == 2
    base = run_scenario("baseline", days=120, runs=1, scale=0.002, executor_kind="serial").summary()
    assert "temporary_protection_end" not in base
    assert summary["union"]["applications"]["median"] > base["union"]["applications"]


def test_ukrainian_direct_applicants_join_the_population() -> None:
    scenario = load_scenario(SCENARIO).with_changes(scale=0.002, days=120)
    run = simulate(scenario, 5, keep_persons=True)
    pop = run.population
    assert pop is not None and pop.tp_transitions is not None
    ua = (pop.nat == NATIONALITY_INDEX["UA"]) & (pop.origin == O_DIRECT)
    end_day = (dt.date(2027, 3, 4) - scenario.start).days + 1
    late = ua & (pop.arr_day >= end_day - 30)
    assert late.sum() > 0.5 * pop.tp_transitions.counts[:, 0].sum() * 0.002 * 0.5


def test_unknown_key_in_the_block_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump({"name": "bad", "temporary_protection_end": {"stock_change": 1, "retrun": 0.1}}),
        "utf-8",
    )
    with pytest.raises(InvalidInput, match="temporary_protection_end"):
        load_scenario(path)


def test_a_later_end_date_in_the_law_overlay_moves_the_applications() -> None:
    scenario = load_scenario(SCENARIO).with_changes(scale=0.01, law={"tp.ukraine.end_date": "2027-09-04"})
    t = tp_end.draw(scenario, np.random.default_rng(3))
    assert t.end_date == dt.date(2027, 9, 4)
    _, day, _ = tp_end.applications(scenario, t, np.random.default_rng(4))
    assert day.min() >= (dt.date(2027, 9, 4) - scenario.start).days + 1 - 30
    with pytest.raises(InvalidInput, match=r"tp\.ukraine\.end_date"):
        load_scenario(SCENARIO).with_changes(law={"tp.ukraine.end_date": "4 March"})


def _accounting(scenario_changes: dict[str, object], seed: int = 9) -> tuple[np.ndarray, object]:
    scenario = load_scenario(SCENARIO).with_changes(scale=0.002, **scenario_changes)
    run = simulate(scenario, seed, keep_persons=True)
    assert run.tp_accounting is not None and run.population is not None
    return run.tp_accounting, run


def test_every_simulated_application_is_registered_or_waits_for_registration() -> None:
    """The identity: applications drawn into the run = registered + still in the registration queue."""
    acc, run = _accounting({})
    names = list(tp_end.ACCOUNTING)
    simulated, registered, waiting, unaccounted = (acc[:, names.index(c)] for c in names)
    np.testing.assert_array_equal(simulated, registered + waiting)
    assert unaccounted.sum() == 0
    pop = run.population
    inside = pop.tp_applicant & (pop.arr_day < run.days)
    np.testing.assert_array_equal(simulated, np.bincount(pop.app_ms[inside], minlength=len(EU27)))
    assert simulated.sum() == inside.sum() > 0
    # the registered ones are counted as applications (M_APPLICATIONS) of their Member State
    from migralex.sim.stages import M_APPLICATIONS

    assert (run.metrics[:, M_APPLICATIONS] >= registered).all()


def test_the_registration_capacity_is_why_applications_wait() -> None:
    """Poland's registration capacity (1.5 x its mean daily applications of the calibration year) is far
    below the applications of its temporary-protection stock; lifting it registers them all."""
    pl_ = EU27.index("PL")
    acc, _ = _accounting({})
    waiting = list(tp_end.ACCOUNTING).index("waiting_registration")
    assert acc[pl_, waiting] > 0.5 * acc[pl_, 0]
    scenario = load_scenario(SCENARIO)
    behaviour = scenario.behaviour.model_dump()
    behaviour["registration_capacity_factor"]["overrides"]["PL"] = {"value": 100.0, "source": "test"}
    lifted, _ = _accounting({"behaviour": behaviour})
    assert lifted[pl_, waiting] == 0 and lifted[pl_, 0] > 0
