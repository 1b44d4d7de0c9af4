"""Stable sorting of small integer keys (days, Member States) by radix sort.

A stable sort has one answer, whatever the algorithm: numpy sorts integers of at most 16 bits
with a radix sort (linear time) and wider ones with a merge sort (about 8 times slower on a
million days). Keys whose values fit in 16 bits are narrowed before sorting; the order is the one
`np.argsort(keys, kind="stable")` gives.
"""

from __future__ import annotations

import numpy as np

_NARROW = (np.int8, np.int16, np.uint8, np.uint16)


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")`, by radix sort when the integer keys fit in 16 bits."""
    keys = np.asarray(keys)
    if keys.dtype.kind not in "iu" or keys.dtype.type in _NARROW or not len(keys):
        return np.argsort(keys, kind="stable")
    low, high = int(keys.min()), int(keys.max())
    if low >= np.iinfo(np.int16).min and high <= np.iinfo(np.int16).max:
        return np.argsort(keys.astype(np.int16), kind="stable")
    if low >= 0 and high <= np.iinfo(np.uint16).max:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    return np.argsort(keys, kind="stable")
