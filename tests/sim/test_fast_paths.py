"""The simulator's fast paths give the answers of the plain numpy code they replace, bit for bit
(sim/sorting.py: radix sorts of small keys; sim/categorical.py: the per-person draws)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.sim.categorical import draw_rows
from migralex.sim.engine import per_day_and_state
from migralex.sim.sorting import stable_argsort


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint32, np.float64]),
    st.integers(-(2**40), 2**40),
    st.integers(0, 70_000),
    st.integers(0, 3000),
    st.integers(0, 2**31),
)
def test_stable_argsort_is_numpys_stable_argsort(dtype: type, low: int, span: int, n: int, seed: int) -> None:
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    lo = low if info is None else int(np.clip(low, info.min, info.max))
    hi = lo + span if info is None else int(np.clip(lo + span, info.min, info.max))
    keys = np.random.default_rng(seed).integers(lo, hi, n, endpoint=True).astype(dtype)
    assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))


def _searched(shifted: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    k = shifted.shape[1]
    hit = np.searchsorted(shifted.reshape(-1), query, side="right")
    return np.minimum(hit - rows * k, k - 1)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 400), st.integers(1, 30), st.integers(0, 2**31), st.sampled_from(["real", "ties", "empty"])
)
def test_draw_rows_is_the_search_over_the_whole_table(n_rows: int, k: int, seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    table = rng.random((n_rows, k))
    if kind == "ties":
        table = np.round(table * 2)  # zeros and equal shares: equal cumulative values
    if kind == "empty":
        table[rng.integers(0, n_rows)] = 0.0  # an empty row: NaN, the table is not sorted
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = np.cumsum(table, axis=1)
        cdf /= cdf[:, -1:]
    shifted = cdf + np.arange(n_rows)[:, None]
    rows = rng.integers(0, n_rows, 2000)
    u = rng.random(2000)
    u[:20] = np.nextafter(1.0, 0.0)  # u + row may round up to the next row
    u[20:40] = 0.0
    query = u + rows
    assert np.array_equal(draw_rows(shifted, rows, query), _searched(shifted, rows, query))


def test_counts_per_day_and_state_are_those_of_add_at() -> None:
    rng = np.random.default_rng(3)
    day, ms = rng.integers(0, 365, 50_000).astype(np.int32), rng.integers(0, 27, 50_000).astype(np.int8)
    want = np.zeros((365, 27), np.int32)
    np.add.at(want, (day, ms), 1)
    got = per_day_and_state(day, ms, 365)
    assert got.dtype == np.int32 and np.array_equal(got, want)
