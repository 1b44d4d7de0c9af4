"""Adequate capacity for the border procedure and the annual maxima (APR Arts 46-47).

Capacity_MS = 30,000 (Art. 46) × (irregular crossings + SAR arrivals + refusals of entry of the
Member State over the previous three years) / (the same for the Union), Art. 47(4). The
Regulation does not say how to round: by default the exact quotas are rounded by largest remainder
(Hamilton), the only rounding that keeps every Member State within 1 of its exact quota and makes
the capacities add up to the Union's 30,000; plain rounding to the nearest whole number is an option.
The annual maximum is the capacity times the multiplier in force (Art. 47(1), second subparagraph):
2 from 12 June 2026, 3 from 13 June 2027, 4 from 13 June 2028.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import polars as pl

from migralex.cycle.apportionment import largest_remainder
from migralex.cycle.border_series import SERIES_COLUMNS, BorderSeries, derive_border_series, read_series_csv
from migralex.cycle.members import resolve_members
from migralex.cycle.provenance import Column, Figure, Result
from migralex.errors import InvalidInput
from migralex.law.dates import DateLike, as_date_array
from migralex.law.params import ParameterSet, params

UNION_CAPACITY = "apr.border.union_adequate_capacity"
MULTIPLIER = "apr.border.annual_maximum_multiplier"
PERIOD = "apr.border.capacity_reference_period"
SAR_READING = "apr.reading.capacity_sar_arrivals"
MEMBERS_READING = "apr.reading.capacity_members"
ROUNDINGS = ("largest_remainder", "nearest")


def annual_maximum_multiplier(on: DateLike, parameters: ParameterSet | None = None) -> np.ndarray:
    """APR Art. 47(1), second subparagraph: the multiplier in force on each date (0 before 12 June 2026)."""
    return (parameters or params())[MULTIPLIER].at(on, before_first=0).astype(np.int64)


def annual_maximum(
    capacity: int | np.ndarray, on: DateLike, parameters: ParameterSet | None = None
) -> np.ndarray:
    """APR Art. 47(1): the maximum number of applications per year in the border procedure on each date."""
    return np.asarray(capacity, dtype=np.int64) * annual_maximum_multiplier(as_date_array(on), parameters)


def round_capacities(quotas: Sequence[Fraction], total: int, rounding: str) -> list[int]:
    """The capacities as whole numbers: by largest remainder (adds up to `total`) or to the nearest."""
    if rounding == "largest_remainder":
        return largest_remainder(quotas, total)
    if rounding == "nearest":
        return [math.floor(q + Fraction(1, 2)) for q in quotas]
    raise InvalidInput("rounding", f"unknown rounding {rounding!r}; one of {', '.join(ROUNDINGS)}")


def _check_series(series: pl.DataFrame) -> None:
    """APR Art. 47(4): the three series are there for every Member State, none missing or negative."""
    for column in ("member_state", *SERIES_COLUMNS):
        if column not in series.columns:
            raise InvalidInput(column, f"the capacity needs a column {column!r}")
    bad = series.filter(
        pl.any_horizontal(pl.col(list(SERIES_COLUMNS)).is_null() | (pl.col(list(SERIES_COLUMNS)) < 0))
    )
    if bad.height:
        raise InvalidInput("series", f"missing or negative values for {', '.join(bad['member_state'])}")


def _capacity_columns(
    union: int, union_total: int, rounding: str, maxima: Sequence[str], ps: ParameterSet, sources: tuple
) -> dict[str, Column]:
    """The provenance of each column of the capacity table (APR Arts 46, 47(1), 47(4))."""
    formula = f"{union} × total_arrivals_and_refusals / {union_total}"
    hamilton = rounding == "largest_remainder"
    return {
        "irregular_crossings": Column(
            "irregular crossings of the external border (3 years)",
            "APR Art. 47(4), recital 59",
            sources=sources[:2],
        ),
        "sar_arrivals": Column(
            "arrivals following search and rescue operations not already in the crossings",
            "APR Art. 47(4), recital 59",
        ),
        "refusals_of_entry": Column(
            "refusals of entry at the external border (3 years)", "APR Art. 47(4)", sources=sources[2:3]
        ),
        "total_arrivals_and_refusals": Column(
            "crossings + SAR arrivals + refusals", "APR Art. 47(4)", "Σ of the three", SERIES_COLUMNS
        ),
        "capacity_exact": Column(
            "adequate capacity before rounding",
            "APR Art. 46, 47(4)",
            formula,
            ("total_arrivals_and_refusals",),
        ),
        "adequate_capacity": Column(
            "adequate capacity",
            "APR Art. 46, 47(4)",
            f"capacity_exact rounded ({rounding})" + (f" so that Σ = {union}" if hamilton else ""),
            ("capacity_exact", *SERIES_COLUMNS),
            sources,
        ),
        **{
            name: Column(
                f"annual maximum from {v.start.isoformat()}",
                v.ref.cite() + ", second subparagraph",
                f"{v.value} × adequate_capacity",
                ("adequate_capacity",),
            )
            for name, v in zip(maxima, ps[MULTIPLIER].values, strict=True)
        },
    }


def _capacity_figures(
    union: int, union_total: int, capacities: Sequence[int], rounding: str, ps: ParameterSet, sources: tuple
) -> tuple[Figure, ...]:
    """The Union figures of the capacity (APR Art. 46, 47(4)) and the multipliers of Art. 47(1)."""
    return (
        Figure(
            "union_adequate_capacity",
            union,
            "persons",
            ps[UNION_CAPACITY].ref.cite(),
            f"parameter {UNION_CAPACITY}",
        ),
        Figure(
            "union_total",
            union_total,
            "persons",
            "APR Art. 47(4)",
            "Σ total_arrivals_and_refusals over the Member States",
            sources=sources,
        ),
        Figure(
            "sum_of_capacities",
            sum(capacities),
            "persons",
            "APR Art. 46, 47(4)",
            f"Σ adequate_capacity ({rounding})",
        ),
        *[
            Figure(
                f"multiplier_from_{v.start.isoformat()}",
                int(v.value),
                "multiplier",
                v.ref.cite(),
                f"parameter {MULTIPLIER}",
            )
            for v in ps[MULTIPLIER].values
        ],
    )


def adequate_capacity(
    series: pl.DataFrame,
    *,
    on: dt.date,
    rounding: str = "largest_remainder",
    parameters: ParameterSet | None = None,
    sources: tuple = (),
    notes: tuple[str, ...] = (),
) -> Result:
    """APR Art. 47(4): each Member State's adequate capacity from its three-year series.

    `series` has member_state, irregular_crossings, sar_arrivals, refusals_of_entry (summed over the
    reference period; `sar_arrivals` already 0 where they are inside the crossings). `on` is the
    date whose Art. 46 number applies.
    """
    ps = parameters or params()
    _check_series(series)
    union = int(ps.value(UNION_CAPACITY, on))
    frame = series.sort("member_state").with_columns(
        pl.sum_horizontal(*SERIES_COLUMNS).alias("total_arrivals_and_refusals")
    )
    totals = [int(t) for t in frame.get_column("total_arrivals_and_refusals")]
    union_total = sum(totals)
    if union_total <= 0:
        raise InvalidInput("series", "the Union total of crossings, SAR arrivals and refusals is zero")
    quotas = [Fraction(union * t, union_total) for t in totals]
    capacities = round_capacities(quotas, union, rounding)
    maxima = {f"max_{v.start.year}": [c * int(v.value) for c in capacities] for v in ps[MULTIPLIER].values}
    frame = frame.with_columns(
        pl.Series("capacity_exact", [float(q) for q in quotas]),
        pl.Series("adequate_capacity", capacities, pl.Int64),
        *[pl.Series(name, values, pl.Int64) for name, values in maxima.items()],
        pl.lit("APR Art. 46, Art. 47(4); Art. 47(1), second subparagraph").alias("legal_basis"),
    )
    columns = _capacity_columns(union, union_total, rounding, list(maxima), ps, sources)
    figures = _capacity_figures(union, union_total, capacities, rounding, ps, sources)
    return Result("Adequate capacity and annual maxima (APR Arts 46-47)", frame, columns, figures, notes)


def parse_years(text: str) -> tuple[int, int]:
    """`2021-2023` (or one year) → (2021, 2023)."""
    parts = text.replace("–", "-").split("-")
    if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
        raise InvalidInput("years", f"expected FIRST-LAST such as 2021-2023, got {text!r}")
    first, last = int(parts[0]), int(parts[-1])
    if first > last:
        raise InvalidInput("years", f"first year {first} is after the last {last}")
    return first, last


def capacity(
    years: tuple[int, int],
    *,
    input_csv: str | None = None,
    member_set: str | Sequence[str] | None = None,
    sar_reading: str | None = None,
    rounding: str = "largest_remainder",
    on: dt.date | None = None,
    crossings: str = "frontex_split",
    parameters: ParameterSet | None = None,
) -> tuple[Result, BorderSeries]:
    """APR Art. 47(4) on the shipped data (or an official table `input_csv`) for the data `years`.

    `on` (default: 31 December of the year after the period, when the act is adopted, and not before
    the Art. 46 number applies) is the date on which the Art. 46 number and the readings are read.
    `crossings` = `dtm` replaces the Frontex route split with IOM DTM arrivals where they exist.
    """
    ps = parameters or params()
    when = on or max(dt.date(years[1] + 1, 12, 31), ps[UNION_CAPACITY].values[0].start)
    expected = int(ps.value(PERIOD, when))
    notes = []
    if years[1] - years[0] + 1 != expected:
        notes.append(
            f"the period has {years[1] - years[0] + 1} years; APR Art. 47(4) uses the previous {expected}"
        )
    members, how = resolve_members(member_set, MEMBERS_READING, when, ps)
    reading = sar_reading or ps.value(SAR_READING, when)
    if reading not in ps[SAR_READING].options:
        raise InvalidInput("sar_reading", f"{reading!r} is not one of {', '.join(ps[SAR_READING].options)}")
    if input_csv:
        series = read_series_csv(input_csv, members, years)
    else:
        series = derive_border_series(members, years, sar_reading=reading, crossings=crossings)
    head = (
        f"data {years[0]}-{years[1]}; {len(members)} Member States ({how}); "
        f"{SAR_READING} = {reading}; rounding: {rounding}"
        + ("" if input_csv or crossings == "frontex_split" else f"; crossings: {crossings}")
    )
    result = adequate_capacity(
        series.totals(),
        on=when,
        rounding=rounding,
        parameters=ps,
        sources=series.sources,
        notes=(head, *notes, *series.notes),
    )
    return result, series
