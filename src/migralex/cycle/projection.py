"""The projection for the coming year (AMMR Art. 9(3)(b)) per route and per Member State, with bands.

The forecast (`migralex.forecast`) projects the Frontex routes; a Member State's share of a route is
its share of the route's detections over the reference window (the same split as the irregular
crossings, `border_series.allocate_detections`). A Member State's projection is Σ share × route
projection; its bounds are Σ share × route bound, i.e. the routes are taken as moving together
(a conservative band: independent routes would give a narrower one). A route's annual bands are
empirical: the spread of its historical changes over as many years (`annual_spread`). The coming
year is the year of the pool (the cycle year + 1, AMMR Arts 11(1), 12(1) "the upcoming year").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from migralex.cycle.border_series import allocate_detections, frontex_by_route_in, frontex_months
from migralex.cycle.period import Period, add_months, month_end, month_start, reference_period
from migralex.cycle.provenance import jsonable
from migralex.cycle.timeline import Cycle
from migralex.data import load
from migralex.errors import InvalidInput, MigralexError

#: Columns of a route projection: the point and the bounds of the 80 % and 95 % intervals.
BANDS = ("projected", "lower_80", "upper_80", "lower_95", "upper_95")


@dataclass(frozen=True)
class Projection:
    """The coming year per route and per Member State, with where it comes from."""

    period: str
    routes: pl.DataFrame
    member_states: pl.DataFrame
    source: str
    notes: tuple[str, ...]

    def for_classification(self) -> pl.DataFrame:
        """The coming year per Member State for `classify`: projected arrivals (and applications where
        projected), each with its upper 80 % bound."""
        extra = [
            c
            for c in ("projected_applications", "projected_applications_upper")
            if c in self.member_states.columns
        ]
        return self.member_states.select(
            "member_state",
            pl.col("projected").alias("projected_arrivals"),
            pl.col("upper_80").alias("projected_arrivals_upper"),
            *extra,
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "period": self.period,
            "basis": "AMMR Art. 9(3)(b), 11(1)",
            "source": self.source,
            "routes": jsonable(self.routes.to_dicts()),
            "member_states": jsonable(self.member_states.to_dicts()),
            "notes": list(self.notes),
        }


def check_routes(routes: pl.DataFrame) -> pl.DataFrame:
    """A route projection, checked: route + BANDS, lower ≤ point ≤ upper, nothing negative."""
    missing = [c for c in ("route", *BANDS) if c not in routes.columns]
    if missing:
        raise InvalidInput("projection", f"missing column(s) {', '.join(missing)}")
    keys = ["route", *(["border_type"] if "border_type" in routes.columns else [])]
    if routes.select(keys).is_duplicated().any():
        raise InvalidInput("projection.route", "a route is given twice")
    bad = routes.filter(
        pl.any_horizontal(pl.col(list(BANDS)).is_null() | (pl.col(list(BANDS)) < 0))
        | (pl.col("lower_95") > pl.col("lower_80"))
        | (pl.col("lower_80") > pl.col("projected"))
        | (pl.col("projected") > pl.col("upper_80"))
        | (pl.col("upper_80") > pl.col("upper_95"))
    )
    if bad.height:
        raise InvalidInput(
            "projection", f"bounds out of order or negative for {', '.join(bad['route'].cast(pl.String))}"
        )
    return routes.select(*keys, *BANDS)


def route_shares(allocation: pl.DataFrame) -> pl.DataFrame:
    """Each Member State's share of each route (and border type) from a route allocation."""
    by_ms = allocation.group_by("route", "border_type", "member_state").agg(pl.col("detections").sum())
    return by_ms.with_columns(
        (pl.col("detections") / pl.col("detections").sum().over("route", "border_type"))
        .fill_nan(0)
        .alias("share")
    ).select("route", "border_type", "member_state", "detections", "share")


def split_projection(routes: pl.DataFrame, shares: pl.DataFrame) -> pl.DataFrame:
    """Member-State projection: Σ share × route value for the point and every bound.

    Where `routes` has no border_type, a Member State's share of the route is its share of the
    route's land and sea detections together.
    """
    routes = check_routes(routes)
    if "border_type" not in routes.columns:
        weights = shares.group_by("route", "member_state").agg(pl.col("detections").sum())
        shares = weights.with_columns(
            (pl.col("detections") / pl.col("detections").sum().over("route")).fill_nan(0).alias("share")
        )
        keys = ["route"]
    else:
        keys = ["route", "border_type"]
    joined = routes.join(shares, on=keys, how="inner")
    return (
        joined.group_by("member_state")
        .agg(*[(pl.col(b) * pl.col("share")).sum().alias(b) for b in BANDS])
        .sort("member_state")
    )


def _route_ids() -> dict[str, str]:
    """Forecast series id → Frontex route name, for the route series of `migralex.forecast`."""
    from migralex.forecast import catalogue

    prefix = "Frontex detections, "
    return {
        sid: spec.label.removeprefix(prefix)
        for sid, spec in catalogue().items()
        if sid.startswith("frontex:") and sid.count(":") == 1 and sid != "frontex:EU"
    }


def annual_spread(year: int, as_of: dt.date) -> pl.DataFrame:
    """Per route, the quantiles of the historical k-year log change of annual detections, around its median.

    k = `year` − the last calendar year complete at `as_of`; only years complete at `as_of` are
    used. Columns: route, q10, q90, q025, q975 (log factors relative to the median change).
    """
    frame = (
        load("frontex_ibc")
        .filter(pl.col("month") <= as_of)
        .with_columns(pl.col("month").dt.year().alias("year"))
    )
    months = frame.group_by("year").agg(pl.col("month").n_unique().alias("months"))
    complete = months.filter(pl.col("months") == 12).select("year")
    # every route in every complete year (a route without detections in a year has 0)
    grid = (
        complete.join(frame.select("route").unique(), how="cross")
        .join(
            frame.group_by("route", "year").agg(pl.col("detections").sum()), on=["route", "year"], how="left"
        )
        .with_columns(pl.col("detections").fill_null(0))
    )
    k = year - int(complete["year"].max())  # type: ignore[arg-type]
    changes = grid.join(
        grid.with_columns((pl.col("year") - k).alias("year")), on=["route", "year"], suffix="_later"
    ).with_columns(((pl.col("detections_later") + 1) / (pl.col("detections") + 1)).log().alias("r"))
    centre = pl.col("r").median()
    return changes.group_by("route").agg(
        *[
            (pl.col("r").quantile(q, "linear") - centre).alias(name)
            for name, q in (("q10", 0.10), ("q90", 0.90), ("q025", 0.025), ("q975", 0.975))
        ]
    )


def pool_year_routes(year: int, as_of: dt.date) -> pl.DataFrame:
    """The route forecasts made at `as_of` summed over calendar `year`, with annual bands (route + BANDS).

    The point is the sum of the monthly forecasts (`migralex.forecast`). The bands are empirical at
    the annual level: the point times the spread of the route's historical changes over the same
    number of years (`annual_spread`, 10-90 % and 2.5-97.5 % quantiles). The monthly bands of the
    forecast are calibrated month by month up to 12 months ahead; summed over a year 1-2 years ahead
    they would not be a band for the year.
    """
    from migralex.forecast import forecast_series

    names = _route_ids()
    horizon = (year - as_of.year) * 12 + 12 - as_of.month
    if not 1 <= horizon <= 36:
        raise InvalidInput("projection", f"{year} is not 1-36 months after the data ({as_of:%Y-%m})")
    monthly = forecast_series(list(names), as_of=as_of, horizon=horizon)
    points = (
        monthly.filter(pl.col("ds").dt.year() == year)
        .group_by("series_id")
        .agg(pl.col("mean").sum().alias("projected"))
        .with_columns(pl.col("series_id").replace_strict(names).alias("route"))
    )
    spread = annual_spread(year, as_of)
    factor = {"lower_80": "q10", "upper_80": "q90", "lower_95": "q025", "upper_95": "q975"}
    return (
        points.join(spread, on="route", how="left")
        .with_columns(
            *[
                (pl.col("projected") * pl.col(q).fill_null(0.0).exp()).alias(band)
                for band, q in factor.items()
            ]
        )
        .with_columns(
            pl.min_horizontal("lower_80", "projected").alias("lower_80"),
            pl.max_horizontal("upper_80", "projected").alias("upper_80"),
        )
        .with_columns(
            pl.min_horizontal("lower_95", "lower_80").alias("lower_95"),
            pl.max_horizontal("upper_95", "upper_80").alias("upper_95"),
        )
        .select("route", *BANDS)
        .sort("route")
    )


def pool_year_applications(year: int, as_of: dt.date) -> pl.DataFrame:
    """Applicants per Member State projected for `year` (member_state, projected_applications, _upper)."""
    from migralex.forecast import project_year

    frame = project_year(year, as_of=as_of)
    return frame.filter(pl.col("country") != "EU").select(
        pl.col("country").alias("member_state"),
        pl.col("mean").alias("projected_applications"),
        pl.col("hi80").alias("projected_applications_upper"),
    )


def cycle_projection(
    cycle: Cycle, members: tuple[str, ...], period: str = "report"
) -> tuple[Projection | None, str]:
    """AMMR Art. 9(3)(b): the projection of the pool year from `migralex.forecast`, or None and why.

    The forecasts start from the data known at the end of the reference period (or the last month
    shipped, if earlier); a Member State's share of a route is its share of the route's detections
    in the 12 months before that.
    """
    try:
        import migralex.forecast  # noqa: F401
    except ImportError as exc:
        return None, f"no projection for {cycle.pool_year}: the forecasting package is not available ({exc})"
    wanted = reference_period(cycle, period)
    last = frontex_months()[1]
    as_of = min(month_start(wanted.end), last)
    window = Period(add_months(as_of, -11), month_end(as_of), "report")
    try:
        routes = pool_year_routes(cycle.pool_year, as_of)
        applications = pool_year_applications(cycle.pool_year, as_of)
        _, allocation, _ = allocate_detections(members, frontex_by_route_in(window))
    except MigralexError as exc:
        return None, f"no projection for {cycle.pool_year}: {exc}"
    states = split_projection(routes, route_shares(allocation))
    states = (
        pl.DataFrame({"member_state": list(members)})
        .join(states, on="member_state", how="left")
        .with_columns(pl.col(list(BANDS)).fill_null(0.0))
        .join(applications, on="member_state", how="left")
    )
    source = (
        "migralex.forecast (ensemble of seasonal naive, ETS, ARIMA and Theta) "
        f"from the data known at the end of {as_of:%Y-%m}: Frontex detections by route for calendar year "
        f"{cycle.pool_year} (the pool year, AMMR Arts 11(1), 12(1)), split among the Member States by their "
        f"share of each route in {window.label}; asylum applicants per Member State (Eurostat, annual)"
    )
    notes = (
        "the year's point is the sum of the monthly forecasts; its bands are the route's historical "
        "spread of annual changes over as many years (10-90 % and 2.5-97.5 % quantiles), around the point",
        "a Member State's bounds are its shares of the routes' bounds (routes moving together)",
        f"the forecasts use no data after {as_of:%Y-%m}",
    )
    return Projection(f"calendar year {cycle.pool_year}", routes, states, source, notes), ""
