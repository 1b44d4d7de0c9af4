"""The projection for the coming year (AMMR Art. 9(3)(b)) per route and per Member State, with bands.

The forecast (`migralex.forecast`) projects the Frontex routes; a Member State's share of a route is
its share of the route's detections over the reference window (the same split as the irregular
crossings, `border_series.allocate_detections`). A Member State's projection is Σ share × route
projection; its bounds are Σ share × route bound, i.e. the routes are taken as moving together
(a conservative band: independent routes would give a narrower one). The coming year is the year of
the pool (the cycle year + 1, AMMR Arts 11(1), 12(1) "the upcoming year").
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from migralex.cycle.provenance import jsonable
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput

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
        """member_state, projected_arrivals, projected_arrivals_upper (the 80 % bound) for `classify`."""
        return self.member_states.select(
            "member_state",
            pl.col("projected").alias("projected_arrivals"),
            pl.col("upper_80").alias("projected_arrivals_upper"),
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


def cycle_projection(
    cycle: Cycle, members: tuple[str, ...], period: str = "report"
) -> tuple[Projection | None, str]:
    """AMMR Art. 9(3)(b): the projection of the pool year from `migralex.forecast`, or None and why."""
    try:
        from migralex import forecast  # type: ignore[attr-defined]  # noqa: F401
    except ImportError as exc:
        return None, f"no projection for {cycle.pool_year}: the forecasting package is not available ({exc})"
    return None, f"no projection for {cycle.pool_year}: the forecasting package has no route forecast yet"
