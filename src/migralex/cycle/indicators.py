"""The AMMR Art. 9(3)(a) indicators that the shipped data support, per Member State.

The Report assesses "the previous 12-month period" (Art. 9(1)); the first one, of 15 October
2025, covers 1 July 2024 - 30 June 2025. The shipped asylum, border and population data are
annual (calendar years), so the indicators cover the calendar year before the cycle year (the
latest full year), or the latest year the data reach, as each indicator's `period` says.
Per-capita values are per 100,000 inhabitants on 1 January; "relative" values are the ratio of a
Member State's per-capita value to the Union's (the Member States of the set pooled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from migralex.cycle.border_series import irregular_crossings, italy_sar_arrivals
from migralex.cycle.provenance import Column, Result, Source
from migralex.cycle.timeline import Cycle
from migralex.data import info, load
from migralex.errors import InvalidInput

PER = 100_000
#: Indicator → (column, Art. 9(3)(a) point, description).
INDICATORS: dict[str, tuple[str, str]] = {
    "applications": ("AMMR Art. 9(3)(a)(i)", "applications for international protection (all applicants)"),
    "first_instance_decisions": (
        "AMMR Art. 9(3)(a)(iv)",
        "first-instance decisions (UNHCR, government authority)",
    ),
    "recognition_rate": ("AMMR Art. 9(3)(a)(iii)-(iv)", "first-instance grants / (grants + rejections)"),
    "illegally_present": ("AMMR Art. 9(3)(a)(vi)", "third-country nationals found illegally present"),
    "sar_arrivals": ("AMMR Art. 9(3)(a)(xii)-(xiii)", "sea arrivals after SAR/disembarkation (Italy only)"),
    "refusals_of_entry": ("AMMR Art. 9(3)(a)(xiv)", "refusals of entry at the external border"),
    "temporary_protection": (
        "AMMR Art. 9(3)(a)(xv)",
        "beneficiaries of temporary protection at the end of the year",
    ),
    "irregular_crossings": ("AMMR Art. 9(3)(a)(xvi)", "irregular crossings of the external border (derived)"),
    "cumulative_arrivals": ("AMMR Art. 10(3)", "applications over five years + temporary protection stock"),
}
PER_CAPITA = (
    "applications",
    "illegally_present",
    "refusals_of_entry",
    "temporary_protection",
    "irregular_crossings",
    "sar_arrivals",
    "cumulative_arrivals",
)


def _source(table: str, rows: str) -> Source:
    """A shipped table as a source, with its publisher and dataset."""
    meta = info(table)
    return Source(table, rows, f"{meta.publisher}: {meta.source}")


def _latest_year(frame: pl.DataFrame, value: str, wanted: int) -> int:
    """The latest year ≤ `wanted` with any value."""
    years = frame.filter(pl.col(value).is_not_null(), pl.col("year") <= wanted)["year"]
    if years.is_empty():
        raise InvalidInput("year", f"no data for {value} up to {wanted}")
    return int(years.max())  # type: ignore[arg-type]


def _per_year(table: str, value: str, members: tuple[str, ...], **filters: str) -> pl.DataFrame:
    """A country-year table reduced to member_state, year, value."""
    frame = load(table).filter(pl.col("country").is_in(members))
    for column, wanted in filters.items():
        frame = frame.filter(pl.col(column) == wanted)
    return frame.select(pl.col("country").alias("member_state"), "year", pl.col(value).alias("value"))


@dataclass(frozen=True)
class IndicatorData:
    """The indicators of one cycle: a per-Member-State result and the top nationalities."""

    result: Result
    nationalities: pl.DataFrame
    periods: dict[str, str]


def _nationalities(members: tuple[str, ...], year: int, top: int) -> pl.DataFrame:
    """The `top` citizenships of applicants per Member State (Art. 9(3)(a)(i))."""
    frame = load("applications_by_nationality").filter(
        pl.col("country").is_in(members), pl.col("year") == year, ~pl.col("is_aggregate")
    )
    return (
        frame.group_by("country", "citizenship")
        .agg(pl.col("applicants").sum())
        .sort(["country", "applicants", "citizenship"], descending=[False, True, False])
        .group_by("country", maintain_order=True)
        .head(top)
        .rename({"country": "member_state"})
    )


def cycle_indicators(cycle: Cycle, members: tuple[str, ...], *, top_nationalities: int = 3) -> IndicatorData:
    """AMMR Art. 9(3)(a), 10(3): the indicators of `cycle` for `members` from the shipped data."""
    target = cycle.indicator_year
    periods: dict[str, str] = {}
    sources: dict[str, Source] = {}
    parts: dict[str, pl.DataFrame] = {}

    def annual(name: str, frame: pl.DataFrame, table: str, rows: str) -> None:
        year = _latest_year(frame, "value", target)
        parts[name] = frame.filter(pl.col("year") == year).select("member_state", pl.col("value").alias(name))
        periods[name] = f"calendar year {year}"
        sources[name] = _source(table, f"{rows}, year {year}")

    pop = _per_year("population", "population", members)
    pop_year = _latest_year(pop, "value", target)
    population = pop.filter(pl.col("year") == pop_year).select(
        "member_state", pl.col("value").alias("population")
    )
    sources["population"] = _source("population", f"the Member States, 1 January {pop_year}")
    periods["population"] = f"1 January {pop_year}"

    apps = _per_year("applications_totals", "applicants", members, citizenship="TOTAL")
    annual("applications", apps, "applications_totals", "citizenship TOTAL")
    app_year = int(periods["applications"].split()[-1])
    previous = apps.filter(pl.col("year") == app_year - 1).select(
        "member_state", pl.col("value").alias("prev")
    )
    parts["applications_change"] = (
        parts["applications"]
        .join(previous, on="member_state", how="left")
        .select("member_state", (pl.col("applications") / pl.col("prev") - 1).alias("applications_change"))
    )
    periods["applications_change"] = f"{app_year} on {app_year - 1}"
    five = apps.filter(pl.col("year").is_between(app_year - 4, app_year))
    tp = load("temporary_protection").filter(
        pl.col("country").is_in(members), pl.col("month").dt.month() == 12
    )
    tp_year = int(tp.filter(pl.col("month").dt.year() <= target)["month"].dt.year().max())  # type: ignore[arg-type]
    tp_stock = tp.filter(pl.col("month").dt.year() == tp_year).select(
        pl.col("country").alias("member_state"), pl.col("beneficiaries").alias("temporary_protection")
    )
    parts["temporary_protection"] = tp_stock
    periods["temporary_protection"] = f"end of December {tp_year}"
    sources["temporary_protection"] = _source("temporary_protection", f"citizenship UA, month {tp_year}-12")
    parts["cumulative_arrivals"] = (
        five.group_by("member_state")
        .agg(pl.col("value").sum().alias("applications_5y"))
        .join(tp_stock, on="member_state", how="left")
        .select(
            "member_state",
            (pl.col("applications_5y") + pl.col("temporary_protection").fill_null(0)).alias(
                "cumulative_arrivals"
            ),
        )
    )
    periods["cumulative_arrivals"] = (
        f"applications {app_year - 4}-{app_year} + temporary protection {tp_year}-12"
    )
    sources["cumulative_arrivals"] = _source(
        "applications_totals", f"citizenship TOTAL, {app_year - 4}-{app_year}"
    )

    annual(
        "refusals_of_entry",
        _per_year("refusals_of_entry", "refusals", members),
        "refusals_of_entry",
        "totals",
    )
    annual(
        "illegally_present",
        _per_year("illegally_present", "persons", members, reason="total", apprehension="total"),
        "illegally_present",
        "reason total, apprehension total",
    )

    decisions = load("decisions").filter(
        pl.col("country").is_in(members), pl.col("authority") == "G", pl.col("stage").is_in(["FI", "FA"])
    )
    dec_year = _latest_year(decisions.rename({"total": "value"}), "value", target)
    by_stage = (
        decisions.filter(pl.col("year") == dec_year)
        .group_by(pl.col("country").alias("member_state"), "stage")
        .agg(
            (pl.col("recognized") + pl.col("complementary")).sum().alias("granted"),
            pl.col("rejected").sum().alias("rejected"),
        )
        # first instance where reported; otherwise UNHCR's combined "first instance and appeal"
        .sort("member_state", pl.col("stage") != "FI")
        .unique("member_state", keep="first", maintain_order=True)
    )
    parts["decisions"] = by_stage.select(
        "member_state",
        (pl.col("granted") + pl.col("rejected")).alias("first_instance_decisions"),
        (pl.col("granted") / (pl.col("granted") + pl.col("rejected"))).alias("recognition_rate"),
        pl.col("stage").alias("decision_stage"),
    )
    periods["first_instance_decisions"] = periods["recognition_rate"] = f"calendar year {dec_year}"
    sources["first_instance_decisions"] = sources["recognition_rate"] = _source(
        "decisions", f"authority G, stage FI (or FA where only that is reported), year {dec_year}"
    )

    frontex_year = min(target, _latest_full_frontex_year())
    ibc, _, ibc_notes = irregular_crossings(members, (frontex_year, frontex_year))
    parts["irregular_crossings"] = ibc.select("member_state", "irregular_crossings")
    periods["irregular_crossings"] = f"calendar year {frontex_year}"
    sources["irregular_crossings"] = _source(
        "frontex_ibc", f"all routes, {frontex_year}, split by migralex.cycle.border_series"
    )
    parts["sar_arrivals"], periods["sar_arrivals"], rows = _sar_arrivals(cycle)
    sources["sar_arrivals"] = _source("italy_sea_arrivals", rows)

    frame = population
    for part in parts.values():
        frame = frame.join(part, on="member_state", how="left")
    frame = frame.with_columns(pl.col("sar_arrivals", "irregular_crossings").fill_null(0).cast(pl.Int64))
    for name in PER_CAPITA:
        per_capita = pl.col(name) / pl.col("population") * PER
        union = pl.col(name).sum() / pl.col("population").filter(pl.col(name).is_not_null()).sum() * PER
        frame = frame.with_columns(
            per_capita.alias(f"{name}_per_100k"), (per_capita / union).alias(f"{name}_relative")
        )
    frame = frame.sort("member_state").with_columns(pl.lit("AMMR Art. 9(3)(a), 10(3)").alias("legal_basis"))
    columns = {
        "population": Column("persons on 1 January", "AMMR Art. 9(3)(a)", sources=(sources["population"],))
    }
    for name, (basis, text) in INDICATORS.items():
        src = (sources[name],) if name in sources else ()
        columns[name] = Column(f"{text} ({periods[name]})", basis, sources=src)
        if name in PER_CAPITA:
            columns[f"{name}_per_100k"] = Column(
                f"{text} per 100,000 inhabitants",
                basis,
                f"{name} / population × 100000",
                (name, "population"),
            )
            columns[f"{name}_relative"] = Column(
                f"{text} per inhabitant, relative to the Union",
                basis,
                f"{name}_per_100k / (Σ {name} / Σ population × 100000)",
                (f"{name}_per_100k",),
            )
    columns["applications_change"] = Column(
        f"change in applications ({periods['applications_change']})",
        "AMMR Art. 9(3)(a)(i), 10(1)",
        "applications / previous − 1",
    )
    notes = (
        f"Reporting period: the Report assesses the previous 12 months (AMMR Art. 9(1)); the shipped "
        f"data are annual, so the indicators cover the calendar year {target} or the latest year "
        "available (see each period)",
        "SAR arrivals are known for Italy only (Italian Ministry of the Interior sea arrivals); "
        "other Member States show 0",
        "decisions: UNHCR first-instance decisions (stage FI); where a Member State reports only "
        "first instance and appeal together (stage FA: e.g. AT, BG), those are used (decision_stage)",
        *ibc_notes,
    )
    result = Result("Indicators of the migratory situation (AMMR Art. 9(3)(a))", frame, columns, (), notes)
    return IndicatorData(result, _nationalities(members, app_year, top_nationalities), periods)


def _sar_arrivals(cycle: Cycle) -> tuple[pl.DataFrame, str, str]:
    """Italy's sea arrivals over the past 12 months (AMMR Art. 11(3)).

    The reporting period of the Report, 1 July of Y - 1 to 30 June of the cycle year Y, where the
    daily series covers it in full; otherwise the latest full calendar year.
    """
    start, end = dt.date(cycle.year - 1, 7, 1), dt.date(cycle.year, 6, 30)
    daily = load("italy_sea_arrivals").filter(pl.col("date").is_between(start, end))
    if daily.height == (end - start).days + 1:
        frame = pl.DataFrame({"member_state": ["IT"], "sar_arrivals": [int(daily["arrivals"].sum())]})
        period = f"{start.isoformat()} to {end.isoformat()} (Italy only)"
        return frame, period, f"daily arrivals {start.isoformat()} … {end.isoformat()}"
    sar = italy_sar_arrivals((cycle.indicator_year - 1, cycle.indicator_year))
    year = int(sar["year"].max()) if sar.height else cycle.indicator_year  # type: ignore[arg-type]
    frame = sar.filter(pl.col("year") == year).select("member_state", "sar_arrivals")
    return frame, f"calendar year {year} (Italy only)", f"daily arrivals of {year}"


def _latest_full_frontex_year() -> int:
    """The last calendar year the Frontex data cover in full (12 months)."""
    months = (
        load("frontex_ibc").group_by(pl.col("month").dt.year().alias("year")).agg(pl.col("month").n_unique())
    )
    return int(months.filter(pl.col("month") == 12)["year"].max())  # type: ignore[arg-type]
