"""After the return decision: voluntary departure, absconding, onward movement and return from another
Member State - with or without the mutual recognition of return decisions.

The kernel decides, for each person issued a return decision (APR Art. 37; the return border
procedure, RBPR Art. 4), whether the return is enforced within the run (`return_effective`). This
stage takes the kernel's end state and, vectorised over the persons:

1. splits the returns into voluntary departures (RBPR Art. 4(5); Return Directive Art. 7) and
   removals (`voluntary_share`);
2. of those whose return decision was not enforced (irregular stay, or still pending at the end),
   lets a share abscond to another Member State (`absconding`; the destination is drawn from the
   nationality's destinations in the calibration year, as for onward movement in the kernel);
3. lets the second Member State apprehend a share of them (`apprehension`), and then:
   - without recognition (the baseline), a share apply for protection there (`reapplication`:
     a secondary movement seen as an application) and the others face a new return procedure,
     enforced with the second State's effective rate times `new_procedure_completion`;
   - with recognition (`mutual_recognition: true`: the SIS alert for return, Regulation (EU)
     2018/1860 Art. 3, and the second State enforces the first State's decision instead of a new
     procedure), the apprehended person is returned on the first decision with the second State's
     effective rate, before any new application; the others may still apply (`reapplication`).

Effective rates are per Member State and nationality: the Union aggregate drawn per run
(`effective_rate`) × the factors of `sim.return_rates` (per Member State: the Eurostat table `returns`
over `rate_window`; per nationality: data/return_rates.csv, `rate_table`) × the scenario's
`nationality_factor`; a Member State or
nationality without a row in the table takes the Union aggregate, a Member State whose rate the
scenario names takes that rate (its table factor is not applied).
The stage uses its own seed, spawned from the run's, so a scenario and the baseline run with the same
seed see the same random numbers (common random numbers: their difference is the policy's).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.countries import EU27
from migralex.sim import return_rates
from migralex.sim.scenario import ReturnsBehaviour
from migralex.sim.stages import IRREGULAR_STAY, RETURN_BORDER, RETURN_PENDING, RETURNED

#: Figures of the stage (per Member State: where the person is counted).
FIGURES = {
    "voluntary_departures": "returns that were voluntary departures (Member State that issued the decision)",
    "removals": "returns that were removals (Member State that issued the decision)",
    "absconded": "persons with an unenforced return decision who moved to another Member State (from)",
    "apprehended_elsewhere": "absconders apprehended in the Member State they moved to (there)",
    "returned_from_elsewhere": "absconders returned from the Member State they moved to (there)",
    "onward_applications": "absconders who applied for protection in the Member State they moved to (there)",
    "secondary_movements_at_end": "absconders staying irregularly in another Member State at the end (there)",
}
#: An extra child of the run's seed (far from the engine's three).
SPAWN_KEY = 1860


def _destinations(
    rng: np.random.Generator, dest_cdf: np.ndarray, nat: np.ndarray, here: np.ndarray, who: np.ndarray
) -> np.ndarray:
    """Another Member State for each person in `who` (-1 for the others), from the nationality's
    destinations without `here`; one uniform is drawn per person, so the stream is the same whoever moves."""
    u_all = rng.random(len(nat))
    idx = np.flatnonzero(who)
    table = np.diff(dest_cdf[nat[idx]], prepend=0.0, axis=1)
    table[np.arange(len(idx)), here[idx]] = 0.0
    cdf = np.cumsum(table, axis=1)
    u = u_all[idx] * cdf[:, -1]
    out = np.full(len(nat), -1, dtype=np.int64)
    out[idx] = np.minimum((cdf <= u[:, None]).sum(axis=1), dest_cdf.shape[1] - 1)
    return out


def _rates(r: ReturnsBehaviour, rng: np.random.Generator, n_ms: int) -> tuple[np.ndarray, np.ndarray]:
    """Effective rate per Member State (drawn per run) and factor [Member State, nationality code]:
    the scenario's `nationality_factor` times the rate table's factors (`sim.return_rates`)."""
    per_ms = r.effective_rate.draw(rng)[:n_ms]
    factor = np.ones(len(C.NATIONALITIES))
    index = {code: i for i, code in enumerate(C.NATIONALITIES)}
    for code, value in r.nationality_factor.items():
        if code in index:
            factor[index[code]] = value.draw(rng)
    if r.rate_table is None:
        return per_ms, np.broadcast_to(factor, (n_ms, len(factor)))
    own = tuple(sorted(r.effective_rate.overrides))  # a rate named in the scenario is not rescaled
    table = return_rates.matrix(EU27[:n_ms], C.NATIONALITIES, r.rate_table, own, r.rate_window)
    return per_ms, table * factor[None, :]


def returns_stage(
    r: ReturnsBehaviour,
    seed: np.random.SeedSequence,
    stage: np.ndarray,
    loc: np.ndarray,
    nat: np.ndarray,
    dest_cdf: np.ndarray,
    n_ms: int,
) -> dict[str, Any]:
    """The stage's counts per Member State ({figure: int64 [ms]}) and the values it drew."""
    rng = np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, SPAWN_KEY)))
    per_ms, factor = _rates(r, rng, n_ms)
    drawn = {k: getattr(r, k).draw(rng) for k in ("voluntary_share", "absconding", "apprehension",
                                                 "reapplication", "new_procedure_completion")}  # fmt: skip
    n = len(stage)
    u = rng.random((6, n))  # one row of uniforms per decision, the same whatever the scenario
    returned = stage == RETURNED
    voluntary = returned & (u[0] < drawn["voluntary_share"])
    unenforced = (stage == IRREGULAR_STAY) | (stage == RETURN_PENDING) | (stage == RETURN_BORDER)
    absconded = unenforced & (u[1] < drawn["absconding"])
    there = _destinations(rng, dest_cdf, nat, loc.astype(np.int64), absconded)
    apprehended = absconded & (u[2] < drawn["apprehension"])
    where = np.clip(there, 0, None)
    rate_there = np.clip(per_ms[where] * factor[where, nat], 0.0, 1.0)
    applies = u[4] < drawn["reapplication"]
    spontaneous = absconded & ~apprehended & applies  # applied without being apprehended: both cases
    if r.mutual_recognition:  # returned on the first decision at apprehension, before a new application
        back = apprehended & (u[3] < rate_there)
        applied = spontaneous | (apprehended & ~back & applies)
    else:  # an application, or a new return procedure that takes longer
        applied = spontaneous | (apprehended & applies)
        back = apprehended & ~applied & (u[3] < rate_there * drawn["new_procedure_completion"])
    staying = absconded & ~back & ~applied

    def count(mask: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.bincount(where[mask], minlength=n_ms).astype(np.int64)[:n_ms]

    counts = {
        "voluntary_departures": count(voluntary, loc),
        "removals": count(returned & ~voluntary, loc),
        "absconded": count(absconded, loc),
        "apprehended_elsewhere": count(apprehended, there),
        "returned_from_elsewhere": count(back, there),
        "onward_applications": count(applied, there),
        "secondary_movements_at_end": count(staying, there),
    }
    return {"counts": counts, "drawn": drawn, "effective_rate": dict(enumerate(per_ms.tolist()))}


def returns_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The stage's Union figures of a simulation summary, one row each (none without the stage)."""
    union = summary["union"]
    if not FIGURES.keys() & union.keys():
        return []
    names = ("return_decisions", "returns", *FIGURES)
    return [{"figure": k.replace("_", " "), "value": union.get(k)} for k in names]


def print_returns(console: Any, summary: dict[str, Any]) -> None:
    """After the return decision, Union: a two-column table that fits 80 columns."""
    from migralex.tables import Column, print_table

    rows = returns_rows(summary)
    if rows:
        title = f"{summary['scenario']}: after the return decision, Union (sim/returns.py)"
        print_table(console, rows, (Column("figure", "Figure"), Column("value", "Persons", "int")), title)
