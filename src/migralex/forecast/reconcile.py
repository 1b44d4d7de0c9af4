"""Coherent totals: the EU total of a hierarchy is the sum of its parts (bottom-up reconciliation).

Two hierarchies nest: Frontex routes → `frontex:EU`, Member States → `asylum:EU`. The point
forecast of a total is replaced by the sum of the point forecasts of its children (on the count
scale), so that the routes add up to the EU figure in every month; the total keeps the width of
its own bands (on the log scale), which the conformal step then calibrates on the reconciled
errors. Bottom-up is the simplest coherent reconciliation and needs no covariance estimate (the
MinT reconciliation of `hierarchicalforecast` would need one from 9 routes with regime changes,
and the package pulls scikit-learn and matplotlib into the install for a two-level tree).
"""

from __future__ import annotations

import polars as pl

from migralex.forecast.models import BANDS
from migralex.forecast.series import catalogue


def bottom_up(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Replace each total's log point by log(1 + Σ children's counts) where all its children are present.

    `frame` is on the log scale with columns `[series_id, *keys, model, mean, lo80, ...]`.
    """
    parents = {s.parent for s in catalogue().values() if s.parent}
    child_of = {s.series_id: s.parent for s in catalogue().values() if s.parent}
    present = set(frame["series_id"].unique())
    complete = [
        p for p in parents if p in present and all(c in present for c, q in child_of.items() if q == p)
    ]
    if not complete:
        return frame
    sums = (
        frame.filter(pl.col("series_id").is_in(list(child_of)))
        .with_columns(parent=pl.col("series_id").replace_strict(child_of, default=None))
        .filter(pl.col("parent").is_in(complete))
        .group_by("parent", *keys, "model")
        .agg(_sum=(pl.col("mean").exp() - 1).clip(0).sum())
        .rename({"parent": "series_id"})
    )
    joined = frame.join(sums, on=["series_id", *keys, "model"], how="left")
    shift = (pl.col("_sum").log1p() - pl.col("mean")).fill_null(0)
    return joined.with_columns([(pl.col(c) + shift) for c in ("mean", *BANDS)]).drop("_sum")
