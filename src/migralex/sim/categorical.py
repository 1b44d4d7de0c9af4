"""Draws from a table of categorical distributions, one row per person (the population's draws).

`draw_rows` is the search that `population._rowwise` states: the rows' cumulative shares,
row r shifted by r, concatenated, and each person's uniform u (plus its row r) looked up with
`np.searchsorted(..., side="right")`. When the concatenation is sorted (shares >= 0, no empty
row), the search gives row r's own count of values <= u + r (every earlier row lies at or below
r, every later one at or above r + 1), so the count is taken in the person's row alone: k
comparisons instead of a binary search over the whole table, with the same floating-point
numbers, hence the same answer. Otherwise (an unsorted table) the search itself is run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from migralex.sim.numba_cache import ensure_cache_dir

ensure_cache_dir(__file__)


def draw_rows(shifted: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """int64 per person: `min(searchsorted(shifted.ravel(), query, "right") - rows * k, k - 1)`,
    `shifted` [row, k] the cumulative shares plus the row number, `query` u + row."""
    k = shifted.shape[1]
    flat = shifted.reshape(-1)
    if len(flat) and bool((flat[1:] >= flat[:-1]).all()):  # False with a NaN (an empty row)
        return _count_in_row(np.ascontiguousarray(shifted), rows, query)
    hit = np.searchsorted(flat, query, side="right")
    return np.minimum(hit - rows * k, k - 1)


@njit(cache=True)
def _count_in_row(shifted, rows, query):  # type: ignore[no-untyped-def]
    """Per person: how many values of its row lie at or below its query (at most k - 1)."""
    k = shifted.shape[1]
    out = np.empty(rows.shape[0], np.int64)
    for i in range(rows.shape[0]):
        r, q, c = rows[i], query[i], 0
        for j in range(k):
            if shifted[r, j] <= q:
                c += 1
        out[i] = min(c, k - 1)
    return out
