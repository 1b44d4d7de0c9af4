"""The full deadline table of the case engine, for a snapshot (tests/rules/test_deadline_snapshot.py).

`rows()` answers the deadlines question for (1) every case of every legal example that asks it
(tests/rules/examples/*.yaml, with the example's context, parameters and regime) and (2) a broad
synthetic batch (`migralex.cases.synthetic`, registrations from 2025 to 2027 so that both Dublin III
and the AMMR apply) under four scenarios: by the dates, in a crisis with the CFMR derogations, and
with the AMMR or Dublin III forced. Each row is one deadline of one case with every field of the
answer. Regenerate the snapshot only for a deliberate change of the law's data:

    PYTHONPATH=src python -m tests.rules.snapshots.deadline_table
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from migralex.cases.synthetic import SyntheticSpec, generate
from migralex.context import default_context
from migralex.law import params
from migralex.rules.deadlines import deadlines
from migralex.rules.procedure import Context

HERE = Path(__file__).parent
EXAMPLES = HERE.parent / "examples"
SNAPSHOT = HERE / "deadlines.jsonl.gz"
FIELDS = ("name", "date", "latest", "legal_basis", "period", "runs_from", "note")
SCENARIOS: dict[str, dict[str, Any]] = {
    "by_date": {},
    "crisis": {"crisis_derogation": True},
    "forced_ammr": {"regime": "AMMR"},
    "forced_dublin3": {"regime": "DUBLIN_III"},
}
N_SYNTHETIC = 3000


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return copy.deepcopy(over)


def _flat(source: str, answers: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for answer in answers:
        for d in answer["deadlines"]:
            yield {"source": source, "id": answer["id"], **{k: d.get(k) for k in FIELDS}}


def example_rows() -> Iterator[dict[str, Any]]:
    """Every deadline of every legal example that asks the deadlines question."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        for ex in doc["examples"]:
            if ex.get("question", doc.get("question")) != "deadlines":
                continue
            overlay = {**doc.get("params", {}), **ex.get("params", {})}
            p = params().overlay(overlay, label="example") if overlay else params()
            base = doc.get("base", {})
            cases = (
                [_merge(base, c) for c in ex["cases"]]
                if "cases" in ex
                else [_merge(base, ex.get("case", {}))]
            )
            context = Context.from_dict(ex.get("context", doc.get("context", {"recognition_rates": {}})))
            regime = ex.get("regime", doc.get("regime"))
            crisis = ex.get("crisis", doc.get("crisis"))  # CFMR Art. 12 per Member State
            result = deadlines(cases, context=context, params=p, regime=regime, crisis=crisis)
            yield from _flat(f"{path.stem}: {ex['name']}", result.answers())


def synthetic_rows() -> Iterator[dict[str, Any]]:
    """Every deadline of a synthetic batch under each scenario."""
    spec = SyntheticSpec(first_registration=dt.date(2025, 1, 1), last_registration=dt.date(2027, 12, 31))
    batch = generate(N_SYNTHETIC, seed=12, spec=spec)
    for name, scenario in SCENARIOS.items():
        context = default_context(crisis_derogation=scenario.get("crisis_derogation", False))
        result = deadlines(batch, context=context, regime=scenario.get("regime"))
        yield from _flat(f"synthetic/{name}", result.answers())


def rows() -> list[dict[str, Any]]:
    """The whole table, in a stable order."""
    return [*example_rows(), *synthetic_rows()]


def load() -> list[dict[str, Any]]:
    """The committed snapshot."""
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def write() -> None:
    """Write the snapshot (deterministic: no timestamp in the gzip header)."""
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows())
    with open(SNAPSHOT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(text.encode("utf-8"))


if __name__ == "__main__":
    write()
