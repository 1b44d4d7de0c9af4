"""Benchmarks of the forecasting capability (results go in docs/forecast.md).

    .venv/bin/python bench/bench_forecast.py [--repeat 3] [--json out.json]

1. **Import**: `import statsforecast.models` in this process (paid once, at app build).
2. **One forecast of all series**: `forecast_series()` of every series (62: 23 monthly, 1 weekly,
   38 annual), 12 months ahead, all five models, reconciled and calibrated; first call (with the
   one-time compilation) and best of `--repeat` warm calls (the in-memory cache cleared between).
3. **Whole back-test**: `run_backtest()` — every series, model and rolling origin — wall time and
   the process's CPU time (the machine is shared: CPU time is what an idle machine would take),
   plus the alert back-test on top of it.
Goals (issue 13): back-test ≤ 120 s, one forecast of all series ≤ 5 s. The load average is printed
with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings


def load() -> str:
    """The 1/5/15-minute load averages."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    """Run the three measurements and print them (and write them to --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    out: dict[str, object] = {"cores": os.cpu_count()}

    wall, cpu = timed(lambda: __import__("statsforecast.models"))
    out["import_s"] = {"wall": round(wall, 2), "cpu": round(cpu, 2), "load": load()}

    from migralex.forecast import alerts, backtest, forecast_series, service
    from migralex.forecast.series import observations

    observations()
    wall, cpu = timed(forecast_series)
    out["forecast_all_first_s"] = {"wall": round(wall, 2), "cpu": round(cpu, 2), "load": load()}
    runs = []
    for _ in range(args.repeat):
        service.clear_cache()
        runs.append(timed(forecast_series))
    best = min(runs)
    out["forecast_all_s"] = {"wall": round(best[0], 2), "cpu": round(best[1], 2), "load": load()}
    out["series"] = forecast_series()["series_id"].n_unique()

    wall, cpu = timed(backtest.run_backtest)
    out["backtest_s"] = {"wall": round(wall, 1), "cpu": round(cpu, 1), "load": load()}
    wall, cpu = timed(alerts.surge_backtest)
    out["alert_backtest_s"] = {"wall": round(wall, 2), "cpu": round(cpu, 2), "load": load()}
    out["backtest_rows"] = backtest.run_backtest().forecasts.height
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
