"""`/v1/forecast/...`: forecasts, the projection of the coming year, alerts, back-test (a shell over
`migralex.forecast`; no model logic here).

The back-test takes one to two minutes: the first request starts it in a background thread and
answers `{"status": "running"}`; later requests get the scores (cached for the process).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, Literal

import polars as pl

# statsforecast takes seconds to import: paid when the app is built, not by the first request (and
# without it the capability is not wired, like the others)
import statsforecast.models  # noqa: F401
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from migralex.api.errors import ERRORS_404, ERRORS_422
from migralex.errors import InvalidInput

router = APIRouter(prefix="/v1/forecast", tags=["forecast"])

AsOf = Annotated[
    str | None,
    Query(
        pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$",
        description="Use only the data known at the end of this month (YYYY-MM)",
    ),
]
Model = Annotated[
    Literal["snaive", "ets", "arima", "theta", "ensemble"],
    Query(description="The model (ensemble: ETS, ARIMA, Theta)"),
]


class SeriesOut(BaseModel):
    """A series that can be forecast."""

    series_id: str = Field(examples=["frontex:central-mediterranean"])
    label: str
    freq: str = Field(examples=["month"])
    source: str = Field(description="The shipped table it is built from")
    parent: str | None = Field(description="The total it adds up to (bottom-up reconciliation)")
    publisher: str = Field("", description="Who publishes the source table (for a chart's source line)")


class ForecastOut(BaseModel):
    """Forecasts with calibrated bands, and the observations before them."""

    model_config = ConfigDict(extra="allow")

    as_of: str | None
    horizon: int
    model: str
    forecast: list[dict[str, Any]] = Field(description="series_id, ds, mean, lo80, hi80, lo95, hi95, model")
    observed: list[dict[str, Any]] = Field(description="series_id, ds, y: the history known at as_of")


@contextmanager
def _query_errors() -> Iterator[None]:
    """The engine's errors about an argument, reported as that query parameter (`query.<name>`)."""
    try:
        yield
    except InvalidInput as exc:
        raise InvalidInput(f"query.{exc.path}", exc.reason) from exc


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates as ISO strings, floats rounded)."""
    out = frame.with_columns(
        [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date]
        + [pl.col(c).round(2) for c, t in frame.schema.items() if t == pl.Float64]
    )
    return out.to_dicts()


@router.get("/series", summary="Series that can be forecast", response_model=list[SeriesOut])
def list_series() -> list[SeriesOut]:
    """Frontex routes (monthly), route × top citizenships, Italy's sea arrivals (weekly, monthly),
    asylum applicants per Member State and top citizenships (annual)."""
    from migralex.data.catalog import info
    from migralex.forecast import catalogue

    return [SeriesOut(**s.__dict__, publisher=info(s.source).publisher) for s in catalogue().values()]


@router.get("", summary="Forecast series", response_model=ForecastOut, responses={**ERRORS_404, **ERRORS_422})
def forecast(
    series: Annotated[list[str], Query(description="Series ids (repeat the parameter)")] = ["frontex:EU"],  # noqa: B006
    horizon: Annotated[int, Query(ge=1, le=36, description="Months ahead")] = 12,
    as_of: AsOf = None,
    model: Model = "ensemble",
    history: Annotated[
        int, Query(ge=0, le=240, description="Observed periods to return before the forecast")
    ] = 36,
) -> ForecastOut:
    """Point forecasts (`mean`: the median on the count scale) with conformal 80 % and 95 % bands."""
    from migralex.forecast import forecast_series
    from migralex.forecast.series import observations
    from migralex.forecast.service import known_at, parse_as_of

    with _query_errors():
        frame = forecast_series(series, as_of, horizon, model)
    seen = known_at(observations(series), parse_as_of(as_of))
    seen = seen.filter(pl.int_range(pl.len()).over("series_id") >= pl.len().over("series_id") - history)
    return ForecastOut(
        as_of=as_of, horizon=horizon, model=model, forecast=_records(frame), observed=_records(seen)
    )


@router.get(
    "/projection", summary="Asylum applicants per Member State in a coming year", responses=ERRORS_422
)
def projection(
    year: Annotated[
        int | None, Query(ge=2009, le=2100, description="Default: the year after the last observed")
    ] = None,
    as_of: AsOf = None,
    model: Model = "ensemble",
) -> dict[str, Any]:
    """The annual Eurostat series per Member State projected to `year`, with 80 % and 95 % bands."""
    from migralex.forecast import project_year

    with _query_errors():
        return {"as_of": as_of, "rows": _records(project_year(year, as_of, model))}


@router.get("/alerts", summary="Alerts: observations above the 95 % band", responses=ERRORS_422)
def alerts(as_of: AsOf = None) -> dict[str, Any]:
    """The last three months (weeks for Italy) known at `as_of` that exceed the upper 95 % bound of
    the forecast made the period before, with the excess and the 12 periods before. The first
    request for a month fits the models (about 1.3 s of CPU); the answer is then remembered."""
    from migralex.forecast.alerts import alerts as find

    with _query_errors():
        return {"as_of": as_of, "alerts": _records(find(as_of))}


_STATE: dict[str, Any] = {"thread": None, "error": None}
_LOCK = threading.Lock()


def _run() -> None:
    from migralex.forecast import alerts, backtest

    try:
        backtest.summary()
        alerts.surge_backtest()
    except Exception as exc:  # reported by the endpoint
        _STATE["error"] = f"{type(exc).__name__}: {exc}"


def _done() -> bool:
    thread = _STATE["thread"]
    return thread is not None and not thread.is_alive()


def start_backtest() -> None:
    """Start the back-test in a background thread (once per process)."""
    with _LOCK:
        if _STATE["thread"] is None:
            thread = threading.Thread(target=_run, name="migralex-forecast-backtest", daemon=True)
            _STATE["thread"] = thread
            thread.start()


def backtest_payload() -> dict[str, Any]:
    """The back-test's answer: running, failed, or the summary, per-series ratios and surge alerts."""
    from migralex.forecast import alerts, backtest

    start_backtest()
    if not _done():
        return {"status": "running"}
    if _STATE["error"]:
        return {"status": "failed", "error": _STATE["error"]}
    ratios = backtest.skill(backtest.run_backtest().scores).filter(
        pl.col("model") == "ensemble", pl.col("h").is_in([1, 3, 6, 12])
    )
    columns = ("series_id", "freq", "h", "ratio", "mase", "smape", "coverage_80", "coverage_95")
    per_series = ratios.select(columns)
    return {
        "status": "done",
        "summary": backtest.summary(),
        "per_series": _records(per_series.sort("series_id", "h")),
        "alerts": alerts.surge_backtest(),
        "generated": str(date.today()),
    }


@router.get("/backtest", summary="Rolling-origin back-test scores and the alerts' back-test")
def backtest_scores() -> dict[str, Any]:
    """`{"status": "running"}` while the back-test runs (1-2 minutes, started by the first request);
    then the summary (MASE ratio to seasonal naive per horizon, sMAPE, coverage, Winkler), the
    per-series ratios at 1, 3, 6 and 12 months and the alerts' back-test on known surges."""
    return backtest_payload()


def warm_up() -> None:
    """Nothing at start-up: the back-test (about 40 s of CPU) starts with the first request for it
    (`GET /v1/forecast/backtest`); run at start-up it held the CPU and the GIL while the server
    answered cases, and single-case p99 rose from 4.5 ms to 124 ms (bench/bench_api.py)."""
