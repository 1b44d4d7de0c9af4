"""The last tier: the predicted integration score, as a tie-break inside the legal tiers' optimum.

The MILP fixes how many units of each class (same links, vulnerability, size, barred Member State)
go to each Member State; every reshuffle of persons within a class keeps those tiers' values. Among
those reshuffles this picks the one with the highest total score: a transportation problem (solved
as an LP, whose basic optimum is integral) from (class, nationality score row) to Member States.
"""

from __future__ import annotations

import highspy
import numpy as np

from migralex.allocation.milp import quiet_highs
from migralex.allocation.problem import unique_rows
from migralex.errors import MigralexError

INF = highspy.kHighsInf


def reassign(
    class_of_unit: np.ndarray, unit_state: np.ndarray, unit_score: np.ndarray
) -> tuple[np.ndarray, float]:
    """Member State per unit, reshuffled within each class to maximise the total score; and that total."""
    n_states = unit_score.shape[1]
    # fine classes: same class and same score row; "state" n_states = not placed (score 0)
    keyed = np.column_stack([class_of_unit, unit_score])
    first, fine_of_unit = unique_rows(keyed)
    n_fine = len(first)
    coarse_of_fine = class_of_unit[first]
    target = np.where(unit_state >= 0, unit_state, n_states)
    demand = np.zeros((int(class_of_unit.max()) + 1, n_states + 1), dtype=np.int64)
    np.add.at(demand, (class_of_unit, target), 1)
    supply = np.bincount(fine_of_unit, minlength=n_fine)
    f_idx, m_idx = np.nonzero(demand[coarse_of_fine] > 0)
    padded = np.hstack([unit_score[first], np.zeros((n_fine, 1))])
    gain = np.where(m_idx < n_states, padded[f_idx, m_idx], 0.0)
    z = _transport(f_idx, m_idx, gain, supply, demand, coarse_of_fine, n_states)
    k = np.rint(z).astype(np.int64)
    # hand the states of each fine class out to its units in order
    rep = np.repeat(m_idx, k)
    sent = np.bincount(f_idx, weights=k, minlength=n_fine).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(sent)[:-1]])
    order = np.argsort(fine_of_unit, kind="stable")
    starts = np.searchsorted(fine_of_unit[order], np.arange(n_fine))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[fine_of_unit[order]]
    new = rep[offset[fine_of_unit] + rank]
    return np.where(new < n_states, new, -1), float(gain @ k)


def _transport(
    f_idx: np.ndarray,
    m_idx: np.ndarray,
    gain: np.ndarray,
    supply: np.ndarray,
    demand: np.ndarray,
    coarse_of_fine: np.ndarray,
    n_states: int,
) -> np.ndarray:
    """Max gain flow: each fine class sends its supply, each (class, state) receives its demand."""
    n_fine, n_cols = len(supply), len(f_idx)
    pair_row = coarse_of_fine[f_idx] * (n_states + 1) + m_idx  # (class, state) demand rows
    used, demand_row = np.unique(pair_row, return_inverse=True)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_fine + len(used)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = gain, np.zeros(n_cols), np.full(n_cols, INF)
    rhs = np.concatenate([supply.astype(np.float64), demand.reshape(-1)[used].astype(np.float64)])
    lp.row_lower_, lp.row_upper_ = rhs, rhs
    idx = np.empty(2 * n_cols, dtype=np.int32)
    idx[0::2], idx[1::2] = f_idx, n_fine + demand_row.reshape(-1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = (2 * np.arange(n_cols + 1)).astype(np.int32)
    lp.a_matrix_.index_, lp.a_matrix_.value_ = idx, np.ones(2 * n_cols)
    lp.sense_ = highspy.ObjSense.kMaximize
    h = quiet_highs()
    h.setOptionValue("presolve", "off")  # a transportation problem: presolve costs more than it saves
    h.passModel(lp)
    if h.run() == highspy.HighsStatus.kError:
        raise MigralexError("HiGHS failed on the integration tie-break")
    return np.asarray(h.getSolution().col_value)
