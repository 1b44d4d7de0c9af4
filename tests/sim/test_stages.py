"""The described model (stages.ACTIONS, stages.TRANSITIONS) is the one the kernel and the oracle run."""

from __future__ import annotations

import numpy as np

from migralex.sim import kernel, kernel_steps
from migralex.sim.engine import prepare
from migralex.sim.oracle_simpy import run_oracle
from migralex.sim.relocation import pro_rata, run_weekly
from migralex.sim.scenario import load_scenario
from migralex.sim.stages import (
    ACTION_CODE,
    ACTIONS,
    ARRIVAL,
    STAGES,
    STEPS,
    TRANSITIONS,
    allowed_transitions,
)


def outside_the_graph(flows: np.ndarray) -> list[tuple[str, str]]:
    """Transitions that happened (summed over Member States) but are not in the table."""
    used = flows.sum(axis=0) > 0
    names = [*STAGES, "arrival"]
    return [(names[a], STAGES[b]) for a, b in zip(*np.nonzero(used & ~allowed_transitions()), strict=True)]


def test_every_action_has_a_step_and_a_basis() -> None:
    assert len({a.name for a in ACTIONS}) == len(ACTIONS)
    assert {a.step for a in ACTIONS} == set(STEPS)
    assert all(a.basis.strip() for a in ACTIONS)
    assert kernel.STEP_OF[0] == -1 and list(kernel.STEP_OF[1:]) == [STEPS.index(a.step) for a in ACTIONS]


def test_kernel_action_codes_follow_the_table() -> None:
    assert kernel_steps.ARRIVE == ACTION_CODE["arrive"] == 1
    assert kernel_steps.NOT_RETURNED == ACTION_CODE["not_returned"] == len(ACTIONS)
    assert ACTION_CODE["relocated"] == kernel_steps.RELOCATED


def test_the_stage_graph_names_real_stages_once() -> None:
    edges = [(a, b) for a, b, _ in TRANSITIONS]
    assert len(edges) == len(set(edges))
    assert {a for a, _ in edges} <= {*STAGES, "arrival"} and {b for _, b in edges} <= set(STAGES)
    assert allowed_transitions()[ARRIVAL].sum() == 4


def test_kernel_and_oracle_move_only_along_the_graph() -> None:
    """A crisis scenario covers the border, Dublin, relocation and return branches; the oracle
    raises on any move outside the graph, the kernel's flow matrix is checked here."""
    scenario = load_scenario("lampedusa-surge-crisis").with_changes(scale=0.005, days=200)
    x, *_ = prepare(scenario, 3)
    out = run_weekly(x, scenario.start, pro_rata)
    assert outside_the_graph(out.flows) == []
    oracle = run_oracle(x, 4, scenario.start)
    assert outside_the_graph(oracle.flows) == []
    assert (out.flows.sum(axis=0) > 0).sum() >= 25  # most edges are exercised
    assert out.flows[:, :, STAGES.index("relocation")].sum() > 0  # relocation included


def test_a_move_outside_the_graph_is_caught() -> None:
    flows = np.zeros((1, len(STAGES) + 1, len(STAGES)), np.int64)
    flows[0, STAGES.index("protected"), STAGES.index("border")] = 1
    assert outside_the_graph(flows) == [("protected", "border")]
