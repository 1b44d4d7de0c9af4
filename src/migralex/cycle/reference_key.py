"""The reference key of the solidarity mechanism (AMMR Art. 66, Annex I): 50 % population, 50 % GDP.

Share_MS = w_pop × Pop_MS / ΣPop + w_GDP × GDP_MS / ΣGDP over the participating Member States, computed
in exact rational arithmetic so that the shares add up to exactly 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import polars as pl

from migralex.cycle.apportionment import exact
from migralex.cycle.members import resolve_members
from migralex.cycle.provenance import Column, Figure, Result, Source
from migralex.cycle.timeline import Cycle
from migralex.data import info, load
from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet, params

BASIS = "AMMR Art. 66, Annex I"
POP_WEIGHT = "ammr.solidarity.reference_key_population_weight"
GDP_WEIGHT = "ammr.solidarity.reference_key_gdp_weight"
MEMBERS_READING = "ammr.reading.reference_key_members"


def _source(table: str, rows: str) -> Source:
    """A shipped table as a source, with its publisher and dataset."""
    meta = info(table)
    return Source(table, rows, f"{meta.publisher}: {meta.source}")


def key_weights(on: dt.date, parameters: ParameterSet | None = None) -> tuple[Fraction, Fraction]:
    """The population and GDP weights in force on `on` (Art. 66(a)-(b)); they must add up to 1."""
    ps = parameters or params()
    w_pop, w_gdp = exact(ps.value(POP_WEIGHT, on)), exact(ps.value(GDP_WEIGHT, on))
    if w_pop + w_gdp != 1:
        raise InvalidInput(f"{POP_WEIGHT} + {GDP_WEIGHT}", f"the weights add up to {w_pop + w_gdp}, not 1")
    return w_pop, w_gdp


def exact_shares(
    population: Sequence[int], gdp: Sequence[int], w_pop: Fraction, w_gdp: Fraction
) -> list[Fraction]:
    """Annex I: each Member State's share, as exact fractions that add up to w_pop + w_gdp."""
    if len(population) != len(gdp):
        raise InvalidInput("gdp", "population and GDP must list the same Member States")
    for name, values in (("population", population), ("gdp_eur", gdp)):
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise InvalidInput(name, "values must be non-negative with a positive total")
    total_pop, total_gdp = sum(population), sum(gdp)
    return [
        w_pop * Fraction(p, total_pop) + w_gdp * Fraction(g, total_gdp)
        for p, g in zip(population, gdp, strict=True)
    ]


def reference_key(
    inputs: pl.DataFrame,
    *,
    on: dt.date,
    parameters: ParameterSet | None = None,
    sources: tuple[Source, ...] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    """AMMR Art. 66, Annex I: each Member State's share from `inputs` (member_state, population, gdp_eur)."""
    for column in ("member_state", "population", "gdp_eur"):
        if column not in inputs.columns:
            raise InvalidInput(column, f"the key needs a column {column!r}")
    if inputs.get_column("member_state").is_duplicated().any():
        raise InvalidInput("member_state", "a Member State appears twice")
    nulls = inputs.filter(pl.any_horizontal(pl.col("population", "gdp_eur").is_null()))
    if nulls.height:
        raise InvalidInput("population/gdp_eur", f"missing for {', '.join(nulls['member_state'])}")
    frame = inputs.sort("member_state")
    pop = [int(v) for v in frame.get_column("population")]
    gdp = [int(v) for v in frame.get_column("gdp_eur")]
    w_pop, w_gdp = key_weights(on, parameters)
    shares = exact_shares(pop, gdp, w_pop, w_gdp)
    out = frame.with_columns(
        pl.Series("population_share", [float(Fraction(p, sum(pop))) for p in pop]),
        pl.Series("gdp_share", [float(Fraction(g, sum(gdp))) for g in gdp]),
        pl.Series("share", [float(s) for s in shares]),
        pl.Series("share_exact", [str(s) for s in shares]),
        pl.lit(BASIS).alias("legal_basis"),
    )
    columns = {
        "population": Column("persons on 1 January", "AMMR Art. 66(a)", sources=sources[:1]),
        "gdp_eur": Column("GDP at current prices, euro", "AMMR Art. 66(b)", sources=sources[1:]),
        "population_share": Column("population / Σ population", BASIS, "Pop_MS / ΣPop", ("population",)),
        "gdp_share": Column("GDP / Σ GDP", BASIS, "GDP_MS / ΣGDP", ("gdp_eur",)),
        "share": Column(
            "share of the reference key",
            BASIS,
            f"{w_pop} × population_share + {w_gdp} × gdp_share",
            ("population", "gdp_eur", "population_share", "gdp_share", "share_exact"),
            sources,
        ),
    }
    figures = (
        Figure("total_population", sum(pop), "persons", "AMMR Art. 66(a)", "Σ Pop_MS", sources=sources[:1]),
        Figure("total_gdp_eur", sum(gdp), "eur", "AMMR Art. 66(b)", "Σ GDP_MS", sources=sources[1:]),
        Figure("population_weight", w_pop, "ratio", "AMMR Art. 66(a)", f"parameter {POP_WEIGHT}"),
        Figure("gdp_weight", w_gdp, "ratio", "AMMR Art. 66(b)", f"parameter {GDP_WEIGHT}"),
        Figure("sum_of_shares", sum(shares), "ratio", BASIS, "Σ share_MS (exact)"),
        Figure("member_states", frame.height, "count", BASIS, "n, the number of Member States in the key"),
    )
    return Result("Reference key (AMMR Art. 66, Annex I)", out, columns, figures, notes)


@dataclass(frozen=True)
class KeyData:
    """The population and GDP used for one cycle's key, and which years they are."""

    frame: pl.DataFrame
    population_year: int
    gdp_year: int
    members: tuple[str, ...]
    member_set: str
    sources: tuple[Source, ...]
    notes: tuple[str, ...]


def _pick_year(
    table: pl.DataFrame, value: str, members: tuple[str, ...], wanted: int, explicit: int | None, what: str
) -> tuple[int, str | None]:
    """The year to use: `explicit`, else the latest year ≤ `wanted` with a value for every member."""
    complete = (
        table.filter(pl.col("country").is_in(members), pl.col(value).is_not_null())
        .group_by("year")
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") == len(members))
    )
    years = sorted(int(y) for y in complete.get_column("year"))
    if explicit is not None:
        if explicit not in years:
            have = table.filter(pl.col("year") == explicit, pl.col(value).is_not_null())["country"]
            missing = sorted(set(members) - set(have))
            raise InvalidInput(f"{what}_year", f"no {what} for {explicit} for {', '.join(missing)}")
        return explicit, None
    usable = [y for y in years if y <= wanted]
    if not usable:
        raise InvalidInput(f"{what}_year", f"no complete {what} data up to {wanted} for the member set")
    year = usable[-1]
    label = {"population": "population on 1 January", "gdp": "GDP of"}[what]
    note = None
    if year != wanted:
        note = f"{label} {wanted} is not in the shipped data: using {label} {year}, the latest complete year"
    return year, note


def _key_frame(pop: pl.DataFrame, gdp: pl.DataFrame) -> pl.DataFrame:
    """AMMR Art. 66: population and GDP in euro (whole euro; national currency at the IMF rate) per State."""
    gdp = gdp.with_columns(
        pl.Series("gdp_eur_units", [round(exact(v) * 10**9) for v in gdp.get_column("gdp_eur")], pl.Int64),
        pl.when(pl.col("currency") == "EUR")
        .then(1.0)
        .otherwise(pl.col("eur_per_usd") / pl.col("national_per_usd"))
        .alias("eur_per_national"),
    )
    return (
        pop.select(
            pl.col("country").alias("member_state"), "population", pl.col("flag").alias("population_flag")
        )
        .join(
            gdp.select(
                pl.col("country").alias("member_state"),
                pl.col("gdp_eur_units").alias("gdp_eur"),
                "currency",
                (pl.col("gdp_national") * 10**9).alias("gdp_national"),
                "eur_per_national",
                pl.col("is_projection").alias("gdp_is_projection"),
            ),
            on="member_state",
        )
        .sort("member_state")
    )


def _gdp_notes(frame: pl.DataFrame, g_year: int) -> list[str]:
    """What the GDP of the key (AMMR Art. 66) rests on: IMF projections, conversions to euro."""
    notes = []
    if frame.get_column("gdp_is_projection").any():
        notes.append(f"GDP {g_year} is partly an IMF projection")
    converted = frame.filter(pl.col("currency") != "EUR")
    if converted.height:
        notes.append(
            f"GDP of {', '.join(converted['member_state'])} converted to euro at the {g_year} average rate "
            "implied by the IMF WEO (NGDP/NGDPD against the euro area's NGDP/NGDPD); Eurostat's own "
            "series (nama_10_gdp, CP_MEUR) is not shipped"
        )
    return notes


def key_data(
    cycle: Cycle,
    member_set: str | Sequence[str] | None = None,
    *,
    population_year: int | None = None,
    gdp_year: int | None = None,
    parameters: ParameterSet | None = None,
) -> KeyData:
    """The "latest available" population and GDP for the key of `cycle` (AMMR Art. 66).

    By 15 October of the cycle year Y, Eurostat has published the population on 1 January Y and
    the GDP of Y - 1: those are wanted; where the shipped data stop earlier, the latest complete
    year is used and a note says so. GDP is in euro at current prices: euro-area members' IMF NGDP,
    others converted at the year's average rate implied by the IMF (NGDP / NGDPD against the
    euro area's NGDP / NGDPD). IMF projections are never used unless a year is given explicitly.
    """
    members, how = resolve_members(member_set, MEMBERS_READING, cycle.proposal_date, parameters)
    pop_table = load("population").filter(~pl.col("is_aggregate"))
    gdp_table = load("gdp")
    actual = gdp_table if gdp_year is not None else gdp_table.filter(~pl.col("is_projection"))
    p_year, p_note = _pick_year(pop_table, "population", members, cycle.year, population_year, "population")
    g_year, g_note = _pick_year(actual, "gdp_eur", members, cycle.year - 1, gdp_year, "gdp")
    pop = pop_table.filter(pl.col("country").is_in(members), pl.col("year") == p_year)
    gdp = gdp_table.filter(pl.col("country").is_in(members), pl.col("year") == g_year)
    frame = _key_frame(pop, gdp)
    rows = f"country in the {len(members)} Member States ({how})"
    sources = (
        _source("population", f"{rows}, year = {p_year} (1 January)"),
        _source("gdp", f"{rows}, year = {g_year}; column gdp_eur (billions, × 10^9)"),
    )
    notes = [n for n in (p_note, g_note) if n] + _gdp_notes(frame, g_year)
    return KeyData(frame, p_year, g_year, members, how, sources, tuple(notes))


def cycle_reference_key(
    cycle: Cycle,
    member_set: str | Sequence[str] | None = None,
    *,
    population_year: int | None = None,
    gdp_year: int | None = None,
    parameters: ParameterSet | None = None,
) -> Result:
    """AMMR Art. 66: the reference key of `cycle` from the shipped Eurostat population and IMF GDP."""
    data = key_data(
        cycle, member_set, population_year=population_year, gdp_year=gdp_year, parameters=parameters
    )
    head = (
        f"cycle {cycle.year} (Commission proposal of October {cycle.year}, pool of {cycle.pool_year}): "
        f"population on 1 January {data.population_year}, GDP {data.gdp_year}; "
        f"{len(data.members)} Member States ({data.member_set})"
    )
    key = reference_key(
        data.frame,
        on=cycle.proposal_date,
        parameters=parameters,
        sources=data.sources,
        notes=(head, *data.notes),
    )
    years = (
        Figure("cycle_year", cycle.year, "year", "AMMR Art. 12(6)", "year of the Commission proposal"),
        Figure("pool_year", cycle.pool_year, "year", "AMMR Art. 12(1)", "the upcoming year"),
        Figure(
            "population_date",
            dt.date(data.population_year, 1, 1),
            "date",
            "AMMR Art. 66(a)",
            "latest population on 1 January available in the cycle year",
            sources=data.sources[:1],
        ),
        Figure(
            "gdp_year", data.gdp_year, "year", "AMMR Art. 66(b)", "latest GDP year", sources=data.sources[1:]
        ),
    )
    return replace(key, figures=(*years, *key.figures))
