"""Whole-number apportionment by largest remainder (Hamilton), in exact rational arithmetic."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from migralex.errors import InvalidInput


def exact(value: int | float | str | Fraction) -> Fraction:
    """A number as an exact fraction; floats keep their decimal reading (`0.1` → 1/10)."""
    if isinstance(value, bool):
        raise InvalidInput("value", f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("value", f"expected a finite number, got {value!r}")
        return Fraction(repr(value))
    return Fraction(value)


def quotas(weights: Sequence[int | Fraction], total: int | Fraction) -> list[Fraction]:
    """Each weight's exact share of `total` (weights ≥ 0, not all zero)."""
    ws = [Fraction(w) for w in weights]
    if any(w < 0 for w in ws):
        raise InvalidInput("weights", "weights must not be negative")
    denominator = sum(ws)
    if denominator == 0:
        raise InvalidInput("weights", "at least one weight must be positive")
    return [Fraction(total) * w / denominator for w in ws]


def largest_remainder(shares: Sequence[Fraction], total: int) -> list[int]:
    """Round exact `shares` (adding up to `total`) to whole numbers that still add up to `total`.

    Each part gets the whole part of its share; the seats left go one each to the largest
    remainders (Hamilton's method). Ties go to the larger share, then to the earlier position,
    so the result is deterministic. Every part stays within 1 of its exact share.
    """
    if total < 0:
        raise InvalidInput("total", f"must not be negative, got {total}")
    if sum(shares) != total:
        raise InvalidInput("shares", f"the exact shares add up to {sum(shares)}, not {total}")
    floors = [math.floor(s) for s in shares]
    left = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), -shares[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def apportion(weights: Sequence[int | Fraction], total: int) -> tuple[list[Fraction], list[int]]:
    """Exact quotas of `total` in proportion to `weights`, and their largest-remainder rounding."""
    exact_quotas = quotas(weights, total)
    return exact_quotas, largest_remainder(exact_quotas, total)
