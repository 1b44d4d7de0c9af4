"""The kernel's results are bit-identical to the recorded golden runs (refactorings change nothing).

The fixture tests/sim/golden/kernel_runs.json was recorded before the kernel was split by stage;
a deliberate change of the model regenerates it (tests/sim/golden_runs.py) in its own commit.
"""

from __future__ import annotations

import json

import pytest

from tests.sim.golden_runs import GOLDEN, RUNS, digest

RECORDED = {(r["scenario"], r["seed"], r["scale"]): r for r in json.loads(GOLDEN.read_text("utf-8"))}


def test_the_fixture_covers_every_run() -> None:
    assert set(RECORDED) == set(RUNS)


@pytest.mark.parametrize("run", RUNS, ids=[f"{n}-{s}" for n, s, _ in RUNS])
def test_run_is_bit_identical_to_the_golden_fixture(run: tuple[str, int, float]) -> None:
    got, want = digest(*run), RECORDED[run]
    assert got["inputs"] == want["inputs"], "kernel inputs changed (population, engine, tables)"
    assert got["summary"] == want["summary"]
    assert got["outputs"] == want["outputs"]
    assert got["persons"] == want["persons"]
