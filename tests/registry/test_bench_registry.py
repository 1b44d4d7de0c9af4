"""bench/bench_registry.py `identify` probes each sampled dataset with a new capture of *its*
person: dataset ids are random (Art. 48(2)(g)), so the person comes from the transaction id, not
from the id (`id - 1` gave probes of persons never stored, and a mate rate of 0)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The benchmark module (skipped where bench/ is not shipped)."""
    if not (BENCH / "bench_registry.py").exists():
        pytest.skip("bench/bench_registry.py not present")
    sys.path.insert(0, str(BENCH))
    import bench_registry

    return bench_registry


def test_identify_finds_the_mates_it_searches_for(bench: ModuleType, db_url: str) -> None:
    args = argparse.Namespace(
        url=db_url, db=None, n=300, chunk=50, batch=100, nprobe=None, queries=60, service_queries=3
    )
    bench.load(args)
    out = bench.identify(args)
    assert out["stored"] == 300 and out["index"] == "flat"
    for row in out["ivf"]:
        assert row["recall_at_1_vs_exact"] == 1.0  # flat: the same search
        assert row["mate_found_above_threshold"] >= 0.95  # FNIR at 0.55 is about 1 % (docs)
