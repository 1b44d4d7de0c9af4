"""Per-Member-State SAR disembarkation estimates (AMMR Arts 9(3)(a)(xii)-(xiii), 11(3)) and their error."""

from __future__ import annotations

import polars as pl
import pytest

from migralex.cycle.members import members_for
from migralex.cycle.period import reference_period
from migralex.cycle.sar import SAR_ROUTES, italy_check, latest_complete_years, sar_disembarkations
from migralex.cycle.timeline import Cycle
from migralex.data import load

MEMBERS = members_for("bound_by_ammr")


@pytest.fixture(scope="module")
def estimate():
    return sar_disembarkations(MEMBERS, reference_period(Cycle(2024)))


def test_the_report_period_is_used_where_both_series_cover_it(estimate) -> None:
    # July 2023 - June 2024: inside the Frontex months (to 2025-04) and Italy's days (to 2025-09)
    assert estimate.window.exact and estimate.italy_window is not None and estimate.italy_window.exact


def test_frontex_part_adds_up_to_the_sea_detections_of_the_sar_routes(estimate) -> None:
    sea = load("frontex_ibc").filter(
        pl.col("month").is_between(pl.date(2023, 7, 1), pl.date(2024, 6, 1)),
        pl.col("border_type") == "sea",
        pl.col("route").is_in(SAR_ROUTES),
    )
    # every detection goes to exactly one Member State (largest remainder per route and year)
    assert estimate.frame["sar_frontex"].sum() == sea["detections"].sum()
    # land-locked Member States and those on no SAR route have none
    nothing = estimate.frame.filter(pl.col("member_state").is_in(["AT", "CZ", "HU", "PL", "FI"]))
    assert nothing["sar_disembarkations"].sum() == 0 and nothing["sar_months"].sum() == 0


def test_italy_uses_its_ministry_count(estimate) -> None:
    it = estimate.frame.filter(pl.col("member_state") == "IT").row(0, named=True)
    daily = load("italy_sea_arrivals").filter(
        pl.col("date").is_between(pl.date(2023, 7, 1), pl.date(2024, 6, 30))
    )
    assert it["sar_disembarkations"] == daily["arrivals"].sum()
    assert it["sar_method"].startswith("Ministry of the Interior") and it["sar_months"] == 12


def test_the_split_is_within_five_per_cent_of_italys_own_count() -> None:
    # the error of the method where it can be measured: Frontex Central Mediterranean detections
    # allocated to Italy against the Ministry's count, each complete year both series cover
    low, high = latest_complete_years()
    check = italy_check((low, high), MEMBERS)
    assert check.height == high - low + 1 >= 4
    assert check["error"].abs().max() < 0.05


def test_fewer_sar_routes_fewer_member_states() -> None:
    central = sar_disembarkations(MEMBERS, reference_period(Cycle(2024)), ("Central Mediterranean Route",))
    with_sar = set(central.frame.filter(pl.col("sar_disembarkations") > 0)["member_state"])
    assert with_sar <= {"IT", "MT"} and "IT" in with_sar
