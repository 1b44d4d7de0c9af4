"""Results of a simulation (one run or many): bands, tables, the summary, Parquet files.

With several runs every figure is given as the median and the 5–95 % band across runs (linear
quantiles over the runs, `numpy.quantile`); with one run the three coincide. Tables are polars
frames: daily persons by Member State and stage, border-procedure occupancy against adequate
capacity and the annual maximum, flows between stages (for a Sankey diagram), counters by Member
State. The summary is JSON-ready.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.errors import InvalidInput
from migralex.sim.engine import RunResult
from migralex.sim.population import Population
from migralex.sim.returns import FIGURES as RETURNS_FIGURES
from migralex.sim.rules_adapter import export_cases
from migralex.sim.stages import (
    BORDER,
    METRIC_NAMES,
    METRICS,
    PENDING_STAGES,
    PROCEDURES,
    RETURN_BORDER,
    STAGES,
)

QUANTILES = (0.05, 0.5, 0.95)
BAND_COLUMNS = ("p5", "median", "p95")
#: The per-Member-State figures of the summary: name → (metric names summed, description).
SUMMARY_FIGURES: dict[str, tuple[tuple[str, ...], str]] = {
    "arrivals": (("arrivals",), METRICS["arrivals"]),
    "applications": (("applications",), METRICS["applications"]),
    "transfers_out": (("transfers_out",), METRICS["transfers_out"]),
    "transfers_in": (("transfers_in",), METRICS["transfers_in"]),
    "relocations_out": (("relocations_out",), METRICS["relocations_out"]),
    "relocations_in": (("relocations_in",), METRICS["relocations_in"]),
    "border_entries": (("border_entries",), METRICS["border_entries"]),
    "decisions": (("decisions",), METRICS["decisions"]),
    "positive": (
        ("positive", "appeals_granted"),
        "decisions granting protection (first instance and appeal)",
    ),
    "return_decisions": (("return_decisions",), METRICS["return_decisions"]),
    "returns": (("returns",), METRICS["returns"]),
    "abscondings": (("abscondings", "transfer_abscondings"), "persons absconding (procedure or transfer)"),
}
RESETTLED = (
    "resettled or admitted persons arriving with protection decided (URF Art. 9(15)); in `protected`, "
    "not applications (AMMR Art. 9(3)(a)(viii))"
)
CONSERVATION = "checked: every person in exactly one stage on every day, in each of the {runs} run(s)"
FIGURES_EXTRA = {
    "border_procedure_peak": "highest number in the asylum + return border procedures (APR Art. 48(1))",
    "adequate_capacity": "adequate capacity of the implementing act in force (APR Art. 47(1))",
    "pending_at_end": "applicants still pending (registration to appeal) on the last day",
    "breaches": "time limits exceeded, by kind",
}
BREACHES = (
    "registration_breaches",
    "requests_late",
    "transfer_lapses",
    "border_breaches",
    "accelerated_breaches",
    "regular_extended",
    "regular_breaches",
)


def _ms(code: int) -> str | None:
    return EU27[code] if code >= 0 else None


def bands(values: np.ndarray) -> np.ndarray:
    """5 %, 50 % and 95 % quantiles over the first axis (the runs): shape (3, ...)."""
    return np.quantile(np.asarray(values, dtype=np.float64), QUANTILES, axis=0)


def _figure(values: np.ndarray) -> dict[str, float] | float:
    """One figure across runs: a number for one run, {median, p5, p95} for several."""
    if len(values) == 1:
        return float(values[0])
    p5, median, p95 = bands(values)
    return {"median": float(median), "p5": float(p5), "p95": float(p95)}


@dataclass
class SimulationResult:
    """The answer of `run_scenario`: summary (JSON-ready), tables, per-run arrays, written files."""

    scenario: str
    start: dt.date
    days: int
    runs: list[RunResult]
    legal_basis: dict[str, str]
    notes: tuple[str, ...] = ()
    paths: dict[str, Path] = field(default_factory=dict)
    population: Population | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ stacked arrays
    @property
    def n_runs(self) -> int:
        """Number of Monte-Carlo runs."""
        return len(self.runs)

    def stack(self, name: str) -> np.ndarray:
        """One array of every run stacked on a first axis (e.g. `metrics`: [run, ms, metric])."""
        return np.stack([getattr(r, name) for r in self.runs])

    def metric(self, name: str) -> np.ndarray:
        """A counter per run and Member State, scaled back to the whole population: [run, ms]."""
        scale = np.array([r.scale for r in self.runs])[:, None]
        return self.stack("metrics")[:, :, METRIC_NAMES.index(name)] / scale

    def occupancy(self) -> np.ndarray:
        """Persons in the asylum and return border procedures (APR Art. 48(1)): [run, day, ms]."""
        counts = self.stack("counts")
        scale = np.array([r.scale for r in self.runs])[:, None, None]
        return (counts[:, :, :, BORDER] + counts[:, :, :, RETURN_BORDER]) / scale

    # ------------------------------------------------------------------ tables
    def dates(self) -> np.ndarray:
        return np.datetime64(self.start, "D") + np.arange(self.days)

    def daily(self) -> pl.DataFrame:
        """Persons per day, Member State and stage: date, member_state, stage, p5, median, p95."""
        scale = np.array([r.scale for r in self.runs])[:, None, None, None]
        q = bands(self.stack("counts") / scale)  # (3, day, ms, stage)
        d, m, s = q.shape[1:]
        frame = {
            "date": np.repeat(self.dates(), m * s),
            "member_state": np.tile(np.repeat(np.array(EU27), s), d),
            "stage": np.tile(np.array(STAGES), d * m),
        }
        frame |= {col: q[k].reshape(-1) for k, col in enumerate(BAND_COLUMNS)}
        return pl.DataFrame(frame)

    def occupancy_table(self) -> pl.DataFrame:
        """Border-procedure occupancy per day and Member State with capacity, annual maximum, relief."""
        q = bands(self.occupancy())
        first = self.runs[0]
        d, m = q.shape[1:]
        relief = self.stack("relief")
        frame = {
            "date": np.repeat(self.dates(), m),
            "member_state": np.tile(np.array(EU27), d),
        }
        frame |= {col: q[k].reshape(-1) for k, col in enumerate(BAND_COLUMNS)}
        frame |= {
            "adequate_capacity": np.tile(self.adequate_capacity(), d),
            "annual_maximum": (first.annual_max / first.scale).T.reshape(-1),
            "capacity_relief_share": ((relief & 1) > 0).mean(axis=0).reshape(-1),
            "maximum_relief_share": ((relief & 2) > 0).mean(axis=0).reshape(-1),
        }
        return pl.DataFrame(frame)

    def flows(self) -> pl.DataFrame:
        """Flows between stages over the run: member_state, source, target, p5, median, p95."""
        scale = np.array([r.scale for r in self.runs])[:, None, None, None]
        q = bands(self.stack("flows") / scale)  # (3, ms, from, to)
        sources = (*STAGES, "arrival")
        rows = [
            (EU27[ms], sources[a], STAGES[b], *(float(q[k, ms, a, b]) for k in range(3)))
            for ms, a, b in zip(*np.nonzero(q[2]), strict=True)
        ]
        return pl.DataFrame(
            rows, schema=["member_state", "source", "target", *BAND_COLUMNS], orient="row"
        ).sort("member_state", "source", "target")

    def metrics_table(self) -> pl.DataFrame:
        """Every counter per Member State: member_state, metric, p5, median, p95."""
        scale = np.array([r.scale for r in self.runs])[:, None, None]
        q = bands(self.stack("metrics") / scale)
        m, k = q.shape[1:]
        return pl.DataFrame(
            {
                "member_state": np.repeat(np.array(EU27), k),
                "metric": np.tile(np.array(METRIC_NAMES), m),
                **{col: q[j].reshape(-1) for j, col in enumerate(BAND_COLUMNS)},
            }
        )

    def runs_table(self) -> pl.DataFrame:
        """Each run's Union totals and drawn behaviour (for sensitivity analysis): one row per run."""
        rows = []
        for k, r in enumerate(self.runs):
            row: dict[str, Any] = {"run": k, "seed": str(r.seed)}
            row |= {m: float(v) / r.scale for m, v in zip(METRIC_NAMES, r.metrics.sum(axis=0), strict=True)}
            row |= {f"behaviour.{n}": v for n, v in r.behaviour.items() if isinstance(v, (int, float))}
            rows.append(row)
        return pl.DataFrame(rows)

    def adequate_capacity(self) -> np.ndarray:
        """Adequate capacity per Member State as the act fixes it (APR Art. 47(1)), whatever the scale."""
        first = self.runs[0]
        if first.adequate_capacity is not None:
            return np.asarray(first.adequate_capacity, dtype=np.float64)
        return first.border_capacity / first.scale

    def returns_figures(self) -> dict[str, np.ndarray]:
        """The returns stage's counts per run and Member State, scaled to the population: [run, ms]."""
        stage = [r.returns for r in self.runs]
        if any(s is None for s in stage):
            return {}
        scale = np.array([r.scale for r in self.runs])[:, None]
        counts = {k: np.stack([s["counts"][k] for s in stage if s is not None]) for k in RETURNS_FIGURES}
        return {k: v / scale for k, v in counts.items()}

    def resettled(self) -> np.ndarray | None:
        """Resettled persons per run and Member State over the run, scaled to the population: [run, ms]."""
        if any(r.resettled is None for r in self.runs):
            return None
        scale = np.array([r.scale for r in self.runs])[:, None]
        return self.stack("resettled").sum(axis=1) / scale

    # ------------------------------------------------------------------ summary
    def summary(self) -> dict[str, Any]:
        """JSON-ready summary: per Member State and for the Union, medians and 5–95 % bands."""
        occ = self.occupancy()
        peak = occ.max(axis=1)  # [run, ms]
        counts = self.stack("counts")
        scale = np.array([r.scale for r in self.runs])[:, None]
        pending_end = counts[:, -1][:, :, list(PENDING_STAGES)].sum(axis=2) / scale
        first = self.runs[0]
        per_ms: dict[str, Any] = {}
        capacity = self.adequate_capacity()
        for j, ms in enumerate(EU27):
            entry: dict[str, Any] = {}
            for name, (metrics, _) in SUMMARY_FIGURES.items():
                entry[name] = _figure(np.sum([self.metric(m)[:, j] for m in metrics], axis=0))
            entry["border_procedure_peak"] = _figure(peak[:, j])
            entry["adequate_capacity"] = float(capacity[j])
            entry["pending_at_end"] = _figure(pending_end[:, j])
            entry["breaches"] = {b: _figure(self.metric(b)[:, j]) for b in BREACHES}
            per_ms[ms] = entry
        union: dict[str, Any] = {
            name: _figure(np.sum([self.metric(m).sum(axis=1) for m in metrics], axis=0))
            for name, (metrics, _) in SUMMARY_FIGURES.items()
        }
        union["border_procedure_peak_sum"] = _figure(peak.sum(axis=1))
        union["adequate_capacity"] = float(capacity.sum())
        union["pending_at_end"] = _figure(pending_end.sum(axis=1))
        union["breaches"] = {b: _figure(self.metric(b).sum(axis=1)) for b in BREACHES}
        extra = self.returns_figures()  # the returns stage (sim/returns.py), when the scenario has one
        for name, values in extra.items():
            union[name] = _figure(values.sum(axis=1))
            for j, ms in enumerate(EU27):
                per_ms[ms][name] = _figure(values[:, j])
        resettled = self.resettled()  # resettled persons (sim/resettlement.py), when the scenario has them
        if resettled is not None:
            union["resettled"] = _figure(resettled.sum(axis=1))
            for j, ms in enumerate(EU27):
                per_ms[ms]["resettled"] = _figure(resettled[:, j])
        timings = {k: float(np.median([r.timings.get(k, np.nan) for r in self.runs])) for k in first.timings}
        has_tp = first.tp_transitions is not None
        tp_extra = {"temporary_protection_end": self.tp_end_summary()} if has_tp else {}
        return tp_extra | {
            "scenario": self.scenario,
            "start": self.start.isoformat(),
            "days": self.days,
            "runs": self.n_runs,
            "scale": first.scale,
            "conservation": CONSERVATION.format(runs=self.n_runs),
            "figures": {name: text for name, (_, text) in SUMMARY_FIGURES.items()}
            | FIGURES_EXTRA
            | {k: v for k, v in RETURNS_FIGURES.items() if k in extra}
            | ({"resettled": RESETTLED} if resettled is not None else {}),
            "union": union,
            "member_states": per_ms,
            "legal_basis": self.legal_basis,
            "notes": list(self.notes),
            "median_timings_s": timings,
        }

    def tp_end_summary(self) -> dict[str, Any]:
        """The end of temporary protection (`sim.tp_end`): transitions per Member State with bands."""
        from migralex.sim.tp_end import OUTCOMES

        counts = self.stack("tp_transitions")  # [run, ms, outcome], whole population
        first = self.runs[0]
        info = dict(first.tp_info or {})
        info["shares_per_run"] = [r.tp_info["shares"] for r in self.runs if r.tp_info]
        info.pop("shares", None)
        info["union"] = {o: _figure(counts[:, :, k].sum(axis=1)) for k, o in enumerate(OUTCOMES)}
        info["member_states"] = {
            ms: {o: _figure(counts[:, j, k]) for k, o in enumerate(OUTCOMES)} for j, ms in enumerate(EU27)
        }
        if all(r.tp_accounting is not None for r in self.runs):
            info["accounting"] = self._tp_accounting()
        return info

    def _tp_accounting(self) -> dict[str, Any]:
        """The simulated applications at the end of temporary protection: registered or still waiting."""
        from migralex.sim.tp_end import ACCOUNTING

        scale = np.array([r.scale for r in self.runs])[:, None, None]
        acc = self.stack("tp_accounting") / scale  # [run, ms, column], scaled to the population
        names = tuple(ACCOUNTING)
        return {
            "figures": ACCOUNTING,
            "union": {c: _figure(acc[:, :, k].sum(axis=1)) for k, c in enumerate(names)},
            "member_states": {
                ms: {c: _figure(acc[:, j, k]) for k, c in enumerate(names)}
                for j, ms in enumerate(EU27)
                if acc[:, j, 0].any()
            },
        }

    # ------------------------------------------------------------------ persons
    def applicants(self) -> np.ndarray:
        """Persons (rows of the kept population) who applied during the run."""
        if self.population is None:
            raise InvalidInput("keep_persons", "the population was not kept: run with keep_persons=True")
        return np.flatnonzero(self.population.applies & (self.population.arr_day < self.days))

    def export_persons(self, persons: np.ndarray) -> list[dict[str, Any]]:
        """Persons as `{"case": <case format>, "simulated": <what happened>}`: the case can be given
        to the case engine (`migralex decide`) to explain responsibility and procedure."""
        if self.population is None or self.runs[0].persons is None:
            raise InvalidInput("keep_persons", "the population was not kept: run with keep_persons=True")
        pop, kept = self.population, self.runs[0].persons
        cases = export_cases(pop, np.asarray(persons), f"{self.scenario}-{self.runs[0].seed[-1]}")

        def day(v: int) -> str | None:
            return None if v < 0 else str(pop.date(np.array([v]))[0])

        out = []
        for i, case in zip(persons, cases, strict=True):
            stage = int(kept["stage"][i])
            out.append(
                {
                    "case": case,
                    "simulated": {
                        "stage": STAGES[stage] if stage >= 0 else "not_arrived",
                        "member_state": EU27[int(kept["member_state"][i])],
                        "responsible_member_state": _ms(int(kept["responsible"][i])),
                        "procedure": PROCEDURES[p] if (p := int(kept["procedure"][i])) >= 0 else None,
                        "registered_on": day(int(kept["registration_day"][i])),
                        "first_instance_decision_on": day(int(kept["decision_day"][i])),
                    },
                }
            )
        return out

    # ------------------------------------------------------------------ files
    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write the tables (Parquet) and the summary (JSON) into `folder`; returns the paths."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "daily": self.daily(),
            "occupancy": self.occupancy_table(),
            "flows": self.flows(),
            "metrics": self.metrics_table(),
            "runs": self.runs_table(),
        }
        paths: dict[str, Path] = {}
        for name, frame in tables.items():
            paths[name] = out / f"{name}.parquet"
            frame.write_parquet(paths[name])
        paths["summary"] = out / "summary.json"
        paths["summary"].write_text(json.dumps(self.summary(), indent=2, ensure_ascii=False), "utf-8")
        self.paths = paths
        return paths
