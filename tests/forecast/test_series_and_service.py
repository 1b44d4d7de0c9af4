"""Series from the shipped tables, the public forecast_series/project_year, coherent totals."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from migralex.data import load
from migralex.errors import InvalidInput, UnknownReference
from migralex.forecast import catalogue, forecast_series, project_year
from migralex.forecast.series import children, observations
from migralex.forecast.service import known_at, parse_as_of


def test_frontex_total_is_the_sum_of_the_raw_table_every_month() -> None:
    raw = load("frontex_ibc").group_by("month").agg(pl.col("detections").sum()).sort("month")
    total = observations(["frontex:EU"]).sort("ds")
    assert total.height == raw.height
    assert total["y"].to_list() == [float(v) for v in raw["detections"]]


def test_routes_add_up_to_the_eu_total() -> None:
    routes = observations(children("frontex:EU")).group_by("ds").agg(pl.col("y").sum()).sort("ds")
    assert routes["y"].to_list() == observations(["frontex:EU"]).sort("ds")["y"].to_list()
    assert len(children("asylum:EU")) == 27


def test_italy_weekly_keeps_complete_monday_weeks_only() -> None:
    weekly = observations(["italy:weekly"])
    assert all(d.weekday() == 0 for d in weekly["ds"])
    daily = load("italy_sea_arrivals")
    first = weekly["ds"][0]
    week = daily.filter(pl.col("date").is_between(first, date.fromordinal(first.toordinal() + 6)))
    assert week.height == 7 and weekly["y"][0] == week["arrivals"].sum()


def test_known_at_keeps_only_what_was_complete_at_the_end_of_the_month() -> None:
    obs = observations(["frontex:EU", "asylum:DE", "italy:weekly"])
    seen = known_at(obs, parse_as_of("2024-06"))
    last = dict(seen.group_by("series_id").agg(pl.col("ds").max()).iter_rows())
    assert last["frontex:EU"] == date(2024, 6, 1)
    assert last["asylum:DE"] == date(2023, 1, 1)  # 2024 is not over in June 2024
    assert date.fromordinal(last["italy:weekly"].toordinal() + 6) <= date(2024, 6, 30)


def test_forecast_series_shape_and_columns() -> None:
    frame = forecast_series(["frontex:central-mediterranean", "asylum:IT"], as_of="2023-12", horizon=6)
    assert frame.columns == ["series_id", "ds", "mean", "lo80", "hi80", "lo95", "hi95", "model"]
    per = dict(frame.group_by("series_id").len().iter_rows())
    assert per == {"frontex:central-mediterranean": 6, "asylum:IT": 1}
    cmr = frame.filter(pl.col("series_id") == "frontex:central-mediterranean")
    assert cmr["ds"].min() == date(2024, 1, 1)


def test_the_eu_total_forecast_is_the_sum_of_the_route_forecasts() -> None:
    ids = ["frontex:EU", *children("frontex:EU")]
    frame = forecast_series(ids, as_of="2024-06", horizon=3)
    total = frame.filter(pl.col("series_id") == "frontex:EU").sort("ds")["mean"].to_numpy()
    parts = (
        frame.filter(pl.col("series_id") != "frontex:EU").group_by("ds").agg(pl.col("mean").sum()).sort("ds")
    )
    assert total == pytest.approx(parts["mean"].to_numpy(), rel=1e-9)


def test_project_year_gives_every_member_state_and_the_eu_after_the_last_observed_year() -> None:
    proj = project_year(as_of="2025-06")
    assert set(proj["year"]) == {2025}
    assert set(proj["last_year"]) == {2024}
    assert len(proj) == 28 and "EU" in proj["country"].to_list()
    assert (proj["lo95"] <= proj["mean"]).all() and (proj["mean"] <= proj["hi95"]).all()
    with pytest.raises(InvalidInput, match="year"):
        project_year(2024, as_of="2025-06")


def test_bad_input_names_what_was_wrong() -> None:
    with pytest.raises(UnknownReference, match="no series 'frontex:atlantis'"):
        forecast_series("frontex:atlantis")
    with pytest.raises(InvalidInput, match="as_of"):
        forecast_series("frontex:EU", as_of="2024-13")
    with pytest.raises(InvalidInput, match="model"):
        forecast_series("frontex:EU", model="prophet")
    with pytest.raises(InvalidInput, match="horizon"):
        forecast_series("frontex:EU", horizon=0)


def test_catalogue_has_the_families_and_frequencies() -> None:
    specs = catalogue()
    assert {s.freq for s in specs.values()} == {"month", "week", "year"}
    assert specs["frontex:eastern-borders"].parent == "frontex:EU"
    assert specs["italy:weekly"].season == 52


def test_project_period_sums_observed_and_forecast_months() -> None:
    from migralex.forecast.service import project_period

    # July 2024 - June 2025 as of December 2024: six observed months, six forecast
    out = project_period("frontex:central-mediterranean", "2024-07", "2025-06", as_of="2024-12").row(
        0, named=True
    )
    assert out["months"] == 12
    obs = observations(["frontex:central-mediterranean"])
    seen = obs.filter(pl.col("ds").is_between(date(2024, 7, 1), date(2024, 12, 1)))["y"].sum()
    fc = forecast_series("frontex:central-mediterranean", as_of="2024-12", horizon=6)
    assert out["mean"] == pytest.approx(seen + fc["mean"].sum())
    assert out["lo95"] <= out["lo80"] <= out["mean"] <= out["hi80"] <= out["hi95"]
    assert out["lo80"] == pytest.approx(seen + fc["lo80"].sum())
    with pytest.raises(InvalidInput, match="not a monthly series"):
        project_period("asylum:DE", "2024-01", "2024-12")
