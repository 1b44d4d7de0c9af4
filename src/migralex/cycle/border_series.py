"""Per-Member-State irregular crossings, SAR arrivals and refusals of entry for APR Art. 47(4).

The shipped Frontex detections are by route, not by Member State. For each route, border type
(land/sea) and year, the detections are split among the Member States whose external border the
route crosses (`data/route_member_states.csv`) in proportion to a proxy: the Eurostat migr_eipre
apprehensions for illegal entry at the border of that Member State and year ("between border
crossing points - at sea" for sea routes; "between border crossing points - at land" plus "at the
border crossing point" for land routes, see PROXY). A Member State that reports no illegal entry
at the border at all that year (Lithuania, Malta, Cyprus 2021-2022, …) gets an imputed proxy: its
total apprehensions times the ratio of border-to-total apprehensions of the reporting Member
States on the same route. Each route's detections are rounded by largest remainder, so the
per-Member-State series adds up to the Frontex total. Refusals of entry are Eurostat migr_eirfs.
SAR arrivals: only Italy's series (Ministry of the Interior, sea arrivals) is shipped; under the
default reading they are already inside the Frontex detections (recital 59).

`read_series_csv` reads an official per-Member-State table instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path

import polars as pl

from migralex.countries import normalise_member_state
from migralex.cycle.apportionment import largest_remainder
from migralex.cycle.period import Period, month_start
from migralex.cycle.provenance import Source
from migralex.data import info, load
from migralex.errors import InvalidInput

#: Border type → migr_eipre places of apprehension (reason: illegal entry) that make the split proxy.
#: Border crossing points (land, sea or air, not distinguished) go with the land side: most of
#: Poland's border apprehensions for illegal entry in 2022-2023 are booked there.
PROXY = {"land": ("between_bcp_land", "border_crossing_point"), "sea": ("between_bcp_sea",)}
BORDER = ("between_bcp_land", "between_bcp_sea", "border_crossing_point")
SERIES_COLUMNS = ("irregular_crossings", "sar_arrivals", "refusals_of_entry")
#: Sources of the irregular crossings: the Frontex route split, or IOM DTM arrivals where they exist.
CROSSINGS = ("frontex_split", "dtm")


def route_member_states() -> pl.DataFrame:
    """The route → Member State table (route, border_type, member_state, note)."""
    text = resources.files("migralex.cycle").joinpath("data/route_member_states.csv").read_text("utf-8")
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def _source(table: str, rows: str) -> Source:
    """A shipped table as a source, with its publisher and dataset."""
    meta = info(table)
    return Source(table, rows, f"{meta.publisher}: {meta.source}")


def frontex_by_route(years: tuple[int, int]) -> pl.DataFrame:
    """Frontex detections summed by route, border type and calendar year."""
    ibc = load("frontex_ibc").with_columns(pl.col("month").dt.year().cast(pl.Int16).alias("year"))
    complete = ibc.group_by("year").agg(pl.col("month").n_unique().alias("months"))
    low, high = years
    short = complete.filter(pl.col("year").is_between(low, high), pl.col("months") < 12)
    have = set(complete.get_column("year"))
    missing = [y for y in range(low, high + 1) if y not in have] + short.get_column("year").to_list()
    if missing:
        raise InvalidInput(
            "years", f"the Frontex data do not cover the whole of {', '.join(map(str, sorted(missing)))}"
        )
    return (
        ibc.filter(pl.col("year").is_between(low, high))
        .group_by("route", "border_type", "year")
        .agg(pl.col("detections").sum())
        .sort("route", "border_type", "year")
    )


def frontex_months() -> tuple[dt.date, dt.date]:
    """The first and last month of the shipped Frontex detections."""
    months = load("frontex_ibc")["month"]
    return months.min(), months.max()  # type: ignore[return-value]


def frontex_by_route_in(period: Period) -> pl.DataFrame:
    """Frontex detections of the months of `period`, summed by route, border type and calendar year."""
    first, last = frontex_months()
    if period.start < first or month_start(period.end) > last:
        raise InvalidInput(
            "period", f"the Frontex data ({first:%Y-%m} to {last:%Y-%m}) do not cover {period.label}"
        )
    return (
        load("frontex_ibc")
        .filter(pl.col("month").is_between(period.start, period.end))
        .group_by("route", "border_type", pl.col("month").dt.year().cast(pl.Int16).alias("year"))
        .agg(pl.col("detections").sum())
        .sort("route", "border_type", "year")
    )


def apprehension_proxies(members: tuple[str, ...], years: tuple[int, int]) -> tuple[pl.DataFrame, list[str]]:
    """Eurostat migr_eipre proxies by Member State, year and border type, and notes.

    Columns: member_state, year (data year), weights_year (the eipre year used), border_type,
    proxy (illegal entries apprehended at the border, see PROXY), total (all
    apprehensions), reports_border (False where no illegal entry at the border is reported).
    """
    eipre = load("illegally_present").filter(pl.col("country").is_in(members))
    breakdown = eipre.filter(pl.col("reason") == "illegal_entry")
    available = sorted(int(y) for y in breakdown.filter(pl.col("apprehension") != "total")["year"].unique())
    notes = []
    pairs = []
    for year in range(years[0], years[1] + 1):
        usable = [y for y in available if y <= year]
        if not usable:
            raise InvalidInput(
                "years", f"no Eurostat migr_eipre breakdown by place of apprehension up to {year}"
            )
        pairs.append((year, usable[-1]))
        if usable[-1] != year:
            notes.append(f"migr_eipre {year} not shipped: the {year} split of routes uses {usable[-1]}")
    which = pl.DataFrame(pairs, schema={"year": pl.Int16, "weights_year": pl.Int16}, orient="row")
    wide = breakdown.pivot("apprehension", index=["country", "year"], values="persons")
    total = eipre.filter(pl.col("reason") == "total", pl.col("apprehension") == "total").select(
        "country", "year", pl.col("persons").alias("all_apprehensions")
    )
    missing = [c for c in BORDER if c not in wide.columns]
    wide = wide.with_columns(pl.lit(None, pl.Int64).alias(c) for c in missing)
    grid = which.join(pl.DataFrame({"country": list(members)}), how="cross")
    frame = (
        grid.join(wide, left_on=["country", "weights_year"], right_on=["country", "year"], how="left")
        .join(total, left_on=["country", "weights_year"], right_on=["country", "year"], how="left")
        .with_columns(
            (pl.sum_horizontal(pl.col(c).fill_null(0) for c in BORDER) > 0).alias("reports_border"),
            pl.col("all_apprehensions").fill_null(0),
        )
    )
    long = pl.concat(
        frame.select(
            pl.col("country").alias("member_state"),
            "year",
            "weights_year",
            pl.lit(border).alias("border_type"),
            pl.sum_horizontal(pl.col(c).fill_null(0) for c in columns).alias("proxy"),
            pl.col("all_apprehensions").alias("total"),
            "reports_border",
        )
        for border, columns in PROXY.items()
    )
    return long, notes


def _route_weights(candidates: pl.DataFrame) -> tuple[list[Fraction], list[str]]:
    """The split weights of one route-year among its candidates, and how each was obtained."""
    reporting = candidates.filter(pl.col("reports_border"))
    rep_proxy, rep_total = int(reporting["proxy"].sum()), int(reporting["total"].sum())
    ratio = Fraction(rep_proxy, rep_total) if rep_total else Fraction(1)
    weights, how = [], []
    for row in candidates.iter_rows(named=True):
        if row["reports_border"]:
            weights.append(Fraction(row["proxy"]))
            places = " + ".join(PROXY[row["border_type"]])
            how.append(f"eipre {row['weights_year']} illegal entry, {places}: {row['proxy']}")
        else:
            weights.append(row["total"] * ratio)
            how.append(
                f"imputed: eipre {row['weights_year']} total {row['total']} × {float(ratio):.3f} "
                "(border share of the reporting Member States on the route)"
            )
    if sum(weights) == 0:
        weights = [Fraction(1)] * candidates.height
        how = ["no apprehension data: equal split"] * candidates.height
    return weights, how


def allocate_routes(
    detections: pl.DataFrame, mapping: pl.DataFrame, proxies: pl.DataFrame, members: tuple[str, ...]
) -> tuple[pl.DataFrame, list[str]]:
    """Split each route-year's detections among its Member States (see the module docstring).

    Returns one row per route, border type, year and Member State with the detections of the
    route, the weight, how it was obtained and the detections allocated (whole numbers that add
    up to the route's detections), and notes on the detections left out.
    """
    rows, skipped = [], []
    for (route, border, year), group in detections.group_by(
        "route", "border_type", "year", maintain_order=True
    ):
        total = int(group["detections"].sum())
        listed = mapping.filter(pl.col("route") == route, pl.col("border_type") == border)
        codes = listed.get_column("member_state").to_list()
        pool = proxies.filter(pl.col("year") == year, pl.col("border_type") == border)
        if codes == ["*"]:
            candidates = pool.filter(pl.col("proxy") > 0).sort("member_state")
            if not candidates.height:
                candidates = pool.sort("member_state")
        else:
            candidates = pool.filter(pl.col("member_state").is_in(codes)).sort("member_state")
        candidates = candidates.filter(pl.col("member_state").is_in(members))
        if not candidates.height:
            skipped.append(f"{route} ({border}) {year}: {total}")
            continue
        weights, how = _route_weights(candidates)
        exact_split = [total * w / sum(weights) for w in weights]
        allocated = largest_remainder(exact_split, total)
        for ms, weight, text, n in zip(candidates["member_state"], weights, how, allocated, strict=True):
            rows.append((route, border, year, ms, total, float(weight), text, n))
    frame = pl.DataFrame(
        rows,
        schema={
            "route": pl.String,
            "border_type": pl.String,
            "year": pl.Int16,
            "member_state": pl.String,
            "route_detections": pl.Int64,
            "weight": pl.Float64,
            "weight_source": pl.String,
            "detections": pl.Int64,
        },
        orient="row",
    )
    notes = []
    if skipped:
        notes.append(
            "detections on routes with no Member State of the set are left out: " + "; ".join(skipped)
        )
    return frame, notes


def italy_arrivals_in(period: Period) -> int | None:
    """Italy's sea arrivals over `period` (Ministry of the Interior), None where a day is missing."""
    daily = load("italy_sea_arrivals").filter(pl.col("date").is_between(period.start, period.end))
    if daily["date"].n_unique() < (period.end - period.start).days + 1:
        return None
    return int(daily["arrivals"].sum())


def italy_days() -> tuple[dt.date, dt.date]:
    """The first and last day of Italy's daily sea-arrival series."""
    days = load("italy_sea_arrivals")["date"]
    return days.min(), days.max()  # type: ignore[return-value]


def italy_sar_arrivals(years: tuple[int, int]) -> pl.DataFrame:
    """Italy's sea arrivals by calendar year (the only SAR/disembarkation series shipped)."""
    sea = load("italy_sea_arrivals").with_columns(pl.col("date").dt.year().cast(pl.Int16).alias("year"))
    by_year = sea.group_by("year").agg(pl.col("arrivals").sum(), pl.col("date").n_unique().alias("days"))
    by_year = by_year.with_columns(
        (pl.col("days") >= pl.date(pl.col("year").cast(pl.Int32), 12, 31).dt.ordinal_day()).alias("complete")
    )
    return by_year.filter(pl.col("year").is_between(*years), pl.col("complete")).select(
        pl.lit("IT").alias("member_state"), "year", pl.col("arrivals").alias("sar_arrivals")
    )


def irregular_crossings(
    members: tuple[str, ...], years: tuple[int, int]
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Frontex detections by Member State and year (member_state, year, irregular_crossings).

    Also returns the route allocation behind them and notes on the proxy years used.
    """
    if years[0] > years[1]:
        raise InvalidInput("years", f"first year {years[0]} is after the last {years[1]}")
    return allocate_detections(members, frontex_by_route(years))


def allocate_detections(
    members: tuple[str, ...], detections: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """`irregular_crossings` for route detections by year (e.g. `frontex_by_route_in` of a period)."""
    years = (int(detections["year"].min()), int(detections["year"].max()))  # type: ignore[arg-type]
    proxies, notes = apprehension_proxies(members, years)
    allocation, left_out = allocate_routes(detections, route_member_states(), proxies, members)
    notes += left_out
    ibc = allocation.group_by("member_state", "year").agg(
        pl.col("detections").sum().alias("irregular_crossings")
    )
    return ibc, allocation, notes


@dataclass(frozen=True)
class BorderSeries:
    """Per-Member-State series of APR Art. 47(4), by year, with the route allocation behind them."""

    by_year: pl.DataFrame
    allocation: pl.DataFrame
    sources: tuple[Source, ...]
    notes: tuple[str, ...]

    def totals(self) -> pl.DataFrame:
        """The series summed over the years (member_state + the three series + sar_arrivals_included)."""
        sums = [
            pl.col(c).sum() for c in (*SERIES_COLUMNS, "sar_arrivals_included") if c in self.by_year.columns
        ]
        if "crossings_source" in self.by_year.columns:
            sums.append(pl.col("crossings_source").unique().sort().str.join("; "))
        return self.by_year.group_by("member_state").agg(*sums).sort("member_state")


def dtm_arrivals(members: tuple[str, ...], years: tuple[int, int]) -> pl.DataFrame:
    """IOM DTM arrivals by sea and land (`data/dtm_arrivals.csv`) per Member State and calendar year.

    Only the years a Member State's series spans in full (months absent inside it count as 0).
    Columns: member_state, year, dtm_arrivals.
    """
    text = resources.files("migralex.cycle").joinpath("data/dtm_arrivals.csv").read_text("utf-8")
    monthly = pl.read_csv(io.StringIO(text), schema_overrides={"month": pl.String}).with_columns(
        pl.col("month").str.slice(0, 4).cast(pl.Int16).alias("year"),
        pl.col("month").str.slice(5, 2).cast(pl.Int8).alias("m"),
    )
    spans = monthly.group_by("member_state").agg(
        pl.col("month").min().alias("first"), pl.col("month").max().alias("last")
    )
    return (
        monthly.filter(pl.col("member_state").is_in(members), pl.col("year").is_between(*years))
        .group_by("member_state", "year")
        .agg(pl.col("arrivals").sum().alias("dtm_arrivals"))
        .join(spans, on="member_state")
        .filter(
            pl.col("first") <= pl.format("{}-01", pl.col("year")),
            pl.col("last") >= pl.format("{}-12", pl.col("year")),
        )
        .select("member_state", "year", "dtm_arrivals")
        .sort("member_state", "year")
    )


def _with_dtm(
    ibc: pl.DataFrame, members: tuple[str, ...], years: tuple[int, int]
) -> tuple[pl.DataFrame, str]:
    """The route split with IOM DTM arrivals in place of it where DTM covers a Member State's year."""
    dtm = dtm_arrivals(members, years)
    replaced = ", ".join(f"{r['member_state']} {r['year']}" for r in dtm.iter_rows(named=True))
    frame = (
        ibc.join(dtm, on=["member_state", "year"], how="full", coalesce=True)
        .with_columns(
            pl.when(pl.col("dtm_arrivals").is_not_null())
            .then(pl.lit("IOM DTM arrivals"))
            .otherwise(pl.lit("Frontex route split"))
            .alias("crossings_source"),
            pl.coalesce("dtm_arrivals", "irregular_crossings").alias("irregular_crossings"),
        )
        .drop("dtm_arrivals")
    )
    note = (
        "irregular crossings: IOM DTM arrivals by sea and land (national authorities' counts) replace the "
        f"Frontex route split for {replaced or 'no Member State-year'}; the others keep the split, so the "
        "Union total is no longer the Frontex total"
    )
    return frame, note


def _refusals(members: tuple[str, ...], years: tuple[int, int]) -> pl.DataFrame:
    """Eurostat refusals of entry (APR Art. 47(4)) of every Member State and year; gaps are an error."""
    low, high = years
    refusals = load("refusals_of_entry").filter(
        pl.col("country").is_in(members), pl.col("year").is_between(low, high)
    )
    gaps = [
        f"{ms} {y}"
        for ms in members
        for y in range(low, high + 1)
        if refusals.filter(
            pl.col("country") == ms, pl.col("year") == y, pl.col("refusals").is_not_null()
        ).height
        == 0
    ]
    if gaps:
        raise InvalidInput("years", f"no Eurostat refusals of entry for {', '.join(gaps[:6])}")
    return refusals


def _series_by_year(
    members: tuple[str, ...],
    years: tuple[int, int],
    ibc: pl.DataFrame,
    refusals: pl.DataFrame,
    sar: pl.DataFrame,
    sar_reading: str,
) -> pl.DataFrame:
    """APR Art. 47(4), recital 59: crossings, SAR arrivals (per the reading) and refusals, per State-year."""
    low, high = years
    grid = pl.DataFrame(
        [(ms, y) for ms in members for y in range(low, high + 1)],
        schema={"member_state": pl.String, "year": pl.Int16},
        orient="row",
    )
    return (
        grid.join(ibc, on=["member_state", "year"], how="left")
        .join(
            refusals.select(
                pl.col("country").alias("member_state"), "year", pl.col("refusals").alias("refusals_of_entry")
            ),
            on=["member_state", "year"],
            how="left",
        )
        .join(sar.rename({"sar_arrivals": "sar_arrivals_included"}), on=["member_state", "year"], how="left")
        .with_columns(pl.col("irregular_crossings", "sar_arrivals_included").fill_null(0))
        .with_columns(
            (pl.col("sar_arrivals_included") if sar_reading == "added" else pl.lit(0, pl.Int64)).alias(
                "sar_arrivals"
            )
        )
        .with_columns(
            (
                pl.col("crossings_source").fill_null("Frontex route split")
                if "crossings_source" in ibc.columns
                else pl.lit("Frontex route split")
            ).alias("crossings_source")
        )
        .select("member_state", "year", *SERIES_COLUMNS, "sar_arrivals_included", "crossings_source")
        .sort("member_state", "year")
    )


def _series_sources(years: tuple[int, int]) -> tuple[Source, ...]:
    """The shipped tables the series of APR Art. 47(4) come from, with the rows used."""
    low, high = years
    return (
        _source(
            "frontex_ibc", f"all routes, months {low}-01 … {high}-12, summed by route, land/sea and year"
        ),
        _source(
            "illegally_present",
            f"reason illegal entry / total, {low}-{high} (or the latest year), the Member States",
        ),
        _source("refusals_of_entry", f"the Member States, years {low}-{high}"),
        _source("italy_sea_arrivals", f"daily arrivals {low}-01-01 … {high}-12-31, summed by year"),
        Source("route_member_states.csv", "all rows", "migralex: Frontex routes → Member States"),
    )


def _series_notes(sar_reading: str) -> list[str]:
    """How the crossings are estimated, and whether SAR arrivals are added (APR recital 59, the reading)."""
    crossings = (
        "irregular crossings: Frontex detections by route split among the Member States on each route "
        "by their Eurostat migr_eipre apprehensions for illegal entry at the border "
        "(imputed where a Member State reports none): an estimate, replaceable with --input"
    )
    if sar_reading == "added":
        return [
            crossings,
            "SAR arrivals added on top of the irregular crossings (reading 'added'): "
            "Italy's sea arrivals are counted twice",
        ]
    return [
        crossings,
        "SAR arrivals are inside the Frontex irregular crossings (APR recital 59): nothing added; "
        "sar_arrivals_included shows Italy's sea arrivals for information",
    ]


def derive_border_series(
    members: tuple[str, ...],
    years: tuple[int, int],
    *,
    sar_reading: str = "within_crossings",
    crossings: str = "frontex_split",
) -> BorderSeries:
    """The shipped data turned into per-Member-State series (see the module docstring).

    `crossings` = `dtm` takes the IOM DTM arrivals of Bulgaria, Cyprus, Greece, Italy, Malta and
    Spain instead of their share of the Frontex routes (years DTM covers in full).
    """
    if crossings not in CROSSINGS:
        raise InvalidInput("crossings", f"{crossings!r} is not one of {', '.join(CROSSINGS)}")
    low, high = years
    ibc, allocation, notes = irregular_crossings(members, years)
    if crossings == "dtm":
        ibc, dtm_note = _with_dtm(ibc, members, years)
        notes.append(dtm_note)
    refusals = _refusals(members, years)
    sar = italy_sar_arrivals(years)
    sar_years = set(sar.get_column("year"))
    if "IT" in members and any(y not in sar_years for y in range(low, high + 1)):
        notes.append(
            f"Italy's sea-arrival series does not cover all of {low}-{high}: SAR arrivals incomplete"
        )
    by_year = _series_by_year(members, years, ibc, refusals, sar, sar_reading)
    notes += _series_notes(sar_reading)
    return BorderSeries(by_year, allocation, _series_sources(years), tuple(notes))


def _check_header(p: Path, header: Sequence[str]) -> bool:
    """The table's columns: the required ones present, no unknown one; whether it has years."""
    required = {"member_state", "irregular_crossings", "refusals_of_entry"}
    allowed = required | {"year", "sar_arrivals"}
    if not required <= set(header):
        raise InvalidInput(str(p), f"missing column(s) {', '.join(sorted(required - set(header)))}")
    if set(header) - allowed:
        raise InvalidInput(str(p), f"unknown column(s) {', '.join(sorted(set(header) - allowed))}")
    return "year" in header


def _row_values(record: Mapping[str, str | None], where: str, has_year: bool) -> dict[str, int]:
    """The whole numbers of one row (an empty `sar_arrivals` counts as 0)."""
    values: dict[str, int] = {}
    for column in (*SERIES_COLUMNS, *(("year",) if has_year else ())):
        cell = (record.get(column) or "0" if column == "sar_arrivals" else record.get(column) or "").strip()
        if not cell.isdigit():
            raise InvalidInput(f"{where}: {column}", f"expected a non-negative whole number, got {cell!r}")
        values[column] = int(cell)
    return values


def read_series_csv(path: Path | str, members: tuple[str, ...], years: tuple[int, int]) -> BorderSeries:
    """An official per-Member-State table instead of the derived series.

    Columns: member_state, [year,] irregular_crossings, [sar_arrivals,] refusals_of_entry.

    With a `year` column, rows of the requested years are used and every Member State of the set
    needs every year; without, each row is the Member State's total for the period. Values are
    non-negative whole numbers; errors name the file, line and column.
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(str(p), "no such file") from None
    reader = csv.DictReader(io.StringIO(text))
    has_year = _check_header(p, reader.fieldnames or [])
    rows: dict[tuple[str, int], dict[str, int]] = {}
    for line, record in enumerate(reader, start=2):
        where = f"{p}, line {line}"
        ms = normalise_member_state(record["member_state"] or "", field=f"{where}: member_state")
        values = _row_values(record, where, has_year)
        year = values.pop("year") if has_year else years[0]
        if has_year and not years[0] <= year <= years[1]:
            continue
        if (ms, year) in rows:
            raise InvalidInput(f"{where}: member_state", f"{ms} {year if has_year else ''} given twice")
        if ms not in members:
            raise InvalidInput(f"{where}: member_state", f"{ms} is not in the member set")
        rows[(ms, year)] = values
    wanted = [(ms, y) for ms in members for y in (range(years[0], years[1] + 1) if has_year else [years[0]])]
    missing = [f"{ms}{' ' + str(y) if has_year else ''}" for ms, y in wanted if (ms, y) not in rows]
    if missing:
        raise InvalidInput(str(p), f"no row for {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
    by_year = pl.DataFrame(
        [(ms, y, *(v[c] for c in SERIES_COLUMNS)) for (ms, y), v in sorted(rows.items())],
        schema={"member_state": pl.String, "year": pl.Int16, **dict.fromkeys(SERIES_COLUMNS, pl.Int64)},
        orient="row",
    ).with_columns(pl.lit(0, pl.Int64).alias("sar_arrivals_included"))
    period = f"years {years[0]}-{years[1]}" if has_year else "totals for the period"
    sources = (Source(f"input:{p.name}", f"all rows ({period})", "user-supplied per-Member-State table"),)
    return BorderSeries(by_year, pl.DataFrame(), sources, (f"series read from {p} ({period})",))
