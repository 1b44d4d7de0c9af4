"""The matching on arrays: the solve behind `match_batch`, for callers that already hold numbers.

`match_batch` checks a persons table, groups families and builds the matrices below; the simulator
(`migralex.sim.relocation`) builds them directly from its own arrays every simulated week, without
a table. Both then call `match_arrays`, so a batch is matched by the same code either way
(AMMR Art. 67(3)-(6)).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from migralex.allocation import greedy, milp
from migralex.allocation.milp import Stage
from migralex.allocation.params import MatchParams
from migralex.allocation.problem import build, per_unit, unit_states
from migralex.allocation.tiebreak import reassign
from migralex.errors import InvalidInput

METHODS = ("milp", "greedy")


@dataclass(frozen=True)
class Batch:
    """A checked batch as arrays: persons (rows) x Member States of relocation (columns)."""

    group_of_person: np.ndarray  # int: the matching unit of each person (a family, or alone)
    placeable: np.ndarray  # bool per unit: it may be relocated at all (Art. 67(2), (4), (5))
    links: np.ndarray  # bool [person, state]: meaningful links (Art. 67(3))
    vulnerable: np.ndarray  # bool per person
    score: np.ndarray  # float [person, state]: integration score (an aid), zeros when unused
    barred: np.ndarray  # bool [person, state]: the person's benefitting Member State
    capacity: np.ndarray  # int [state]: places offered


def match_arrays(batch: Batch, params: MatchParams, method: str = "milp") -> tuple[np.ndarray, list[Stage]]:
    """Member State column per person (-1: not placed) and the tiers solved (AMMR Art. 67(3)-(6)).

    The integration score breaks ties inside the legal tiers' optimum when `params.order` names it
    and the method is the MILP (`tiebreak.reassign`)."""
    if method not in METHODS:
        raise InvalidInput("method", f"must be one of {', '.join(METHODS)}")
    coarse = np.zeros(batch.score.shape)
    problem = build(
        batch.group_of_person, batch.placeable, batch.links, batch.vulnerable, coarse, batch.barred,
        batch.capacity,
    )  # fmt: skip
    if method == "milp":
        legal = tuple(t for t in params.order if t != "integration")
        x, stages = milp.solve(problem, replace(params, order=legal))
    else:
        x, stages = greedy.solve(problem), []
    unit_state = unit_states(problem, x)
    use_score = "integration" in params.order and batch.capacity.size > 0
    if use_score and method == "milp" and len(unit_state):
        unit_score = per_unit(batch.group_of_person, len(unit_state), batch.score)
        unit_state, total = reassign(problem.class_of_unit, unit_state, unit_score)
        stages.append(Stage("integration", total, 0.0, "Optimal", 0.0))
    return unit_state[batch.group_of_person], stages
