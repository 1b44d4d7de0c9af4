"""The series to forecast, built from the shipped tidy tables (nothing is downloaded at run time).

Each series has an id, a frequency and a season length; its observations are counts in a tidy
frame `[series_id, ds, y]` (`ds` is the first day of the month, the Monday of the week or 1 January).

- Frontex illegal border crossings (`frontex_ibc`, monthly 2009-01 to 2025-04): every route
  (`frontex:<route>`, all border types and citizenships), the EU total `frontex:EU` (the sum of the
  routes: the bottom level of the hierarchy routes → EU), and route × top citizenships
  (`frontex:<route>:<ISO2>`, the two largest known citizenships of the six main routes over
  2022-2024).
- Italy's sea arrivals (Ministry of the Interior, daily from 2019-09): `italy:weekly` (Monday weeks,
  complete weeks only) and `italy:monthly` (complete months only).
- Eurostat asylum applicants, **annual** (`applications_totals`, 2008-2024): every EU Member State
  (`asylum:<MS>`) and the EU27 total `asylum:EU` (sum of the Member States); EU27 applicants of
  the ten largest citizenships of 2020-2024 (`asylum:EU:<ISO2>`, from `applications_by_nationality`,
  2013-2024).

Monthly Eurostat applications (migr_asyappctzm) are **not shipped**. The layer is built so that a
monthly table plugs in: every family is a `Builder` in `BUILDERS` (a function returning the tidy
frame and the specs); a monthly table `applications_monthly[country, month, applicants]` would be
one more builder with `freq="month"` and `season=12`, and the models, the back-test, the alerts and
the API would take it as they take the Frontex series.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from migralex.countries import EU27
from migralex.data import load
from migralex.errors import UnknownReference

#: Frequencies: name → (statsforecast/pandas frequency, season length, periods per 12 months).
FREQUENCIES: dict[str, tuple[str, int, int]] = {
    "month": ("MS", 12, 12),
    "week": ("W-MON", 52, 52),
    "year": ("YS", 1, 1),
}
#: The six main Frontex routes whose top citizenships are series of their own.
MAIN_ROUTES = (
    "Central Mediterranean Route",
    "Eastern Mediterranean Route",
    "Western Mediterranean Route",
    "Western Balkan Route",
    "Eastern Borders Route",
    "Western African Route",
)
TOP_CITIZENSHIPS_PER_ROUTE = 2
TOP_CITIZENSHIPS_EU = 10
UNKNOWN_CITIZENSHIPS = ("UNK", "UNK_SSA", "STLS")


@dataclass(frozen=True)
class SeriesSpec:
    """One series: id, label, frequency, season length, source table and its parent in a hierarchy."""

    series_id: str
    label: str
    freq: str
    source: str
    parent: str | None = None

    @property
    def season(self) -> int:
        """Season length in periods (12 months, 52 weeks, 1 year)."""
        return FREQUENCIES[self.freq][1]


Builder = Callable[[], tuple[pl.DataFrame, list[SeriesSpec]]]


def slug(text: str) -> str:
    """A route's name as an id part: 'Central Mediterranean Route' → 'central-mediterranean'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().removesuffix(" route")).strip("-")


def _month_grid(frame: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Complete the monthly `[series_id, ds, y]` frame with zeros for months without rows."""
    months = pl.DataFrame({"ds": pl.date_range(start, end, "1mo", eager=True)})
    ids = frame.select("series_id").unique()
    return (
        ids.join(months, how="cross")
        .join(frame, on=["series_id", "ds"], how="left")
        .with_columns(pl.col("y").fill_null(0).cast(pl.Float64))
    )


def frontex_series() -> tuple[pl.DataFrame, list[SeriesSpec]]:
    """Frontex detections: routes, the EU total, route × top citizenships (monthly)."""
    raw = load("frontex_ibc")
    start = min(raw["month"].to_list())
    end = max(raw["month"].to_list())
    routes = raw.group_by("route", "month").agg(y=pl.col("detections").sum())
    ids = {r: f"frontex:{slug(r)}" for r in sorted(routes["route"].unique())}
    route_frame = routes.select(series_id=pl.col("route").replace_strict(ids), ds=pl.col("month"), y="y")
    total = (
        raw.group_by("month")
        .agg(y=pl.col("detections").sum())
        .select(series_id=pl.lit("frontex:EU"), ds="month", y="y")
    )
    recent = raw.filter(
        pl.col("route").is_in(MAIN_ROUTES),
        pl.col("month").dt.year().is_between(2022, 2024),
        ~pl.col("citizenship").is_in(UNKNOWN_CITIZENSHIPS),
    )
    top = (
        recent.group_by("route", "citizenship")
        .agg(n=pl.col("detections").sum())
        .sort(["route", "n", "citizenship"], descending=[False, True, False])
        .group_by("route", maintain_order=True)
        .head(TOP_CITIZENSHIPS_PER_ROUTE)
    )
    nat = (
        raw.join(top.select("route", "citizenship"), on=["route", "citizenship"])
        .group_by("route", "citizenship", "month")
        .agg(y=pl.col("detections").sum())
        .select(
            series_id=pl.format("{}:{}", pl.col("route").replace_strict(ids), pl.col("citizenship")),
            ds="month",
            y="y",
        )
    )
    frame = _month_grid(pl.concat([total, route_frame, nat]), start, end)
    specs = [SeriesSpec("frontex:EU", "Frontex detections, all routes (EU)", "month", "frontex_ibc")]
    specs += [
        SeriesSpec(i, f"Frontex detections, {r}", "month", "frontex_ibc", "frontex:EU")
        for r, i in ids.items()
    ]
    specs += [
        SeriesSpec(
            f"{ids[row['route']]}:{row['citizenship']}",
            f"Frontex detections, {row['route']}, citizens of {row['citizenship']}",
            "month",
            "frontex_ibc",
        )
        for row in top.iter_rows(named=True)
    ]
    return frame, specs


def italy_series() -> tuple[pl.DataFrame, list[SeriesSpec]]:
    """Italy's sea arrivals: complete Monday weeks and complete months of the daily series."""
    daily = load("italy_sea_arrivals").select("date", "arrivals").sort("date")
    first, last = daily["date"].min(), daily["date"].max()
    weekly = (
        daily.group_by(ds=pl.col("date").dt.truncate("1w"))
        .agg(y=pl.col("arrivals").sum(), days=pl.len())
        .filter(pl.col("days") == 7)
    )
    monthly = (
        daily.group_by(ds=pl.col("date").dt.truncate("1mo"))
        .agg(y=pl.col("arrivals").sum(), days=pl.len(), end=pl.col("date").max())
        .filter(pl.col("ds") >= first, pl.col("end") == pl.col("end").dt.month_end())
    )
    frame = pl.concat(
        [
            weekly.select(series_id=pl.lit("italy:weekly"), ds="ds", y=pl.col("y").cast(pl.Float64)),
            monthly.select(series_id=pl.lit("italy:monthly"), ds="ds", y=pl.col("y").cast(pl.Float64)),
        ]
    ).filter(pl.col("ds") <= last)
    specs = [
        SeriesSpec("italy:weekly", "Sea arrivals in Italy, weekly", "week", "italy_sea_arrivals"),
        SeriesSpec("italy:monthly", "Sea arrivals in Italy, monthly", "month", "italy_sea_arrivals"),
    ]
    return frame.sort("series_id", "ds"), specs


def asylum_series() -> tuple[pl.DataFrame, list[SeriesSpec]]:
    """Eurostat asylum applicants per Member State, the EU27 total and top citizenships (annual)."""
    totals = load("applications_totals").filter(
        pl.col("citizenship") == "TOTAL", pl.col("country").is_in(EU27)
    )
    ms = totals.select(
        series_id=pl.format("asylum:{}", "country"), ds=pl.date(pl.col("year"), 1, 1), y="applicants"
    )
    eu = ms.group_by("ds").agg(y=pl.col("y").sum()).with_columns(series_id=pl.lit("asylum:EU"))
    nat = load("applications_by_nationality").filter(pl.col("country") == "EU27_2020")
    top = (
        nat.filter(pl.col("year") >= 2020, ~pl.col("citizenship").is_in(UNKNOWN_CITIZENSHIPS))
        .group_by("citizenship")
        .agg(n=pl.col("applicants").sum())
        .sort(["n", "citizenship"], descending=[True, False])
        .head(TOP_CITIZENSHIPS_EU)["citizenship"]
        .to_list()
    )
    by_nat = (
        nat.filter(pl.col("citizenship").is_in(top))
        .group_by("citizenship", "year")
        .agg(y=pl.col("applicants").sum())
        .select(series_id=pl.format("asylum:EU:{}", "citizenship"), ds=pl.date(pl.col("year"), 1, 1), y="y")
    )
    frame = pl.concat([ms, eu.select("series_id", "ds", "y"), by_nat]).with_columns(
        pl.col("y").cast(pl.Float64)
    )
    present = set(ms["series_id"].unique())
    specs = [SeriesSpec("asylum:EU", "Asylum applicants, EU27 (annual)", "year", "applications_totals")]
    specs += [
        SeriesSpec(
            f"asylum:{c}", f"Asylum applicants, {c} (annual)", "year", "applications_totals", "asylum:EU"
        )
        for c in EU27
        if f"asylum:{c}" in present
    ]
    specs += [
        SeriesSpec(
            f"asylum:EU:{c}",
            f"Asylum applicants in the EU27, citizens of {c} (annual)",
            "year",
            "applications_by_nationality",
        )
        for c in top
    ]
    return frame.sort("series_id", "ds"), specs


#: The families of series: name → builder. A monthly Eurostat table would be one more entry.
BUILDERS: dict[str, Builder] = {
    "frontex": frontex_series,
    "italy": italy_series,
    "asylum": asylum_series,
}


@cache
def _all() -> tuple[pl.DataFrame, dict[str, SeriesSpec]]:
    frames, specs = [], {}
    for builder in BUILDERS.values():
        frame, family = builder()
        frames.append(frame.select("series_id", "ds", "y"))
        specs.update({s.series_id: s for s in family})
    return pl.concat(frames).sort("series_id", "ds"), specs


def catalogue() -> dict[str, SeriesSpec]:
    """Every series: id → spec (cached)."""
    return dict(_all()[1])


def observations(ids: list[str] | None = None) -> pl.DataFrame:
    """The observed counts `[series_id, ds, y]` of `ids` (all when None), sorted."""
    frame = _all()[0]
    if ids is None:
        return frame
    check_ids(ids)
    return frame.filter(pl.col("series_id").is_in(ids))


def check_ids(ids: list[str]) -> list[str]:
    """Return `ids` if every one is a series; otherwise raise UnknownReference naming the first bad one."""
    specs = _all()[1]
    for i in ids:
        if i not in specs:
            examples = ", ".join(list(specs)[:6])
            raise UnknownReference(f"no series {i!r}; e.g. {examples} (see `migralex forecast series`)")
    return ids


def children(parent: str) -> list[str]:
    """The bottom series whose sum is `parent` (routes of the EU total, Member States of the EU27)."""
    return [s.series_id for s in _all()[1].values() if s.parent == parent]
