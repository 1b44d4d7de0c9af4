"""AMMR Art. 12(2)-(3), 57(3): the pool's size and the fair shares."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.cycle.pool import FINANCIAL_MINIMUM, RELOCATIONS_MINIMUM, fair_shares, pool_size
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput
from migralex.law.params import params

from .conftest import ON, key_of


def test_default_pool_is_the_minimum_and_the_ratio_comes_from_the_parameters() -> None:
    pool = pool_size(on=ON)
    r, f = params().value(RELOCATIONS_MINIMUM, ON), params().value(FINANCIAL_MINIMUM, ON)
    assert (pool.relocations, pool.financial_eur) == (r, f)
    assert pool.eur_per_relocation == Fraction(f, r)
    assert pool.meets_minimum


def test_ratio_follows_an_overlay() -> None:
    ps = params().overlay({RELOCATIONS_MINIMUM: 10, FINANCIAL_MINIMUM: 1000})
    pool = pool_size(15, on=ON, parameters=ps)
    assert (pool.relocations, pool.financial_eur, pool.eur_per_relocation) == (15, 1500, 100)


def test_one_number_gives_the_other_and_both_must_keep_the_ratio() -> None:
    ratio = pool_size(on=ON).eur_per_relocation
    assert pool_size(45_000, on=ON).financial_eur == 45_000 * ratio
    assert pool_size(financial_eur=int(ratio * 40_000), on=ON).relocations == 40_000
    with pytest.raises(InvalidInput, match=r"12\(3\)"):
        pool_size(30_000, int(ratio * 30_000) + 1, on=ON)
    with pytest.raises(InvalidInput, match="multiple"):
        pool_size(financial_eur=int(ratio * 40_000) + 1, on=ON)
    with pytest.raises(InvalidInput, match="positive"):
        pool_size(0, on=ON)


def test_below_the_minimum_is_flagged_not_refused() -> None:
    minimum = params().value(RELOCATIONS_MINIMUM, ON)
    assert not pool_size(minimum - 1, on=ON).meets_minimum
    assert "Art. 57(1)" in pool_size(minimum - 1, on=ON).notes[0]
    assert pool_size(minimum, on=ON).meets_minimum


def test_fair_shares_by_hand(four_key) -> None:
    pool = pool_size(30_000, on=ON)
    fair = fair_shares(four_key, pool)
    got = dict(zip(fair.frame["member_state"], fair.frame["relocations"], strict=True))
    assert got == {"AT": 6000, "BE": 6000, "DE": 6000, "FR": 12000}
    money = dict(zip(fair.frame["member_state"], fair.frame["financial_eur"], strict=True))
    assert money["FR"] == 2 * money["AT"] == 2 * pool.financial_eur // 5


def test_largest_remainder_decides_the_last_relocation() -> None:
    key = key_of({"AT": 1, "BE": 1, "DE": 1}, {"AT": 1, "BE": 1, "DE": 1})
    ps = params().overlay({RELOCATIONS_MINIMUM: 10, FINANCIAL_MINIMUM: 1000})
    fair = fair_shares(key, pool_size(10, on=ON, parameters=ps))
    assert fair.frame["relocations"].to_list() == [4, 3, 3]
    assert fair.frame["financial_eur"].to_list() == [334, 333, 333]


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=200_000))
def test_fair_shares_add_up_to_the_pool_on_the_shipped_data(relocations: int) -> None:
    fair = fair_shares(KEY, pool_size(relocations, on=ON))
    assert fair.frame["relocations"].sum() == relocations
    assert fair.frame["financial_eur"].sum() == fair.figure("pool_financial_eur").value
    assert ((fair.frame["relocations"] - fair.frame["relocations_exact"]).abs() < 1).all()


KEY = cycle_reference_key(Cycle(2025))
