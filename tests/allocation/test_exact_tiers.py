"""The MILP stops at an optimum of every tier, not within a relative gap of the combined objective.

Tiers 1-3 are one objective with exact lexicographic weights (AMMR Art. 57(2), 67(3)); a relative
gap of 1e-6 let HiGHS stop ceil(1e-6 x objective) units of the lowest tier short. The reference
here solves the tiers one by one (scipy's `milp`, each tier's own small integer objective, the tiers
above held as constraints), so no weight and no gap is shared with the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp

from migralex.allocation import milp as allocation_milp
from migralex.allocation.params import MatchParams
from migralex.allocation.problem import Problem
from migralex.errors import InvalidInput

ORDER = ("relocated", "links", "vulnerable")


def _problem(cap: list[int], classes: list[tuple[int, int, int, list[int]]]) -> Problem:
    """Classes (size, count, vulnerable members, links per Member State) and places per Member State."""
    capacity = np.asarray(cap, dtype=np.int64)
    size = np.asarray([c[0] for c in classes], dtype=np.int64)
    count = np.asarray([c[1] for c in classes], dtype=np.int64)
    vulnerable = np.asarray([c[2] for c in classes], dtype=np.float64)
    links = np.asarray([c[3] for c in classes], dtype=np.float64)
    cls, state = np.nonzero(size[:, None] <= capacity[None, :])
    value = {"relocated": size[cls].astype(np.float64), "links": links[cls, state],
             "vulnerable": vulnerable[cls], "integration": np.zeros(len(cls))}  # fmt: skip
    unlinked = np.where(links.sum(axis=1) == 0, size, 0)[cls].astype(np.float64)
    return Problem(len(classes), capacity, size, count, cls, state, value, unlinked,
                   np.repeat(np.arange(len(classes)), count))  # fmt: skip


def _lexicographic(problem: Problem) -> list[float]:
    """Each tier's optimum, tier by tier, with the tiers above held at theirs (scipy, gap 0)."""
    n = len(problem.cls)
    rows = [
        LinearConstraint(np.eye(problem.n_classes)[problem.cls].T, 0, problem.count),
        LinearConstraint(np.eye(len(problem.capacity))[problem.state].T * problem.size[problem.cls], 0,
                         problem.capacity),
    ]  # fmt: skip
    fits = problem.capacity[problem.state] // problem.size[problem.cls]
    upper = np.minimum(problem.count[problem.cls], fits)
    optima = []
    for tier in ORDER:
        c = problem.value[tier]
        res = milp(-c, constraints=rows, integrality=np.ones(n), bounds=(0, upper),
                   options={"mip_rel_gap": 0.0})  # fmt: skip
        assert res.status == 0
        optima.append(round(-res.fun))
        rows.append(LinearConstraint(c[None, :], optima[-1] - 0.5, np.inf))
    return optima


# Found by a search over random batches of 2-5 Member States and 3-7 classes (12 of 4,888 stopped
# short; this one: 4 Member States, 52 places, 716 persons in 5 classes of units). The combined
# objective is about 3.4e6: the relative gap of 1e-6 allowed 3 units, and HiGHS stopped with 51
# vulnerable persons placed instead of 52 (gap reported 2.9e-7, status optimal).
STOPPED_SHORT = (
    [3, 5, 30, 14],
    [(2, 13, 2, [0, 0, 0, 0]), (3, 59, 3, [0, 3, 0, 0]), (1, 41, 0, [0, 0, 0, 0]),
     (4, 24, 3, [0, 0, 0, 0]), (4, 94, 1, [0, 0, 0, 0])],
)  # fmt: skip


def test_a_batch_where_a_relative_gap_stopped_short_of_the_vulnerable_tier() -> None:
    problem = _problem(*STOPPED_SHORT)
    _, stages = allocation_milp.solve(problem, MatchParams(order=ORDER))
    assert _lexicographic(problem) == [52, 3, 52]
    assert [round(s.objective, 6) for s in stages] == [52, 3, 52]
    assert all(s.status == "Optimal" and s.gap == 0.0 for s in stages)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Few Member States and classes, but counts up to 3,000 units: weights of 1e6-1e8 and more."""
    cap = draw(st.lists(st.integers(3, 40), min_size=2, max_size=5))
    n = len(cap)
    unit = st.integers(1, 5).flatmap(
        lambda size: st.tuples(st.just(size), st.integers(1, 3000), st.integers(0, size),
                               st.lists(st.sampled_from([0, size]), min_size=n, max_size=n))
    )  # fmt: skip
    return _problem(cap, draw(st.lists(unit, min_size=3, max_size=7)))


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_tier_is_at_its_own_optimum(problem: Problem) -> None:
    _, stages = allocation_milp.solve(problem, MatchParams(order=ORDER))
    assert [round(s.objective, 6) for s in stages] == _lexicographic(problem)


def test_a_relative_gap_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInput, match="removed: every tier is solved to its optimum"):
        MatchParams.from_mapping({"mip_rel_gap": 1e-6})
