"""Screening surge benchmark: 10,000 persons screened in 72 simulated hours (SR Arts 8-18).

    python bench/bench_screening.py model   --persons 10000 --hours 72
    python bench/bench_screening.py service --persons 10000 --hours 72 --db /tmp/screening.sqlite3

`model` runs the vectorised duration model (screening/durations.py: boats, pooled staff queue,
the simulated systems' latencies, hits, timeouts, manual verification) for the whole surge and
counts, with each person's Art. 8(3) time limit and Italy's holidays (`timelimit.last_days`), how
many screenings end within the limit and how many end at it with elements not done (Art. 18(5)).

`service` sends the same surge through the real stack, person by person in order of arrival, as
the screening staff's requests would come: start, health check, vulnerability check, identity,
the queries (Eurodac through the migralex registry, registration and comparison of a synthetic
fingerprint; the other systems simulated), verification of any hit, completion — each call one
audited, encrypted write transaction. 10 % of the persons were screened before (a Eurodac hit).
The service clock is the simulated one (each call at the modelled hour); wall time gives the
throughput and per-call latency. Each stage prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from migralex.registry.crypto import Keyring
from migralex.registry.matcher import SyntheticPopulation
from migralex.registry.service import Registry, RegistryConfig
from migralex.registry.store import Store
from migralex.screening.access import Staff
from migralex.screening.connectors.base import Query
from migralex.screening.connectors.eurodac import RegistryEurodac
from migralex.screening.connectors.simulated import simulated_systems
from migralex.screening.durations import Staffing, Surge, as_sim_days, model
from migralex.screening.model import Reason
from migralex.screening.record import Incomplete
from migralex.screening.service import ScreeningService
from migralex.screening.timelimit import REASON_CODES, last_days

KEY = Keyring.from_master(b"migralex-bench-screening-key-012")
START = np.datetime64("2026-12-04T06:00")  # a Friday: the surge runs over a weekend and the 8th
MS = "IT"


def peak_mib() -> float:
    """Peak resident set size of this process (MiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pct(values: list[float] | np.ndarray, q: float) -> float:
    """A percentile, rounded."""
    return round(float(np.percentile(np.asarray(values), q)), 3)


def run_model(persons: int, hours: float, seed: int) -> dict[str, np.ndarray]:
    """The surge through the duration model, with the time limit of each person."""
    t0 = time.perf_counter()
    m = model(Surge(persons, hours), Staffing(), np.random.default_rng(seed))
    event = START + (m["arrive_h"] * 60).astype("timedelta64[m]")
    reason = np.full(persons, REASON_CODES[Reason.disembarkation])
    last = last_days(event, reason, np.zeros(persons), MS)
    expires_h = ((last + np.timedelta64(1, "D")).astype("datetime64[m]") - START).astype(float) / 60
    within = m["end_h"] <= expires_h
    took = time.perf_counter() - t0
    print(json.dumps({
        "stage": "model", "persons": persons, "hours": hours, "seconds": round(took, 3),
        "duration_h": {"p50": pct(m["duration_h"], 50), "p95": pct(m["duration_h"], 95),
                       "p99": pct(m["duration_h"], 99), "max": round(float(m["duration_h"].max()), 1)},
        "ended_within_limit": int(within.sum()), "ended_at_limit_art_18_5": int((~within).sum()),
        "with_hits": int((m["hits"] > 0).sum()), "security_hits": int(m["security_hit"].sum()),
        "systems_still_failing": int((m["still_failing"] > 0).sum()),
        "sim_days_mean": round(float(as_sim_days(m["duration_h"] / 24, 7).mean()), 2),
        "peak_mib": peak_mib(),
    }))  # fmt: skip
    return {**m, "event": event, "expires_h": expires_h}


class Latencies:
    """Milliseconds per call, by the call's name."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)

    def timed(self, name: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Call `fn(*args, **kw)`, record its latency under `name`, return its result."""
        t = time.perf_counter()
        out = fn(*args, **kw)
        self.ms[name].append((time.perf_counter() - t) * 1000)
        return out


def identity_form() -> dict[str, Any]:
    """The identity form of every synthetic person (SR Art. 17)."""
    return {"name": "Synthetic Person", "date_of_birth": "1995-05-05", "place_of_birth": "unknown",
            "gender": "M", "nationalities": ["BD"], "countries_of_residence": ["LY"], "languages": ["bn"],
            "identity_confirmed": False, "applied_for_protection": True, "family_in_member_states": [],
            "cooperated": True}  # fmt: skip


def run_service(persons: int, hours: float, seed: int, db: Path) -> None:
    """The surge through the registry and the service, request by request."""
    m = run_model(persons, hours, seed)
    db.unlink(missing_ok=True)
    now = [dt.datetime(2026, 12, 4, 6, 0)]
    store = Store.open(f"sqlite:///{db}", KEY, synchronous="NORMAL")
    registry = Registry(store, clock=lambda: now[0], config=RegistryConfig(exact_below=50_000))
    conns = {**simulated_systems(seed), "eurodac": RegistryEurodac(registry)}
    svc = ScreeningService(store, conns, clock=lambda: now[0])
    rng = np.random.default_rng(seed)
    pop = SyntheticPopulation(1356)
    who = np.arange(persons)
    repeat = rng.random(persons) < 0.10
    who[repeat] = rng.integers(0, persons, int(repeat.sum())) + persons  # screened before
    earlier = np.unique(who[repeat])
    fingers = pop.capture("fingerprint", who, rng)
    register_earlier(svc, pop, rng, earlier, now)
    latency = Latencies()
    t0, cpu0 = time.perf_counter(), time.process_time()
    outcomes = screen_surge(svc, m, fingers, now, latency)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    report_service(persons, hours, wall, cpu, latency, outcomes, len(earlier))
    store.dispose()


def register_earlier(
    svc: ScreeningService, pop: SyntheticPopulation, rng: np.random.Generator, earlier: np.ndarray, now: list
) -> None:
    """The persons screened before: registered earlier in another Member State (not timed)."""
    prior = svc.connectors["eurodac"]
    for i, p in enumerate(earlier):
        now[0] = dt.datetime(2026, 11, 1, 8, 0)
        bio = {"fingerprint": pop.capture("fingerprint", np.array([p]), rng)[0]}
        q = Query(
            f"PRIOR-{i}", "GR", f"Prior Person{i}", "1990-01-01", (), None, bio, "disembarkation", "st_gr"
        )
        prior.query(q)


def screen_surge(
    svc: ScreeningService, m: dict[str, np.ndarray], fingers: np.ndarray, now: list, latency: Latencies
) -> dict[str, int]:
    """Each person in turn through the staff's requests, completed at the modelled hour; the outcomes."""
    desk = Desk(svc, latency)
    outcomes: dict[str, int] = defaultdict(int)
    base = dt.datetime(2026, 12, 4, 6, 0)
    for i in range(len(fingers)):  # one person = the staff's requests in turn (not a population loop)
        sid, at = f"LMP-{i:05d}", base + dt.timedelta(hours=float(m["arrive_h"][i]))
        now[0] = at
        desk.screen(sid, f"Person {i}", at, fingers[i])
        now[0] = base + dt.timedelta(hours=float(m["end_h"][i]))
        outcomes[desk.complete(sid)] += 1
    return outcomes


@dataclass
class Desk:
    """The screening staff (a border guard, a medical officer) sending one person's requests in turn."""

    svc: ScreeningService
    latency: Latencies
    border: Staff = field(default_factory=lambda: Staff("st_bench_b", MS, "border"))
    medical: Staff = field(default_factory=lambda: Staff("st_bench_m", MS, "medical"))
    form: dict[str, Any] = field(default_factory=identity_form)

    def screen(self, sid: str, name: str, at: dt.datetime, finger: np.ndarray) -> None:
        """SR Arts 8-17: start, health and vulnerability checks, identity, the queries, hits verified."""
        svc, border, timed = self.svc, self.border, self.latency.timed
        timed("start", svc.start, border, sid, "disembarkation", at.replace(microsecond=0, second=0),
              {"name": name})  # fmt: skip
        timed("health", svc.health, self.medical, sid, needs_care=False, isolation=False,
              no_further_check=True, notes=None)  # fmt: skip
        timed("vulnerability", svc.vulnerability, border, sid, [])
        timed("identity", svc.identity, border, sid, self.form)
        view = timed("check", svc.check, border, sid, biometrics={"fingerprint": finger})
        for h in view["hits"]:
            timed("verify", svc.verify, border, sid, h["system"], h["reference"], False)
        if view["gaps"]:
            timed("check", svc.check, border, sid, biometrics={"fingerprint": finger})

    def complete(self, sid: str) -> Any:
        """SR Art. 18: complete the screening; its status, or `refused_incomplete`."""
        try:
            done = self.latency.timed("complete", self.svc.complete, self.border, sid)
        except Incomplete:
            return "refused_incomplete"
        return done["status"]


def report_service(
    persons: int, hours: float, wall: float, cpu: float, latency: Latencies, outcomes: dict, earlier: int
) -> None:
    """Print the service stage's JSON line: throughput, latency per call, outcomes, memory."""
    calls = sum(len(v) for v in latency.ms.values())
    print(json.dumps({
        "stage": "service", "persons": persons, "wall_s": round(wall, 1),
        "persons_per_s": round(persons / wall, 1),
        "cpu_s": round(cpu, 1), "persons_per_cpu_s": round(persons / cpu, 1),
        "calls": calls, "calls_per_s": round(calls / wall, 1),
        "simulated_hours": hours, "real_time_factor": round(hours * 3600 / wall, 1),
        "latency_ms": {k: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95), "p99": pct(v, 99)}
                       for k, v in latency.ms.items()},
        "outcomes": dict(outcomes), "eurodac_prior": earlier, "peak_mib": peak_mib(),
    }))  # fmt: skip


def main() -> None:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["model", "service"])
    ap.add_argument("--persons", type=int, default=10_000)
    ap.add_argument("--hours", type=float, default=72.0)
    ap.add_argument("--seed", type=int, default=1356)
    ap.add_argument("--db", type=Path, default=Path("/tmp/migralex-bench-screening.sqlite3"))
    a = ap.parse_args()
    if a.stage == "model":
        run_model(a.persons, a.hours, a.seed)
    else:
        run_service(a.persons, a.hours, a.seed, a.db)


if __name__ == "__main__":
    main()
