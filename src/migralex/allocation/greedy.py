"""The greedy baseline: units in order, each to a linked Member State with room, else the emptiest."""

from __future__ import annotations

import numpy as np

from migralex.allocation.problem import Problem


def solve(problem: Problem) -> np.ndarray:
    """Units per pair: vulnerable classes first, then input order; links first, then most places left.

    A first-come rule of thumb without look-ahead (AMMR Art. 67(3)-(4) honoured one unit at a
    time); one Python step per unit - it is the baseline the MILP is measured against.
    """
    x = np.zeros(len(problem.cls))
    left = problem.capacity.astype(np.int64).copy()
    vuln = np.zeros(problem.n_classes)
    np.maximum.at(vuln, problem.cls, problem.value["vulnerable"])
    first_unit = np.full(problem.n_classes, len(problem.class_of_unit))
    np.minimum.at(first_unit, problem.class_of_unit, np.arange(len(problem.class_of_unit)))
    starts = np.searchsorted(problem.cls, np.arange(problem.n_classes + 1))
    for c in np.lexsort((first_unit, -vuln)):
        pairs = np.arange(starts[c], starts[c + 1])
        for _ in range(int(problem.count[c])):
            room = pairs[left[problem.state[pairs]] >= problem.size[c]]
            if len(room) == 0:
                break
            key = problem.value["links"][room] * 1e6 + left[problem.state[room]]
            best = int(room[np.argmax(key)])
            x[best] += 1
            left[problem.state[best]] -= problem.size[c]
    return x
