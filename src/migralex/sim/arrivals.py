"""What the shipped real data say about arrivals and applicants, as arrays for the synthesiser.

Everything here is deterministic and cached per data year: monthly Frontex detections by route,
border type and nationality; the split of each route among the Member States whose border it
crosses (the cycle's `allocate_routes`, proportional to Eurostat apprehensions); Eurostat
applications by Member State and nationality; age profiles; shares of subsequent applications;
first-instance decisions per day and recognition rates by Member State and nationality (UNHCR);
the pending stock (UNHCR). Nationalities are indexed like the case format's codes
(`migralex.cases.codes.NATIONALITIES`); Member States in EU27 order.

Unknown citizenships (UNK, UNK_SSA) are spread over the known ones in proportion, stateless
persons (STLS) become `stateless`, Union citizens are left out (they cannot apply).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.countries import EU27
from migralex.cycle.border_series import allocate_routes, apprehension_proxies, route_member_states
from migralex.data import load
from migralex.errors import InvalidInput

N_MS = len(EU27)
N_NAT = len(C.NATIONALITIES)
MS_INDEX = {ms: i for i, ms in enumerate(EU27)}
UNKNOWN = ("UNK", "UNK_SSA")
#: Eurostat age classes used for dates of birth: (label, lowest age, highest age).
AGE_CLASSES: tuple[tuple[str, int, int], ...] = (
    ("Y_LT14", 0, 13),
    ("Y14-17", 14, 17),
    ("Y18-34", 18, 34),
    ("Y35-64", 35, 64),
    ("Y_GE65", 65, 80),
)


def nationality_code(citizenship: pl.Expr) -> pl.Expr:
    """Case-format nationality code of a data citizenship column (-1: unknown or not a third country)."""
    mapping = {**C.NATIONALITY_INDEX, "STLS": C.STATELESS_CODE}
    return citizenship.replace_strict(mapping, default=-1, return_dtype=pl.Int32)


def _spread_unknown(frame: pl.DataFrame, keys: list[str], value: str) -> pl.DataFrame:
    """Drop unknown citizenships and scale the known ones of each `keys` group to the group total."""
    total = frame.group_by(keys).agg(pl.col(value).sum().alias("_total"))
    known = frame.filter(~pl.col("citizenship").is_in(UNKNOWN)).with_columns(
        nat=nationality_code(pl.col("citizenship"))
    )
    known_sum = known.group_by(keys).agg(pl.col(value).sum().alias("_known"))
    return (
        known.filter(pl.col("nat") >= 0)
        .join(total, on=keys)
        .join(known_sum, on=keys)
        .with_columns((pl.col(value) * pl.col("_total") / pl.col("_known")).alias(value))
        .drop("_total", "_known")
    )


@dataclass(frozen=True)
class RouteArrivals:
    """Detections of one year: per route and border type, a [month, nationality] matrix."""

    routes: tuple[tuple[str, str], ...]
    detections: np.ndarray  # float64 [route, month (0-11), nationality]
    split_ms: tuple[np.ndarray, ...]  # per route: Member State codes
    split_p: tuple[np.ndarray, ...]  # per route: probabilities
    notes: tuple[str, ...]


@cache
def route_arrivals(year: int) -> RouteArrivals:
    """Frontex detections of `year` by route, month and nationality, and each route's split."""
    ibc = load("frontex_ibc").filter(pl.col("month").dt.year() == year)
    months = ibc.get_column("month").dt.month().unique().len()
    if months < 12:
        raise InvalidInput("arrivals_year", f"the Frontex data cover {months} months of {year}, not 12")
    ibc = ibc.with_columns(pl.col("month").dt.month().alias("m"))
    spread = _spread_unknown(ibc, ["route", "border_type", "m"], "detections")
    proxies, notes = apprehension_proxies(EU27, (year, year))
    by_route = (
        ibc.group_by("route", "border_type").agg(pl.col("detections").sum()).with_columns(year=pl.lit(year))
    )
    split, split_notes = allocate_routes(
        by_route.select("route", "border_type", pl.col("year").cast(pl.Int16), "detections"),
        route_member_states(),
        proxies,
        EU27,
    )
    routes = sorted({(r, b) for r, b in split.select("route", "border_type").iter_rows()})
    det = np.zeros((len(routes), 12, N_NAT))
    ms_list, p_list = [], []
    for k, (route, border) in enumerate(routes):
        rows = spread.filter((pl.col("route") == route) & (pl.col("border_type") == border))
        np.add.at(
            det[k],
            (rows["m"].to_numpy() - 1, rows["nat"].to_numpy()),
            rows["detections"].to_numpy().astype(np.float64),
        )
        part = split.filter((pl.col("route") == route) & (pl.col("border_type") == border))
        weights = part["weight"].to_numpy().astype(np.float64)
        ms_list.append(np.array([MS_INDEX[m] for m in part["member_state"]], dtype=np.int8))
        p_list.append(
            weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))
        )
    return RouteArrivals(tuple(routes), det, tuple(ms_list), tuple(p_list), (*notes, *split_notes))


@cache
def applications(year: int) -> np.ndarray:
    """Eurostat applicants (all, both sexes) of `year`: float64 [Member State, nationality]."""
    frame = load("applications_by_nationality").filter(
        (pl.col("year") == year) & pl.col("country").is_in(EU27)
    )
    if frame.is_empty():
        raise InvalidInput("calibration_year", f"no Eurostat applications by nationality for {year}")
    frame = frame.group_by("country", "citizenship").agg(pl.col("applicants").sum())
    spread = _spread_unknown(frame, ["country"], "applicants")
    out = np.zeros((N_MS, N_NAT))
    ms = np.array([MS_INDEX[c] for c in spread["country"]])
    np.add.at(out, (ms, spread["nat"].to_numpy()), spread["applicants"].to_numpy().astype(np.float64))
    return out


@cache
def applications_total(year: int) -> np.ndarray:
    """Eurostat applicants (all) per Member State in `year` (applications_totals), float64 [ms]."""
    frame = load("applications_totals").filter(
        (pl.col("year") == year) & (pl.col("citizenship") == "TOTAL") & pl.col("country").is_in(EU27)
    )
    out = np.full(N_MS, np.nan)
    for country, value in frame.select("country", "applicants").iter_rows():
        out[MS_INDEX[country]] = np.nan if value is None else float(value)
    return out


def _latest(frame: pl.DataFrame, year: int, what: str) -> tuple[pl.DataFrame, int]:
    years = sorted(int(y) for y in frame["year"].unique() if y <= year)
    if not years:
        raise InvalidInput("calibration_year", f"no {what} data up to {year}")
    return frame.filter(pl.col("year") == years[-1]), years[-1]


@cache
def age_profiles(year: int) -> np.ndarray:
    """Share of each age class (AGE_CLASSES) per nationality, Union-wide, latest year ≤ `year`:
    float64 [nationality, class]; nationalities without data get the Union-wide profile."""
    frame = load("applications").filter(
        (pl.col("country") == "EU27_2020") & (pl.col("applicant_type") == "all")
    )
    frame, _ = _latest(frame.filter(pl.col("applicants").is_not_null()), year, "age")
    labels = [c[0] for c in AGE_CLASSES]
    frame = frame.filter(pl.col("age").is_in(labels)).with_columns(
        nat=nationality_code(pl.col("citizenship"))
    )
    out = np.zeros((N_NAT, len(labels)))
    known = frame.filter(pl.col("nat") >= 0)
    np.add.at(
        out,
        (known["nat"].to_numpy(), np.array([labels.index(a) for a in known["age"]])),
        known["applicants"].to_numpy().astype(np.float64),
    )
    total = frame.filter(pl.col("citizenship") == "TOTAL")
    union = np.zeros(len(labels))
    for age, value in total.select("age", "applicants").iter_rows():
        union[labels.index(age)] = value
    union /= union.sum()
    sums = out.sum(axis=1, keepdims=True)
    return np.where(sums > 0, out / np.where(sums > 0, sums, 1), union)


@cache
def subsequent_share(year: int) -> np.ndarray:
    """Share of subsequent applications per Member State (1 − first-time / all), latest year ≤ `year`."""
    frame = load("applications").filter(
        pl.col("country").is_in(EU27) & (pl.col("citizenship") == "TOTAL") & (pl.col("age") == "TOTAL")
    )
    frame, _ = _latest(frame, year, "applications by type")
    wide = frame.pivot(on="applicant_type", index="country", values="applicants")
    out = np.zeros(N_MS)
    for country, all_, first in wide.select("country", "all", "first_time").iter_rows():
        if all_ and first is not None:
            out[MS_INDEX[country]] = max(0.0, 1.0 - first / all_)
    return out


@cache
def first_instance(year: int) -> tuple[np.ndarray, np.ndarray]:
    """First-instance decisions per day per Member State, and recognition rates [ms, nationality],
    from the UNHCR decisions of the latest year ≤ `year` (government, first instance, persons;
    "first instance and appeal" where a Member State reports no first-instance row). A rate is
    (refugee status + complementary protection) / (those + rejections); Member State × nationality
    cells with fewer than 50 decisions fall back to the Union-wide rate of the nationality, then to
    the Union-wide rate of all nationalities."""
    dec = load("decisions").filter(
        pl.col("country").is_in(EU27) & (pl.col("authority") == "G") & (pl.col("unit") == "persons")
    )
    dec, _ = _latest(dec.filter(pl.col("stage").is_in(["FI", "FA"])), year, "decisions")
    has_fi = dec.filter(pl.col("stage") == "FI").get_column("country").unique().to_list()
    dec = dec.filter((pl.col("stage") == "FI") | ~pl.col("country").is_in(has_fi))
    per_day = np.zeros(N_MS)
    for country, total in dec.group_by("country").agg(pl.col("total").sum()).iter_rows():
        per_day[MS_INDEX[country]] = total / 365.0
    dec = dec.with_columns(
        nat=nationality_code(pl.col("citizenship")),
        pos=pl.col("recognized") + pl.col("complementary"),
    ).filter(pl.col("nat") >= 0)
    pos = np.zeros((N_MS, N_NAT))
    tot = np.zeros((N_MS, N_NAT))
    ms = np.array([MS_INDEX[c] for c in dec["country"]])
    nat = dec["nat"].to_numpy()
    np.add.at(pos, (ms, nat), dec["pos"].to_numpy().astype(np.float64))
    np.add.at(tot, (ms, nat), (dec["pos"] + dec["rejected"]).to_numpy().astype(np.float64))
    union_pos, union_tot = pos.sum(axis=0), tot.sum(axis=0)
    overall = union_pos.sum() / union_tot.sum()
    union_rate = np.where(union_tot >= 50, union_pos / np.maximum(union_tot, 1), overall)
    rate = np.where(tot >= 50, pos / np.maximum(tot, 1), union_rate[None, :])
    return per_day, rate.astype(np.float32)


@cache
def pending_stock(year: int) -> np.ndarray:
    """UNHCR asylum-seekers (pending) at the end of the latest year ≤ `year`: float64 [ms, nationality]."""
    stocks = load("unhcr_stocks").filter(
        pl.col("country").is_in(EU27) & (pl.col("population_type") == "asylum_seeker")
    )
    stocks, _ = _latest(stocks, year, "pending stock")
    spread = _spread_unknown(stocks.select("country", "citizenship", "persons"), ["country"], "persons")
    out = np.zeros((N_MS, N_NAT))
    ms = np.array([MS_INDEX[c] for c in spread["country"]])
    np.add.at(out, (ms, spread["nat"].to_numpy()), spread["persons"].to_numpy().astype(np.float64))
    return out


#: Share of each nationality's destinations taken from the Union-wide mix, so that a person whose
#: nationality applies in one Member State only can still move on somewhere (a modelling choice).
UNION_MIX = 0.01


def destinations(apps: np.ndarray) -> np.ndarray:
    """Where each nationality applies: float64 [nationality, ms] shares, mixed with `UNION_MIX` of
    the Union-wide distribution (the Union mix alone where a nationality has no applications)."""
    by_nat = apps.T
    sums = by_nat.sum(axis=1, keepdims=True)
    union = apps.sum(axis=1) / apps.sum()
    own = np.where(sums > 0, by_nat / np.where(sums > 0, sums, 1), union[None, :])
    return (1 - UNION_MIX) * own + UNION_MIX * union[None, :]


#: Quantile of the standard normal at 90 %: the 80 % band is mean ± Z80·σ on the log scale.
Z80 = 1.2815515655446004


@cache
def forecast_route_months(year: int) -> pl.DataFrame:
    """Detections per Frontex route and month of `year` as forecast at the end of `year − 1`.

    `[route, month, mean, sigma]`: the ensemble's point forecast (`migralex.forecast`, calibrated)
    and the log-scale standard deviation implied by its 80 % band; the forecast is made from the data
    known at the end of December of `year − 1` and runs to December of `year`.
    """
    from migralex.forecast import forecast_series
    from migralex.forecast.series import children, observations

    ids = children("frontex:EU")
    known = observations(ids).filter(pl.col("ds") <= pl.date(year - 1, 12, 1))
    if known.is_empty():
        raise InvalidInput("arrivals_year", f"no Frontex data before {year} to forecast from")
    last = max(known["ds"].to_list())
    horizon = (year - last.year) * 12 + 12 - last.month + 1
    if not 1 <= horizon <= 36:
        raise InvalidInput("arrivals_year", f"{year} is more than 36 months after the last data ({last})")
    frame = forecast_series(ids, as_of=f"{year - 1}-12", horizon=horizon)
    names = {f"frontex:{_slug(r)}": r for r in load("frontex_ibc")["route"].unique()}
    return (
        frame.filter(pl.col("ds").dt.year() == year)
        .select(
            route=pl.col("series_id").replace_strict(names),
            month=pl.col("ds").dt.month(),
            mean="mean",
            sigma=(pl.col("hi80").log1p() - pl.col("lo80").log1p()) / (2 * Z80),
        )
        .sort("route", "month")
    )


def _slug(route: str) -> str:
    from migralex.forecast.series import slug

    return slug(route)


def draw_route_arrivals(year: int, rng: np.random.Generator, mix_year: int | None = None) -> RouteArrivals:
    """Detections of `year` drawn from the forecast made at the end of `year − 1`, with its uncertainty.

    One standard-normal draw per route scales the whole year of that route (a route's year runs high
    or low as a whole): total(route, month) = exp(log(1 + mean) + z·σ) − 1. Border types,
    nationalities and the split among Member States are those of `mix_year` (default: the last
    complete year before `year`).
    """
    months = forecast_route_months(year)
    used = mix_year if mix_year is not None else _last_complete_year(year - 1)
    mix = route_arrivals(used)
    det = np.zeros_like(mix.detections)
    for route in sorted(set(months["route"])):
        z = rng.standard_normal()
        one = months.filter(pl.col("route") == route).sort("month")
        totals = np.expm1(np.log1p(one["mean"].to_numpy()) + z * one["sigma"].to_numpy()).clip(0)
        rows = [k for k, (r, _) in enumerate(mix.routes) if r == route]
        det[rows] = _shape(mix.detections[rows]) * totals[None, :, None]
    note = f"arrivals of {year}: drawn from the forecast made at the end of {year - 1} (mix of {used})"
    return RouteArrivals(mix.routes, det, mix.split_ms, mix.split_p, (*mix.notes, note))


def _shape(block: np.ndarray) -> np.ndarray:
    """Shares of [border type, month, nationality] within each month of a route (the route's annual
    mix in a month without detections)."""
    per_month = block.sum(axis=(0, 2))
    annual = block.sum(axis=1, keepdims=True) / max(block.sum(), 1.0)
    monthly = block / np.where(per_month > 0, per_month, 1)[None, :, None]
    return np.where((per_month > 0)[None, :, None], monthly, annual)


def _last_complete_year(year: int) -> int:
    """The latest year ≤ `year` with twelve months of Frontex data."""
    months = (
        load("frontex_ibc").group_by(pl.col("month").dt.year().alias("y")).agg(pl.col("month").n_unique())
    )
    complete = [int(y) for y, n in months.iter_rows() if n == 12 and y <= year]
    if not complete:
        raise InvalidInput("arrivals_year", f"no complete year of Frontex data up to {year}")
    return max(complete)
