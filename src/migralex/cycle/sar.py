"""Disembarkations following search and rescue, per Member State (AMMR Arts 9(3)(a)(xii)-(xiii), 11(3)).

No per-Member-State SAR series is shipped except Italy's (Ministry of the Interior, daily sea
arrivals). The estimate: the Frontex sea detections of the routes on which arrivals come by
disembarkation after SAR (`SAR_ROUTES`, a setting), split among the Member States of each route
as the irregular crossings are (`border_series.allocate_detections`: Eurostat migr_eipre
apprehensions at the sea border), over the reference period; for Italy the Ministry's own count
replaces the split where its daily series covers the period. "Recurring" (Art. 11(3), Art.
9(3)(a)(xiii)) is counted as the months of the period with disembarkations. Every sea arrival on
those routes is counted as a disembarkation after SAR: an upper bound (boats landing on their own,
e.g. on Lampedusa, are included); `italy_check` measures the error of the split against Italy's
own count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from migralex.cycle.border_series import (
    allocate_detections,
    frontex_by_route,
    frontex_by_route_in,
    frontex_months,
    italy_arrivals_in,
    italy_days,
    italy_sar_arrivals,
)
from migralex.cycle.period import Period, Window, coverage_window
from migralex.data import load
from migralex.data.schemas import FRONTEX_ROUTES

#: The Frontex routes (as in the shipped `frontex_ibc` table).
ROUTES = FRONTEX_ROUTES
#: Sea routes whose arrivals come as disembarkations after SAR operations (default of `rules.sar.routes`).
SAR_ROUTES = (
    "Central Mediterranean Route",
    "Western Mediterranean Route",
    "Western African Route",
    "Eastern Mediterranean Route",
)


@dataclass(frozen=True)
class SarEstimate:
    """Per-Member-State SAR disembarkations over a period, with how each was obtained."""

    frame: pl.DataFrame
    window: Window
    italy_window: Window | None
    notes: tuple[str, ...]


def _months_with_arrivals(
    members: tuple[str, ...], period: Period, allocation: pl.DataFrame, routes: tuple[str, ...]
) -> pl.DataFrame:
    """Months of `period` in which a route with a positive weight for the Member State had sea detections."""
    monthly = (
        load("frontex_ibc")
        .filter(
            pl.col("month").is_between(period.start, period.end),
            pl.col("border_type") == "sea",
            pl.col("route").is_in(routes),
        )
        .group_by("route", "month")
        .agg(pl.col("detections").sum())
        .filter(pl.col("detections") > 0)
        .with_columns(pl.col("month").dt.year().cast(pl.Int16).alias("year"))
    )
    weights = allocation.filter(pl.col("weight") > 0, pl.col("member_state").is_in(members)).select(
        "route", "year", "member_state"
    )
    return (
        monthly.join(weights, on=["route", "year"])
        .group_by("member_state")
        .agg(pl.col("month").n_unique().cast(pl.Int64).alias("sar_months"))
    )


def sar_disembarkations(
    members: tuple[str, ...], wanted: Period, routes: tuple[str, ...] = SAR_ROUTES
) -> SarEstimate:
    """AMMR Art. 9(3)(a)(xii)-(xiii), 11(3): estimated SAR disembarkations per Member State over `wanted`."""
    window = coverage_window(wanted, *frontex_months())
    detections = frontex_by_route_in(window.period).filter(
        pl.col("border_type") == "sea", pl.col("route").is_in(routes)
    )
    if detections.height:
        by_ms, route_split, notes = allocate_detections(members, detections)
    else:
        by_ms = pl.DataFrame(schema={"member_state": pl.String, "irregular_crossings": pl.Int64})
        route_split = pl.DataFrame(
            schema={"route": pl.String, "year": pl.Int16, "member_state": pl.String, "weight": pl.Float64}
        )
        notes = []
    frame = (
        pl.DataFrame({"member_state": list(members)})
        .join(
            by_ms.group_by("member_state").agg(pl.col("irregular_crossings").sum().alias("sar_frontex")),
            on="member_state",
            how="left",
        )
        .join(
            _months_with_arrivals(members, window.period, route_split, routes), on="member_state", how="left"
        )
        .with_columns(pl.col("sar_frontex", "sar_months").fill_null(0))
        .with_columns(
            pl.col("sar_frontex").alias("sar_disembarkations"),
            pl.lit(f"Frontex sea detections, {window.how}, split by migr_eipre").alias("sar_method"),
        )
    )
    italy_window = None
    if "IT" in members:
        italy_window = coverage_window(wanted, *italy_days())
        count = italy_arrivals_in(italy_window.period)
        if count is not None:
            months = _italy_months(italy_window.period)
            frame = frame.with_columns(
                pl.when(pl.col("member_state") == "IT")
                .then(pl.lit(count))
                .otherwise(pl.col("sar_disembarkations"))
                .alias("sar_disembarkations"),
                pl.when(pl.col("member_state") == "IT")
                .then(pl.lit(months))
                .otherwise(pl.col("sar_months"))
                .alias("sar_months"),
                pl.when(pl.col("member_state") == "IT")
                .then(pl.lit(f"Ministry of the Interior daily sea arrivals, {italy_window.how}"))
                .otherwise(pl.col("sar_method"))
                .alias("sar_method"),
            )
    notes = [
        *notes,
        "SAR disembarkations: every sea arrival on " + ", ".join(routes) + " counted as a disembarkation "
        "after SAR (an upper bound); Italy from its Ministry's count, the others from Frontex route data "
        "split among the Member States of each route",
    ]
    return SarEstimate(frame.sort("member_state"), window, italy_window, tuple(notes))


def _italy_months(period: Period) -> int:
    """Months of `period` with sea arrivals in Italy's daily series."""
    daily = load("italy_sea_arrivals").filter(
        pl.col("date").is_between(period.start, period.end), pl.col("arrivals") > 0
    )
    return int(daily["date"].dt.month_start().n_unique())


def italy_check(years: tuple[int, int], members: tuple[str, ...]) -> pl.DataFrame:
    """The error of the route split for Italy: Frontex Central Mediterranean sea detections allocated to
    Italy against the Ministry's count, per calendar year both cover (year, split, ministry, error)."""
    ministry = italy_sar_arrivals(years)
    detections = frontex_by_route(years).filter(
        pl.col("route") == "Central Mediterranean Route", pl.col("border_type") == "sea"
    )
    allocated, _, _ = allocate_detections(members, detections)
    return (
        allocated.filter(pl.col("member_state") == "IT")
        .select("year", pl.col("irregular_crossings").alias("split"))
        .join(ministry.select("year", pl.col("sar_arrivals").alias("ministry")), on="year")
        .with_columns((pl.col("split") / pl.col("ministry") - 1).alias("error"))
        .sort("year")
    )


def latest_complete_years() -> tuple[int, int]:
    """The calendar years both the Frontex and Italy's daily series cover in full."""
    first, last = frontex_months()
    day0, day1 = italy_days()
    low = max(first.year + (first.month > 1), day0.year + (day0 > dt.date(day0.year, 1, 1)))
    high = min(last.year - (last.month < 12), day1.year - (day1 < dt.date(day1.year, 12, 31)))
    return low, high
