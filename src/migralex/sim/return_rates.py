"""Effective return rates per Member State and nationality: factors on the Union rate, from two sources.

Per Member State: the shipped Eurostat table `returns` (`migralex.data.returns`, migr_eiord ordered
to leave / migr_eirtn returned following an order to leave, **every destination**, annual, 12 Member
States and the EU27): the factor of a Member State is its returned / ordered over the EU27's in the
same year, averaged over the years of a window (`returns.rate_window`, default 2022-2024; status
`table`). Per nationality (and for Member States the table lacks, e.g. LV): `data/return_rates.csv`
(SOURCE.md), figures quoted from Eurostat's articles and news releases, returned **to third
countries**, each divided by the Union total's rate of the same year and period (status `published`
or `derived`); a CSV row of a Member State the table covers is a cross-check (`cross_check`), not a
factor. The factors multiply the Union aggregate drawn per run (RBPR Art. 4 and Return Directive
Art. 8: the Member State enforces the return decision). A Member State or nationality without a
factor keeps 1: the Union aggregate (the documented fallback). Lookups are vectorised: one
[Member State, nationality] matrix, cached, indexed by the persons' codes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.data.returns import return_rates as eurostat_return_rates
from migralex.errors import InvalidInput

SHIPPED = "shipped"
UNION, TOTAL = "EU", "TOTAL"
SCHEMA = {
    "member_state": pl.String,
    "nationality": pl.String,
    "year": pl.Int64,
    "period": pl.String,
    "ordered": pl.Float64,
    "returned": pl.Float64,
    "rate": pl.Float64,
    "status": pl.String,
    "source": pl.String,
}
STATUSES = ("published", "derived", "assumed")
#: Status of a factor taken from the shipped Eurostat table (not a CSV status).
TABLE = "table"
#: The EU27 aggregate's code in the Eurostat table.
EUROSTAT_UNION = "EU27_2020"
#: Years whose Member State / EU27 ratios are averaged (baseline.yaml `returns.rate_window`).
DEFAULT_WINDOW = (2022, 2024)
#: Eurostat rounds these counts to 5 and the press to hundreds: agreement within either bound.
ROUNDING_PERSONS, ROUNDING_SHARE = 100, 0.005


@lru_cache(maxsize=4)
def table(path: str = SHIPPED) -> pl.DataFrame:
    """The rows (the shipped CSV, or a CSV with the same columns), checked; `rate` filled in."""
    where = f"returns.rate_table {path}"
    if path == SHIPPED:
        text = resources.files("migralex.sim").joinpath("data", "return_rates.csv").read_bytes()
        frame = pl.read_csv(text, schema_overrides=SCHEMA)
    elif Path(path).exists():
        frame = pl.read_csv(path, schema_overrides=SCHEMA)
    else:
        raise InvalidInput(where, "no such file")
    missing = [c for c in SCHEMA if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{where}: {missing[0]}", "missing column")
    frame = frame.select(list(SCHEMA)).with_columns(
        pl.coalesce(pl.col("returned") / pl.col("ordered"), pl.col("rate")).alias("rate")
    )
    for column, ok in (
        ("rate", pl.col("rate").is_not_null() & (pl.col("rate") >= 0)),
        ("status", pl.col("status").is_in(STATUSES)),
        ("source", pl.col("source").str.len_chars() > 0),
    ):
        bad = frame.filter(~ok.fill_null(False))
        if len(bad):
            row = bad.row(0, named=True)
            key = ",".join(str(row[k]) for k in ("member_state", "nationality", "year", "period"))
            raise InvalidInput(f"{where}: {column}", f"invalid in row {key}")
    return frame


def _csv_factors(frame: pl.DataFrame) -> pl.DataFrame:
    """Each CSV row's rate over the Union rate of the same period; latest year, periods weighted."""
    ref = frame.filter(pl.col("member_state") == UNION, pl.col("nationality") == TOTAL).select(
        "year", "period", pl.col("rate").alias("union_rate")
    )
    rows = frame.filter(~((pl.col("member_state") == UNION) & (pl.col("nationality") == TOTAL)))
    joined = rows.join(ref, on=["year", "period"], how="inner").filter(pl.col("union_rate") > 0)
    latest = joined.filter(pl.col("year") == pl.col("year").max().over("member_state", "nationality"))
    weight = pl.col("ordered").fill_null(1.0)
    return latest.group_by("member_state", "nationality").agg(
        pl.col("year").first(),
        ((pl.col("rate") / pl.col("union_rate")) * weight).sum().truediv(weight.sum()).alias("factor"),
        pl.col("period").sort().str.join(",").alias("periods"),
        pl.col("status").unique().sort().str.join(",").alias("status"),
    )


@lru_cache(maxsize=8)
def table_factors(window: tuple[int, int] = DEFAULT_WINDOW) -> pl.DataFrame:
    """Per Member State of the Eurostat table: mean over the window of (returned / ordered) / EU27's."""
    first, last = window
    where = "returns.rate_window"
    if first > last:
        raise InvalidInput(where, f"first year {first} after last year {last}")
    rates = eurostat_return_rates(aggregates=True).filter(pl.col("year").is_between(first, last))
    union = rates.filter(pl.col("member_state") == EUROSTAT_UNION, pl.col("return_rate") > 0).select(
        pl.col("year").cast(pl.Int64), pl.col("return_rate").alias("union_rate")
    )
    missing = sorted(set(range(first, last + 1)) - set(union["year"]))
    if missing:
        raise InvalidInput(where, f"no EU27 rate for {missing[0]} in the returns table")
    rows = rates.filter(pl.col("member_state").is_in(EU27), pl.col("return_rate").is_not_null())
    return (
        rows.with_columns(pl.col("year").cast(pl.Int64))
        .join(union, on="year", how="inner")
        .group_by("member_state")
        .agg(
            pl.col("year").max(),
            (pl.col("return_rate") / pl.col("union_rate")).mean().alias("factor"),
            pl.col("year").sort().cast(pl.String).str.join(",").alias("periods"),
        )
        .with_columns(pl.lit(TOTAL).alias("nationality"), pl.lit(TABLE).alias("status"))
        .select("member_state", "nationality", "year", "factor", "periods", "status")
        .sort("member_state")
    )


def factors(frame: pl.DataFrame, window: tuple[int, int] | None = None) -> pl.DataFrame:
    """member_state, nationality, year, factor, periods, status: the CSV's factors (rate / Union rate of
    the same period) and, with a `window`, the Eurostat table's per Member State (status `table`),
    which replace the CSV's per-Member-State rows of the States the table covers."""
    csv = _csv_factors(frame).select("member_state", "nationality", "year", "factor", "periods", "status")
    if window is not None:
        eurostat = table_factors(window)
        covered = (pl.col("nationality") == TOTAL) & pl.col("member_state").is_in(
            eurostat["member_state"].implode()
        )
        csv = pl.concat([csv.filter(~covered), eurostat])
    return csv.sort("member_state", "nationality")


def cross_check(frame: pl.DataFrame) -> pl.DataFrame:
    """The CSV's annual Member State (and Union) rows against the Eurostat table of the same year:
    `ordered_agrees` within Eurostat rounding; `returned_within` (third countries <= every destination)."""
    ms = pl.col("member_state")
    annual = frame.filter(
        pl.col("period") == "YEAR", pl.col("nationality") == TOTAL, pl.col("ordered").is_not_null()
    )
    annual = annual.with_columns(pl.when(ms == UNION).then(pl.lit(EUROSTAT_UNION)).otherwise(ms).alias("geo"))
    eurostat = eurostat_return_rates(aggregates=True).select(
        pl.col("member_state").alias("geo"), pl.col("year").cast(pl.Int64),
        pl.col("ordered_to_leave").alias("table_ordered"), pl.col("returned").alias("table_returned"),
    )  # fmt: skip
    joined = annual.join(eurostat, on=["geo", "year"], how="inner").drop_nulls("table_ordered")
    diff = (pl.col("ordered") - pl.col("table_ordered")).abs()
    agrees = (diff <= ROUNDING_PERSONS) | (diff <= ROUNDING_SHARE * pl.col("table_ordered"))
    within = pl.col("returned") <= pl.col("table_returned") + ROUNDING_PERSONS
    return joined.select(
        "member_state", "year", "ordered", "table_ordered", diff.alias("difference"),
        agrees.alias("ordered_agrees"), "returned", "table_returned",
        within.fill_null(True).alias("returned_within"),
    ).sort("member_state", "year")  # fmt: skip


@lru_cache(maxsize=8)
def matrix(
    member_states: tuple[str, ...], nationalities: tuple[str, ...], path: str = SHIPPED,
    own_rate: tuple[str, ...] = (), window: tuple[int, int] | None = DEFAULT_WINDOW,
) -> np.ndarray:  # fmt: skip
    """float64 [Member State, nationality]: the factor of each pair (1 where none: the Union aggregate);
    per Member State from the Eurostat table over `window` (None: the CSV's rows only); the Member
    States in `own_rate` (a scenario names their rate) keep only the nationality factors."""
    f = factors(table(path), window)
    ms_index = {m: i for i, m in enumerate(member_states)}
    nat_index = {c: i for i, c in enumerate(nationalities)}
    per_ms = np.ones(len(member_states))
    per_nat = np.ones(len(nationalities))
    pairs: list[tuple[int, int, float]] = []
    for ms, nat, value in f.select("member_state", "nationality", "factor").iter_rows():
        if ms in own_rate:
            continue
        if nat == TOTAL and ms in ms_index:
            per_ms[ms_index[ms]] = value
        elif ms == UNION and nat in nat_index:
            per_nat[nat_index[nat]] = value
        elif ms in ms_index and nat in nat_index:
            pairs.append((ms_index[ms], nat_index[nat], value))
    out = per_ms[:, None] * per_nat[None, :]
    for i, j, value in pairs:  # a Member State x nationality row overrides the product
        out[i, j] = value
    out.setflags(write=False)
    return out
