"""How long screenings take: one model for the surge benchmark and the simulator's screening stage.

A surge (boats arriving over some hours) meets the staff (pooled officers and medical staff, the
minutes each element takes) and the systems (the simulated back-ends' latencies, hits, timeouts
and outages, `connectors.simulated.draw`). Everything is vectorised over the population: the queue
is the Lindley recursion written with cumulative sums (`np.maximum.accumulate`), so one code path
serves ten persons and a million. The minutes and behaviours are assumptions of a simulation, not
measurements: docs/screening.md says so.

The simulator counts whole days: `as_sim_days` turns a duration into the days the screening
stage lasts (at least one, at most the Art. 8 time limit, at which the screening ends anyway,
Art. 18(5)); `screening_days` draws them from the scenario's mean as the stage always has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from migralex.screening.connectors.base import bases
from migralex.screening.connectors.simulated import DEFAULTS, Behaviour, draw


@dataclass(frozen=True)
class Staffing:
    """The screening staff on duty and the minutes each element takes (assumptions)."""

    officers: int = 60
    medical: int = 25
    health_minutes: float = 10.0
    vulnerability_minutes: float = 10.0
    identity_minutes: float = 15.0
    form_minutes: float = 15.0
    verification_hours: float = 6.0  # median of a manual verification (Art. 16), e.g. a SIRENE consultation
    retry_minutes: float = 30.0  # before a timed-out or unavailable system is queried again
    sigma: float = 0.5  # log-normal spread of every duration


@dataclass(frozen=True)
class Surge:
    """Persons arriving by boat over some hours (a Lampedusa-style surge)."""

    persons: int = 10_000
    hours: float = 72.0
    mean_boat: float = 60.0
    behaviours: dict[str, Behaviour] = field(default_factory=lambda: dict(DEFAULTS))


def arrivals(surge: Surge, rng: np.random.Generator) -> np.ndarray:
    """Arrival hour of each person, sorted: boats uniformly over the period, sizes geometric."""
    boats = max(1, round(surge.persons / surge.mean_boat))
    sizes = rng.multinomial(surge.persons, rng.dirichlet(np.ones(boats)))
    return np.sort(np.repeat(np.sort(rng.uniform(0, surge.hours, boats)), sizes))


def queue_finish(arrive_h: np.ndarray, service_h: np.ndarray, servers: int) -> np.ndarray:
    """When each person (in arrival order) is done at a pooled station of `servers` (fluid FIFO:
    finish_i = max_j≤i (arrive_j + Σ_{k=j..i} s_k / servers)), vectorised."""
    work = np.cumsum(service_h / servers)
    before = np.concatenate(([0.0], work[:-1]))
    return work + np.maximum.accumulate(arrive_h - before)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def systems(surge: Surge, n: int, rng: np.random.Generator) -> dict[str, Any]:
    """Every system queried for every person through the ESP (in parallel, Art. 16(1)); a timeout or
    outage is queried again once. Returns the seconds each person's queries take, hits and misses."""
    seconds = np.zeros(n)
    hits = np.zeros(n, dtype=np.int16)
    security = np.zeros(n, dtype=bool)
    failed = np.zeros(n, dtype=np.int16)
    for name, behaviour in surge.behaviours.items():
        basis = bases()[name]
        d = draw(behaviour, basis.timeout_s, n, rng)
        again = d.down | d.timeout
        retry = draw(behaviour, basis.timeout_s, n, rng)
        hit = d.hit | (again & retry.hit)
        seconds = np.maximum(seconds, d.latency_ms / 1000)
        hits += hit
        security |= hit & basis.security
        failed += again & (retry.down | retry.timeout)
    return {"query_s": seconds, "hits": hits, "security_hit": security, "still_failing": failed}


def model(surge: Surge, staff: Staffing, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The duration of every screening of a surge, in hours from arrival (vectorised)."""
    n = surge.persons
    arrive = arrivals(surge, rng)
    health = queue_finish(arrive, _lognormal(rng, staff.health_minutes, staff.sigma, n) / 60, staff.medical)
    officer = staff.vulnerability_minutes + staff.identity_minutes + staff.form_minutes
    desk = queue_finish(health, _lognormal(rng, officer, staff.sigma, n) / 60, staff.officers)
    s = systems(surge, n, rng)
    verify = np.where(s["hits"] > 0, _lognormal(rng, staff.verification_hours, staff.sigma, n), 0.0)
    retry = np.where(s["still_failing"] > 0, staff.retry_minutes / 60, 0.0)
    end = desk + s["query_s"] / 3600 + verify + retry
    return {"arrive_h": arrive, "end_h": end, "duration_h": end - arrive, **s}


def as_sim_days(days: np.ndarray, limit_days: int) -> np.ndarray:
    """Days the simulator's screening stage lasts: whole days, at least one, at most the time limit."""
    whole = np.maximum(1, np.ceil(days)).astype(np.int32)
    return np.minimum(whole, limit_days)


def screening_days(rng: np.random.Generator, mean_days: float, n: int, limit_days: int) -> np.ndarray:
    """The simulator's screening stage: exponential days with the scenario's mean, cut at the limit."""
    return as_sim_days(rng.exponential(mean_days, n), limit_days)
