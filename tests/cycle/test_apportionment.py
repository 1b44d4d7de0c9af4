"""Largest-remainder (Hamilton) apportionment in exact arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migralex.cycle.apportionment import apportion, exact, largest_remainder, quotas
from migralex.errors import InvalidInput


def test_hand_example_gives_the_seat_left_to_the_largest_remainder() -> None:
    # 10 seats for weights 5, 3, 2 of 10 → 5, 3, 2 exactly; for 4, 4, 2 of 10 seats 7 → 2.8, 2.8, 1.4
    assert largest_remainder([Fraction(5), Fraction(3), Fraction(2)], 10) == [5, 3, 2]
    exact_quotas, seats = apportion([4, 4, 2], 7)
    assert exact_quotas == [Fraction(14, 5), Fraction(14, 5), Fraction(7, 5)]
    assert seats == [3, 3, 1]


def test_ties_go_to_the_larger_share_then_to_the_earlier_position() -> None:
    assert apportion([1, 1, 1], 10)[1] == [4, 3, 3]
    # remainders 0.5 and 0.5: the larger quota (2.5 over 1.5) wins
    assert largest_remainder([Fraction(3, 2), Fraction(5, 2), Fraction(1)], 5) == [1, 3, 1]


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InvalidInput, match="add up"):
        largest_remainder([Fraction(1, 2)], 1)
    with pytest.raises(InvalidInput, match="negative"):
        quotas([1, -1], 3)
    with pytest.raises(InvalidInput, match="positive"):
        quotas([0, 0], 3)


def test_exact_keeps_the_decimal_reading_of_floats() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact(0.6) + exact(0.4) == 1
    with pytest.raises(InvalidInput):
        exact(float("nan"))


@given(
    st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=30).filter(
        lambda w: sum(w) > 0
    ),
    st.integers(min_value=0, max_value=10**7),
)
def test_seats_add_up_and_stay_within_one_of_the_quota(weights: list[int], total: int) -> None:
    exact_quotas, seats = apportion(weights, total)
    assert sum(seats) == total
    for q, s in zip(exact_quotas, seats, strict=True):
        assert math.floor(q) <= s <= math.ceil(q)
        assert abs(s - q) < 1
    # no one with a smaller remainder got the extra seat while a larger remainder did not
    up = [q - math.floor(q) for q, s in zip(exact_quotas, seats, strict=True) if s > math.floor(q)]
    down = [
        q - math.floor(q) for q, s in zip(exact_quotas, seats, strict=True) if s == math.floor(q) and q != s
    ]
    if up and down:
        assert min(up) >= max(down)
