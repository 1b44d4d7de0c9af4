"""The batch as a MILP solved with HiGHS, tier by tier (lexicographic objective, AMMR Art. 67).

Stopping rule: HiGHS stops at an optimum of every tier, never within a gap of the combined
objective. Each solve's objective takes integer values on integer solutions (tiers 1-3 and the Art.
67(4) tie-breaks: integer values times integer weights; fair_share: minus a deviation from integer
targets), and one unit of the lowest tier in it is the objective's smallest step. HiGHS stops when
its incumbent is within `mip_abs_gap`, or within `mip_rel_gap` times the objective, of its dual
bound; a relative gap of 1e-6 therefore let it stop up to ceil(1e-6 x objective) - 1 steps short:
6-9 units of the vulnerable tier on weekly batches of 600 persons (objectives 6.7e6-9.7e6; the
demo's weeks up to 5.8e6: 5 units; a link weighs 43-95) and more than a link at 2,000 persons
(3.7e8: 365 units, a link weighs 269). Every solve here has `mip_rel_gap` 0 and `mip_abs_gap` 0.5,
below the one-unit step: HiGHS stops only when no solution better by a whole unit of the lowest tier
can be left, so the answer is optimal in every tier whatever the solver's path; only the time limit
stops it earlier, and the stage's status then says so.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from fractions import Fraction

import highspy
import numpy as np

from migralex.allocation.params import MatchParams
from migralex.allocation.problem import Problem
from migralex.cycle.apportionment import apportion
from migralex.errors import MigralexError

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Stage:
    """One tier solved: its optimum (as found), the gap HiGHS reports, its status and time."""

    tier: str
    objective: float
    gap: float
    status: str
    seconds: float


def _model(problem: Problem, integer: bool = True) -> highspy.Highs:
    """Integer x[pair] (units of a class), 2 deviations per Member State; class/capacity/share rows
    (`integer=False`: the same model with x continuous, its LP relaxation)."""
    n_pairs, n_states = len(problem.cls), len(problem.capacity)
    n_units = problem.n_classes  # one row per class: at most `count` units of it placed
    cols = n_pairs + 2 * n_states
    # column-wise matrix: a pair sits in its unit's row, its state's capacity row and share row
    starts = np.zeros(cols + 1, dtype=np.int32)
    pair_nnz = 3
    starts[1 : n_pairs + 1] = pair_nnz * np.arange(1, n_pairs + 1)
    starts[n_pairs + 1 :] = pair_nnz * n_pairs + np.arange(1, 2 * n_states + 1)
    idx = np.empty(pair_nnz * n_pairs + 2 * n_states, dtype=np.int32)
    val = np.empty_like(idx, dtype=np.float64)
    idx[0 : 3 * n_pairs : 3] = problem.cls
    idx[1 : 3 * n_pairs : 3] = n_units + problem.state
    idx[2 : 3 * n_pairs : 3] = n_units + n_states + problem.state
    val[0 : 3 * n_pairs : 3] = 1.0
    val[1 : 3 * n_pairs : 3] = problem.size[problem.cls]
    val[2 : 3 * n_pairs : 3] = problem.unlinked
    share_rows = n_units + n_states + np.arange(n_states)
    idx[3 * n_pairs :: 2] = share_rows
    idx[3 * n_pairs + 1 :: 2] = share_rows
    val[3 * n_pairs :: 2] = -1.0  # d_plus: above target
    val[3 * n_pairs + 1 :: 2] = 1.0  # d_minus: below target
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = cols, n_units + 2 * n_states
    lp.col_cost_ = np.zeros(cols)
    lp.col_lower_ = np.zeros(cols)
    fits = problem.capacity[problem.state] // problem.size[problem.cls]
    most = np.minimum(problem.count[problem.cls], fits)
    lp.col_upper_ = np.concatenate([most.astype(np.float64), np.full(2 * n_states, INF)])
    lp.row_lower_ = np.concatenate([np.full(n_units + n_states, -INF), np.full(n_states, -INF)])
    lp.row_upper_ = np.concatenate(
        [problem.count.astype(np.float64), problem.capacity.astype(np.float64), np.full(n_states, INF)]
    )
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, idx, val
    kinds = highspy.HighsVarType
    if integer:
        lp.integrality_ = [kinds.kInteger] * n_pairs + [kinds.kContinuous] * (2 * n_states)
    lp.sense_ = highspy.ObjSense.kMaximize
    h = quiet_highs()
    h.passModel(lp)
    return h


def exact_gap(h: highspy.Highs) -> None:
    """Stop only at an optimum of an integer-valued objective (AMMR Art. 67(3)-(4) tiers): no
    relative gap, an absolute gap below the one-unit step (module docstring, stopping rule)."""
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing (its banner goes to file descriptor 1 on creation)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def share_targets(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Art. 67(4): persons without links, shared in proportion to the places left after linked ones."""
    n_states = len(problem.capacity)
    placed = np.rint(x)
    unl = problem.unlinked * placed
    linked = (problem.size[problem.cls] - problem.unlinked) * placed
    left = problem.capacity - np.bincount(problem.state, weights=linked, minlength=n_states)
    total = round(float(unl.sum()))
    if total == 0 or left.clip(min=0).sum() == 0:
        return np.zeros(n_states)
    return largest_remainder(np.rint(left.clip(min=0)).astype(np.int64), total).astype(np.float64)


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Art. 67(4) shares: `cycle.apportionment.apportion(weights, total)` (Hamilton, ties to the larger
    share, then the earlier position) for whole-number weights, in integer arithmetic."""
    w = np.asarray(weights, dtype=np.int64)
    if (w < 0).any() or w.sum() == 0 or total < 0 or total * int(w.max()) >= 2**62:
        _, seats = apportion([Fraction(int(v)) for v in w], total)  # errors, or numbers too large
        return np.asarray(seats, dtype=np.int64)
    scaled = total * w  # quota_i = scaled_i / W
    floors = scaled // w.sum()
    remainder = scaled - floors * w.sum()
    order = np.lexsort((np.arange(len(w)), -scaled, -remainder))
    floors[order[: total - int(floors.sum())]] += 1
    return floors


@dataclass(frozen=True)
class Bound:
    """A single-objective solve: the solution, its value, HiGHS's dual bound and gap, status."""

    x: np.ndarray
    value: float
    bound: float
    gap: float
    status: str


def maximise(problem: Problem, values: np.ndarray, time_limit: float) -> Bound:
    """Maximise `values` (one per pair) under the hard constraints; the dual bound bounds the optimum."""
    n_pairs = len(problem.cls)
    if n_pairs == 0:
        return Bound(np.zeros(0), 0.0, 0.0, 0.0, "Optimal")
    h = _model(problem)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("time_limit", time_limit)
    exact_gap(h)
    cols = n_pairs + 2 * len(problem.capacity)
    cost = np.zeros(cols)
    cost[:n_pairs] = values
    h.changeColsCost(cols, np.arange(cols, dtype=np.int32), cost)
    if h.run() == highspy.HighsStatus.kError:
        raise MigralexError("HiGHS failed on the hindsight problem")
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value)[:n_pairs]
    value = float(values @ x)
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else value
    return Bound(x, value, max(bound, value), float(info.mip_gap), h.modelStatusToString(h.getModelStatus()))


def segments(order: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Tiers solved together: a new solve starts at fair_share (its targets need the solution so far)."""
    out: list[list[str]] = []
    for tier in order:
        if not out or tier == "fair_share":
            out.append([])
        out[-1].append(tier)
    return [tuple(seg) for seg in out]


def tier_cost(problem: Problem, tier: str) -> np.ndarray:
    """What each column is worth under `tier` (fair_share: minus the deviation from the targets)."""
    n_pairs, n_states = len(problem.cls), len(problem.capacity)
    cost = np.zeros(n_pairs + 2 * n_states)
    if tier == "fair_share":
        cost[n_pairs:] = -1.0
    else:
        cost[:n_pairs] = problem.value[tier]
    return cost


def _bound(problem: Problem, tier: str) -> float:
    """An upper bound of |tier value| over every feasible solution (for exact lexicographic weights)."""
    if tier == "fair_share":
        return float(2 * problem.size.sum() + 2 * problem.capacity.sum())
    per_unit = np.zeros(problem.n_classes)
    np.maximum.at(per_unit, problem.cls, np.abs(problem.value[tier]))
    return float(np.ceil((per_unit * problem.count).sum()))


def combined_cost(problem: Problem, tiers: tuple[str, ...]) -> np.ndarray:
    """One objective equal to the tiers in lexicographic order: each weight exceeds all below it."""
    total = np.zeros(len(problem.cls) + 2 * len(problem.capacity))
    weight, below = 1.0, 0.0
    for tier in reversed(tiers):
        total += weight * tier_cost(problem, tier)
        below += weight * _bound(problem, tier)
        weight = below + 1.0
    return total


def unimodular(problem: Problem) -> bool:
    """Whether the LP relaxation has integral vertices: with units of one person (no family of two
    or more), the class rows and the capacity rows (each holding its share row's columns) are two
    laminar families of column sets, and the deviation columns are unit columns, so the constraint
    matrix is totally unimodular and every basic solution with integral bounds is integral."""
    return bool((problem.size == 1).all())


def solve(problem: Problem, params: MatchParams) -> tuple[np.ndarray, list[Stage]]:
    """Maximise the tiers of `params.order` lexicographically; return x per pair and one Stage per tier.

    Without families (`unimodular`), each segment is an LP solved by the simplex method and the
    optimal face of a segment is kept in the later ones by fixing what complementary slackness
    fixes (a totally unimodular face, so the vertices stay integral); the integer optimum of every
    tier is then the LP optimum (gap 0). The answer is checked to be integral; otherwise, and with
    families, the tiers are solved as a MILP with the solved tiers kept by an objective row. Either
    way the Art. 67(4) shares are read after the same tie-break (`plan`), so both paths reach the
    same optimum of every tier."""
    if len(problem.cls) == 0:
        return np.zeros(0), []
    if unimodular(problem):
        found = _solve(problem, params, integer=False)
        if found is not None:
            return found
    found = _solve(problem, params, integer=True)
    assert found is not None
    return found


#: Largest product of (bound + 1) over the quantities one tie-break solve orders lexicographically:
#: its weights stay exact integers far inside the simplex's and the MILP's tolerances.
TIE_WEIGHTS = 2**20


def share_inputs(problem: Problem) -> list[np.ndarray]:
    """Costs ordering what the Art. 67(4) shares read from a solution (`share_targets`), highest
    first: persons without links placed, then persons with links placed in each Member State (in
    order); as few costs as exact lexicographic weights allow (products of bounds up to TIE_WEIGHTS)."""
    n_pairs, n_states = len(problem.cls), len(problem.capacity)
    linked = problem.size[problem.cls] - problem.unlinked
    items = [(problem.unlinked.astype(np.float64), float(problem.capacity.sum()))]
    items += [
        (np.where(problem.state == s, linked, 0).astype(np.float64), float(problem.capacity[s]))
        for s in range(n_states)
        if (linked[problem.state == s] > 0).any()
    ]
    chunks: list[list[tuple[np.ndarray, float]]] = [[]]
    room = 1.0
    for item in items:
        if chunks[-1] and room * (item[1] + 1) > TIE_WEIGHTS:
            chunks.append([])
            room = 1.0
        chunks[-1].append(item)
        room *= item[1] + 1
    out = []
    for chunk in chunks:
        cost, weight = np.zeros(n_pairs + 2 * n_states), 1.0
        for values, bound in reversed(chunk):
            cost[:n_pairs] += weight * values
            weight *= bound + 1
        out.append(cost)
    return out


def plan(problem: Problem, order: tuple[str, ...]) -> list[tuple[tuple[str, ...], np.ndarray]]:
    """The solves, in order: each segment's tiers with their combined cost. A fair_share segment
    after others is preceded by tie-breaks (no tiers) that fix what its shares read, so the targets
    are one function of the batch, whichever optimum of the tiers above a solver finds, and they
    stay the answer's own (the persons with links are not moved after the targets are set)."""
    steps: list[tuple[tuple[str, ...], np.ndarray]] = []
    for tiers in segments(order):
        if "fair_share" in tiers and steps:
            steps += [((), cost) for cost in share_inputs(problem)]
        steps.append((tiers, combined_cost(problem, tiers)))
    return steps


def _solve(problem: Problem, params: MatchParams, integer: bool) -> tuple[np.ndarray, list[Stage]] | None:
    """The tiers step by step on one HiGHS model (None: an LP vertex was not integral)."""
    n_pairs, n_states = len(problem.cls), len(problem.capacity)
    h = _model(problem, integer)
    h.setOptionValue("presolve", "off")  # the rows are simple; presolve costs more than it saves
    # HiGHS holds `time_limit` against its run clock, which adds up the runs of this instance: the
    # whole solve's limit once (the time left, set before each run, counted the time spent twice)
    h.setOptionValue("time_limit", params.time_limit)
    if integer:
        exact_gap(h)
    cols = n_pairs + 2 * n_states
    x = np.zeros(cols)
    stages: list[Stage] = []
    carried: list[str] = []  # a tie-break's status, when not optimal, goes to the next tiers' stages
    steps = plan(problem, params.order)
    for position, (tiers, cost) in enumerate(steps):
        if "fair_share" in tiers:
            targets = share_targets(problem, x[:n_pairs])
            rows = problem.n_classes + n_states + np.arange(n_states)
            h.changeRowsBounds(n_states, rows.astype(np.int32), targets, targets)  # type: ignore[attr-defined]
        h.changeColsCost(cols, np.arange(cols, dtype=np.int32), cost)
        if integer:
            _warm_start(h, x, problem, "fair_share" in tiers)
        t0 = time.perf_counter()
        status = _run(h, tiers)
        solution = np.asarray(h.getSolution().col_value)
        if len(solution) == cols and h.getInfo().primal_solution_status == 2:
            x = solution
        if not integer and (status != "Optimal" or np.abs(x[:n_pairs] - np.rint(x[:n_pairs])).max() > 1e-6):
            return None
        carried = [s for s in [*carried, status] if s != "Optimal"]
        gap = float(h.getInfo().mip_gap) if integer else 0.0
        seconds = time.perf_counter() - t0
        shown = carried[0] if carried else status
        stages += [Stage(t, float(tier_cost(problem, t) @ x), gap, shown, seconds) for t in tiers]
        if tiers:
            carried = []
        if position < len(steps) - 1:
            if integer:
                _fix(h, cost, float(cost[:n_pairs] @ np.rint(x[:n_pairs]) + cost[n_pairs:] @ x[n_pairs:]))
            else:
                _fix_face(h, cols)
    return x[:n_pairs], stages


def _run(h: highspy.Highs, tiers: tuple[str, ...]) -> str:
    """Run HiGHS on the model as it stands; its model status (an error raises)."""
    if h.run() == highspy.HighsStatus.kError:
        named = ", ".join(tiers) or "tie-break of the Art. 67(4) shares"
        raise MigralexError(
            f"HiGHS failed on the tiers {named} (model status: {h.modelStatusToString(h.getModelStatus())})"
        )
    return str(h.modelStatusToString(h.getModelStatus()))


def _warm_start(h: highspy.Highs, x: np.ndarray, problem: Problem, sharing: bool) -> None:
    """Give HiGHS the solution so far (feasible under every row added so far)."""
    start = x.copy()
    if not start.any():
        return
    if sharing:
        n_pairs, n_states = len(problem.cls), len(problem.capacity)
        start[n_pairs:] = 0.0
        lp = h.getLp()
        u = np.bincount(problem.state, weights=problem.unlinked * np.rint(x[:n_pairs]), minlength=n_states)
        target = np.asarray(lp.row_lower_)[problem.n_classes + n_states : problem.n_classes + 2 * n_states]
        start[n_pairs : n_pairs + 2 * n_states : 2] = np.maximum(u - target, 0)
        start[n_pairs + 1 : n_pairs + 2 * n_states : 2] = np.maximum(target - u, 0)
    sol = highspy.HighsSolution()
    sol.col_value = list(start)
    sol.value_valid = True
    h.setSolution(sol)


def _fix_face(h: highspy.Highs, cols: int) -> None:
    """Keep the LP optimum of the tiers solved so far: fix the columns with a nonzero reduced cost
    at their value and make the rows with a nonzero dual tight (complementary slackness: exactly
    the optimal solutions remain). With integral costs and a unimodular basis, nonzero means >= 1."""
    solution = h.getSolution()
    col_dual, row_dual = np.asarray(solution.col_dual), np.asarray(solution.row_dual)
    fixed = np.flatnonzero(np.abs(col_dual[:cols]) > 0.5).astype(np.int32)
    if len(fixed):
        value = np.rint(np.asarray(solution.col_value)[fixed])
        h.changeColsBounds(len(fixed), fixed, value, value)
    tight = np.flatnonzero(np.abs(row_dual) > 0.5).astype(np.int32)
    if len(tight):
        activity = np.rint(np.asarray(solution.row_value)[tight])
        h.changeRowsBounds(len(tight), tight, activity, activity)  # type: ignore[attr-defined]


def _fix(h: highspy.Highs, cost: np.ndarray, objective: float) -> None:
    """Keep the tiers solved so far at their optimum in the later ones (half a unit of slack)."""
    nz = np.nonzero(cost)[0].astype(np.int32)
    h.addRow(objective - 0.5, INF, len(nz), nz, cost[nz])
