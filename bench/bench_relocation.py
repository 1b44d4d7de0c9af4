"""Benchmarks of relocation matching (results go in docs/relocation.md and the README).

    .venv/bin/python bench/bench_relocation.py [--repeat 5] [--weeks 52] [--seeds 1 2 3] [--json out.json]

1. **Weekly batch**: 600 persons x 26 Member States of relocation (persons from four benefitting
   Member States, IT, GR, ES and CY, each barred from its own), 500 places; `match_batch` with the
   MILP and with greedy placement, best and median of `--repeat` after one warm-up.
2. **Year**: `migralex relocate --demo --weeks 52` for each seed: wall time and its figures
   (hindsight_ratio, greedy_ratio, links honoured, violations).
The machine is shared: figures come with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np
import polars as pl

from migralex.allocation import match_batch
from migralex.allocation.demo import DemoSettings, run
from migralex.allocation.synthetic import RELOCATION_STATES, persons, pledges

BENEFITTING = ("IT", "GR", "ES", "CY")


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def weekly_batch(seed: int) -> tuple[pl.DataFrame, dict[str, int]]:
    """600 persons from four benefitting Member States, 500 places among 26 Member States."""
    rng = np.random.default_rng(seed)
    frames = [persons(150, rng, b, prefix=f"{b}-") for b in BENEFITTING]
    return pl.concat(frames), pledges(500, list(RELOCATION_STATES))


def time_batch(repeat: int, method: str) -> dict[str, float]:
    frame, places = weekly_batch(1)
    match_batch(frame, places, method=method)  # warm-up (tables loaded)
    times, gap = [], 0.0
    for i in range(repeat):
        frame, places = weekly_batch(i + 2)
        t0 = time.perf_counter()
        result = match_batch(frame, places, method=method)
        times.append(time.perf_counter() - t0)
        gap = max(gap, result.gap)
    return {"best_s": min(times), "median_s": statistics.median(times), "max_gap": gap}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--json")
    args = ap.parse_args()
    out: dict[str, object] = {"load_before": load()}
    out["batch_600x26_milp"] = time_batch(args.repeat, "milp")
    out["batch_600x26_greedy"] = time_batch(args.repeat, "greedy")
    print(
        f"weekly batch 600 x 26: MILP {out['batch_600x26_milp']}, greedy {out['batch_600x26_greedy']}"
        f" (load {load()})"
    )
    years = []
    for seed in args.seeds:
        t0 = time.perf_counter()
        figures = run(DemoSettings(weeks=args.weeks, seed=seed))
        seconds = time.perf_counter() - t0
        row = {
            "seed": seed,
            "seconds": round(seconds, 1),
            **{k: v for k, v in figures.items() if k != "details"},
            "hindsight_seconds": figures["details"]["hindsight_seconds"],
            "load": load(),
        }
        years.append(row)
        print(f"year of {args.weeks} weeks, seed {seed}: {row}")
    out["years"] = years
    out["load_after"] = load()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
