"""Union-wide recognition rates by nationality and the ≤ 20 % list (APR Art. 42(1)(j), Art. 45(1)).

Art. 42(1)(j): "the proportion of decisions by the determining authority granting international
protection is, according to the latest available yearly Union-wide average Eurostat data, 20 % or
lower". Read here as: numerator = first-instance decisions granting refugee status or subsidiary
protection; denominator per the reading `apr.reading.recognition_rate_denominator`:
`decisions` (granted + rejected: Eurostat's total, recital 56 "total number of decisions") or
`decisions_incl_closed` (also cases otherwise closed). Union-wide = summed over the EU-27 Member
States before dividing (a pooled average, not a mean of national rates). Pure: the caller passes
the decisions table (e.g. `migralex.data.load("decisions")`, see `migralex.context`).

Data substitute: the shipped table is UNHCR's, in which some Member States report only first
instance and appeal together (stage `FA`: Austria and Bulgaria every year, Hungary, Slovenia and
Slovakia in some). Eurostat's first-instance data, which the Article names, do include those
Member States; leaving them out would bias the Union-wide rate more than their few appeal
decisions do. So by default (`combined_stage_fallback=True`) a Member State-year without `FI` rows
contributes its `FA` rows; `combined_stage_fallback=False` keeps strictly `FI`.
"""

from __future__ import annotations

import polars as pl

from migralex.countries import EU27
from migralex.errors import InvalidInput
from migralex.law.params import compare

READINGS = ("decisions", "decisions_incl_closed")
_NEEDED = ("year", "country", "citizenship", "authority", "stage", "recognized", "complementary", "rejected")


def recognition_rates(
    decisions: pl.DataFrame, year: int, reading: str = "decisions", *, combined_stage_fallback: bool = True
) -> pl.DataFrame:
    """Union-wide first-instance recognition rate per citizenship in `year` (APR Art. 42(1)(j)).

    `decisions` has UNHCR/Eurostat-like columns: year, country (of asylum), citizenship, authority
    (G = government), stage (FI = first instance), recognized, complementary, rejected and, for the
    `decisions_incl_closed` reading, otherwise_closed. Returns one row per citizenship with
    columns citizenship, year, granted, rejected, total, rate (null where total is 0).
    """
    if reading not in READINGS:
        raise InvalidInput("reading", f"{reading!r} is not one of {', '.join(READINGS)}")
    needed = (*_NEEDED, "otherwise_closed") if reading == "decisions_incl_closed" else _NEEDED
    missing = [c for c in needed if c not in decisions.columns]
    if missing:
        raise InvalidInput("decisions", f"missing columns {', '.join(missing)}")
    government = decisions.filter(
        (pl.col("year") == year) & pl.col("country").is_in(EU27) & (pl.col("authority") == "G")
    )
    stage_ok = pl.col("stage") == "FI"
    if combined_stage_fallback:
        has_fi = (pl.col("stage") == "FI").any().over("country")
        stage_ok = stage_ok | ((pl.col("stage") == "FA") & ~has_fi)
    first_instance = government.filter(stage_ok)
    closed = pl.col("otherwise_closed").sum() if reading == "decisions_incl_closed" else pl.lit(0)
    out = (
        first_instance.group_by("citizenship")
        .agg(
            granted=(pl.col("recognized") + pl.col("complementary")).sum(),
            rejected=pl.col("rejected").sum(),
            closed=closed,
        )
        .with_columns(year=pl.lit(year, dtype=pl.Int32))
        .with_columns(total=pl.col("granted") + pl.col("rejected") + pl.col("closed"))
        .with_columns(rate=pl.when(pl.col("total") > 0).then(pl.col("granted") / pl.col("total")))
        .select("citizenship", "year", "granted", "rejected", "total", "rate")
        .sort("citizenship")
    )
    return out


def border_list(rates: pl.DataFrame, threshold: float, boundary: str = "at_most") -> pl.DataFrame:
    """Nationalities whose rate is at or below `threshold` ("20 % or lower", APR Art. 42(1)(j)),
    lowest rate first. Only third countries (ISO alpha-2, not a Member State) are listed: rows of
    Union citizens, of stateless persons (STLS) or unknown origin (UNK), and rows without a rate
    (no decisions) are left out."""
    third_country = pl.col("citizenship").str.contains(r"^[A-Z]{2}$") & ~pl.col("citizenship").is_in(EU27)
    rated = rates.filter(pl.col("rate").is_not_null() & third_country)
    keep = compare(rated["rate"].to_numpy(), boundary, threshold)
    return rated.filter(pl.Series(keep)).sort(["rate", "citizenship"])
