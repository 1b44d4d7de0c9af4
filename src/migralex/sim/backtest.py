"""The back-test: 2023 simulated from 2023's arrivals, compared with Eurostat's 2023 applications.

The scenario `backtest-2023` runs calendar year 2023 under the rules then in force (Dublin III),
driven by the Frontex detections of 2023 and calibrated on the applications of 2022 (never on
2023's). The shipped Eurostat data give applications per Member State per **year** (no monthly
series), so the comparison is annual, per Member State, with one error metric: the absolute
percentage error of the simulated median, averaged over the Member States (MAPE), reported with
its application-weighted version (Σ|error| / Σ observed) and against the naive forecast "2023 =
2022". The coverage is the share of Member States whose observed figure lies within the
simulated 5–95 % band. Monthly: only Italy's daily sea arrivals are shipped (Ministry of the
Interior); the simulated monthly detected arrivals in Italy (Frontex detections of the Central
Mediterranean route × persons per detection × Italy's share of the route) are set against them,
a check of the route split and of the spread within months, not an independent validation (both
count the same landings).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.data import load
from migralex.sim import arrivals as A
from migralex.sim.montecarlo import run_scenario
from migralex.sim.results import SimulationResult, bands
from migralex.sim.scenario import load_scenario

SCENARIO = "backtest-2023"
YEAR = 2023


def ape(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Absolute percentage errors (NaN where nothing was observed)."""
    obs = np.asarray(observed, dtype=float)
    return np.where(obs > 0, np.abs(np.asarray(simulated, float) - obs) / np.where(obs > 0, obs, 1), np.nan)


def weighted_error(simulated: np.ndarray, observed: np.ndarray) -> float:
    """Σ |simulated − observed| / Σ observed over the Member States with an observation."""
    ok = np.asarray(observed) > 0
    return float(
        np.abs(np.asarray(simulated)[ok] - np.asarray(observed)[ok]).sum() / np.asarray(observed)[ok].sum()
    )


@dataclass
class Backtest:
    """The comparison: one row per Member State, the headline metrics, Italy's monthly check."""

    table: pl.DataFrame
    mape: float
    weighted: float
    naive_mape: float
    naive_weighted: float
    coverage: float
    italy_monthly: pl.DataFrame
    italy_monthly_mape: float
    runs: int

    def markdown(self) -> str:
        """The results as Markdown tables (for docs/simulator.md)."""
        lines = [
            f"Runs: {self.runs}. MAPE of annual applications per Member State: **{self.mape:.0%}** "
            f"(naive 2023 = 2022: {self.naive_mape:.0%}); weighted by applications: **{self.weighted:.0%}** "
            f"(naive: {self.naive_weighted:.0%}); observed value inside the simulated 5–95 % band: "
            f"{self.coverage:.0%} of Member States. Italy, monthly sea arrivals: "
            f"MAPE {self.italy_monthly_mape:.0%}.",
            "",
            "| MS | observed 2023 | simulated median [5–95 %] | error | naive error |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in self.table.iter_rows(named=True):
            band = f"{r['median']:,.0f} [{r['p5']:,.0f}–{r['p95']:,.0f}]"
            errors = f"{r['ape']:.0%} | {r['naive_ape']:.0%}"
            lines.append(f"| {r['member_state']} | {r['observed']:,.0f} | {band} | {errors} |")
        return "\n".join(lines)


def italy_sea_arrivals(year: int) -> np.ndarray:
    """Italy's observed sea arrivals per month of `year` (Ministry of the Interior)."""
    sea = load("italy_sea_arrivals").filter(pl.col("date").dt.year() == year)
    out = np.zeros(12)
    for month, value in sea.group_by(pl.col("date").dt.month()).agg(pl.col("arrivals").sum()).iter_rows():
        out[month - 1] = value
    return out


def compare(result: SimulationResult, year: int = YEAR) -> Backtest:
    """Compare a run of the back-test scenario (of `year`) with the observed figures."""
    simulated = result.metric("applications")  # [run, ms]
    p5, median, p95 = bands(simulated)
    observed = A.applications_total(year)
    naive = A.applications_total(year - 1)
    errors, naive_errors = ape(median, observed), ape(naive, observed)
    table = pl.DataFrame(
        {
            "member_state": list(EU27),
            "observed": observed,
            "p5": p5,
            "median": median,
            "p95": p95,
            "ape": errors,
            "naive_ape": naive_errors,
            "inside_band": (observed >= p5) & (observed <= p95),
        }
    )
    months = np.array([d.month for d in result.dates().astype(object)]) - 1
    it = EU27.index("IT")
    scale = np.array([r.scale for r in result.runs])
    sim_it = np.stack(
        [np.bincount(months, weights=r.detected_daily[:, it], minlength=12) for r in result.runs]
    )
    sim_it = np.median(sim_it / scale[:, None], axis=0)
    obs_it = italy_sea_arrivals(year)
    monthly = pl.DataFrame({"month": np.arange(1, 13), "observed": obs_it, "simulated": sim_it})
    return Backtest(
        table=table,
        mape=float(np.nanmean(errors)),
        weighted=weighted_error(median, observed),
        naive_mape=float(np.nanmean(naive_errors)),
        naive_weighted=weighted_error(naive, observed),
        coverage=float(np.mean(table["inside_band"].to_numpy())),
        italy_monthly=monthly,
        italy_monthly_mape=float(np.nanmean(ape(sim_it, obs_it))),
        runs=result.n_runs,
    )


def backtest(runs: int = 5, seed: int = 0, scale: float = 1.0, workers: int | None = None) -> Backtest:
    """Run the back-test scenario and compare it with Eurostat 2023."""
    return compare(run_scenario(SCENARIO, runs=runs, seed=seed, scale=scale, workers=workers))


def main() -> None:
    """`python -m migralex.sim.backtest [--runs N]`: print the Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    result = backtest(args.runs, args.seed, args.scale)
    print(result.markdown())
    print()
    print(result.italy_monthly)


if __name__ == "__main__":
    main()


@dataclass
class ArrivalsBacktest:
    """The simulator's arrivals drawn from the forecast vs "same as last year", per year and route."""

    table: pl.DataFrame  # year, route, observed, naive, p5, median, p95
    summary: pl.DataFrame  # year, weighted_error, naive_weighted_error, reduction, coverage

    def markdown(self) -> str:
        """The results as Markdown tables (for docs/simulator.md)."""
        lines = [
            "| year | weighted error, forecast draws (median) | naive: same as last year | reduction"
            " | routes in 5–95 % |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in self.summary.iter_rows(named=True):
            lines.append(
                f"| {r['year']} | {r['weighted_error']:.0%} | {r['naive_weighted_error']:.0%} |"
                f" {r['reduction']:.0%} | {r['coverage']:.0%} |"
            )
        lines += ["", "| year | route | observed | naive | median [5–95 %] |", "|---|---|---:|---:|---:|"]
        for r in self.table.iter_rows(named=True):
            band = f"{r['median']:,.0f} [{r['p5']:,.0f}–{r['p95']:,.0f}]"
            lines.append(
                f"| {r['year']} | {r['route']} | {r['observed']:,.0f} | {r['naive']:,.0f} | {band} |"
            )
        return "\n".join(lines)


def _route_totals(arr: A.RouteArrivals) -> dict[str, float]:
    """Detections of a year per route (border types summed)."""
    out: dict[str, float] = {}
    for k, (route, _) in enumerate(arr.routes):
        out[route] = out.get(route, 0.0) + float(arr.detections[k].sum())
    return out


def arrivals_backtest(
    years: tuple[int, ...] = (2023, 2024), draws: int = 200, seed: int = 0
) -> ArrivalsBacktest:
    """Annual detections per route: `draws` draws of `A.draw_route_arrivals` (the forecast made at the
    end of the year before) against the observed year and the naive "same as last year"; the error is
    Σ|median − observed| / Σ observed over the routes."""
    rows, summary = [], []
    for i, year in enumerate(years):
        rng = np.random.default_rng([seed, i])
        sims = [_route_totals(A.draw_route_arrivals(year, rng)) for _ in range(draws)]
        observed, naive = _route_totals(A.route_arrivals(year)), _route_totals(A.route_arrivals(year - 1))
        for route in sorted(observed):
            values = np.array([s.get(route, 0.0) for s in sims])
            p5, median, p95 = np.percentile(values, [5, 50, 95])
            rows.append({"year": year, "route": route, "observed": observed[route],
                         "naive": naive.get(route, 0.0), "p5": p5, "median": median, "p95": p95})  # fmt: skip
        part = pl.DataFrame([r for r in rows if r["year"] == year])
        err = weighted_error(part["median"].to_numpy(), part["observed"].to_numpy())
        naive_err = weighted_error(part["naive"].to_numpy(), part["observed"].to_numpy())
        inside = ((part["observed"] >= part["p5"]) & (part["observed"] <= part["p95"])).mean()
        summary.append({"year": year, "weighted_error": err, "naive_weighted_error": naive_err,
                        "reduction": 1 - err / naive_err, "coverage": inside})  # fmt: skip
    return ArrivalsBacktest(pl.DataFrame(rows), pl.DataFrame(summary))


def applications_backtest(
    year: int, arrivals_source: str = "forecast", runs: int = 5, seed: int = 0, scale: float = 1.0
) -> Backtest:
    """The scenario `backtest-2023` moved to `year` (arrivals of `year`, calibrated on `year − 1`), its
    arrivals observed or drawn from the forecast made at the end of `year − 1`, against Eurostat."""
    spec = load_scenario(SCENARIO).with_changes(
        name=f"backtest-{year}-{arrivals_source}", start=dt.date(year, 1, 1), arrivals_year=year,
        calibration_year=year - 1, arrivals_source=arrivals_source,
    )  # fmt: skip
    return compare(run_scenario(spec, runs=runs, seed=seed, scale=scale, executor_kind="serial"), year)
