"""Resettled persons as an inflow per Member State, parameterised by the Union Plan (URF Art. 8).

Each Member State's pledge is admitted evenly over the plan's days (the plan gives no calendar);
`completion` scales the pledges (the share actually admitted: 11,827 of 15,000 in 2024 per UNHCR,
as cited by the IRC — an assumption of the scenario, not law). Where the plan's per-Member-State
pledges are not shipped, the adopted total is spread over the EU27 by population — an
ILLUSTRATIVE assumption, labelled as such in every output. Resettled persons arrive with
protection (or a humanitarian status) already decided (URF Art. 9(15)-(17)): in a run they enter the
stage `protected` of their Member State on arrival (`run_arrivals`, `add_to_run`), never the asylum
queues, and are counted as admitted persons (AMMR Art. 9(3)(a)(viii)), not as applications.
Vectorised: one array [day, Member State].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.data.load import load
from migralex.resettlement.plan import MISSING_PLEDGES, Plan, plan

if TYPE_CHECKING:
    from migralex.sim.scenario import Scenario


@dataclass(frozen=True)
class Inflow:
    """Resettled persons per day and Member State over a window, with how the pledges were set."""

    start: dt.date
    daily: np.ndarray  # float64 [day, ms], EU27 order
    pledges: dict[str, float]
    assumption: str | None

    def totals(self) -> pl.DataFrame:
        """Persons per Member State over the window."""
        return pl.DataFrame({"member_state": list(EU27), "resettled": self.daily.sum(axis=0)})


def population_shares(year: int = 2024) -> np.ndarray:
    """EU27 population shares (Eurostat demo_gind), the illustrative spread of an unknown split."""
    pop = load("population").filter(pl.col("country").is_in(list(EU27)))
    latest = (
        pop.filter(pl.col("year") <= year)
        .group_by("country")
        .agg(pl.col("population").sort_by("year").last())
    )
    table = dict(zip(latest["country"].to_list(), latest["population"].to_list(), strict=True))
    values = np.array([float(table.get(ms, 0)) for ms in EU27])
    return values / values.sum()


def pledges_of(p: Plan, completion: float = 1.0) -> tuple[dict[str, float], str | None]:
    """Pledges per Member State (scaled by `completion`), and the assumption used, if any."""
    if p.pledges_known:
        return {ms: p.pledges.get(ms, 0) * completion for ms in EU27}, None
    shares = population_shares()
    spread = {ms: float(s) * p.total * completion for ms, s in zip(EU27, shares, strict=True)}
    return spread, f"{MISSING_PLEDGES} ILLUSTRATIVE: the total is spread by population share."


def inflow(
    start: dt.date, days: int, *, plan_name: str = "union-2026-2027", completion: float = 1.0
) -> Inflow:
    """Resettled arrivals per day and Member State for the window [start, start + days)."""
    p = plan(plan_name)
    pledges, assumption = pledges_of(p, completion)
    plan_days = (p.end - p.start).days + 1
    per_day = np.array([pledges[ms] for ms in EU27]) / plan_days
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    inside = (dates >= np.datetime64(p.start)) & (dates <= np.datetime64(p.end))
    daily = inside[:, None] * per_day[None, :]
    return Inflow(start, daily, pledges, assumption)


#: An extra child of the run's seed (far from the engine's three and the returns stage's).
SPAWN_KEY = 1350
BASIS = (
    "URF Art. 9(15): the decision granting refugee or subsidiary protection status has its effect "
    "'after the person concerned has entered the territory of a Member State'; counted as admitted "
    "persons (AMMR Art. 9(3)(a)(viii)), not as applications (Art. 9(3)(a)(i)) nor as solidarity "
    "contributions (AMMR Art. 56(2))"
)


def run_arrivals(scenario: Scenario, root: np.random.SeedSequence) -> tuple[np.ndarray, str | None] | None:
    """Resettled persons of one run, int32 [day, ms] at the run's scale (Poisson around the plan's daily
    admissions), from a child of the run's seed; None when the scenario has no `resettlement`."""
    spec = scenario.resettlement
    if spec is None:
        return None
    f = inflow(scenario.start, scenario.days, plan_name=spec.plan, completion=spec.completion)
    rng = np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, SPAWN_KEY)))
    return rng.poisson(f.daily * scenario.scale).astype(np.int32), f.assumption


def add_to_run(counts: np.ndarray, flows: np.ndarray, daily: np.ndarray) -> None:
    """The resettled enter the stage `protected` of their Member State on arrival (URF Art. 9(15)):
    in place, counts [day, ms, stage] += the running total, flows [ms, arrival, protected] += total."""
    from migralex.sim.stages import ARRIVAL, PROTECTED

    counts[:, :, PROTECTED] += np.cumsum(daily, axis=0, dtype=counts.dtype)
    flows[:, ARRIVAL, PROTECTED] += daily.sum(axis=0).astype(flows.dtype)
