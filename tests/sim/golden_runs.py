"""Golden runs of the simulator: a compact digest (sha256 per output array, a few totals) of fixed
scenarios and seeds, to prove a refactoring of the kernel bit-identical.

Regenerate (only when the model is meant to change, and say so in the commit):

    PYTHONPATH=src .venv/bin/python tests/sim/golden_runs.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from migralex.sim.engine import prepare, simulate
from migralex.sim.scenario import load_scenario

GOLDEN = Path(__file__).parent / "golden" / "kernel_runs.json"
#: (scenario, seed, scale): every branch of the model at a reduced population.
RUNS: tuple[tuple[str, int, float], ...] = (
    ("baseline", 11, 0.02),
    ("baseline", 12, 0.01),
    ("lampedusa-surge-crisis", 13, 0.02),
    ("dublin-iii", 14, 0.02),
    ("instrumentalisation", 15, 0.05),
    ("relocation-half-pledged", 16, 0.05),
)
ARRAYS = ("counts", "flows", "metrics", "apps_daily", "relief")


def sha(a: np.ndarray) -> str:
    """sha256 of the array's dtype, shape and bytes."""
    a = np.ascontiguousarray(a)
    h = hashlib.sha256(f"{a.dtype.str}{a.shape}".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def digest(name: str, seed: int, scale: float) -> dict[str, Any]:
    """The digest of one run (outputs and, separately, the kernel inputs)."""
    scenario = load_scenario(name).with_changes(scale=scale)
    x, *_ = prepare(scenario, seed)
    r = simulate(scenario, seed, keep_persons=True)
    assert r.persons is not None
    out: dict[str, Any] = {"scenario": name, "seed": seed, "scale": scale}
    out["inputs"] = sha(np.concatenate([np.ravel(np.asarray(v)).view(np.uint8) for v in x]))
    out["outputs"] = {k: sha(getattr(r, k)) for k in ARRAYS}
    out["persons"] = {k: sha(v) for k, v in r.persons.items()}
    out["summary"] = {
        "persons": len(r.persons["stage"]),
        "applications": int(r.apps_daily.sum()),
        "final_counts_by_stage": r.counts[-1].sum(axis=0).tolist(),
        "metrics_total": r.metrics.sum(axis=0).tolist(),
    }
    return out


def main() -> None:
    runs = [digest(*run) for run in RUNS]
    GOLDEN.write_text(json.dumps(runs, indent=1) + "\n", "utf-8")
    print(f"wrote {GOLDEN} ({len(runs)} runs)")


if __name__ == "__main__":
    main()
