"""The statsforecast models on synthetic series whose seasonality and noise are known."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from migralex.forecast import calibrate, models

MONTHS = pl.date_range(date(2010, 1, 1), date(2021, 12, 1), "1mo", eager=True)
#: True seasonal profile (log scale): a summer peak in August, a trough in February.
PROFILE = 0.8 * np.cos(2 * np.pi * (np.arange(12) - 7) / 12)


def synthetic(n_series: int = 3, sigma: float = 0.15, seed: int = 7) -> pl.DataFrame:
    """Monthly counts exp(level + season + noise): known peak month (August), lognormal noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        level = 6.0 + i
        y = np.exp(level + PROFILE[np.arange(len(MONTHS)) % 12] + rng.normal(0, sigma, len(MONTHS)))
        frames.append(pl.DataFrame({"series_id": f"s{i}", "ds": MONTHS, "y": np.round(y)}))
    return pl.concat(frames)


@pytest.fixture(scope="module")
def forecast() -> pl.DataFrame:
    return models.to_counts(models.forecast(synthetic(), "month", 12))


def test_every_model_forecasts_every_series_h_periods_after_the_last(forecast: pl.DataFrame) -> None:
    counts = forecast.group_by("series_id", "model").agg(n=pl.len(), first=pl.col("ds").min())
    assert counts.height == 3 * len(models.MODELS)
    assert set(counts["n"]) == {12}
    assert set(counts["first"]) == {date(2022, 1, 1)}


def test_bands_are_nested_and_positive(forecast: pl.DataFrame) -> None:
    ordered = forecast.select(
        ok=(pl.col("lo95") <= pl.col("lo80"))
        & (pl.col("lo80") <= pl.col("mean"))
        & (pl.col("mean") <= pl.col("hi80"))
        & (pl.col("hi80") <= pl.col("hi95"))
        & (pl.col("lo95") >= 0)
    )
    assert ordered["ok"].all()


@pytest.mark.parametrize("model", models.MODELS)
def test_the_known_season_is_recovered(forecast: pl.DataFrame, model: str) -> None:
    one = forecast.filter(pl.col("series_id") == "s1", pl.col("model") == model).sort("ds")
    peak = one.sort("mean", descending=True)["ds"][0]
    trough = one.sort("mean")["ds"][0]
    assert peak.month in (7, 8, 9)
    assert trough.month in (1, 2, 3)


def test_ensemble_is_the_geometric_mean_of_its_components(forecast: pl.DataFrame) -> None:
    wide = forecast.filter(pl.col("series_id") == "s0").pivot(on="model", index="ds", values="mean")
    expected = np.exp(np.mean([np.log1p(wide[m].to_numpy()) for m in models.COMPONENTS], axis=0)) - 1
    np.testing.assert_allclose(wide["ensemble"].to_numpy(), expected, rtol=1e-9)


def test_calibrated_bands_cover_about_their_level_out_of_sample() -> None:
    """Rolling origins on stationary seasonal noise: the conformal 80 % band covers 80 % of later
    outcomes within sampling error (n ≈ 400: ± 3 standard errors ≈ ± 0.06; bands never narrow with h)."""
    obs = synthetic(n_series=6, sigma=0.3, seed=3)
    cv = models.cross_validate(obs, "month", 3, date(2015, 1, 1), 2)
    scored = calibrate.scores(cv, obs)
    factors = calibrate.factor_table(scored, {f"s{i}": "month" for i in range(6)}, window_years=10)
    calibrated = calibrate.apply(
        scored.with_columns(freq=pl.lit("month")).drop("s80", "s95"),
        factors,
        ["freq", "model", "h", "cutoff"],
    )
    late = calibrated.filter(pl.col("model") == "ensemble", pl.col("cutoff") >= date(2018, 1, 1))
    cover80 = late.select(((pl.col("y") >= pl.col("lo80")) & (pl.col("y") <= pl.col("hi80"))).mean()).item()
    cover95 = late.select(((pl.col("y") >= pl.col("lo95")) & (pl.col("y") <= pl.col("hi95"))).mean()).item()
    assert 0.74 <= cover80 <= 0.88, cover80
    assert 0.90 <= cover95 <= 0.99, cover95


def test_conformal_quantile_is_the_finite_sample_order_statistic() -> None:
    scores = np.arange(1, 41, dtype=float)  # n = 40: ⌈41 × 0.8⌉ = 33rd smallest
    assert calibrate.conformal_quantile(scores, 0.2) == 33.0
    assert calibrate.conformal_quantile(scores, 0.05) == 39.0  # ⌈41 × 0.95⌉ = 39
    assert calibrate.conformal_quantile(scores[:10], 0.2) == 1.0  # too few scores: the own band


def test_horizon_in_months_becomes_periods_of_the_frequency() -> None:
    assert models.horizon_periods("month", 12) == 12
    assert models.horizon_periods("week", 12) == 52
    assert models.horizon_periods("week", 1) == 5
    assert models.horizon_periods("year", 12) == 1
    assert models.horizon_periods("year", 13) == 2
