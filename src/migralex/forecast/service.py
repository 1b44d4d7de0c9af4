"""The forecasting service: forecasts with calibrated bands, the projection of a year, as of a month."""

from __future__ import annotations

import json
import threading
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from migralex.errors import InvalidInput
from migralex.forecast import calibrate, models, reconcile, series
from migralex.forecast.memo import Lru, memo

#: The calibration factors shipped with the package (written by `migralex forecast backtest --write`).
CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"
OUTPUT = ["series_id", "ds", "mean", "lo80", "hi80", "lo95", "hi95", "model"]
EMPTY: dict[str, pl.DataType | type[pl.DataType]] = {
    "series_id": pl.String, "ds": pl.Date, **{c: pl.Float64 for c in models.BANDS}, "mean": pl.Float64,
    "model": pl.String, "freq": pl.String, "h": pl.Int32,
}  # fmt: skip
#: Forecasts are fitted to whole years ahead (12, 24 or 36 months); a request takes its first
#: periods. The same numbers: statsforecast's ETS bands depend on the number of seasons forecast
#: (⌈h / 12⌉ for months), not otherwise on h, and the other models' forecasts not at all.
FIT_MONTHS = 12
#: Fitted forecasts remembered, one entry per (as_of, years ahead, series): 64 months' of every series.
FITS_KEPT = 64 * 62
#: Assembled answers remembered, one per (series, as_of, horizon).
ANSWERS_KEPT = 256


def parse_as_of(as_of: str | date | None) -> date | None:
    """'YYYY-MM' (or a date) → the first day of that month; None (all the data) for a month at or
    after the last month of data, so that equivalent requests share one cached forecast."""
    if as_of is None:
        return None
    month = parse_month(as_of, "as_of")
    return None if month >= _last_month() else month


def parse_month(value: str | date, field: str) -> date:
    """'YYYY-MM' (or a date) → the first day of that month; InvalidInput naming `field` otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        year, number = (int(p) for p in str(value).split("-")[:2])
        return date(year, number, 1)
    except ValueError as exc:
        raise InvalidInput(field, f"expected YYYY-MM, got {value!r}") from exc


@cache
def _last_month() -> date:
    """The first day of the month of the latest observation of any series."""
    latest = series.observations()["ds"].to_list()
    return max(latest).replace(day=1)


def _month_end(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def known_at(obs: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """The observations complete at the end of month `as_of` (months ≤ as_of, weeks and years ended)."""
    if as_of is None:
        return obs
    end = _month_end(as_of)
    freq = pl.col("series_id").replace_strict({k: v.freq for k, v in series.catalogue().items()})
    period_end = (
        pl.when(freq == "week")
        .then(pl.col("ds") + pl.duration(days=6))
        .when(freq == "year")
        .then(pl.date(pl.col("ds").dt.year(), 12, 31))
        .otherwise(pl.col("ds").dt.month_end())
    )
    return obs.filter(period_end <= end)


def _shipped_factors() -> pl.DataFrame:
    """The calibration factors shipped in calibration.json (empty when the file is absent)."""
    schema = {"freq": pl.String, "model": pl.String, "h": pl.Int32, "f80": pl.Float64, "f95": pl.Float64}
    if not CALIBRATION_FILE.exists():
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(json.loads(CALIBRATION_FILE.read_text("utf-8"))["factors"], schema=schema)


_FACTORS: dict[str, pl.DataFrame] = {}
_FACTORS_SET: list[int] = []


def use_shipped_factors() -> None:
    """Go back to the shipped calibration factors (forget those of a back-test run in this process)."""
    _FACTORS.pop("backtest", None)
    _FACTORS_SET.append(1)
    clear_cache(fits=False)


def factors_version() -> int:
    """How many times the calibration factors changed in this process (a key for calibrated answers)."""
    return len(_FACTORS_SET)


def set_factors(factors: pl.DataFrame) -> None:
    """Use these factors `[freq, model, h, cutoff, f80, f95]` (from a back-test run in this process)."""
    _FACTORS["backtest"] = factors
    _FACTORS_SET.append(1)
    clear_cache(fits=False)


def factors_for(as_of: date | None) -> pl.DataFrame:
    """Calibration factors `[freq, model, h, f80, f95]`: from this process's back-test as of `as_of`
    when one ran (no later outcome used), else the shipped ones (computed on the whole back-test)."""
    table = _FACTORS.get("backtest")
    if table is None:
        return _shipped_factors()
    if as_of is not None:
        table = table.filter(pl.col("cutoff") <= as_of)
    return calibrate.latest(table)


def clear_cache(fits: bool = True) -> None:
    """Forget the forecasts cached in this process (benchmarks); `fits=False`: only the calibrated
    answers (after new calibration factors: the fits do not depend on them)."""
    _forecast_cached.cache_clear()
    if fits:
        _FITS.clear()


def _with_children(ids: list[str]) -> list[str]:
    """`ids` and the children of the totals among them (bottom-up needs every part)."""
    extra = [c for i in ids for c in series.children(i)]
    return list(dict.fromkeys([*ids, *extra]))


_FITS: Lru[tuple[date | None, int, str], pl.DataFrame] = Lru(FITS_KEPT)
_FIT_LOCKS: dict[tuple[date | None, int], threading.Lock] = {}  # per (as_of, years): at most 2400 × 3
_FIT_LOCKS_LOCK = threading.Lock()


def _fit_lock(as_of: date | None, years: int) -> threading.Lock:
    """The lock of the fits of (`as_of`, `years`): a series is fitted once when two requests need it
    at once, while fits of other months run in parallel."""
    with _FIT_LOCKS_LOCK:
        return _FIT_LOCKS.setdefault((as_of, years), threading.Lock())


_FIT_COLUMNS = [c for c in EMPTY if c != "h"]


def _fit(ids: list[str], as_of: date | None, months: int) -> dict[str, pl.DataFrame]:
    """Fit `ids` as of `as_of`, `months` ahead: one statsforecast call per frequency (log scale)."""
    obs = known_at(series.observations(ids), as_of)
    spec = series.catalogue()
    found: dict[str, pl.DataFrame] = {}
    for freq in ("month", "week", "year"):
        group = obs.filter(pl.col("series_id").is_in([i for i in ids if spec[i].freq == freq]))
        if not group.is_empty():
            out = models.forecast(group, freq, models.horizon_periods(freq, months))
            out = out.with_columns(freq=pl.lit(freq))
            found.update({str(k[0]): v for k, v in out.partition_by("series_id", as_dict=True).items()})
    empty = pl.DataFrame(schema={c: EMPTY[c] for c in _FIT_COLUMNS})
    return {i: found.get(i, empty) for i in ids}


def _remembered(ids: list[str], as_of: date | None, years: int) -> dict[str, pl.DataFrame]:
    """The remembered fits of `ids` (those there are)."""
    return {i: f for i in ids if (f := _FITS.get((as_of, years, i))) is not None}


def _fitted(ids: list[str], as_of: date | None, horizon: int) -> pl.DataFrame:
    """The forecasts of `ids` (log scale) at least `horizon` months ahead, each series fitted once
    per (`as_of`, whole years ahead) and remembered."""
    years = -(-horizon // FIT_MONTHS)
    have = _remembered(ids, as_of, years)
    if len(have) < len(ids):
        with _fit_lock(as_of, years):  # a request that waited finds what the other one fitted
            have = _remembered(ids, as_of, years)
            missing = [i for i in ids if i not in have]
            if missing:
                fitted = _fit(missing, as_of, years * FIT_MONTHS)
                for i, frame in fitted.items():
                    _FITS.put((as_of, years, i), frame)
                have.update(fitted)
    return pl.concat([have[i].select(_FIT_COLUMNS) for i in sorted(ids)])


@memo(ANSWERS_KEPT)
def _forecast_cached(ids: tuple[str, ...], as_of: date | None, horizon: int) -> pl.DataFrame:
    """Reconciled, calibrated forecasts of `ids` (counts), `horizon` months ahead."""
    frame = _fitted(_with_children(list(ids)), as_of, horizon)
    if frame.is_empty():
        return pl.DataFrame(schema=EMPTY)
    frame = reconcile.bottom_up(frame.sort("series_id", "model", "ds"), ["ds"])
    frame = frame.with_columns(h=pl.col("ds").rank("dense").over("series_id", "model").cast(pl.Int32))
    periods = {f: models.horizon_periods(f, horizon) for f in series.FREQUENCIES}
    frame = frame.filter(pl.col("h") <= pl.col("freq").replace_strict(periods, return_dtype=pl.Int32))
    frame = calibrate.apply(frame, factors_for(as_of), ["freq", "model", "h"])
    return models.to_counts(frame).filter(pl.col("series_id").is_in(ids))


def forecast_series(
    ids: str | list[str] | None = None,
    as_of: str | date | None = None,
    horizon: int = 12,
    model: str | list[str] = "ensemble",
) -> pl.DataFrame:
    """Forecast `ids` (all when None) from the data known at the end of month `as_of`, `horizon` months ahead.

    Returns `[series_id, ds, mean, lo80, hi80, lo95, hi95, model]` on the count scale; weekly series
    get ⌈horizon × 52 / 12⌉ weeks, annual ones ⌈horizon / 12⌉ years.
    """
    wanted = series.check_ids([ids] if isinstance(ids, str) else list(ids or series.catalogue()))
    names = [model] if isinstance(model, str) else list(model)
    for m in names:
        if m not in models.MODELS:
            raise InvalidInput("model", f"unknown model {m!r}; the models are {', '.join(models.MODELS)}")
    if not 1 <= horizon <= 36:
        raise InvalidInput("horizon", f"must be 1 to 36 months, got {horizon}")
    frame = _forecast_cached(tuple(sorted(set(wanted))), parse_as_of(as_of), horizon)
    return frame.filter(pl.col("model").is_in(names)).select(OUTPUT).sort("series_id", "model", "ds")


def project_year(
    year: int | None = None, as_of: str | date | None = None, model: str = "ensemble"
) -> pl.DataFrame:
    """Asylum applicants per Member State (and `EU`) in `year`, with 80 %/95 % bands.

    Returns `[country, year, mean, lo80, hi80, lo95, hi95, model, last_year, last_observed]`: the
    projection of calendar year `year` (default: the year after the last observed one) from the
    annual Eurostat series known at `as_of`; `last_observed` is the last observed figure, of `last_year`.
    """
    ids = [i for i, s in series.catalogue().items() if s.freq == "year" and i.count(":") == 1]
    when = parse_as_of(as_of)
    obs = known_at(series.observations(ids), when)
    if obs.is_empty():
        raise InvalidInput("as_of", f"no annual data is known at the end of {when}")
    last = obs.group_by("series_id").agg(
        last_year=pl.col("ds").max().dt.year(), last_observed=pl.col("y").last()
    )
    latest = int(last["last_year"].to_numpy().max())
    target = year if year is not None else latest + 1
    if target <= latest or target > latest + 3:
        raise InvalidInput("year", f"must be after the last observed year {latest} and at most {latest + 3}")
    frame = forecast_series(ids, when, 12 * (target - latest), model)
    return (
        frame.filter(pl.col("ds").dt.year() == target)
        .join(last, on="series_id")
        .select(
            country=pl.col("series_id").str.strip_prefix("asylum:"),
            year=pl.col("ds").dt.year(),
            mean="mean",
            lo80="lo80",
            hi80="hi80",
            lo95="lo95",
            hi95="hi95",
            model="model",
            last_year="last_year",
            last_observed="last_observed",
        )
        .sort("country")
    )


def project_period(
    ids: str | list[str], start: str, end: str, as_of: str | date | None = None, model: str = "ensemble"
) -> pl.DataFrame:
    """Totals of monthly series over months `start`..`end` (e.g. a Report period July-June), with bands.

    Returns `[series_id, start, end, months, mean, lo80, hi80, lo95, hi95, model]`. The months of a
    series are taken as moving together (a route's year runs high or low as a whole, as in the
    simulator's draws): the quantiles of the total are then the sums of the monthly quantiles.
    `mean` is the sum of the monthly points. Observed months inside the period (up to `as_of`) count
    with their observed value and no uncertainty.
    """
    first, last = parse_month(start, "start"), parse_month(end, "end")
    if last < first:
        raise InvalidInput("end", f"{end} is before {start}")
    wanted = series.check_ids([ids] if isinstance(ids, str) else list(ids))
    spec = series.catalogue()
    for i in wanted:
        if spec[i].freq != "month":
            raise InvalidInput("ids", f"{i} is not a monthly series")
    when = parse_as_of(as_of)
    known = known_at(series.observations(wanted), when)
    if known.is_empty():
        raise InvalidInput("as_of", f"no data of {', '.join(wanted)} is known at the end of {when}")
    seen = known.filter(pl.col("ds").is_between(first, last))
    origin = min(known.group_by("series_id").agg(pl.col("ds").max())["ds"].to_list())
    horizon = (last.year - origin.year) * 12 + last.month - origin.month
    fc = forecast_series(wanted, when, min(36, max(1, horizon)), model).filter(
        pl.col("ds").is_between(first, last)
    )
    observed = seen.select(
        "series_id", "ds", mean="y", lo80="y", hi80="y", lo95="y", hi95="y", model=pl.lit(model)
    )
    both = pl.concat(
        [observed, fc.join(observed.select("series_id", "ds"), on=["series_id", "ds"], how="anti")]
    )
    return (
        both.group_by("series_id", "model")
        .agg(months=pl.len(), **{c: pl.col(c).sum() for c in ("mean", *models.BANDS)})
        .with_columns(start=pl.lit(first), end=pl.lit(last))
        .select("series_id", "start", "end", "months", "mean", "lo80", "hi80", "lo95", "hi95", "model")
        .sort("series_id")
    )
