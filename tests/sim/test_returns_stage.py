"""The returns stage (sim/returns.py): conservation of persons, destinations, and the effect of the
mutual recognition of return decisions with common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

from migralex.cases import codes as C
from migralex.sim.returns import FIGURES, returns_stage
from migralex.sim.scenario import load_scenario, scenario_names
from migralex.sim.stages import APPEAL, IRREGULAR_STAY, RETURN_PENDING, RETURNED

N_MS, N, N_NAT = 27, 200_000, len(C.NATIONALITIES)


@pytest.fixture(scope="module")
def population() -> dict[str, np.ndarray]:
    """Persons at the end of a run: stage, Member State, nationality, and nationality destinations."""
    rng = np.random.default_rng(7)
    stage = rng.choice([RETURNED, IRREGULAR_STAY, RETURN_PENDING, APPEAL], N, p=[0.15, 0.5, 0.15, 0.2])
    dest = rng.dirichlet(np.ones(N_MS), size=N_NAT)
    return {
        "stage": stage.astype(np.int8),
        "loc": rng.integers(0, N_MS, N).astype(np.int8),
        "nat": rng.integers(0, N_NAT, N).astype(np.int16),
        "dest_cdf": np.cumsum(dest, axis=1),
    }


def _run(
    pop: dict[str, np.ndarray], recognition: bool, seed: int = 1, **changes: object
) -> dict[str, np.ndarray]:
    r = load_scenario("baseline").returns
    assert r is not None
    r = r.model_copy(update={"mutual_recognition": recognition, **changes})
    out = returns_stage(
        r, np.random.SeedSequence(seed), pop["stage"], pop["loc"], pop["nat"], pop["dest_cdf"], N_MS
    )
    return {k: v.sum() for k, v in out["counts"].items()}


def test_every_absconder_is_returned_applies_or_stays(population: dict[str, np.ndarray]) -> None:
    for recognition in (False, True):
        c = _run(population, recognition)
        assert set(c) == set(FIGURES)
        assert (
            c["absconded"]
            == c["returned_from_elsewhere"] + c["onward_applications"] + c["secondary_movements_at_end"]
        )
        assert c["voluntary_departures"] + c["removals"] == (population["stage"] == RETURNED).sum()
        assert c["apprehended_elsewhere"] <= c["absconded"]


def test_recognition_returns_more_and_leaves_fewer_secondary_movements(
    population: dict[str, np.ndarray],
) -> None:
    """Same seed, same persons: only the enforcement after an apprehension elsewhere differs."""
    base, rec = _run(population, False), _run(population, True)
    assert (
        base["absconded"] == rec["absconded"]
        and base["apprehended_elsewhere"] == rec["apprehended_elsewhere"]
    )
    assert rec["returned_from_elsewhere"] > base["returned_from_elsewhere"]
    assert rec["onward_applications"] < base["onward_applications"]
    assert rec["secondary_movements_at_end"] < base["secondary_movements_at_end"]


def test_with_no_apprehension_recognition_changes_nothing(population: dict[str, np.ndarray]) -> None:
    from migralex.sim.scenario import Value

    none = Value(value=0.0, source="test")
    assert _run(population, False, apprehension=none) == _run(population, True, apprehension=none)


def test_absconders_go_to_another_member_state() -> None:
    """With one destination only, absconders from it go elsewhere; from elsewhere they go there."""
    dest = np.zeros((1, N_MS))
    dest[0, 3] = 1.0
    stage = np.full(1000, IRREGULAR_STAY, np.int8)
    loc = np.r_[np.full(500, 3), np.full(500, 5)].astype(np.int8)
    r = load_scenario("baseline").returns
    assert r is not None
    r = r.model_copy(update={"absconding": r.apprehension.model_copy(update={"value": 1.0})})
    out = returns_stage(
        r, np.random.SeedSequence(2), stage, loc, np.zeros(1000, np.int16), np.cumsum(dest, 1), N_MS
    )
    there = out["counts"]["apprehended_elsewhere"] + out["counts"]["onward_applications"]
    assert there[3] > 0 and out["counts"]["absconded"][3] == 500


def test_the_recognition_scenario_is_shipped_and_differs_only_in_the_switch() -> None:
    assert "return-recognition" in scenario_names()
    base, rec = load_scenario("baseline"), load_scenario("return-recognition")
    assert base.returns is not None and rec.returns is not None
    assert not base.returns.mutual_recognition and rec.returns.mutual_recognition
    assert base.returns.model_copy(update={"mutual_recognition": True}) == rec.returns
    assert (
        base.returns.effective_rate.default.source
        and "one in five" in base.returns.effective_rate.default.source
    )
