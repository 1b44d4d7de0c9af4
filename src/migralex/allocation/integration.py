"""Predicted integration score: diaspora of the same nationality per Member State (UNHCR stocks).

An aid to the matching, not a right to choose (AMMR Art. 67(3) third subparagraph): it only breaks
ties left by the legal tiers (links, vulnerability, fair sharing).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.data.load import load

#: Where the score comes from (shown with every answer that uses it).
PROVENANCE = {
    "table": "unhcr_stocks",
    "source": "UNHCR Refugee Population Statistics Database (shipped in src/migralex/data/tables; "
    "see its SOURCE.md)",
    "measure": "refugees and asylum seekers of the person's nationality living in the Member "
    "State, log(1 + persons), divided by the highest value among the Member States",
    "note": "an aid to the matching, not a right to choose a Member State (AMMR Art. 67(3))",
}


@cache
def diaspora(year: int) -> pl.DataFrame:
    """Per (citizenship, country in EU27): persons in the latest year <= `year`, and the score."""
    stocks = load("unhcr_stocks").filter(
        pl.col("country").is_in(EU27)
        & pl.col("population_type").is_in(["refugee", "asylum_seeker"])
        & (pl.col("year") <= year)
    )
    latest = stocks.group_by("citizenship").agg(pl.col("year").max().alias("latest"))
    frame = (
        stocks.join(latest, on="citizenship")
        .filter(pl.col("year") == pl.col("latest"))
        .group_by("citizenship", "country")
        .agg(pl.col("persons").sum(), pl.col("year").first())
    )
    return frame.with_columns(
        (
            pl.col("persons").cast(pl.Float64).log1p()
            / pl.col("persons").cast(pl.Float64).log1p().max().over("citizenship")
        ).alias("score")
    ).sort("citizenship", "country")


@cache
def score_table(year: int) -> tuple[dict[str, int], np.ndarray]:
    """The diaspora scores as a matrix: row per citizenship (the dict gives the row), column per
    Member State in EU27 order, 0 where nothing is known (built once per year)."""
    wide = diaspora(year).pivot(on="country", index="citizenship", values="score")
    table = np.zeros((wide.height, len(EU27)))
    for k, state in enumerate(EU27):
        if state in wide.columns:
            table[:, k] = wide[state].fill_null(0.0).to_numpy()
    return {c: i for i, c in enumerate(wide["citizenship"].to_list())}, table


def score_matrix(nationalities: pl.Series, states: list[str], year: int) -> np.ndarray:
    """Score in [0, 1] per person (rows) and Member State (columns); 0 where nothing is known."""
    index, _ = score_table(year)
    rows = (
        nationalities.str.to_uppercase()
        .replace_strict(index, default=-1, return_dtype=pl.Int64)
        .fill_null(-1)
        .to_numpy()
    )
    return scores(rows, [EU27.index(state) for state in states], year)


def score_rows(nationalities: Sequence[str | None], year: int) -> np.ndarray:
    """Row of `score_table(year)` per nationality (ISO alpha-2, upper case; -1: nothing known)."""
    index, _ = score_table(year)
    return np.asarray([-1 if code is None else index.get(code, -1) for code in nationalities], np.int64)


def scores(rows: np.ndarray, columns: Sequence[int], year: int) -> np.ndarray:
    """Score per person (its `score_rows` row) and Member State (EU27 column index); 0 if unknown."""
    _, table = score_table(year)
    known = rows >= 0
    out = np.zeros((len(rows), len(columns)))
    out[known] = table[rows[known]][:, list(columns)]
    return out
