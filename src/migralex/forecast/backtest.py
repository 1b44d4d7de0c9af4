"""The rolling-origin back-test: every model forecast from past cutoffs, scored against what came next.

Cutoffs run every `STEP` periods from `FIRST_CUTOFF` (2013 for the months: three warm-up years
feed the conformal calibration) to the last one with a full horizon; the scores count the
forecasts made from `EVAL_FROM` on (targets from 2016). Horizons: 1-12 months, 1-52 weeks, 1 year.

Per series, model and horizon h:
- MASE: mean |y − ŷ| / s, with s the in-sample mean absolute error of the seasonal naive
  forecast (|y_t − y_{t−m}|) on the data known at the cutoff (Hyndman and Koehler 2006); the ratio
  to the seasonal naive's MASE is the skill (< 1: better than seasonal naive);
- sMAPE: mean 2|y − ŷ| / (|y| + |ŷ|) (0 when both are 0);
- coverage of the calibrated 80 % and 95 % bands, and the Winkler (interval) score
  (hi − lo) + (2/α)·(lo − y)⁺ + (2/α)·(y − hi)⁺, divided by s like the MASE.

Everything is computed in memory and cached for the process (`run_backtest`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import polars as pl

from migralex.forecast import calibrate, models, reconcile, series

FIRST_CUTOFF = {"month": date(2013, 1, 1), "week": date(2019, 9, 1), "year": date(2012, 1, 1)}
EVAL_FROM = {"month": date(2015, 12, 1), "week": date(2022, 1, 1), "year": date(2015, 1, 1)}
STEP = {"month": 2, "week": 4, "year": 1}
HEADLINE_HORIZONS = (1, 3, 6, 12)


@dataclass(frozen=True)
class Backtest:
    """The back-test's forecasts (counts, calibrated), calibration factors and scores."""

    forecasts: pl.DataFrame
    factors: pl.DataFrame
    scores: pl.DataFrame
    seconds: float


def naive_scale(obs: pl.DataFrame, seasons: dict[str, int]) -> pl.DataFrame:
    """`[series_id, cutoff, scale]`: the in-sample seasonal-naive MAE known at each date (season per id)."""
    season = pl.col("series_id").replace_strict(seasons)
    frame = obs.sort("series_id", "ds").with_columns(m=season)
    parts = []
    for (m,), group in frame.group_by("m"):
        d = (pl.col("y") - pl.col("y").shift(int(m))).abs().over("series_id")
        g = group.with_columns(d=d).with_columns(
            scale=pl.col("d").cum_sum().over("series_id")
            / pl.col("d").is_not_null().cum_sum().over("series_id")
        )
        parts.append(g.select("series_id", cutoff="ds", scale="scale"))
    return pl.concat(parts)


def score_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Row-level errors on the count scale: ae/s, sMAPE, coverage, scaled Winkler scores."""
    y, f = pl.col("y"), pl.col("mean")
    smape = pl.when((y.abs() + f.abs()) > 0).then(2 * (y - f).abs() / (y.abs() + f.abs())).otherwise(0.0)

    def winkler(lo: str, hi: str, alpha: float) -> pl.Expr:
        width = pl.col(hi) - pl.col(lo)
        below = (pl.col(lo) - y).clip(0) * (2 / alpha)
        above = (y - pl.col(hi)).clip(0) * (2 / alpha)
        return (width + below + above) / pl.col("scale")

    return frame.with_columns(
        ase=(y - f).abs() / pl.col("scale"),
        smape=smape,
        in80=((y >= pl.col("lo80")) & (y <= pl.col("hi80"))).cast(pl.Float64),
        in95=((y >= pl.col("lo95")) & (y <= pl.col("hi95"))).cast(pl.Float64),
        winkler80=winkler("lo80", "hi80", 0.2),
        winkler95=winkler("lo95", "hi95", 0.05),
    )


def _forecasts_of(freq: str, obs: pl.DataFrame) -> pl.DataFrame:
    """Rolling-origin forecasts (log scale, reconciled) of every series of one frequency."""
    ids = [k for k, v in series.catalogue().items() if v.freq == freq]
    group = obs.filter(pl.col("series_id").is_in(ids))
    h = models.horizon_periods(freq, 12)
    cv = models.cross_validate(group, freq, h, FIRST_CUTOFF[freq], STEP[freq])
    return reconcile.bottom_up(cv, ["ds", "cutoff"]).with_columns(freq=pl.lit(freq))


@cache
def run_backtest() -> Backtest:
    """Run the whole back-test (all series, all models), cached in memory for the process."""
    start = time.perf_counter()
    obs = series.observations()
    cv = pl.concat([_forecasts_of(freq, obs) for freq in ("month", "week", "year")])
    freq_of = {k: v.freq for k, v in series.catalogue().items()}
    scored = calibrate.scores(cv, obs)
    factors = calibrate.factor_table(scored, freq_of)
    calibrated = calibrate.apply(scored.drop("s80", "s95", "y"), factors, ["freq", "model", "h", "cutoff"])
    counts = models.to_counts(calibrated).join(obs, on=["series_id", "ds"])
    seasons = {k: v.season for k, v in series.catalogue().items()}
    counts = counts.join(naive_scale(obs, seasons), on=["series_id", "cutoff"], how="left")
    rows = score_rows(counts.filter(pl.col("scale") > 0))
    evaluated = rows.filter(
        pl.col("cutoff") >= pl.col("freq").replace_strict(EVAL_FROM, return_dtype=pl.Date)
    )
    scores = (
        evaluated.group_by("series_id", "freq", "model", "h")
        .agg(
            n=pl.len(),
            mase=pl.col("ase").mean(),
            smape=pl.col("smape").mean(),
            coverage_80=pl.col("in80").mean(),
            coverage_95=pl.col("in95").mean(),
            winkler_80=pl.col("winkler80").mean(),
            winkler_95=pl.col("winkler95").mean(),
        )
        .sort("freq", "series_id", "model", "h")
    )
    from migralex.forecast import service

    service.set_factors(factors)
    return Backtest(forecasts=rows, factors=factors, scores=scores, seconds=time.perf_counter() - start)


def skill(scores: pl.DataFrame) -> pl.DataFrame:
    """Per series and h: each model's MASE divided by the seasonal naive's (`ratio`)."""
    naive = scores.filter(pl.col("model") == "snaive").select("series_id", "h", naive="mase")
    return scores.join(naive, on=["series_id", "h"]).with_columns(ratio=pl.col("mase") / pl.col("naive"))


def _section(bt: Backtest, freq: str, model: str, horizons: tuple[int, ...]) -> dict[str, Any]:
    rows = bt.forecasts.filter(
        pl.col("freq") == freq,
        pl.col("model") == model,
        pl.col("cutoff") >= EVAL_FROM[freq],
    )
    ratios = skill(bt.scores.filter(pl.col("freq") == freq))
    mine = ratios.filter(pl.col("model") == model)
    return {
        "series": mine["series_id"].n_unique(),
        "origins": rows["cutoff"].n_unique(),
        "mase_ratio_vs_seasonal_naive": {
            str(h): _round(mine.filter(pl.col("h") == h)["ratio"].median()) for h in horizons
        },
        "smape": {str(h): _round(mine.filter(pl.col("h") == h)["smape"].median()) for h in horizons},
        "coverage_80": _round(rows["in80"].mean()),
        "coverage_95": _round(rows["in95"].mean()),
        "winkler_80": {
            str(h): _round(mine.filter(pl.col("h") == h)["winkler_80"].median()) for h in horizons
        },
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def summary(model: str = "ensemble") -> dict[str, Any]:
    """The back-test in one dict: the monthly series at top level, then weekly, annual and per model."""
    bt = run_backtest()
    out = _section(bt, "month", model, HEADLINE_HORIZONS)
    out["model"] = model
    out["first_target"] = str(EVAL_FROM["month"])[:7]
    out["weekly"] = _section(bt, "week", model, (1, 4, 13, 26, 52))
    out["annual"] = _section(bt, "year", model, (1,))
    out["by_model"] = {
        m: _section(bt, "month", m, HEADLINE_HORIZONS)["mase_ratio_vs_seasonal_naive"] for m in models.MODELS
    }
    out["seconds"] = round(bt.seconds, 1)
    return out


def write_calibration(path: Any = None) -> Any:
    """Write the latest calibration factors (what a live forecast uses) to the package's calibration.json."""
    import json

    from migralex.forecast import service

    bt = run_backtest()
    target = path or service.CALIBRATION_FILE
    latest = calibrate.latest(bt.factors).sort("freq", "model", "h")
    doc = {
        "about": (
            "Conformal calibration factors of the forecast bands (migralex.forecast.calibrate): per"
            " frequency, model and horizon, the multiplier of the model's own half-width on the log"
            " scale, from the rolling-origin back-test's errors of the last"
            f" {calibrate.WINDOW_YEARS} years of targets."
            " Regenerate: `migralex forecast backtest --write-calibration`."
        ),
        "last_cutoff": {f: str(bt.factors.filter(pl.col("freq") == f)["cutoff"].max()) for f in STEP},
        "factors": latest.select(
            "freq", "model", "h", pl.col("f80").round(4), pl.col("f95").round(4)
        ).to_dicts(),
    }
    target.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return target
