"""Per third country: applications from its nationals and their change, the Union-wide recognition
rate, refusals of entry where broken down, and the visa status (Reg. 2018/1806 Art. 8 indicators)."""

from __future__ import annotations

import polars as pl

from migralex.data.load import load
from migralex.errors import UnknownReference
from migralex.law.params import ParameterSet, params
from migralex.readmission.visa_list import visa_status

#: Citizenship codes that are not third countries (aggregates, unknown, stateless).
NOT_COUNTRIES = ("TOTAL", "EXT_EU27_2020", "EU27_2020", "UNK", "STLS", "RNC")

#: Shipped Eurostat refusals of entry (migr_eirfs) are by Member State only, not by citizenship.
REFUSALS_NOTE = (
    "refusals of entry by citizenship are not shipped (migr_eirfs is by Member State only):"
    " the Art. 8 ground on refusals of entry and overstays is not computed"
)


def _eu_members() -> list[str]:
    countries = load("countries")
    return countries.filter(pl.col("eu"))["country"].to_list()


def applications(year: int) -> pl.DataFrame:
    """Applications in the EU27 by citizenship in `year` and `year - 1` (migr_asyappctza), with the change."""
    table = load("applications_by_nationality")
    last = int(table["year"].max())  # type: ignore[arg-type]
    first = int(table["year"].min()) + 1  # type: ignore[arg-type]
    if not first <= year <= last:
        raise UnknownReference(f"no applications data for {year}: the shipped years are {first}-{last}")
    eu = table.filter(pl.col("country") == "EU27_2020", pl.col("year").is_in([year, year - 1]))
    wide = (
        eu.group_by("citizenship")
        .agg(
            pl.col("applicants").filter(pl.col("year") == year).sum().alias("applications"),
            pl.col("applicants").filter(pl.col("year") == year - 1).sum().alias("applications_prev"),
        )
        .filter(~pl.col("citizenship").is_in(NOT_COUNTRIES + tuple(_eu_members())))
    )
    change = pl.when(pl.col("applications_prev") > 0).then(
        pl.col("applications") / pl.col("applications_prev") - 1
    )
    return wide.with_columns(change.alias("change"))


def recognition_rates(year: int, instance: str = "first_instance") -> pl.DataFrame:
    """Union-wide recognition rate by citizenship (UNHCR decisions in the EU27), latest year ≤ `year`.

    Rate = (refugee status + complementary protection) / (those + rejections); decisions otherwise
    closed are left out, as in Eurostat's recognition rate.
    """
    table = load("decisions").filter(pl.col("country").is_in(_eu_members()))
    years = table.filter(pl.col("year") <= year)["year"]
    if years.is_empty():
        first = int(table["year"].min())  # type: ignore[arg-type]
        raise UnknownReference(f"no decisions data up to {year}: the shipped years start {first}")
    used = int(years.max())  # type: ignore[arg-type]
    table = table.filter(pl.col("year") == used)
    if instance == "first_instance":
        table = table.filter(pl.col("stage") == "FI")
    positive = pl.col("recognized").sum() + pl.col("complementary").sum()
    decided = positive + pl.col("rejected").sum()
    return (
        table.group_by("citizenship")
        .agg(positive.alias("positive"), decided.alias("decided"))
        .with_columns(
            pl.when(pl.col("decided") > 0)
            .then(pl.col("positive") / pl.col("decided"))
            .alias("recognition_rate"),
            pl.lit(used, dtype=pl.Int16).alias("rate_year"),
        )
    )


def indicators(year: int, p: ParameterSet | None = None) -> pl.DataFrame:
    """The Art. 8 indicators per third country for `year` (one row per citizenship, vectorised)."""
    p = p or params()
    instance = p.value("visa.suspension.recognition_instance", f"{year}-12-31")
    names = load("countries").select(pl.col("country").alias("citizenship"), "name")
    out = (
        applications(year)
        .join(recognition_rates(year, instance), on="citizenship", how="left")
        .join(names, on="citizenship", how="left")
        .with_columns(
            visa_status(pl.col("citizenship")).alias("visa_status"),
            pl.lit(None, dtype=pl.Int64).alias("refusals_of_entry"),
            pl.lit(year, dtype=pl.Int16).alias("year"),
        )
    )
    return out.with_columns(pl.col("name").fill_null(pl.col("citizenship"))).sort(
        "applications", descending=True
    )
