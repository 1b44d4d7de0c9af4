"""Benchmarks of the population simulator, side by side in one run (results go in docs/simulator.md).

    .venv/bin/python bench/bench_sim.py [--repeat 3] [--sweep-runs 200] [--sweep-scale 0.05] [--json out.json]

1. **EU-year**: the baseline scenario at full scale (all 27 Member States, 365 days, every person:
   about 1.0 million applications during the year plus the pending stock of about 1.1 million),
   `engine.simulate` end to end, best of `--repeat` after one warm-up run, with its breakdown
   (population, case engine, inputs, kernel, relocation matching: wall seconds per stage) and the
   run's CPU time (`total_cpu`, process time: less sensitive to a shared machine than wall time).
   Also without the pending stock. `--skip simpy memory sweep` runs only this part.
2. **SimPy**: the oracle on the same workload (same inputs), measured on a sample (`--simpy-scale`,
   the same scenario with a share of the persons and capacities) and extrapolated linearly per
   person to full scale; the kernel is timed on the same sample too.
3. **Memory**: peak RSS of a fresh process doing one full EU-year run.
4. **Scaling**: a sweep of `--sweep-runs` runs (at `--sweep-scale`) on a process pool with 1 and
   with 2 workers; efficiency = T1 / (2 · T2).
The machine is shared with other engineers' tests: figures are best of N, with the load average
printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from migralex.sim.engine import prepare, simulate
from migralex.sim.montecarlo import run_scenario
from migralex.sim.oracle_simpy import run_oracle
from migralex.sim.relocation import pro_rata, run_weekly
from migralex.sim.scenario import load_scenario


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def eu_year(repeat: int, backlog: bool) -> dict[str, float]:
    scenario = load_scenario("baseline")
    if not backlog:
        scenario = scenario.with_changes(behaviour=scenario.behaviour.model_dump() | {"backlog_share": 0.0})
    simulate(scenario, 100)  # warm-up: data caches, deadline table, numba cache
    best: dict[str, float] | None = None
    for k in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = simulate(scenario, 200 + k)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        if best is None or total < best["total"]:
            best = {"total": total, "total_cpu": cpu, "load_1min": os.getloadavg()[0], **result.timings}
            persons = int(result.counts[0].sum() + result.arrivals_daily[1:].sum())
            best["persons"] = persons
            best["applications"] = float(result.apps_daily.sum())
    assert best is not None
    return best


def simpy_vs_kernel(scale: float) -> dict[str, float]:
    scenario = load_scenario("baseline").with_changes(scale=scale)
    x, pop, *_ = prepare(scenario, 7)
    run_weekly(x, scenario.start, pro_rata)
    t0 = time.perf_counter()
    run_weekly(x, scenario.start, pro_rata)
    kernel = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_oracle(x, 7, scenario.start)
    simpy_time = time.perf_counter() - t0
    return {"scale": scale, "persons": len(pop), "kernel_sample": kernel, "simpy_sample": simpy_time}


def peak_rss() -> float:
    code = (
        "import resource; from migralex.sim.engine import simulate; from migralex.sim.scenario import "
        "load_scenario; simulate(load_scenario('baseline'), 1); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024**2  # KiB → GiB


def sweep(runs: int, scale: float, workers: int) -> float:
    t0 = time.perf_counter()
    run_scenario("baseline", runs=runs, scale=scale, workers=workers, executor_kind="process")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--simpy-scale", type=float, default=0.02)
    parser.add_argument("--sweep-runs", type=int, default=200)
    parser.add_argument("--sweep-scale", type=float, default=0.05)
    parser.add_argument("--skip", nargs="*", default=[], choices=["year", "simpy", "memory", "sweep"])
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    out: dict[str, object] = {"cpus": os.cpu_count(), "load_before": load()}
    if "year" not in args.skip:
        out["eu_year"] = eu_year(args.repeat, backlog=True)
        out["eu_year_no_pending_stock"] = eu_year(args.repeat, backlog=False)
        print(
            f"EU-year (load {load()}):",
            json.dumps(out["eu_year"]),
            json.dumps(out["eu_year_no_pending_stock"]),
        )
    if "simpy" not in args.skip:
        sample = simpy_vs_kernel(args.simpy_scale)
        year = out.get("eu_year") or eu_year(1, backlog=True)
        assert isinstance(year, dict)
        full_persons = year["persons"]
        sample["simpy_extrapolated"] = sample["simpy_sample"] * full_persons / sample["persons"]
        sample["ratio_vs_kernel"] = sample["simpy_extrapolated"] / year["kernel"]
        sample["ratio_vs_end_to_end"] = sample["simpy_extrapolated"] / year["total"]
        sample["ratio_on_sample"] = sample["simpy_sample"] / sample["kernel_sample"]
        out["simpy"] = sample
        print(f"SimPy (load {load()}):", json.dumps(sample))
    if "memory" not in args.skip:
        out["peak_rss_gib"] = peak_rss()
        print(f"peak RSS of one full run: {out['peak_rss_gib']:.2f} GiB")
    if "sweep" not in args.skip:
        t1 = sweep(args.sweep_runs, args.sweep_scale, 1)
        t2 = sweep(args.sweep_runs, args.sweep_scale, 2)
        out["sweep"] = {
            "runs": args.sweep_runs,
            "scale": args.sweep_scale,
            "t1": t1,
            "t2": t2,
            "efficiency": t1 / (2 * t2),
        }
        print(f"sweep (load {load()}):", json.dumps(out["sweep"]))
    out["load_after"] = load()
    out["own_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2)
    print(json.dumps(out, indent=2, default=float))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
