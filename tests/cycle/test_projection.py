"""The projection of the coming year split from routes to Member States (AMMR Art. 9(3)(b)), hand-made."""

from __future__ import annotations

import polars as pl
import pytest

from migralex.cycle.projection import BANDS, check_routes, route_shares, split_projection
from migralex.errors import InvalidInput

ALLOCATION = pl.DataFrame(
    {
        "route": ["R1", "R1", "R1", "R2"],
        "border_type": ["sea", "sea", "land", "land"],
        "year": [2024, 2024, 2024, 2024],
        "member_state": ["AA", "BB", "BB", "CC"],
        "detections": [300, 100, 100, 50],
    }
)


def routes(**rows: tuple[float, float, float, float, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [(name, *values) for name, values in rows.items()], schema=["route", *BANDS], orient="row"
    )


def test_shares_per_route_and_border_type() -> None:
    shares = {
        (r["route"], r["border_type"], r["member_state"]): r["share"]
        for r in route_shares(ALLOCATION).iter_rows(named=True)
    }
    assert shares == {
        ("R1", "sea", "AA"): 0.75,
        ("R1", "sea", "BB"): 0.25,
        ("R1", "land", "BB"): 1.0,
        ("R2", "land", "CC"): 1.0,
    }


def test_split_without_border_type_uses_land_and_sea_together() -> None:
    # R1: AA 300 of 500 detections (0.6), BB 200 (0.4); R2: CC alone
    split = split_projection(
        routes(R1=(1000, 800, 1200, 600, 1500), R2=(10, 5, 20, 0, 30)), route_shares(ALLOCATION)
    )
    got = {r["member_state"]: r for r in split.iter_rows(named=True)}
    assert got["AA"]["projected"] == pytest.approx(600) and got["AA"]["upper_95"] == pytest.approx(900)
    assert got["BB"]["lower_80"] == pytest.approx(320)
    assert got["CC"]["projected"] == pytest.approx(10) and got["CC"]["lower_95"] == 0
    # the point projections add up to the routes' (each route split whole)
    assert split["projected"].sum() == pytest.approx(1010)


def test_split_with_border_type() -> None:
    frame = pl.DataFrame(
        {"route": ["R1", "R1"], "border_type": ["sea", "land"], **{b: [100.0, 40.0] for b in BANDS}}
    )
    got = {
        r["member_state"]: r["projected"]
        for r in split_projection(frame, route_shares(ALLOCATION)).iter_rows(named=True)
    }
    assert got == {"AA": pytest.approx(75), "BB": pytest.approx(25 + 40)}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((100, 120, 130, 90, 140), "out of order"),  # lower_80 above the point
        ((100, 80, 90, 70, 140), "out of order"),  # upper_80 below the point
        ((100, 80, 120, 85, 140), "out of order"),  # lower_95 above lower_80
        ((-1, -2, 0, -3, 1), "negative"),
    ],
)
def test_bad_bounds_are_refused(values, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_routes(routes(R1=values))


def test_missing_columns_and_duplicates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="missing column"):
        check_routes(pl.DataFrame({"route": ["R1"], "projected": [1]}))
    with pytest.raises(InvalidInput, match="given twice"):
        check_routes(routes(R1=(1, 1, 1, 1, 1)).vstack(routes(R1=(1, 1, 1, 1, 1))))


def test_cycle_projection_from_the_forecast_splits_every_route_whole() -> None:
    from migralex.cycle.members import members_for
    from migralex.cycle.projection import cycle_projection
    from migralex.cycle.timeline import Cycle

    projection, note = cycle_projection(Cycle(2024), members_for("bound_by_ammr"))
    assert projection is not None, note
    assert projection.period == "calendar year 2025"
    assert "end of 2024-06" in projection.source  # the end of the Report's period: no later data
    # every route has a Member State of the set: the split keeps the point and every bound
    for band in BANDS:
        assert projection.member_states[band].sum() == pytest.approx(projection.routes[band].sum(), rel=1e-9)
    states = projection.member_states
    assert (states["lower_95"] <= states["lower_80"] + 1e-9).all()
    assert (states["lower_80"] <= states["projected"] + 1e-9).all()
    assert (states["projected"] <= states["upper_80"] + 1e-9).all()
    assert states.filter(pl.col("member_state").is_in(["AT", "LU", "CZ"]))["projected"].sum() == 0
    assert {"projected_arrivals", "projected_applications"} <= set(projection.for_classification().columns)


def test_annual_spread_uses_complete_years_before_the_origin_only() -> None:
    import datetime as dt

    from migralex.cycle.projection import annual_spread

    spread = annual_spread(2024, dt.date(2023, 6, 1))  # last complete year 2022: two-year changes
    assert (spread["q025"] <= spread["q10"]).all() and (spread["q10"] <= spread["q90"]).all()
    assert (spread["q90"] <= spread["q975"]).all()
    # the same with data up to December 2022 only: 2023's months do not count
    assert annual_spread(2024, dt.date(2022, 12, 1)).sort("route").equals(spread.sort("route"))
