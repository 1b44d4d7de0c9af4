"""Relocation in the simulator: once per simulated week, the week's candidates are matched to the
places the contributing Member States pledged (AMMR Arts 57, 67).

The kernel runs a week at a time (`kernel.run_days` on a carried-over state). Between two weeks:

1. **Places** (`WeeklyPlan.places`): the pool of the scenario's year (fair shares of the
   contributing Member States, AMMR Arts 57(3), 66, scaled by the share pledged as relocations) is
   released evenly over the weeks of the pool year that the run covers (from the run's start, or
   1 January, to 31 December); places not used stay available. A benefitting Member State puts
   forward at most its share of the pool released so far (the scenario's split of the pool).
2. **Candidates** (`WeeklyPlan.candidates`): applicants lodged in a benefitting Member State who
   may be relocated (consent, no security flag: the population's `reloc_ok`), who were not yet
   put forward, and who still wait for their first-instance decision, first come first served.
3. **Matching**: a `Matcher` — a function of the week's `WeekBatch` and the places per Member
   State, returning the Member State of relocation per candidate (-1: not placed). `match_milp`
   calls the matching of `migralex.allocation` (the same code as `migralex relocate`);
   `pro_rata` is the former flow (places handed out in proportion to the places left).
4. The placed persons leave the decision queue and follow the AMMR Art. 67(9)-(11) timeline in the
   kernel (confirmation within one week, two in exceptional cases; transfer decision within one
   week of it; transfer within 4 weeks of the confirmation).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from migralex.countries import EU27
from migralex.errors import InvalidInput
from migralex.sim import kernel
from migralex.sim.kernel import KernelInputs, KernelOutputs
from migralex.sim.kernel_state import INQ, LOC, STATE
from migralex.sim.sorting import stable_argsort
from migralex.sim.stages import ACCELERATED, REGULAR

#: Matchers by name (the scenario's `solidarity.matching`).
MATCHERS = ("milp", "greedy", "pro_rata")


@dataclass(frozen=True)
class WeekBatch:
    """The candidates of one week (arrays of equal length, one entry per candidate)."""

    person: np.ndarray  # int64: person index in the run
    benefitting: np.ndarray  # int8: Member State where the person waits (EU27 order)
    nat: np.ndarray  # int16: case-format nationality code
    vulnerable: np.ndarray  # bool
    link: np.ndarray  # int8: Member State of a family member (-1: none), a meaningful link

    def __len__(self) -> int:
        return len(self.person)


Matcher = Callable[[WeekBatch, np.ndarray], np.ndarray]


def pro_rata(batch: WeekBatch, places: np.ndarray) -> np.ndarray:
    """The former flow: each candidate in turn to the Member State with the most places left
    (which spreads the places in proportion to the places), never to its own benefitting State."""
    out = np.full(len(batch), -1, np.int8)
    left = np.asarray(places, np.int64).copy()
    for k in range(len(batch)):  # one pass over the week's candidates (hundreds), not the population
        allowed = left.copy()
        allowed[batch.benefitting[k]] = 0
        c = int(np.argmax(allowed))
        if allowed[c] <= 0:
            continue
        out[k] = c
        left[c] -= 1
    return out


def match_milp(batch: WeekBatch, places: np.ndarray, method: str = "milp") -> np.ndarray:
    """The matching of `migralex.allocation` (AMMR Art. 67(3)-(6)) on the week's batch: the same
    solve as `match_batch` (`match_arrays`), its matrices built from the run's arrays (no table)."""
    from migralex.allocation import Batch, MatchParams, match_arrays
    from migralex.allocation.integration import scores

    out = np.full(len(batch), -1, np.int8)
    columns = np.flatnonzero(places > 0)  # Member States offering places, in EU27 (= code) order
    if not len(batch) or not len(columns):
        return out
    _check_offer(tuple(columns.tolist()))
    params = MatchParams()
    n = len(batch)
    own_link = (batch.link >= 0) & (batch.link != batch.benefitting)
    arrays = Batch(
        group_of_person=np.arange(n),  # no families in the run: everyone alone
        placeable=np.ones(n, bool),  # applicants with consent, no security flag (`reloc_ok`)
        links=own_link[:, None] & (batch.link[:, None] == columns[None, :]),
        vulnerable=batch.vulnerable.astype(bool),
        score=scores(_score_rows(params.score_year)[batch.nat], columns.tolist(), params.score_year),
        barred=batch.benefitting[:, None] == columns[None, :],
        capacity=places[columns].astype(np.int64),
    )
    state, _ = match_arrays(arrays, params, method)
    placed = state >= 0
    out[placed] = columns[state[placed]]
    return out


@cache
def _check_offer(columns: tuple[int, ...]) -> None:
    """The Member States offering places are bound by AMMR Part IV (`allocation.persons.check_places`;
    the answer depends only on which States offer, so it is asked once per set of States)."""
    from migralex.allocation.persons import check_places

    check_places(dict.fromkeys((EU27[c] for c in columns), 1))


@cache
def _score_rows(year: int) -> np.ndarray:
    """Per case-format nationality code, its row in the integration score table (-1: none)."""
    from migralex.allocation.integration import score_rows

    return score_rows(_iso2_codes().tolist(), year)


@cache
def _iso2_codes() -> np.ndarray:
    """Per case-format nationality code, its ISO alpha-2 code (None: stateless or unknown)."""
    from migralex.cases.codes import NATIONALITIES

    return np.array([_iso2(code) for code in NATIONALITIES], dtype=object)


def _iso2(code: str) -> str | None:
    """The nationality as ISO alpha-2 for the integration score (None: stateless or unknown)."""
    return code if len(code) == 2 and code.isalpha() and code.isupper() else None


def matcher(name: str) -> Matcher:
    """The matcher of the scenario (`solidarity.matching`)."""
    if name == "pro_rata":
        return pro_rata
    if name in ("milp", "greedy"):
        return lambda batch, places: match_milp(batch, places, method=name)
    raise InvalidInput("solidarity.matching", f"one of {', '.join(MATCHERS)}, got {name!r}")


@dataclass
class WeeklyPlan:
    """Places and candidates week by week, over one run (pledges and quotas per year, scaled)."""

    start: dt.date
    n_days: int
    pledge: np.ndarray  # float64 [ms]: relocations pledged per year (contributing Member States)
    quota: np.ndarray  # float64 [ms]: relocations per year from each benefitting Member State
    put_forward: np.ndarray = field(init=False)  # int64 [ms]: candidates placed this pool year

    def __post_init__(self) -> None:
        self.put_forward = np.zeros(len(self.quota), np.int64)

    def segments(self, step: int = 7) -> list[tuple[int, int]]:
        """Weeks [first, last) of the run, cut at 1 January (the pool is annual)."""
        out, t = [], 0
        while t < self.n_days:
            date = self.start + dt.timedelta(days=t)
            to_year_end = (dt.date(date.year, 12, 31) - date).days + 1
            end = min(t + step, t + to_year_end, self.n_days)
            out.append((t, end))
            t = end
        return out

    def released(self, day: int) -> float:
        """Share of the pool year's places released by the end of `day` (even over its days in
        the run: from the start, or 1 January, to 31 December)."""
        date = self.start + dt.timedelta(days=day)
        first = max(self.start, dt.date(date.year, 1, 1))
        span = (dt.date(date.year, 12, 31) - first).days + 1
        return ((date - first).days + 1) / span

    def new_year(self) -> None:
        """1 January: a new pool (the kernel resets the places left to the pledges)."""
        self.put_forward[:] = 0

    def places(self, day: int, pledge_left: np.ndarray) -> np.ndarray:
        """int64 [ms]: places open after `day`: what is left beyond the share kept for later."""
        keep = self.pledge * (1.0 - self.released(day))
        return np.maximum(np.floor(pledge_left - keep + 1e-9), 0).astype(np.int64)

    def caps(self, day: int) -> np.ndarray:
        """int64 [ms]: candidates each benefitting Member State may still put forward."""
        due = np.floor(self.quota * self.released(day) + 1e-9).astype(np.int64)
        return np.maximum(due - self.put_forward, 0)

    @staticmethod
    def candidates(benefitting: np.ndarray, order: np.ndarray, caps: np.ndarray) -> np.ndarray:
        """Indices of the week's candidates, taken in the order `order` (first lodged first), at
        most `caps[ms]` per benefitting Member State."""
        ms = benefitting[order]
        by_ms = stable_argsort(ms)
        idx, ms = order[by_ms], ms[by_ms].astype(np.int64)
        counts = np.bincount(ms, minlength=len(caps))
        rank = np.arange(len(ms)) - (np.cumsum(counts) - counts)[ms]  # place in its Member State's line
        keep = rank < caps[ms]
        return idx[keep]


def run_weekly(
    x: KernelInputs,
    start: dt.date,
    match: Matcher,
    vulnerable: np.ndarray | None = None,
    link: np.ndarray | None = None,
    timings: dict[str, float] | None = None,
) -> KernelOutputs:
    """Run the kernel a week at a time with the week's matching in between (see the module
    docstring); without relocation quotas, one pass. `vulnerable`, `link`: per person (default:
    none vulnerable, no links); `timings["relocation_matching"]` gets the seconds spent matching."""
    spent = 0.0
    kernel.check_inputs(x)
    s = kernel.start(x)
    plan = WeeklyPlan(start, x.n_days, np.asarray(x.pledge, float), np.asarray(x.reloc_quota, float))
    if not (plan.quota.sum() > 0 and plan.pledge.sum() > 0):
        return kernel.outputs(s, kernel.run_days(x, s, 0, x.n_days))
    n = len(x.arr_day)
    vulnerable = np.zeros(n, bool) if vulnerable is None else vulnerable
    link = np.full(n, -1, np.int8) if link is None else link
    pending = np.zeros(0, np.int64)
    for first, last in plan.segments():
        if first > 0 and x.year_start[first]:
            plan.new_year()
        error = kernel.run_days(x, s, first, last)
        if error != kernel.OK or last >= x.n_days:
            return kernel.outputs(s, error)
        fresh = np.flatnonzero(s.cand)
        s.cand[fresh] = False
        pending = np.concatenate([pending, fresh])
        stage = s.P[pending, STATE]
        waiting = (s.P[pending, INQ] >= 0) & ((stage == ACCELERATED) | (stage == REGULAR))
        pending = pending[waiting]
        if not len(pending):
            continue
        where = s.P[pending, LOC].astype(np.int8)
        order = stable_argsort(s.lodge_day[pending])
        chosen = plan.candidates(where, order, plan.caps(last - 1))
        places = plan.places(last - 1, s.pledge_left)
        if not len(chosen) or places.sum() <= 0:
            continue
        who = pending[chosen]
        batch = WeekBatch(who, where[chosen], x.nat[who], vulnerable[who], link[who])
        t0 = time.perf_counter()
        target = np.asarray(match(batch, places), np.int8)
        spent += time.perf_counter() - t0
        if timings is not None:
            timings["relocation_matching"] = spent
        placed = target >= 0
        _check_assignment(batch, target, places)
        kernel.start_relocations(x, s, last, who[placed], target[placed].astype(np.int64))
        s.pledge_left[:] -= np.bincount(target[placed], minlength=len(places))
        plan.put_forward += np.bincount(batch.benefitting[placed], minlength=len(places))
        pending = np.delete(pending, chosen[placed])  # the placed leave the line, the others keep their place
    return kernel.outputs(s, kernel.OK)  # pragma: no cover - the loop returns on the last segment


def _check_assignment(batch: WeekBatch, target: np.ndarray, places: np.ndarray) -> None:
    """The matcher kept to the places and never relocated a person to its own Member State."""
    if len(target) != len(batch):
        raise InvalidInput("relocation.matcher", f"{len(target)} answers for {len(batch)} candidates")
    placed = target >= 0
    used = np.bincount(target[placed], minlength=len(places))
    if (used > places).any() or (target[placed] == batch.benefitting[placed]).any():
        raise InvalidInput("relocation.matcher", "more persons than places, or to their own Member State")
