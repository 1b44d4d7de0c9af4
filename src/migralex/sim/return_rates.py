"""Effective return rates per Member State and nationality: the shipped table and its factors.

`data/return_rates.csv` (SOURCE.md) holds persons ordered to leave and returned following an order
to leave (Eurostat migr_eiord / migr_eirtn, as published) per Member State (`EU` for the Union) and
nationality (`TOTAL` for all), by year and period. Each row's rate is divided by the Union total's
rate of the same year and period; the latest year is kept, its periods averaged weighted by the
persons ordered to leave. The factors multiply the Union aggregate drawn per run (RBPR Art. 4 and
Return Directive Art. 8: the Member State enforces the return decision). A Member State or
nationality without a usable row keeps factor 1: the Union aggregate (the documented fallback).
Lookups are vectorised: one [Member State, nationality] matrix, indexed by the persons' codes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

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


def factors(frame: pl.DataFrame) -> pl.DataFrame:
    """member_state, nationality, year, factor, periods, status: rate / Union rate of the same period."""
    ref = frame.filter(pl.col("member_state") == UNION, pl.col("nationality") == TOTAL).select(
        "year", "period", pl.col("rate").alias("union_rate")
    )
    rows = frame.filter(~((pl.col("member_state") == UNION) & (pl.col("nationality") == TOTAL)))
    joined = rows.join(ref, on=["year", "period"], how="inner").filter(pl.col("union_rate") > 0)
    latest = joined.filter(pl.col("year") == pl.col("year").max().over("member_state", "nationality"))
    weight = pl.col("ordered").fill_null(1.0)
    return (
        latest.group_by("member_state", "nationality")
        .agg(
            pl.col("year").first(),
            ((pl.col("rate") / pl.col("union_rate")) * weight).sum().truediv(weight.sum()).alias("factor"),
            pl.col("period").sort().str.join(",").alias("periods"),
            pl.col("status").unique().sort().str.join(",").alias("status"),
        )
        .sort("member_state", "nationality")
    )


@lru_cache(maxsize=8)
def matrix(
    member_states: tuple[str, ...], nationalities: tuple[str, ...], path: str = SHIPPED,
    own_rate: tuple[str, ...] = (),
) -> np.ndarray:  # fmt: skip
    """float64 [Member State, nationality]: the factor of each pair (1 where no row: the Union aggregate);
    the Member States in `own_rate` (a scenario names their rate) keep only the nationality factors."""
    f = factors(table(path))
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
