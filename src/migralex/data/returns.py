"""Return rates per Member State from Eurostat migr_eiord / migr_eirtn (the shipped `returns` table)."""

from __future__ import annotations

import polars as pl

from migralex.data.load import load

#: Where the rates come from, for an answer's legal/statistical basis.
SOURCE = "Eurostat migr_eiord (ordered to leave) and migr_eirtn (returned following an order to leave)"


def return_rates(year: int | None = None, *, aggregates: bool = False) -> pl.DataFrame:
    """Returned / ordered to leave per Member State and year (same-year ratio, not a cohort rate).

    Columns: member_state, citizenship, year, ordered_to_leave, returned, return_rate (null where
    either count is missing or nothing was ordered). `year` keeps one year; `aggregates` keeps EU27_2020.
    """
    frame = load("returns")
    if not aggregates:
        frame = frame.filter(~pl.col("is_aggregate"))
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    ordered = pl.col("ordered_to_leave")
    rate = pl.when(ordered > 0).then(pl.col("returned") / ordered).otherwise(None)
    return frame.select(
        "member_state", "citizenship", "year", "ordered_to_leave", "returned", rate.alias("return_rate")
    )
