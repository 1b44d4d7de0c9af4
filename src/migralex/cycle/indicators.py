"""The AMMR Art. 9(3)(a) indicators that the shipped data support, per Member State.

The Report assesses "the previous 12-month period" (Art. 9(1)); the first one (COM(2025) 795)
covers July 2024 - June 2025 (`period.reference_period`, `report`; `calendar` is the other option).
Monthly series are computed on that period where the shipped months cover it: irregular crossings
(Frontex, monthly by route), SAR disembarkations (Frontex sea routes, Italy's daily series) and the
temporary-protection stock (Eurostat, monthly; the stock at the end of the period). Applications,
decisions, refusals of entry and apprehensions are annual in the shipped data: they cover the
calendar year before the cycle year, or the latest year the data reach, as each indicator's
`period` says. Per-capita values are per 100,000 inhabitants on 1 January; "relative" values are
the ratio of a Member State's per-capita value to the Union's (the Member States of the set pooled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from migralex.cycle.border_series import allocate_detections, frontex_by_route_in, frontex_months
from migralex.cycle.period import Period, coverage_window, month_start, reference_period
from migralex.cycle.provenance import Column, Result, Source
from migralex.cycle.sar import SAR_ROUTES, sar_disembarkations
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
    "sar_arrivals": (
        "AMMR Art. 9(3)(a)(xii)-(xiii), 11(3)",
        "disembarkations following search and rescue (estimate: sea arrivals on the SAR routes)",
    ),
    "refusals_of_entry": ("AMMR Art. 9(3)(a)(xiv)", "refusals of entry at the external border"),
    "temporary_protection": (
        "AMMR Art. 9(3)(a)(xv)",
        "beneficiaries of temporary protection at the end of the year",
    ),
    "irregular_crossings": ("AMMR Art. 9(3)(a)(xvi)", "irregular crossings of the external border (derived)"),
    "cumulative_arrivals": ("AMMR Art. 10(3)", "applications over five years + temporary protection stock"),
}
#: How often each indicator's shipped data are reported: monthly ones follow the reference period.
FREQUENCY = {
    "applications": "annual",
    "applications_change": "annual",
    "first_instance_decisions": "annual",
    "recognition_rate": "annual",
    "illegally_present": "annual",
    "refusals_of_entry": "annual",
    "temporary_protection": "monthly",
    "irregular_crossings": "monthly",
    "irregular_crossings_change": "monthly",
    "sar_arrivals": "monthly",
    "cumulative_arrivals": "annual applications + monthly temporary protection stock",
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
    period: dict[str, str] = field(default_factory=dict)


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


@dataclass
class _Parts:
    """The indicators as they are computed: per-Member-State frames, their periods and sources."""

    target: int
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def annual(self, name: str, frame: pl.DataFrame, table: str, rows: str) -> None:
        """An annual indicator (AMMR Art. 9(3)(a)) on the latest year up to the target year."""
        year = _latest_year(frame, "value", self.target)
        self.frames[name] = frame.filter(pl.col("year") == year).select(
            "member_state", pl.col("value").alias(name)
        )
        self.periods[name] = f"calendar year {year}"
        self.sources[name] = _source(table, f"{rows}, year {year}")


def _population(members: tuple[str, ...], got: _Parts) -> pl.DataFrame:
    """Persons on 1 January of the latest year up to the target year (AMMR Art. 9(3)(a), per capita)."""
    pop = _per_year("population", "population", members)
    pop_year = _latest_year(pop, "value", got.target)
    got.sources["population"] = _source("population", f"the Member States, 1 January {pop_year}")
    got.periods["population"] = f"1 January {pop_year}"
    return pop.filter(pl.col("year") == pop_year).select("member_state", pl.col("value").alias("population"))


def _applications(members: tuple[str, ...], wanted: Period, got: _Parts) -> int:
    """AMMR Art. 9(3)(a)(i), (xv), 10(3): applications, their change, the TP stock, 5-year arrivals."""
    apps = _per_year("applications_totals", "applicants", members, citizenship="TOTAL")
    got.annual("applications", apps, "applications_totals", "citizenship TOTAL")
    app_year = int(got.periods["applications"].split()[-1])
    previous = apps.filter(pl.col("year") == app_year - 1).select(
        "member_state", pl.col("value").alias("prev")
    )
    got.frames["applications_change"] = (
        got.frames["applications"]
        .join(previous, on="member_state", how="left")
        .select("member_state", (pl.col("applications") / pl.col("prev") - 1).alias("applications_change"))
    )
    got.periods["applications_change"] = f"{app_year} on {app_year - 1}"
    five = apps.filter(pl.col("year").is_between(app_year - 4, app_year))
    tp_stock, got.periods["temporary_protection"], tp_rows = _tp_stock(members, wanted)
    got.frames["temporary_protection"] = tp_stock
    got.sources["temporary_protection"] = _source("temporary_protection", tp_rows)
    got.frames["cumulative_arrivals"] = (
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
    tp_period = got.periods["temporary_protection"]
    got.periods["cumulative_arrivals"] = (
        f"applications {app_year - 4}-{app_year} + temporary protection ({tp_period})"
    )
    got.sources["cumulative_arrivals"] = _source(
        "applications_totals", f"citizenship TOTAL, {app_year - 4}-{app_year}"
    )
    return app_year


def _border_annuals(members: tuple[str, ...], got: _Parts) -> None:
    """AMMR Art. 9(3)(a)(xiv), (vi): refusals of entry and persons found illegally present."""
    got.annual(
        "refusals_of_entry",
        _per_year("refusals_of_entry", "refusals", members),
        "refusals_of_entry",
        "totals",
    )
    got.annual(
        "illegally_present",
        _per_year("illegally_present", "persons", members, reason="total", apprehension="total"),
        "illegally_present",
        "reason total, apprehension total",
    )


def _decisions(members: tuple[str, ...], got: _Parts) -> None:
    """AMMR Art. 9(3)(a)(iii)-(iv): first-instance decisions and the recognition rate."""
    decisions = load("decisions").filter(
        pl.col("country").is_in(members), pl.col("authority") == "G", pl.col("stage").is_in(["FI", "FA"])
    )
    dec_year = _latest_year(decisions.rename({"total": "value"}), "value", got.target)
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
    got.frames["decisions"] = by_stage.select(
        "member_state",
        (pl.col("granted") + pl.col("rejected")).alias("first_instance_decisions"),
        (pl.col("granted") / (pl.col("granted") + pl.col("rejected"))).alias("recognition_rate"),
        pl.col("stage").alias("decision_stage"),
    )
    got.periods["first_instance_decisions"] = got.periods["recognition_rate"] = f"calendar year {dec_year}"
    got.sources["first_instance_decisions"] = got.sources["recognition_rate"] = _source(
        "decisions", f"authority G, stage FI (or FA where only that is reported), year {dec_year}"
    )


def _arrivals(
    members: tuple[str, ...], wanted: Period, sar_routes: tuple[str, ...], got: _Parts
) -> list[str]:
    """AMMR Art. 9(3)(a)(xii)-(xiii), (xvi), 11(2)-(3): irregular crossings, their change, SAR arrivals."""
    window = coverage_window(wanted, *frontex_months())
    ibc, _, ibc_notes = allocate_detections(members, frontex_by_route_in(window.period))
    got.frames["irregular_crossings"] = ibc.group_by("member_state").agg(pl.col("irregular_crossings").sum())
    got.periods["irregular_crossings"] = window.how
    got.sources["irregular_crossings"] = _source(
        "frontex_ibc", f"all routes, months {window.period.label}, split by migralex.cycle.border_series"
    )
    got.frames["irregular_crossings_change"], got.periods["irregular_crossings_change"] = _crossings_change(
        members, window.period, got.frames["irregular_crossings"]
    )
    sar = sar_disembarkations(members, wanted, sar_routes)
    got.frames["sar_arrivals"] = sar.frame.select(
        "member_state", pl.col("sar_disembarkations").alias("sar_arrivals"), "sar_months", "sar_method"
    )
    got.periods["sar_arrivals"] = "; ".join(
        dict.fromkeys(
            [f"Frontex: {sar.window.how}", *([f"Italy: {sar.italy_window.how}"] if sar.italy_window else [])]
        )
    )
    got.sources["sar_arrivals"] = _source(
        "frontex_ibc", f"sea routes {', '.join(sar_routes)}, months {sar.window.period.label}"
    )
    return [*ibc_notes, *sar.notes]


def _joined(population: pl.DataFrame, got: _Parts) -> pl.DataFrame:
    """AMMR Art. 9(3)(a): one row per Member State, per-capita values and values relative to the Union."""
    frame = population
    for part in got.frames.values():
        frame = frame.join(part, on="member_state", how="left")
    frame = frame.with_columns(
        pl.col("sar_arrivals", "sar_months", "irregular_crossings").fill_null(0).cast(pl.Int64)
    )
    for name in PER_CAPITA:
        per_capita = pl.col(name) / pl.col("population") * PER
        union = pl.col(name).sum() / pl.col("population").filter(pl.col(name).is_not_null()).sum() * PER
        frame = frame.with_columns(
            per_capita.alias(f"{name}_per_100k"), (per_capita / union).alias(f"{name}_relative")
        )
    return frame.sort("member_state").with_columns(pl.lit("AMMR Art. 9(3)(a), 10(3)").alias("legal_basis"))


def _columns(got: _Parts) -> dict[str, Column]:
    """The provenance of each indicator column (AMMR Art. 9(3)(a), 10(3), 11(2)-(3))."""
    periods, sources = got.periods, got.sources
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
    columns["irregular_crossings_change"] = Column(
        f"change in irregular crossings ({periods['irregular_crossings_change']})",
        "AMMR Art. 9(3)(a)(xvi), 11(2)",
        "irregular_crossings / the previous 12 months − 1",
    )
    columns["sar_months"] = Column(
        "months of the period with disembarkations after SAR (recurring, Art. 11(3))",
        "AMMR Art. 9(3)(a)(xiii), 11(3)",
        sources=(sources["sar_arrivals"],),
    )
    return columns


def _notes(wanted: Period, period: str, data_notes: list[str]) -> tuple[str, ...]:
    """The reference period (AMMR Art. 9(1)) and how each series meets it."""
    annual_names = ", ".join(sorted(name for name, how in FREQUENCY.items() if how == "annual"))
    fallback = "use the calendar year" if period == "calendar" else "fall back to calendar years"
    return (
        f"Reference period: {wanted.label} ({period}; AMMR Art. 9(1) 'the previous 12-month period'). "
        "Monthly series (irregular crossings, SAR disembarkations, temporary protection) use it where the "
        f"shipped months cover it; annual series {fallback} (the shipped data are annual): {annual_names}",
        "SAR disembarkations are estimated: Italy from its Ministry of the Interior count, the other "
        "Member States from Frontex sea routes split by Eurostat apprehensions at the sea border",
        "decisions: UNHCR first-instance decisions (stage FI); where a Member State reports only "
        "first instance and appeal together (stage FA: e.g. AT, BG), those are used (decision_stage)",
        *data_notes,
    )


def cycle_indicators(
    cycle: Cycle,
    members: tuple[str, ...],
    *,
    period: str = "report",
    top_nationalities: int = 3,
    sar_routes: tuple[str, ...] = SAR_ROUTES,
) -> IndicatorData:
    """AMMR Art. 9(1), 9(3)(a), 10(3): the indicators of `cycle` for `members` on the reference `period`.

    `period` is `report` (the 12 months to 30 June of the cycle year, as the first Report) or
    `calendar` (the calendar year before). Monthly series use it where the shipped months cover
    it; annual series use the calendar year before the cycle year (or the latest one shipped).
    """
    wanted = reference_period(cycle, period)
    got = _Parts(cycle.indicator_year)
    population = _population(members, got)
    app_year = _applications(members, wanted, got)
    _border_annuals(members, got)
    _decisions(members, got)
    data_notes = _arrivals(members, wanted, sar_routes, got)
    frame = _joined(population, got)
    notes = _notes(wanted, period, data_notes)
    result = Result(
        "Indicators of the migratory situation (AMMR Art. 9(3)(a))", frame, _columns(got), (), notes
    )
    reference = {
        "kind": period,
        "start": wanted.start.isoformat(),
        "end": wanted.end.isoformat(),
        "label": wanted.label,
        "basis": "AMMR Art. 9(1); COM(2025) 795 used July 2024 - June 2025",
    }
    nationalities = _nationalities(members, app_year, top_nationalities)
    return IndicatorData(result, nationalities, got.periods, reference)


def _tp_stock(members: tuple[str, ...], wanted: Period) -> tuple[pl.DataFrame, str, str]:
    """Temporary protection beneficiaries at the end of `wanted` (AMMR Art. 9(3)(a)(xv)).

    The monthly stock of the period's last month, or of the latest month shipped before it.
    """
    tp = load("temporary_protection").filter(
        pl.col("country").is_in(members), pl.col("month") <= wanted.end, pl.col("beneficiaries").is_not_null()
    )
    if tp.is_empty():
        raise InvalidInput("period", f"no temporary protection data up to {wanted.end:%Y-%m}")
    latest = tp.sort("month").group_by("country").last()
    stock = latest.select(
        pl.col("country").alias("member_state"), pl.col("beneficiaries").alias("temporary_protection")
    )
    month: dt.date = latest["month"].max()  # type: ignore[assignment]
    end = month_start(wanted.end)
    label = f"end of {month:%Y-%m}" + ("" if month == end else f" (latest month shipped; {end:%Y-%m} wanted)")
    earlier = latest.filter(pl.col("month") < month).sort("country")
    if earlier.height:
        label += "; " + ", ".join(f"{r['country']} {r['month']:%Y-%m}" for r in earlier.iter_rows(named=True))
    return stock, label, f"citizenship UA, month {month:%Y-%m}"


def _crossings_change(
    members: tuple[str, ...], period: Period, current: pl.DataFrame
) -> tuple[pl.DataFrame, str]:
    """Irregular crossings of `period` against the 12 months before it (AMMR Art. 11(2), the trend)."""
    before = period.previous()
    if before.start < frontex_months()[0]:
        empty = current.select("member_state", pl.lit(None, pl.Float64).alias("irregular_crossings_change"))
        return empty, "not computed: the previous 12 months are not shipped"
    previous, _, _ = allocate_detections(members, frontex_by_route_in(before))
    frame = current.join(
        previous.group_by("member_state").agg(pl.col("irregular_crossings").sum().alias("prev")),
        on="member_state",
        how="left",
    ).select(
        "member_state",
        pl.when(pl.col("prev") > 0)
        .then(pl.col("irregular_crossings") / pl.col("prev") - 1)
        .alias("irregular_crossings_change"),
    )
    return frame, f"{period.label} on {before.label}"
