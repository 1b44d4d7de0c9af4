"""Calibrated bands: normalised split conformal prediction on the back-test's past errors.

The models' own intervals assume Gaussian errors around a stable model; migration flows break
that (regime changes, surges), so the own bands are too narrow. For each frequency, model and
horizon h the nonconformity score of a past forecast is |log error| / own half-width (80 % or
95 %); the calibrated half-width is the own one times the ⌈(n+1)(1-α)⌉/n empirical quantile of the
scores of forecasts **whose target was already observed at the cutoff** (online: no outcome from
the future), in the last `WINDOW_YEARS` years (flows change regime: older errors mislead).
Scores are pooled over the series of a frequency, so a series' own volatility still sets its width.
With fewer than `MIN_SCORES` scores the own band is kept (factor 1).

The factors of the latest cutoff are what a live forecast uses (`latest`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

MIN_SCORES = 30
#: Only the scores of targets in the last WINDOW_YEARS years count (flows change regime).
WINDOW_YEARS = 3
ALPHAS = {"80": 0.2, "95": 0.05}


def scores(cv: pl.DataFrame, observed: pl.DataFrame) -> pl.DataFrame:
    """Back-test rows with the outcome `y` (log), horizon `h` and the scores `s80`, `s95`."""
    out = cv.join(
        observed.select("series_id", "ds", y=pl.col("y").clip(0).log1p()), on=["series_id", "ds"]
    ).with_columns(h=pl.col("ds").rank("dense").over("series_id", "cutoff", "model").cast(pl.Int32))
    err = (pl.col("y") - pl.col("mean")).abs()
    return out.with_columns(
        s80=err / ((pl.col("hi80") - pl.col("lo80")) / 2).clip(1e-9),
        s95=err / ((pl.col("hi95") - pl.col("lo95")) / 2).clip(1e-9),
    )


def conformal_quantile(values: np.ndarray, alpha: float) -> float:
    """The ⌈(n+1)(1-α)⌉-th smallest score (split conformal); 1.0 with fewer than MIN_SCORES scores."""
    n = len(values)
    if n < MIN_SCORES:
        return 1.0
    k = min(n, int(np.ceil((n + 1) * (1 - alpha))))
    return float(np.partition(values, k - 1)[k - 1])


def factor_table(
    scored: pl.DataFrame, freq_of: dict[str, str], window_years: int = WINDOW_YEARS
) -> pl.DataFrame:
    """Factors `[freq, model, h, cutoff, f80, f95]` from the scores in the window before each cutoff."""
    frame = scored.with_columns(freq=pl.col("series_id").replace_strict(freq_of))
    rows = []
    for (freq, model, h), group in frame.group_by("freq", "model", "h"):
        ds = group["ds"].to_numpy()
        order = np.argsort(ds)
        ds, s80, s95 = ds[order], group["s80"].to_numpy()[order], group["s95"].to_numpy()[order]
        cutoffs = np.unique(frame.filter(pl.col("freq") == freq)["cutoff"].to_numpy())
        cutoffs = np.append(cutoffs, ds.max())
        ends = np.searchsorted(ds, cutoffs, side="right")
        starts = np.searchsorted(ds, cutoffs - np.timedelta64(365 * window_years, "D"), side="right")
        rows.append(
            pl.DataFrame(
                {
                    "freq": freq,
                    "model": model,
                    "h": h,
                    "cutoff": cutoffs.astype("datetime64[D]"),
                    "f80": [
                        conformal_quantile(s80[a:b], ALPHAS["80"]) for a, b in zip(starts, ends, strict=True)
                    ],
                    "f95": [
                        conformal_quantile(s95[a:b], ALPHAS["95"]) for a, b in zip(starts, ends, strict=True)
                    ],
                }
            ).with_columns(pl.col("h").cast(pl.Int32), pl.col("cutoff").cast(pl.Date))
        )
    return pl.concat(rows).unique(["freq", "model", "h", "cutoff"], keep="last")


def apply(frame: pl.DataFrame, factors: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Widen the own bands of `frame` (log scale) by the factors joined on `on` (factor 1 if none)."""
    joined = frame.join(factors, on=on, how="left").with_columns(
        pl.col("f80").fill_null(1.0), pl.col("f95").fill_null(1.0)
    )
    # a band never narrows as the horizon grows (the factors of neighbouring horizons are noisy)
    keys = [c for c in ("series_id", "model", "cutoff") if c in frame.columns]
    w80 = ((pl.col("hi80") - pl.col("lo80")) / 2 * pl.col("f80")).cum_max().over(keys, order_by="h")
    w95 = ((pl.col("hi95") - pl.col("lo95")) / 2 * pl.col("f95")).cum_max().over(keys, order_by="h")
    return joined.with_columns(
        lo80=pl.col("mean") - w80,
        hi80=pl.col("mean") + w80,
        lo95=pl.col("mean") - pl.max_horizontal(w95, w80),
        hi95=pl.col("mean") + pl.max_horizontal(w95, w80),
    ).drop("f80", "f95")


def latest(factors: pl.DataFrame) -> pl.DataFrame:
    """The factors of the last cutoff of each frequency: `[freq, model, h, f80, f95]`."""
    last = pl.col("cutoff") == pl.col("cutoff").max().over("freq", "model", "h")
    return factors.filter(last).drop("cutoff")
