"""Alerts on a planted surge: the surge month is flagged, quiet months are not."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from migralex.forecast import calibrate, models
from migralex.forecast.alerts import KNOWN_SURGES, flag_exceedances
from migralex.forecast.series import catalogue

MONTHS = pl.date_range(date(2012, 1, 1), date(2023, 12, 1), "1mo", eager=True)
SURGE = date(2023, 9, 1)


def test_a_planted_surge_is_flagged_with_its_excess_and_history() -> None:
    rng = np.random.default_rng(11)
    season = 0.5 * np.cos(2 * np.pi * (np.arange(len(MONTHS)) % 12 - 7) / 12)
    y = np.round(np.exp(7 + season + rng.normal(0, 0.1, len(MONTHS))))
    y[MONTHS.to_list().index(SURGE)] *= 6  # the planted surge
    obs = pl.DataFrame({"series_id": "x", "ds": MONTHS, "y": y})
    cv = models.cross_validate(obs, "month", 1, date(2016, 1, 1), 1)
    scored = calibrate.scores(cv, obs)
    factors = calibrate.factor_table(scored, {"x": "month"})
    rows = calibrate.apply(
        scored.with_columns(freq=pl.lit("month")).drop("s80", "s95", "y"),
        factors,
        ["freq", "model", "h", "cutoff"],
    )
    rows = models.to_counts(rows.filter(pl.col("model") == "ensemble")).join(obs, on=["series_id", "ds"])
    found = flag_exceedances(rows, obs)
    assert SURGE in found["ds"].to_list()
    hit = found.filter(pl.col("ds") == SURGE).row(0, named=True)
    assert hit["excess"] > 0 and hit["observed"] == y[MONTHS.to_list().index(SURGE)]
    assert hit["history"] == list(y[MONTHS.to_list().index(SURGE) - 12 : MONTHS.to_list().index(SURGE)])
    # quiet months: at most 5 % of the others exceed their 95 % band (false alarms)
    quiet = rows.filter(pl.col("ds") != SURGE).height
    assert (found.height - 1) <= max(2, 0.05 * quiet)


def test_known_surges_name_existing_series_and_a_source() -> None:
    ids = catalogue()
    for surge in KNOWN_SURGES:
        assert surge.series_id in ids
        assert surge.start <= surge.end
        assert surge.source
