"""Simulated back-ends: in-process, seeded stand-ins for SIS, ECRIS-TCN, EES, ETIAS, VIS, Europol,
Interpol SLTD and TDAWN (Eurodac is the migralex registry itself, `eurodac.RegistryEurodac`).

They stand for the *behaviour* of a system as the screening sees it — a hit rate, a latency
distribution, an availability — not for its data: no real person is in them, and a hit carries
no content beyond a synthetic reference. Latencies are drawn, not slept: a drawn latency above the
system's timeout is answered as a timeout at the timeout. `draw` is the vectorised form (one call
per system for a whole population), used by the surge benchmark.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from migralex.errors import InvalidInput
from migralex.screening.connectors.base import Answer, Query, QueryBasis, Result, bases


@dataclass(frozen=True)
class Behaviour:
    """How a simulated system behaves: share of queries with a hit, latency (log-normal), availability."""

    hit_rate: float = 0.01
    latency_ms: float = 150.0
    latency_sigma: float = 0.6
    availability: float = 1.0

    def __post_init__(self) -> None:
        for name in ("hit_rate", "availability"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise InvalidInput(name, f"a share between 0 and 1, got {v}")
        if self.latency_ms <= 0 or self.latency_sigma < 0:
            raise InvalidInput("latency_ms", "latency must be positive and sigma not negative")


#: Default behaviours (assumptions for a simulation, not measurements of the real systems).
DEFAULTS: dict[str, Behaviour] = {
    "sis": Behaviour(0.02, 120.0),
    "ecris_tcn": Behaviour(0.004, 250.0),
    "ees": Behaviour(0.003, 150.0),
    "etias": Behaviour(0.002, 150.0),
    "vis": Behaviour(0.003, 200.0),
    "europol": Behaviour(0.002, 300.0),
    "interpol_sltd": Behaviour(0.01, 400.0, 0.8),
    "interpol_tdawn": Behaviour(0.002, 400.0, 0.8),
    "eurodac": Behaviour(0.15, 300.0),
}


@dataclass(frozen=True)
class Draws:
    """One system's answers for a population: latency (ms), hit, down, timeout (arrays)."""

    latency_ms: np.ndarray
    hit: np.ndarray
    down: np.ndarray
    timeout: np.ndarray


def draw(behaviour: Behaviour, timeout_s: float, n: int, rng: np.random.Generator) -> Draws:
    """The answers of one system to `n` queries, vectorised."""
    latency = behaviour.latency_ms * np.exp(behaviour.latency_sigma * rng.standard_normal(n))
    down = rng.random(n) >= behaviour.availability
    timeout = ~down & (latency > timeout_s * 1000)
    hit = ~down & ~timeout & (rng.random(n) < behaviour.hit_rate)
    latency = np.where(timeout, timeout_s * 1000, latency)
    return Draws(latency, hit, down, timeout)


@dataclass
class SimulatedSystem:
    """A seeded stand-in for one system; the same (seed, person, attempt) gives the same answer."""

    basis: QueryBasis
    behaviour: Behaviour = field(default_factory=Behaviour)
    seed: int = 0
    attempts: dict[str, int] = field(default_factory=dict)

    def query(self, q: Query) -> Result:
        """Answer one query (no sleeping: the latency is drawn)."""
        attempt = self.attempts.get(q.screening_id, 0)
        self.attempts[q.screening_id] = attempt + 1
        key = [
            self.seed,
            zlib.crc32(self.basis.system.encode()),
            zlib.crc32(q.screening_id.encode()),
            attempt,
        ]
        d = draw(self.behaviour, self.basis.timeout_s, 1, np.random.default_rng(key))
        b, ms = self.basis, float(d.latency_ms[0])
        if d.down[0]:
            return Result(
                b.system, Answer.down, b.cite, ms, not_done=f"{b.title} unavailable; query to repeat"
            )
        if d.timeout[0]:
            return Result(
                b.system,
                Answer.timeout,
                b.cite,
                ms,
                not_done=f"{b.title} did not answer within {b.timeout_s:g} s; query to repeat",
            )
        if d.hit[0]:
            ref = f"SIM-{b.system.upper()}-{zlib.crc32(f'{self.seed}:{q.screening_id}'.encode()):08x}"
            return Result(
                b.system, Answer.hit, b.cite, ms, hits=({"reference": ref, "retrieves": b.retrieves},)
            )
        return Result(b.system, Answer.no_hit, b.cite, ms)


def simulated_systems(
    seed: int = 0, behaviours: Mapping[str, Behaviour] | None = None
) -> dict[str, SimulatedSystem]:
    """One simulated adapter per system of `systems.yaml` (Eurodac too: replace it with
    `eurodac.RegistryEurodac` to query the migralex registry), with their behaviours."""
    given = dict(behaviours or {})
    unknown = set(given) - set(DEFAULTS)
    if unknown:
        raise InvalidInput("behaviours", f"unknown systems {sorted(unknown)}; systems: {', '.join(DEFAULTS)}")
    return {name: SimulatedSystem(bases()[name], given.get(name, DEFAULTS[name]), seed) for name in DEFAULTS}
