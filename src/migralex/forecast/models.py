"""The models, through Nixtla statsforecast: seasonal naive, ETS, ARIMA, Theta and their ensemble.

Every model is fitted to log(1 + count): flows grow and fall multiplicatively, the bands stay
positive and a zero month is allowed. The point forecast back on the count scale is the median of
the model's predictive distribution (exp of the log mean); `mean` in the API is that point.

Per frequency (season length m = 12 months, 52 weeks, 1 year):
- `snaive`: SeasonalNaive(m) — the benchmark (for annual series, "same as last year");
- `ets`: ETS without trend (trends in migration flows do not persist 12 months ahead): A,N,A on the
  log scale for months (a multiplicative season on counts), A,N,N for weeks (statsforecast's ETS
  takes no m = 52) and Z,N,N for years;
- `arima`: the "airline" ARIMA(0,1,1)(0,1,1)12 for months (Box and Jenkins) — a fixed seasonal
  ARIMA: AutoARIMA's seasonal search costs 60 s for ten series here, and statsforecast 2.1's
  conditional-sum-of-squares fit returns zero forecasts for seasonal differences, so the exact
  likelihood is used; ARIMA(1,1,1) for weeks and ARIMA(1,1,0) for years;
- `theta`: the standard Theta method (Assimakopoulos and Nikolopoulos), seasonally adjusted;
- `ensemble`: the mean of ets, arima and theta on the log scale (a geometric mean of the counts),
  its own bands the mean of their bands.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
import polars as pl

from migralex.forecast.series import FREQUENCIES

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

MODELS = ("snaive", "ets", "arima", "theta", "ensemble")
COMPONENTS = ("ets", "arima", "theta")
LEVELS = (80, 95)
BANDS = ("lo80", "hi80", "lo95", "hi95")
#: Fewest observations a series needs before a model is fitted to it, per frequency.
MIN_TRAIN = {"month": 36, "week": 110, "year": 8}
#: Most recent observations a model is fitted to (older regimes, e.g. 2015-2016, mislead; and speed).
MAX_TRAIN = {"month": 120, "week": 260, "year": 40}


def model_set(freq: str, names: tuple[str, ...] = MODELS[:-1]) -> list[Any]:
    """The statsforecast models of a frequency named in `names`, with the aliases of `MODELS`."""
    return [m for m in _all_models(freq) if m.alias in names]


def _all_models(freq: str) -> list[Any]:
    from statsforecast.models import ARIMA, AutoETS, Naive, SeasonalNaive, Theta

    m = FREQUENCIES[freq][1]
    if freq == "year":
        return [
            Naive(alias="snaive"),
            AutoETS(season_length=1, model="ZNN", alias="ets"),
            ARIMA(order=(1, 1, 0), alias="arima"),
            Theta(season_length=1, alias="theta"),
        ]
    if freq == "week":
        return [
            SeasonalNaive(season_length=m, alias="snaive"),
            AutoETS(season_length=1, model="ZNN", alias="ets"),
            ARIMA(order=(1, 1, 1), alias="arima"),
            Theta(season_length=m, decomposition_type="additive", alias="theta"),
        ]
    return [
        SeasonalNaive(season_length=m, alias="snaive"),
        AutoETS(season_length=m, model="ANA", alias="ets"),
        ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1), season_length=m, alias="arima"),
        Theta(season_length=m, alias="theta"),
    ]


def _engine(freq: str, names: tuple[str, ...] = MODELS[:-1]) -> Any:
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    # a model that cannot be fitted to a series (a flat run of zeros) falls back to the naive one
    return StatsForecast(
        models=model_set(freq, names), freq=FREQUENCIES[freq][0], n_jobs=1, fallback_model=Naive()
    )


def _input(obs: pl.DataFrame) -> Any:
    """statsforecast's input: pandas `[unique_id, ds, y]` with y = log(1 + count)."""
    frame = obs.select(
        unique_id="series_id", ds=pl.col("ds").cast(pl.Datetime("ns")), y=pl.col("y").clip(0).log1p()
    )
    return frame.sort("unique_id", "ds").to_pandas()


def _long(wide: Any, keys: list[str]) -> pl.DataFrame:
    """statsforecast's wide output → `[*keys, model, mean, lo80, hi80, lo95, hi95]` on the log scale."""
    frame = pl.from_pandas(wide.reset_index(drop="unique_id" in wide.columns))
    frame = frame.rename({"unique_id": "series_id"}).with_columns(
        [pl.col(c).cast(pl.Date) for c in ("ds", "cutoff") if c in frame.columns]
    )
    parts = []
    for name in (m for m in MODELS[:-1] if m in frame.columns):
        cols = {name: "mean", **{f"{name}-{b[:2]}-{b[2:]}": b for b in BANDS}}
        parts.append(frame.select(*keys, *cols).rename(cols).with_columns(model=pl.lit(name)))
    out = pl.concat(parts)
    if all(c in frame.columns for c in COMPONENTS):
        ens = (
            out.filter(pl.col("model").is_in(COMPONENTS))
            .group_by(keys)
            .agg(pl.col("mean", *BANDS).mean())
            .with_columns(model=pl.lit("ensemble"))
        )
        out = pl.concat([out, ens.select(out.columns)])
    # the seasonal naive's band can be degenerate (no variance yet): never narrower than the point
    return out.with_columns(
        lo80=pl.min_horizontal("lo80", "mean"),
        hi80=pl.max_horizontal("hi80", "mean"),
        lo95=pl.min_horizontal("lo95", "lo80", "mean"),
        hi95=pl.max_horizontal("hi95", "hi80", "mean"),
    ).fill_nan(None)


def forecast(obs: pl.DataFrame, freq: str, h: int) -> pl.DataFrame:
    """Forecast every series of `obs` (one frequency) `h` periods past its last observation (log scale)."""
    obs = obs.filter(pl.len().over("series_id") >= MIN_TRAIN[freq])
    rank = pl.int_range(pl.len(), dtype=pl.Int64).over("series_id")
    obs = obs.filter(rank >= pl.len().over("series_id").cast(pl.Int64) - MAX_TRAIN[freq])
    if obs.is_empty():
        return _empty(["series_id", "ds"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wide = _engine(freq).forecast(df=_input(obs), h=h, level=list(LEVELS))
    return _long(wide, ["series_id", "ds"])


def cross_validate(
    obs: pl.DataFrame, freq: str, h: int, first_cutoff: Any, step: int, names: tuple[str, ...] = MODELS[:-1]
) -> pl.DataFrame:
    """Rolling-origin forecasts (log scale) from every `step`-th cutoff ≥ `first_cutoff`, `h` ahead,
    of the models `names` (and the ensemble, when its components are among them).

    Series are grouped by their first and last observation (statsforecast windows count back from the end);
    parameters are re-estimated once a year of cutoffs, the state is updated at every cutoff; every
    fit sees at most the last `MAX_TRAIN` periods, as a live forecast does.
    """
    parts = []
    per_year = FREQUENCIES[freq][2]
    obs = obs.filter(pl.len().over("series_id") >= MIN_TRAIN[freq] + h)
    spans = obs.with_columns(
        _first=pl.col("ds").min().over("series_id"), _last=pl.col("ds").max().over("series_id")
    )
    for _, group in spans.group_by("_first", "_last"):
        periods = int(
            group.filter(pl.col("ds") > first_cutoff).group_by("series_id").len()["len"].to_numpy().min()
        )
        shortest = int(group.group_by("series_id").len()["len"].to_numpy().min())
        n_windows = min((periods - h) // step + 1, (shortest - MIN_TRAIN[freq] - h) // step + 1)
        if n_windows < 1:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wide = _engine(freq, names).cross_validation(
                df=_input(group),
                h=h,
                n_windows=n_windows,
                step_size=step,
                level=list(LEVELS),
                refit=max(1, per_year // step),
                input_size=MAX_TRAIN[freq],
            )
        parts.append(_long(wide, ["series_id", "ds", "cutoff"]))
    return pl.concat(parts) if parts else _empty(["series_id", "ds", "cutoff"])


def _empty(keys: list[str]) -> pl.DataFrame:
    schema = {k: pl.String if k == "series_id" else pl.Date for k in keys}
    return pl.DataFrame(schema={**schema, **{c: pl.Float64 for c in ("mean", *BANDS)}, "model": pl.String})


def to_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Point and bands from the log scale back to counts (≥ 0)."""
    return frame.with_columns([(pl.col(c).exp() - 1).clip(0) for c in ("mean", *BANDS)])


def horizon_periods(freq: str, months: int) -> int:
    """A horizon in months as periods of `freq` (weeks rounded up; at least one year for annual series)."""
    return max(1, int(np.ceil(months * FREQUENCIES[freq][2] / 12)))
