"""Beneficiaries of temporary protection per Member State and month (Eurostat migr_asytpsm).

The stock counts in the annual cycle as AMMR Art. 9(3)(a)(xv) ("the number of third-country
nationals or stateless persons enjoying temporary protection in accordance with Council Directive
2001/55/EC"), which the Commission uses when it assesses pressure or a significant migratory
situation (Art. 10(1)); `migralex.cycle.indicators` adds it to the cumulative arrivals of Art. 10(3).
This module only reads and shapes the shipped table: per month, per Member State, per 100,000
inhabitants (population on 1 January of the month's year, or the latest year shipped) and as a
share of the Union's stock that month. Ukrainians only: non-Ukrainian beneficiaries are not shipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from migralex.countries import EU27, normalise_member_state
from migralex.data import info, load
from migralex.errors import InvalidInput

PER = 100_000
#: Where the stock counts in the law (the quote is checked against the shipped AMMR text in tests).
BASIS = "AMMR Art. 9(3)(a)(xv); Art. 10(1) and (3)"
QUOTE = (
    "the number of third-country nationals or stateless persons enjoying temporary protection in "
    "accordance with Council Directive 2001/55/EC"
)


@dataclass(frozen=True)
class StockQuery:
    """Which rows: Member States (default: the EU27), months from/to (YYYY-MM, inclusive)."""

    member_states: tuple[str, ...] = EU27
    since: dt.date | None = None
    until: dt.date | None = None
    latest_only: bool = False


def parse_month(text: str | None, field: str) -> dt.date | None:
    """`YYYY-MM` as the first day of the month; a clear error otherwise."""
    if text is None or text == "":
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(field, f"expected a month YYYY-MM, got {text!r}") from None


def make_query(
    member_states: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    latest_only: bool = False,
) -> StockQuery:
    """A validated query (Member State codes normalised: EL is GR)."""
    codes = tuple(normalise_member_state(m, field="member_state") for m in member_states or EU27)
    q = StockQuery(codes, parse_month(since, "since"), parse_month(until, "until"), latest_only)
    if q.since and q.until and q.since > q.until:
        raise InvalidInput("since", f"{q.since:%Y-%m} is after until {q.until:%Y-%m}")
    return q


def _population() -> pl.DataFrame:
    return load("population").select(
        pl.col("country").alias("member_state"), pl.col("year").cast(pl.Int32), "population"
    )


def stock(q: StockQuery | None = None) -> pl.DataFrame:
    """Beneficiaries at the end of each month per Member State, per 100,000 inhabitants, Union share."""
    q = q or StockQuery()
    tp = load("temporary_protection").filter(pl.col("beneficiaries").is_not_null())
    union = (
        tp.filter(pl.col("country").is_in(EU27))
        .group_by("month")
        .agg(pl.col("beneficiaries").sum().alias("_eu"))
    )
    rows = tp.filter(pl.col("country").is_in(q.member_states)).rename({"country": "member_state"})
    if q.since:
        rows = rows.filter(pl.col("month") >= q.since)
    if q.until:
        rows = rows.filter(pl.col("month") <= q.until)
    if q.latest_only:
        rows = rows.sort("month").group_by("member_state").last()
    if rows.is_empty():
        raise InvalidInput("member_state", "no temporary-protection data for this selection")
    pop = _population()
    last_year = int(pop["year"].max())  # type: ignore[arg-type]
    rows = (
        rows.with_columns(
            pl.min_horizontal(pl.col("month").dt.year(), pl.lit(last_year)).cast(pl.Int32).alias("year")
        )
        .join(pop, on=["member_state", "year"], how="left")
        .join(union, on="month", how="left")
        .with_columns(
            (pl.col("beneficiaries") * PER / pl.col("population")).alias("per_100k"),
            (pl.col("beneficiaries") / pl.col("_eu")).alias("share_of_union"),
            pl.col("month").dt.strftime("%Y-%m").alias("month"),
        )
    )
    return rows.select(
        "month",
        "member_state",
        "beneficiaries",
        "per_100k",
        "share_of_union",
        "flag",
        pl.col("year").alias("population_year"),
    ).sort(["month", "member_state"])


def source() -> str:
    """The shipped table's provenance in one line."""
    meta = info("temporary_protection")
    return f"{meta.publisher} {meta.source}; {meta.coverage}"


def caveats() -> list[str]:
    """What the shipped data do not say (Ukrainians only, breaks in series)."""
    return list(info("temporary_protection").caveats)
