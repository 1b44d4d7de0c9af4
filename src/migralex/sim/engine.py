"""One run of a scenario: draw the behaviour and the population, ask the case engine, run the days.

`simulate(scenario, seed)` is deterministic in its seed (a `numpy.random.SeedSequence`): the seed
spawns three streams — behavioural parameters, the population, the kernel's counter-based
generator — so the same seed gives bit-identical results in any process or on any cluster node.
Capacities and pledges come from the annual cycle (`migralex.cycle`): adequate capacity and annual
maxima (APR Arts 46-47) of the implementing act in force, fair shares of the Annual Solidarity Pool
(AMMR Arts 12, 57, 66). Legal time limits come from `params()` through the deadline table.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from migralex.countries import EU27
from migralex.cycle.capacity import annual_maximum, capacity
from migralex.cycle.pool import fair_shares, pool_size
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput, MigralexError
from migralex.law import ParameterSet, add_period
from migralex.sim import arrivals as A
from migralex.sim import relocation, resettlement, rules_adapter, tp_end
from migralex.sim.kernel import ERR_CONSERVATION, KernelInputs, KernelOutputs
from migralex.sim.population import Population, synthesise
from migralex.sim.returns import returns_stage
from migralex.sim.scenario import Drawn, Scenario
from migralex.sim.timelimits import deadline_table


class ConservationError(MigralexError):
    """A person was lost or counted twice: every arrival must be in exactly one stage every day."""


@dataclass(frozen=True)
class MemberStateInputs:
    """Capacities and pledges per Member State (EU27 order) for a run, before scaling."""

    border_capacity: np.ndarray  # int64: adequate capacity (APR Art. 47(1))
    annual_max: np.ndarray  # int64 [ms, day]
    pledges: np.ndarray  # float64: relocations pledged per year (contributing Member States)
    quotas: np.ndarray  # float64: relocations per year from each benefitting Member State
    notes: tuple[str, ...]


@dataclass
class RunResult:
    """What one run produces: compact arrays (no per-person data unless `persons` was asked for)."""

    scenario: str
    start: dt.date
    days: int
    scale: float
    seed: tuple[int, ...]
    counts: np.ndarray  # int32 [day, ms, stage]
    flows: np.ndarray  # int64 [ms, from (stage or arrival), to]
    metrics: np.ndarray  # int64 [ms, metric]
    apps_daily: np.ndarray  # int32 [day, ms]
    arrivals_daily: np.ndarray  # int32 [day, ms]
    detected_daily: np.ndarray  # int32 [day, ms]: arrivals detected at the external border
    relief: np.ndarray  # int8 [day, ms]
    border_capacity: np.ndarray  # int64 [ms] (scaled)
    annual_max: np.ndarray  # int64 [ms, day] (scaled)
    behaviour: dict[str, Any]
    timings: dict[str, float]
    notes: tuple[str, ...]
    persons: dict[str, np.ndarray] | None = field(default=None, repr=False)
    population: Population | None = field(default=None, repr=False)
    adequate_capacity: np.ndarray | None = None  # int64 [ms]: the act's figure, not scaled (APR Art. 47(1))
    returns: dict[str, Any] | None = None  # the returns stage (sim/returns.py): counts [ms], values drawn
    tp_transitions: np.ndarray | None = None  # float64 [ms, outcome]: end of temporary protection
    tp_info: dict[str, Any] | None = None
    resettled: np.ndarray | None = None  # int32 [day, ms]: resettled persons arriving (sim/resettlement.py)
    tp_accounting: np.ndarray | None = None  # int64 [ms, tp_end.ACCOUNTING]: the applications' registration


@lru_cache(maxsize=8)
def member_state_inputs(
    start: dt.date,
    n_days: int,
    regime: str,
    benefitting: tuple[str, ...],
    pool_relocations: int | None,
    calibration_year: int,
) -> MemberStateInputs:
    """Adequate capacity, annual maxima, pledges and quotas from `migralex.cycle` (cached)."""
    notes: list[str] = []
    try:
        years = Cycle(start.year - 1).capacity_years()
    except InvalidInput:
        years = (start.year - 3, start.year - 1)
        notes.append(
            f"no adequate-capacity act before {start.year}: capacity computed on {years[0]}-{years[1]}"
        )
    result, _ = capacity(years)
    cap = np.zeros(len(EU27), np.int64)
    for ms, value in result.frame.select("member_state", "adequate_capacity").iter_rows():
        cap[A.MS_INDEX[ms]] = value
    dates = np.datetime64(start, "D") + np.arange(n_days)
    amax = annual_maximum(cap[:, None], dates[None, :])
    pledges = np.zeros(len(EU27))
    quotas = np.zeros(len(EU27))
    if regime == "pact" and benefitting:
        cycle = Cycle(start.year - 1)
        shares = fair_shares(cycle_reference_key(cycle), pool_size(pool_relocations, on=cycle.proposal_date))
        for ms, value in shares.frame.select("member_state", "relocations").iter_rows():
            if ms not in benefitting:  # benefitting Member States need not implement (AMMR Art. 60(3))
                pledges[A.MS_INDEX[ms]] = value
        weights = A.applications(calibration_year).sum(axis=1)
        idx = [A.MS_INDEX[ms] for ms in benefitting]
        quotas[idx] = pledges.sum() * weights[idx] / weights[idx].sum()
        notes.append(
            f"pool of {cycle.pool_year}: fair shares of the contributing Member States "
            "(AMMR Art. 57(3), 66); "
            f"relocations split among {', '.join(benefitting)} in proportion to their applications of "
            f"{calibration_year}"
        )
    return MemberStateInputs(cap, amax, pledges, quotas, tuple(notes))


def crisis_table(scenario: Scenario, law: ParameterSet) -> np.ndarray:
    """int8 [ms, day]: the CFMR situation in force (0: none); at most CFMR Art. 5(3) in total."""
    out = np.zeros((len(EU27), scenario.days), np.int8)
    limit = law["cfmr.maximum_total_duration"]
    for i, crisis in enumerate(scenario.crises):
        where = f"scenario {scenario.name}: crises[{i}]"
        first = (crisis.start - scenario.start).days
        if first < 0:
            raise InvalidInput(f"{where}.start", "before the first simulated day")
        period = limit.period_at(max(crisis.start, limit.values[0].start))
        allowed = add_period(crisis.start, period, crisis.member_state)[0]
        if np.datetime64(crisis.start, "D") + np.timedelta64(crisis.days - 1, "D") > allowed:
            raise InvalidInput(
                f"{where}.days", f"derogations apply for at most {period} ({limit.ref.cite()})"
            )
        out[A.MS_INDEX[crisis.member_state], first : first + crisis.days] = crisis.code  # none past the end
    return out


def _seeds(seed: np.random.SeedSequence | int) -> tuple[np.random.SeedSequence, ...]:
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return tuple(root.spawn(3))


Prepared = tuple[KernelInputs, Population, Drawn, dict[str, float], tuple[str, ...]]


def prepare(scenario: Scenario, seed: np.random.SeedSequence | int) -> Prepared:
    """Everything a run needs, drawn from `seed`: kernel inputs, population, behaviour, timings."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    s_behaviour, s_population, s_kernel = _seeds(seed)
    law = scenario.parameters()
    b = scenario.behaviour.draw(np.random.default_rng(s_behaviour))
    pop = synthesise(scenario, law, b, np.random.default_rng(s_population))
    timings["population"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    answers = _ask_case_engine(scenario, law, pop)
    timings["case_engine"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ms = _member_state_inputs_of(scenario)
    x = _kernel_inputs(scenario, law, s_kernel, pop, b, answers, ms)
    timings["inputs"] = time.perf_counter() - t0
    return x, pop, b, timings, _run_notes(scenario, pop, ms, answers)


def _ask_case_engine(scenario: Scenario, law: ParameterSet, pop: Population) -> rules_adapter.Answers:
    """Responsibility and channelling for the population, mass-arrival crises named (CFMR Art. 11)."""
    mass = tuple(A.MS_INDEX[c.member_state] for c in scenario.crises if c.kind == "mass_arrivals")
    return rules_adapter.decide(pop, law, scenario.regime, scenario.safe_countries_of_origin, mass)


def _member_state_inputs_of(scenario: Scenario) -> MemberStateInputs:
    """`member_state_inputs` for the scenario's start, days, regime, solidarity and calibration year."""
    return member_state_inputs(
        scenario.start, scenario.days, scenario.regime, scenario.solidarity.benefitting,
        scenario.solidarity.pool_relocations, scenario.calibration_year,
    )  # fmt: skip


def _calibration(year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Recognition rates, applications, daily decisions and destination CDFs of the calibration year."""
    per_day, p_rec = A.first_instance(year)
    apps_cal = A.applications_total(year)
    apps_cal = np.where(np.isnan(apps_cal), A.applications(year).sum(axis=1), apps_cal)
    dec_base = np.where(per_day > 0, per_day, apps_cal / 365.0)
    dest_cdf = np.cumsum(A.destinations(A.applications(year)), axis=1)
    return p_rec, apps_cal, dec_base, dest_cdf


def _kernel_inputs(
    scenario: Scenario,
    law: ParameterSet,
    s_kernel: np.random.SeedSequence,
    pop: Population,
    b: Drawn,
    answers: rules_adapter.Answers,
    ms: MemberStateInputs,
) -> KernelInputs:
    """The kernel's arrays: the population, the engine's answers, capacities scaled, the law's tables."""
    days, scale = scenario.days, scenario.scale
    p_rec, apps_cal, dec_base, dest_cdf = _calibration(scenario.calibration_year)
    dates = np.datetime64(scenario.start, "D") + np.arange(days)
    never = np.full(len(pop), np.iinfo(np.int32).max, np.int32)
    return KernelInputs(
        n_days=days,
        seed=np.uint64(s_kernel.generate_state(1, np.uint64)[0]),
        arr_day=pop.arr_day,
        first_ms=pop.first_ms,
        screen_day=pop.screen_day,
        path=pop.path,
        app_ms=pop.app_ms,
        make_day=pop.make_day,
        nat=pop.nat,
        resp=answers.resp,
        req_kind=answers.req_kind,
        proc_reg=answers.proc_reg,
        proc_cap=answers.proc_cap,
        proc_max=answers.proc_max,
        proc_ter=answers.proc_ter,
        proc_crisis=answers.proc_crisis,
        proc_instr=answers.proc_instr,
        instrumentalised=pop.instrumentalised,
        reloc_ok=pop.reloc_ok,
        init_stage=pop.init_stage,
        init_deadline=never,
        init_deadline2=never,
        reg_cap=b.registration_capacity_factor * apps_cal / 365.0 * scale,
        dec_cap=b.decision_capacity_factor * dec_base * scale,
        border_cap=np.round(ms.border_capacity * scale).astype(np.int64),
        annual_max=np.round(ms.annual_max * scale).astype(np.int64),
        optional_use=b.optional_border_use,
        reloc_quota=ms.quotas * b.relocation_pledge_share * scale,
        pledge=ms.pledges * b.relocation_pledge_share * scale,
        crisis=crisis_table(scenario, law),
        year_start=(dates.astype("datetime64[D]") == dates.astype("datetime64[Y]").astype("datetime64[D]")),
        dl=deadline_table(law, scenario.regime, scenario.start, days),
        p_rec=p_rec,
        dest_cdf=dest_cdf,
        bp=b.kernel_scalars(),
    )


def _run_notes(
    scenario: Scenario, pop: Population, ms: MemberStateInputs, answers: rules_adapter.Answers
) -> tuple[str, ...]:
    """What the run rests on: population, capacities, recognition rates, the pool and its matching."""
    notes = (*pop.notes, *ms.notes, f"recognition rates for channelling: {answers.rates_source}")
    if scenario.solidarity.pool_act and scenario.regime == "pact":
        notes += (
            f"pool of {scenario.solidarity.pool_relocations:,} relocations: {scenario.solidarity.pool_act}",
        )
    if scenario.regime == "pact" and scenario.solidarity.benefitting:
        notes += (
            f"relocations matched week by week ({scenario.solidarity.matching}) against the places released "
            "so far; AMMR Art. 67(9)-(11) time limits",
        )
    return notes


def simulate(scenario: Scenario, seed: np.random.SeedSequence | int, keep_persons: bool = False) -> RunResult:
    """One run of `scenario` from `seed` (see the module docstring)."""
    x, pop, b, timings, notes = prepare(scenario, seed)
    out = _run_days(scenario, x, pop, timings)
    arriving = (pop.arr_day >= 0) & (pop.arr_day < scenario.days)
    arrivals = per_day_and_state(pop.arr_day[arriving], pop.first_ms[arriving], scenario.days)
    hit = arriving & (pop.route >= 0)
    detected = per_day_and_state(pop.arr_day[hit], pop.first_ms[hit], scenario.days)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    persons = _persons(out) if keep_persons else None
    resettled = resettlement.run_arrivals(scenario, root)
    if resettled is not None:  # admitted with protection decided (URF Art. 9(15)): into `protected`
        resettlement.add_to_run(out.counts, out.flows, resettled[0])
        notes += tuple(n for n in (resettled[1],) if n)
    returns = _returns(scenario, root, x, pop, out, timings)
    return RunResult(
        returns=returns,
        resettled=None if resettled is None else resettled[0],
        scenario=scenario.name,
        start=scenario.start,
        days=scenario.days,
        scale=scenario.scale,
        seed=(int(root.entropy), *root.spawn_key) if isinstance(root.entropy, int) else tuple(root.spawn_key),
        counts=out.counts,
        flows=out.flows,
        metrics=out.metrics,
        apps_daily=out.apps_daily,
        arrivals_daily=arrivals,
        detected_daily=detected,
        relief=out.relief,
        border_capacity=x.border_cap,
        annual_max=x.annual_max,
        behaviour=b.to_json(),
        timings=timings,
        notes=notes,
        persons=persons,
        population=pop if keep_persons else None,
        tp_transitions=None if pop.tp_transitions is None else pop.tp_transitions.counts,
        tp_info=None if pop.tp_transitions is None else pop.tp_transitions.info(),
        tp_accounting=_tp_accounting(pop, out, scenario.days),
        adequate_capacity=_member_state_inputs_of(scenario).border_capacity,
    )


def _run_days(
    scenario: Scenario, x: KernelInputs, pop: Population, timings: dict[str, float]
) -> KernelOutputs:
    """The kernel over every day, relocations matched week by week; conservation checked."""
    t0 = time.perf_counter()
    match = relocation.matcher(scenario.solidarity.matching)
    out: KernelOutputs = relocation.run_weekly(
        x, scenario.start, match, pop.vulnerable, pop.family_ms, timings=timings
    )
    timings["kernel"] = time.perf_counter() - t0 - timings.get("relocation_matching", 0.0)
    check_conservation(out.counts, pop)
    if out.error == ERR_CONSERVATION:  # pragma: no cover - check_conservation names the day first
        raise ConservationError(f"scenario {scenario.name}: persons lost or duplicated")
    return out


def _persons(out: KernelOutputs) -> dict[str, np.ndarray]:
    """Per-person outcomes of the run (asked for with `keep_persons`)."""
    return {
        "stage": out.state,
        "member_state": out.loc,
        "responsible": out.responsible,
        "procedure": out.procedure,
        "registration_day": out.reg_day,
        "decision_day": out.decision_day,
    }


def _returns(
    scenario: Scenario,
    root: np.random.SeedSequence,
    x: KernelInputs,
    pop: Population,
    out: KernelOutputs,
    timings: dict[str, float],
) -> dict[str, Any] | None:
    """The returns stage after the return decision (`migralex.sim.returns`), if the scenario has one."""
    if scenario.returns is None:
        return None
    t0 = time.perf_counter()
    returns = returns_stage(scenario.returns, root, out.state, out.loc, pop.nat, x.dest_cdf, len(EU27))
    timings["returns_stage"] = time.perf_counter() - t0
    return returns


def _tp_accounting(pop: Population, out: KernelOutputs, days: int) -> np.ndarray | None:
    """Where the applications at the end of temporary protection are on the last day (`sim.tp_end`)."""
    if pop.tp_applicant is None:
        return None
    return tp_end.accounting(
        pop.tp_applicant, pop.app_ms, pop.arr_day, out.state, out.reg_day, days, len(EU27)
    )


def per_day_and_state(day: np.ndarray, ms: np.ndarray, n_days: int) -> np.ndarray:
    """int32 [day, ms]: persons per day and Member State (a count, as `np.add.at` but linear)."""
    cell = day.astype(np.int64) * len(EU27) + ms
    return np.bincount(cell, minlength=n_days * len(EU27)).reshape(n_days, len(EU27)).astype(np.int32)


def check_conservation(counts: np.ndarray, pop: Population) -> None:
    """Every person present (pending on day 0, or arrived by that day) is in exactly one stage."""
    present = np.bincount(np.clip(pop.arr_day, 0, None), minlength=counts.shape[0])[: counts.shape[0]]
    expected = np.cumsum(present)
    got = counts.reshape(counts.shape[0], -1).sum(axis=1)
    if not np.array_equal(got, expected):
        day = int(np.flatnonzero(got != expected)[0])
        raise ConservationError(f"day {day}: {got[day]} persons in the stages, {expected[day]} present")
