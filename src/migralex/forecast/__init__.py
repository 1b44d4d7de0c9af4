"""Early warning and the projection of the coming year: forecasts with calibrated bands, a back-test, alerts.

Public interface (everything else in this package is internal to it):

```python
from migralex.forecast import forecast_series, project_year, catalogue

forecast_series("frontex:central-mediterranean", as_of="2024-06", horizon=12)
# polars.DataFrame [series_id, ds, mean, lo80, hi80, lo95, hi95, model]: `mean` is the point
# forecast (the median on the count scale), the bands are 80 % and 95 % conformal-calibrated.
project_year(2025)        # asylum applicants per Member State and "EU" in 2025, with bands
catalogue()               # series id → SeriesSpec(series_id, label, freq, source, parent)
```

- `forecast_series(ids=None, as_of=None, horizon=12, model="ensemble")`: ids are a series id or a
  list (None: every series); `as_of` "YYYY-MM" uses only the data complete by the end of that
  month; `model` one of snaive, ets, arima, theta, ensemble (or a list).
- `project_year(year=None, as_of=None, model="ensemble")`: the annual Eurostat applicants per
  Member State `[country, year, mean, lo80, hi80, lo95, hi95, model, last_year, last_observed]`.
- `project_period(ids, start, end, as_of=None)`: totals of monthly series over a period (e.g. the
  Report's July-June), observed months as observed, the rest forecast, with 80 %/95 % bands
  `[series_id, start, end, months, mean, lo80, hi80, lo95, hi95, model]`.
- `backtest.run_backtest()` / `backtest.summary()`: the rolling-origin back-test (in memory, cached).
- `alerts.alerts(as_of)`, `alerts.surge_backtest()`: months (weeks for Italy) above the 95 % band.

Series ids: `frontex:EU`, `frontex:<route>` (e.g. `frontex:central-mediterranean`),
`frontex:<route>:<ISO2>`, `italy:weekly`, `italy:monthly`, `asylum:EU`, `asylum:<MS>`,
`asylum:EU:<ISO2>`. See docs/forecast.md.
"""

from __future__ import annotations

from migralex.forecast.series import SeriesSpec, catalogue
from migralex.forecast.service import forecast_series, project_period, project_year

__all__ = ["SeriesSpec", "catalogue", "forecast_series", "project_period", "project_year"]
