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
    assert any("previous 12-month period" in n for n in data.result.notes)
    # monthly series follow the Report's period (July-June) as far as the shipped months go
    assert data.periods["irregular_crossings"].startswith("2024-05 to 2025-04: the latest 12 months")
    assert data.periods["temporary_protection"].startswith("end of 2025-03")


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
    # the stock at the end of the Report's period, or the latest month shipped before it (March 2025)
    tp = load("temporary_protection").filter(
        pl.col("country") == "DE", pl.col("month") == pl.date(2025, 3, 1)
    )["beneficiaries"][0]
    assert de["cumulative_arrivals"] == five + tp


def test_decisions_fall_back_to_first_instance_and_appeal_where_only_that_is_reported(data) -> None:
    frame = data.result.frame
    assert frame.filter(pl.col("member_state") == "AT")["decision_stage"][0] == "FA"
    assert frame.filter(pl.col("member_state") == "DE")["decision_stage"][0] == "FI"
    rates = frame["recognition_rate"].drop_nulls()
    assert ((rates >= 0) & (rates <= 1)).all()


def test_sar_disembarkations_italy_from_its_ministry_the_others_from_sea_routes(data) -> None:
    frame = data.result.frame
    # Italy's daily series covers the Report's 12 months (1 July 2024 - 30 June 2025): it is used
    assert "Italy: 2024-07 to 2025-06 (the Report's period)" in data.periods["sar_arrivals"]
    daily = load("italy_sea_arrivals").filter(
        pl.col("date").is_between(pl.date(2024, 7, 1), pl.date(2025, 6, 30))
    )
    it = frame.filter(pl.col("member_state") == "IT").row(0, named=True)
    assert it["sar_arrivals"] == daily["arrivals"].sum() > 0
    assert it["sar_months"] == 12 and it["sar_method"].startswith("Ministry of the Interior")
    # only Member States on the SAR sea routes have disembarkations; land-locked ones none
    with_sar = set(frame.filter(pl.col("sar_arrivals") > 0)["member_state"])
    assert {"IT", "ES", "GR"} <= with_sar <= {"IT", "ES", "GR", "MT", "CY"}
    # SAR disembarkations are a part of the sea crossings: never more than the crossings (Frontex)
    others = frame.filter(pl.col("member_state") != "IT")
    assert (others["sar_arrivals"] <= others["irregular_crossings"]).all()


def test_calendar_period_option() -> None:
    cal = cycle_indicators(Cycle(2025), MEMBERS, period="calendar")
    assert cal.periods["irregular_crossings"] == "calendar year 2024"
    assert cal.periods["temporary_protection"] == "end of 2024-12"
    frontex = load("frontex_ibc").filter(pl.col("month").dt.year() == 2024)["detections"].sum()
    # every detection of the year is allocated to one Member State (none on routes outside the set)
    assert cal.result.frame["irregular_crossings"].sum() <= frontex
    assert cal.result.frame["irregular_crossings"].sum() >= 0.99 * frontex


def test_states_without_an_external_land_or_sea_border_have_no_crossings(data) -> None:
    frame = data.result.frame
    assert frame.filter(pl.col("member_state").is_in(["AT", "CZ", "LU"]))["irregular_crossings"].sum() == 0


def test_top_nationalities(data) -> None:
    top = data.nationalities
    assert top.group_by("member_state").len()["len"].max() == 3
    de = top.filter(pl.col("member_state") == "DE")["applicants"].to_list()
    assert de == sorted(de, reverse=True)
