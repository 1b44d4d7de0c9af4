"""Monte Carlo over seeds and parameter ranges, on any `concurrent.futures` executor.

`run_scenario` spawns one child seed per run from `numpy.random.SeedSequence(seed)`; each run is a
pure function of its scenario and child seed (`engine.simulate`), so the results are bit-identical
whichever executor ran them: in this process (`executor="serial"`), a local process pool (the
default for several runs) or a Dask cluster (`dask="tcp://host:8786"`, or `dask="local"` for a
LocalCluster; both through `Client.get_executor()`). Process pools use the `spawn` start method
(polars and numba are not fork-safe), so a script that calls `run_scenario` with several runs
needs the usual `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

from migralex.errors import InvalidInput
from migralex.sim.engine import RunResult, simulate
from migralex.sim.results import SimulationResult
from migralex.sim.scenario import Scenario, load_scenario
from migralex.sim.timelimits import period_labels

ProgressCallback = Callable[[int, int], None]

#: Where the simulator's legal steps come from (the time limits are added per scenario).
LEGAL_BASIS = {
    "responsibility": "AMMR Arts 16, 25-33 (Dublin III Arts 8-17 before 1 July 2026): migralex.rules",
    "channelling": "APR Arts 42-45, 53; CFMR Art. 11: migralex.rules",
    "adequate_capacity": "APR Art. 46, Art. 47(4): migralex.cycle.capacity",
    "annual_maximum": "APR Art. 47(1), second subparagraph; Art. 47(3), Art. 50",
    "capacity_relief": "APR Art. 47(2), Art. 48 (inflow-outflow, rest of the calendar year)",
    "transfer_failure": "AMMR Art. 46(2): responsibility shifts to the requesting Member State",
    "relocation": "AMMR Arts 57, 60(3), 66, 67: migralex.cycle.pool",
    "return_border_procedure": "RBPR Art. 4(2); Art. 6 in a crisis",
    "time_limits": "AMMR Art. 75, APR Art. 73, RBPR Art. 11: migralex.law.add_period",
}


def _one(scenario: Scenario, seed: np.random.SeedSequence, keep_persons: bool) -> RunResult:
    """One run (the unit of work sent to the executor)."""
    return simulate(scenario, seed, keep_persons=keep_persons)


@contextlib.contextmanager
def executor(
    kind: str = "process", workers: int | None = None, dask: str | None = None
) -> Iterator[Executor | None]:
    """An executor for the runs: None (serial), a spawn-based process pool, or a Dask executor."""
    if dask is not None:
        from distributed import Client, LocalCluster

        if dask == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            with cluster, Client(cluster) as client:
                yield client.get_executor()
        else:
            with Client(dask) as client:
                yield client.get_executor()
        return
    if kind == "serial":
        yield None
        return
    if kind != "process":
        raise InvalidInput("executor", f"unknown executor {kind!r}: serial, process, or dask=ADDRESS")
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx) as pool:
        yield pool


def run_many(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    pool: Executor | None,
    progress: ProgressCallback | None = None,
    keep_persons: bool = False,
) -> list[RunResult]:
    """Run every seed on `pool` (or here); results in seed order."""
    total = len(seeds)
    results: list[RunResult | None] = [None] * total
    if pool is None:
        for k, s in enumerate(seeds):
            results[k] = _one(scenario, s, keep_persons)
            if progress:
                progress(k + 1, total)
    else:
        futures = {pool.submit(_one, scenario, s, keep_persons): k for k, s in enumerate(seeds)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, total)
    return [r for r in results if r is not None]


def run_scenario(
    name_or_spec: str | Path | Scenario,
    days: int | None = None,
    seed: int = 0,
    runs: int = 1,
    progress_callback: ProgressCallback | None = None,
    *,
    scale: float | None = None,
    executor_kind: str | None = None,
    workers: int | None = None,
    dask: str | None = None,
    out: str | Path | None = None,
    keep_persons: bool = False,
) -> SimulationResult:
    """Simulate a scenario `runs` times (seeds spawned from `seed`); medians and 5–95 % bands.

    `name_or_spec`: a shipped scenario name, a YAML path or a `Scenario`. `days` and `scale`
    override the scenario's. One run goes in this process unless an executor is named; several go
    to a local process pool unless `executor_kind="serial"` or `dask` is given. `progress_callback`
    is called with (runs done, runs) after each run. With `out`, the tables are written there as
    Parquet with `summary.json`. `keep_persons` keeps the population of a single run (to export
    cases).
    """
    scenario = name_or_spec if isinstance(name_or_spec, Scenario) else load_scenario(name_or_spec)
    changes: dict[str, Any] = {}
    if days is not None:
        changes["days"] = days
    if scale is not None:
        changes["scale"] = scale
    if changes:
        scenario = scenario.with_changes(**changes)
    if runs < 1:
        raise InvalidInput("runs", f"at least one run, got {runs}")
    if keep_persons and runs != 1:
        raise InvalidInput("keep_persons", "persons can be kept for a single run only")
    seeds = np.random.SeedSequence(seed).spawn(runs)
    kind = executor_kind or ("serial" if runs == 1 and dask is None else "process")
    with executor(kind, workers, dask) as pool:
        results = run_many(scenario, seeds, pool, progress_callback, keep_persons)
    law = scenario.parameters()
    result = SimulationResult(
        scenario=scenario.name,
        start=scenario.start,
        days=scenario.days,
        runs=results,
        legal_basis=LEGAL_BASIS | period_labels(law, scenario.regime, scenario.start),
        notes=results[0].notes,
        population=results[0].population if keep_persons else None,
    )
    if out is not None:
        result.write(out)
    return result
