"""AMMR Art. 66 and Annex I: the reference key, by hand and on the shipped data."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migralex.countries import EU27
from migralex.cycle.reference_key import cycle_reference_key, exact_shares, key_data, reference_key
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput
from migralex.law.params import params

from .conftest import ON, key_of


def test_annex_i_by_hand() -> None:
    # population 100/300/600 of 1000 and GDP 50/30/20 of 100:
    # AT ½·0.1 + ½·0.5 = 0.3, BE ½·0.3 + ½·0.3 = 0.3, DE ½·0.6 + ½·0.2 = 0.4
    key = key_of({"AT": 100, "BE": 300, "DE": 600}, {"AT": 50, "BE": 30, "DE": 20})
    shares = dict(zip(key.frame["member_state"], key.frame["share_exact"], strict=True))
    assert {k: Fraction(v) for k, v in shares.items()} == {
        "AT": Fraction(3, 10),
        "BE": Fraction(3, 10),
        "DE": Fraction(2, 5),
    }
    assert key.figure("sum_of_shares").value == 1
    assert key.trace("DE", "share").inputs["population"] == 600
    assert key.trace("DE", "share").basis == "AMMR Art. 66, Annex I"


def test_weights_come_from_the_parameters() -> None:
    ps = params().overlay(
        {
            "ammr.solidarity.reference_key_population_weight": 0.6,
            "ammr.solidarity.reference_key_gdp_weight": 0.4,
        }
    )
    frame = pl.DataFrame({"member_state": ["AT", "BE"], "population": [1, 3], "gdp_eur": [1, 1]})
    key = reference_key(frame, on=ON, parameters=ps)
    # AT: 0.6·¼ + 0.4·½ = 0.35
    assert Fraction(key.frame["share_exact"][0]) == Fraction(35, 100)
    bad = params().overlay({"ammr.solidarity.reference_key_gdp_weight": 0.6})
    with pytest.raises(InvalidInput, match="add up to 11/10"):
        reference_key(frame, on=ON, parameters=bad)


def test_bad_inputs_name_the_field() -> None:
    frame = pl.DataFrame({"member_state": ["AT", "AT"], "population": [1, 3], "gdp_eur": [1, 1]})
    with pytest.raises(InvalidInput, match="twice"):
        reference_key(frame, on=ON)
    with pytest.raises(InvalidInput, match="gdp_eur"):
        reference_key(frame.drop("gdp_eur"), on=ON)


@given(
    st.lists(
        st.tuples(st.integers(1, 10**9), st.integers(1, 10**14)),
        min_size=2,
        max_size=27,
    )
)
def test_shares_add_up_to_exactly_one_and_lie_between_the_two_components(rows: list[tuple[int, int]]) -> None:
    pop, gdp = [r[0] for r in rows], [r[1] for r in rows]
    shares = exact_shares(pop, gdp, Fraction(1, 2), Fraction(1, 2))
    assert sum(shares) == 1
    for p, g, s in zip(pop, gdp, shares, strict=True):
        low, high = sorted((Fraction(p, sum(pop)), Fraction(g, sum(gdp))))
        assert low <= s <= high


def test_cycle_2025_on_the_shipped_data() -> None:
    key = cycle_reference_key(Cycle(2025))
    frame = key.frame
    assert frame.height == 26 and "DK" not in frame["member_state"]
    assert sum(Fraction(s) for s in frame["share_exact"]) == 1
    assert (frame["population"] > 0).all() and (frame["gdp_eur"] > 0).all()
    # the data years are explicit in the output
    assert any("population on 1 January 2024, GDP 2024" in n for n in key.notes)
    assert any("population on 1 January 2025 is not in the shipped data" in n for n in key.notes)


def test_data_years_and_member_sets_can_be_chosen() -> None:
    data = key_data(Cycle(2025), "eu27", population_year=2023, gdp_year=2023)
    assert set(data.frame["member_state"]) == set(EU27)
    assert (data.population_year, data.gdp_year) == (2023, 2023)
    explicit = key_data(Cycle(2025), "IT,el,DE")
    assert explicit.members == ("DE", "GR", "IT")
    with pytest.raises(InvalidInput, match="population_year"):
        key_data(Cycle(2025), population_year=2031)
    with pytest.raises(InvalidInput, match=r"member_set\[1\]"):
        key_data(Cycle(2025), ["IT", "NO"])


def test_gdp_projections_are_not_taken_by_default() -> None:
    # cycle 2027 wants GDP 2026: only IMF projections exist, so the latest actual year is used
    data = key_data(Cycle(2027))
    assert not data.frame["gdp_is_projection"].any()
    assert data.gdp_year <= 2024
    assert any("GDP of 2026 is not in the shipped data" in n for n in data.notes)
