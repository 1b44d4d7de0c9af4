"""AMMR Art. 9(3)(a), 10(3): the indicators computed from the shipped data."""

from __future__ import annotations

import polars as pl
import pytest

from migralex.cycle.indicators import PER_CAPITA, cycle_indicators
from migralex.cycle.members import members_for
from migralex.cycle.timeline import Cycle
from migralex.data import load

MEMBERS = members_for("bound_by_ammr")


@pytest.fixture(scope="module")
def data():
    return cycle_indicators(Cycle(2025), MEMBERS)


def test_one_row_per_member_state_and_the_periods_are_stated(data) -> None:
    frame = data.result.frame
    assert sorted(frame["member_state"]) == sorted(MEMBERS)
    assert data.periods["applications"] == "calendar year 2024"
    assert data.periods["population"] == "1 January 2024"
    assert any("previous 12 months" in n for n in data.result.notes)


def test_per_capita_and_relative_values(data) -> None:
    frame = data.result.frame
    for name in PER_CAPITA:
        got = frame.filter(pl.col(name).is_not_null())
        assert (got[f"{name}_per_100k"] - got[name] / got["population"] * 100_000).abs().max() < 1e-9
        # the population-weighted mean of the relative values is the Union average, 1
        weighted = (got[f"{name}_relative"] * got["population"]).sum() / got["population"].sum()
        assert weighted == pytest.approx(1.0)


def test_applications_come_from_the_eurostat_totals(data) -> None:
    apps = load("applications_totals").filter(pl.col("citizenship") == "TOTAL")
    de = data.result.frame.filter(pl.col("member_state") == "DE").row(0, named=True)
    expected = apps.filter(pl.col("country") == "DE", pl.col("year") == 2024)["applicants"][0]
    previous = apps.filter(pl.col("country") == "DE", pl.col("year") == 2023)["applicants"][0]
    assert de["applications"] == expected
    assert de["applications_change"] == pytest.approx(expected / previous - 1)
    five = apps.filter(pl.col("country") == "DE", pl.col("year").is_between(2020, 2024))["applicants"].sum()
    tp = load("temporary_protection").filter(
        pl.col("country") == "DE", pl.col("month") == pl.date(2024, 12, 1)
    )["beneficiaries"][0]
    assert de["cumulative_arrivals"] == five + tp


def test_decisions_fall_back_to_first_instance_and_appeal_where_only_that_is_reported(data) -> None:
    frame = data.result.frame
    assert frame.filter(pl.col("member_state") == "AT")["decision_stage"][0] == "FA"
    assert frame.filter(pl.col("member_state") == "DE")["decision_stage"][0] == "FI"
    rates = frame["recognition_rate"].drop_nulls()
    assert ((rates >= 0) & (rates <= 1)).all()


def test_sar_arrivals_are_known_for_italy_only(data) -> None:
    frame = data.result.frame
    # the daily series covers the Report's 12 months (1 July 2024 - 30 June 2025): they are used
    assert data.periods["sar_arrivals"] == "2024-07-01 to 2025-06-30 (Italy only)"
    daily = load("italy_sea_arrivals").filter(
        pl.col("date").is_between(pl.date(2024, 7, 1), pl.date(2025, 6, 30))
    )
    assert frame.filter(pl.col("member_state") == "IT")["sar_arrivals"][0] == daily["arrivals"].sum()
    assert frame.filter(pl.col("member_state") != "IT")["sar_arrivals"].sum() == 0
    assert frame.filter(pl.col("member_state") == "IT")["sar_arrivals"][0] > 0


def test_states_without_an_external_land_or_sea_border_have_no_crossings(data) -> None:
    frame = data.result.frame
    assert frame.filter(pl.col("member_state").is_in(["AT", "CZ", "LU"]))["irregular_crossings"].sum() == 0


def test_top_nationalities(data) -> None:
    top = data.nationalities
    assert top.group_by("member_state").len()["len"].max() == 3
    de = top.filter(pl.col("member_state") == "DE")["applicants"].to_list()
    assert de == sorted(de, reverse=True)
