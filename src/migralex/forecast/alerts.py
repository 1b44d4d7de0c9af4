"""Early-warning alerts: an observed month (a week, for Italy) above the 95 % band forecast before it.

The forecast "made before" a period is the latest one whose cutoff precedes it (one step ahead
in the live check, one or two months in the back-test where cutoffs are every other month). An
alert names the series, the period, the observation, the forecast and its 95 % upper bound, the
excess over the bound and the history (the 12 periods before).

The alert back-test sets the alerts of the rolling-origin back-test against known surges, named
in `KNOWN_SURGES` with a public source each (the months are taken from the sources' narrative,
never from the series): recall (share of surges with an alert in their window or up to two
periods before), lead time (months from the first alert to the surge's peak month in the data)
and precision (share of the alerts on those series that fall in a surge window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from migralex.forecast import backtest, calibrate, models, reconcile, series, service
from migralex.forecast.memo import memo

ALERT_FREQS = ("month", "week")
RECENT_PERIODS = 3
HISTORY = 12
#: Alert computations remembered, one per (as_of, series); every month since 2012 fits in.
ALERTS_KEPT = 256


@dataclass(frozen=True)
class Surge:
    """A known surge: the series it shows in, its window (first and last month) and a public source."""

    name: str
    series_id: str
    start: date
    end: date
    source: str


KNOWN_SURGES = (
    Surge("Lampedusa landings, September 2023", "italy:monthly", date(2023, 8, 1), date(2023, 9, 30),
          "European Commission, 10-point plan for Lampedusa, 17 September 2023"),
    Surge("Lampedusa landings, September 2023 (weekly)", "italy:weekly", date(2023, 8, 28), date(2023, 9, 30),
          "European Commission, 10-point plan for Lampedusa, 17 September 2023"),
    Surge("Central Mediterranean, summer 2023", "frontex:central-mediterranean", date(2023, 7, 1),
          date(2023, 9, 30), "Frontex, 'EU external borders in 2023', press release, January 2024"),
    Surge("Belarus border instrumentalisation, 2021", "frontex:eastern-borders", date(2021, 6, 1),
          date(2021, 11, 30), "European Commission and High Representative, JOIN(2021) 32, 23 November 2021"),
    Surge("Canary Islands, autumn 2020", "frontex:western-african", date(2020, 9, 1), date(2020, 11, 30),
          "Frontex, 'Situation at EU external borders', 2020 monthly releases"),
    Surge("Canary Islands, autumn 2023", "frontex:western-african", date(2023, 9, 1), date(2023, 11, 30),
          "Frontex, 'EU external borders in 2023', press release, January 2024"),
    Surge("Greek-Turkish land border, March 2020", "frontex:eastern-mediterranean", date(2020, 2, 1),
          date(2020, 3, 31), "European Commission, statement on the Greek-Turkish border, 3 March 2020"),
    Surge("Western Balkans, autumn 2022", "frontex:western-balkan", date(2022, 8, 1), date(2022, 11, 30),
          "European Commission, EU Action Plan on the Western Balkans, 5 December 2022"),
)  # fmt: skip


def flag_exceedances(rows: pl.DataFrame, obs: pl.DataFrame, bound: str = "hi95") -> pl.DataFrame:
    """Alerts `[series_id, ds, observed, mean, hi95, excess, ratio, cutoff, h, history]`: the forecast
    rows (counts, with the outcome `y`) whose outcome exceeds `bound` (hi95; hi80 for a watch level)."""
    hits = rows.filter(pl.col("y") > pl.col(bound))
    if hits.is_empty():
        return pl.DataFrame(schema=_SCHEMA)
    lagged = (
        obs.sort("series_id", "ds")
        .with_columns(
            history=pl.concat_list([pl.col("y").shift(k).over("series_id") for k in range(HISTORY, 0, -1)])
        )
        .select("series_id", "ds", "history")
    )
    return (
        hits.join(lagged, on=["series_id", "ds"], how="left")
        .select(
            "series_id", "ds", observed="y", mean="mean", hi95=bound,
            excess=pl.col("y") - pl.col(bound), ratio=pl.col("y") / pl.col("mean").clip(1.0),
            cutoff="cutoff", h="h", history=pl.col("history").list.eval(pl.element().fill_null(0)),
        )
        .sort("ds", "series_id")
    )  # fmt: skip


_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "series_id": pl.String, "ds": pl.Date, "observed": pl.Float64, "mean": pl.Float64,
    "hi95": pl.Float64, "excess": pl.Float64, "ratio": pl.Float64, "cutoff": pl.Date, "h": pl.Int32,
    "history": pl.List(pl.Float64),
}  # fmt: skip


def alerts(as_of: str | date | None = None, ids: list[str] | None = None) -> pl.DataFrame:
    """Alerts in the last three periods known at the end of month `as_of`, each against the forecast
    made one period before it (ensemble, calibrated 95 % band)."""
    wanted = ids or [k for k, v in series.catalogue().items() if v.freq in ALERT_FREQS]
    key = tuple(sorted(set(series.check_ids(wanted))))
    return _calibrated(service.parse_as_of(as_of), key, service.factors_version())


@memo(ALERTS_KEPT)
def _calibrated(when: date | None, key: tuple[str, ...], factors_version: int) -> pl.DataFrame:
    """The alerts of `key` at `when` with the calibration factors of version `factors_version`."""
    frame = _one_step(when, key)
    if frame.is_empty():
        return pl.DataFrame(schema=_SCHEMA)
    frame = calibrate.apply(frame, service.factors_for(when), ["freq", "model", "h"])
    known = service.known_at(series.observations(list(key)), when)
    rows = models.to_counts(frame).join(known, on=["series_id", "ds"])
    return flag_exceedances(rows.filter(pl.col("series_id").is_in(key)), known)


@memo(ALERTS_KEPT)
def _one_step(when: date | None, ids: tuple[str, ...]) -> pl.DataFrame:
    """The ensemble's one-step forecasts (log scale, own bands) of the last three periods of `ids`
    known at `when`: the costly part (a fit per series), remembered; the calibration is applied after."""
    known = service.known_at(series.observations(list(ids)), when)
    spec = series.catalogue()
    parts = []
    for freq in ALERT_FREQS:
        group = known.filter(pl.col("series_id").replace_strict({k: v.freq for k, v in spec.items()}) == freq)
        for (last,), sub in group.group_by(pl.col("ds").max().over("series_id")):
            first = sub.filter(pl.col("ds") <= last).select(
                pl.col("ds").unique().sort().tail(RECENT_PERIODS + 1)
            )
            cv = models.cross_validate(sub, freq, 1, first["ds"][0], 1, models.COMPONENTS)
            parts.append(reconcile.bottom_up(cv, ["ds", "cutoff"]).with_columns(freq=pl.lit(freq)))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).filter(pl.col("model") == "ensemble").with_columns(h=pl.lit(1, pl.Int32))


def backtest_alerts(bound: str = "hi95") -> pl.DataFrame:
    """Every alert of the rolling-origin back-test (the latest forecast before each period)."""
    bt = backtest.run_backtest()
    rows = bt.forecasts.filter(
        pl.col("model") == "ensemble",
        pl.col("freq").is_in(ALERT_FREQS),
        pl.col("cutoff") >= pl.col("freq").replace_strict(backtest.EVAL_FROM, return_dtype=pl.Date),
    )
    latest = rows.sort("cutoff").group_by("series_id", "ds").last()
    return flag_exceedances(latest, series.observations(), bound)


def surge_backtest(bound: str = "hi95") -> dict[str, Any]:
    """Recall, lead time and precision of the back-test's alerts on `KNOWN_SURGES` (above `bound`)."""
    found = backtest_alerts(bound)
    obs = series.observations()
    events = []
    for s in KNOWN_SURGES:
        window = obs.filter(pl.col("series_id") == s.series_id, pl.col("ds").is_between(s.start, s.end))
        peak = window.sort("y", descending=True)["ds"][0] if window.height else s.end
        lead_from = date(s.start.year - (s.start.month <= 2), (s.start.month - 3) % 12 + 1, 1)
        hits = found.filter(pl.col("series_id") == s.series_id, pl.col("ds").is_between(lead_from, s.end))
        first = hits["ds"].min() if hits.height else None
        lead = None if first is None else (peak.year - first.year) * 12 + peak.month - first.month  # type: ignore[union-attr]
        events.append(
            {"surge": s.name, "series_id": s.series_id, "window": [str(s.start), str(s.end)],
             "peak": str(peak), "alerted": first is not None,
             "first_alert": None if first is None else str(first),
             "lead_months": lead, "alerts_in_window": hits.height, "source": s.source}
        )  # fmt: skip
    on_series = found.filter(pl.col("series_id").is_in([s.series_id for s in KNOWN_SURGES]))
    in_window = pl.any_horizontal(
        [(pl.col("series_id") == s.series_id) & pl.col("ds").is_between(s.start, s.end) for s in KNOWN_SURGES]
    )
    true_alerts = on_series.filter(in_window).height
    recalled = [e for e in events if e["alerted"]]
    leads = sorted(int(str(e["lead_months"])) for e in recalled)
    return {
        "bound": bound,
        "surges": len(events),
        "recall": round(len(recalled) / len(events), 3),
        "precision": round(true_alerts / on_series.height, 3) if on_series.height else None,
        "alerts_on_surge_series": on_series.height,
        "alerts_all_series": found.height,
        "median_lead_months": leads[len(leads) // 2] if leads else None,
        "events": events,
    }
