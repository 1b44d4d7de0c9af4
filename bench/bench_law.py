"""Benchmark the law core: per-record parameter lookup and the Art. 75 calculus on a million dates.

Run: .venv/bin/python bench/bench_law.py
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from migralex.countries import EU27
from migralex.law import add_period, params
from migralex.law.timelimits import Period


def best_of(fn, repeat: int = 5) -> float:
    """Best wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    n = 1_000_000
    dates = np.datetime64("2026-07-01") + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    states = rng.choice(np.array(EU27), n)
    p = params()["apr.border.annual_maximum_multiplier"]
    rows = [
        ("parameter lookup, 1M dates (searchsorted)", best_of(lambda: p.at(dates))),
        (
            "+2 months, 1M dates, 27 Member States' holidays",
            best_of(lambda: add_period(dates, "2 months", states)),
        ),
        (
            "+15 working days, 1M dates, 27 Member States",
            best_of(lambda: add_period(dates, "15 working days", states)),
        ),
        ("+20 months, 1M dates, one Member State", best_of(lambda: add_period(dates, "20 months", "IT"))),
    ]
    start = dt.date(2026, 8, 31)
    one = best_of(lambda: [add_period(start, Period(1, "months"), "IT") for _ in range(1000)]) / 1000
    rows.append(("one date, +1 month (per call)", one))
    width = max(len(r[0]) for r in rows)
    for name, seconds in rows:
        unit = f"{seconds * 1e3:8.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:8.1f} µs"
        print(f"{name:<{width}}  {unit}")


if __name__ == "__main__":
    main()
