"""The service remembers fits without changing an answer: a forecast cut from a whole-year fit is
the direct one, alerts fitted without the seasonal naive are the same, racing requests fit once,
new calibration factors reach the alerts."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import polars as pl
import pytest

from migralex.forecast import alerts, calibrate, forecast_series, models, reconcile, service
from migralex.forecast.series import observations

ALL_MODELS = list(models.MODELS)


def _direct(ids: list[str], freq: str, as_of: date, horizon: int) -> pl.DataFrame:
    """The forecast computed the way it was before fits were remembered (one fit at `horizon`)."""
    obs = service.known_at(observations(ids), as_of)
    frame = models.forecast(obs, freq, models.horizon_periods(freq, horizon)).with_columns(freq=pl.lit(freq))
    frame = frame.with_columns(h=pl.col("ds").rank("dense").over("series_id", "model").cast(pl.Int32))
    frame = calibrate.apply(frame, service.factors_for(as_of), ["freq", "model", "h"])
    return models.to_counts(frame).select(service.OUTPUT).sort("series_id", "model", "ds")


CASES = [("frontex:eastern-borders", "month", 5), ("frontex:eastern-borders", "month", 13)]


@pytest.mark.parametrize(("series_id", "freq", "horizon"), [*CASES, ("italy:weekly", "week", 7)])
def test_a_cut_from_a_whole_year_fit_is_the_direct_forecast(series_id: str, freq: str, horizon: int) -> None:
    when = date(2023, 5, 1)
    longer = forecast_series(series_id, when, 12 * -(-horizon // 12), ALL_MODELS)  # the fit is remembered
    assert longer.height > 0
    got = forecast_series(series_id, when, horizon, ALL_MODELS)
    assert got.equals(_direct([series_id], freq, when, horizon))


def test_alerts_fitted_without_the_seasonal_naive_are_the_same() -> None:
    ids, when = ("frontex:eastern-borders",), date(2021, 8, 1)
    known = service.known_at(observations(list(ids)), when)
    first = known["ds"].sort().tail(4)[0]
    cv = models.cross_validate(known, "month", 1, first, 1)  # every model, as before
    frame = reconcile.bottom_up(cv, ["ds", "cutoff"]).filter(pl.col("model") == "ensemble")
    frame = frame.with_columns(freq=pl.lit("month"), h=pl.lit(1, pl.Int32))
    frame = calibrate.apply(frame, service.factors_for(when), ["freq", "model", "h"])
    rows = models.to_counts(frame).join(known, on=["series_id", "ds"])
    expected = alerts.flag_exceedances(rows, known)
    got = alerts.alerts(when, list(ids))
    assert expected.height > 0 and got.equals(expected)


def test_racing_requests_fit_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fits: list[int] = []
    real = models.forecast

    def counted(obs: pl.DataFrame, freq: str, h: int) -> pl.DataFrame:
        fits.append(obs["series_id"].n_unique())
        return real(obs, freq, h)

    monkeypatch.setattr(models, "forecast", counted)
    when = date(2016, 2, 1)  # a month no other test asks for
    answers: list[pl.DataFrame] = []
    threads = [
        threading.Thread(target=lambda: answers.append(forecast_series("frontex:western-balkan", when, 6)))
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert fits == [1] and len(answers) == 5
    assert all(a.equals(answers[0]) for a in answers)


def test_new_calibration_factors_reach_the_alerts() -> None:
    ids, when = ["frontex:eastern-borders"], "2021-08"
    before = alerts.alerts(when, ids)
    wide: dict[str, Any] = {"freq": ["month"], "model": ["ensemble"], "h": [1], "cutoff": [date(2010, 1, 1)]}
    factors = pl.DataFrame({**wide, "f80": [5.0], "f95": [5.0]}).with_columns(pl.col("h").cast(pl.Int32))
    service.set_factors(factors)
    try:
        after = alerts.alerts(when, ids)
    finally:
        service.use_shipped_factors()
    assert before.height > 0 and not after.equals(before)
    assert alerts.alerts(when, ids).equals(before)
