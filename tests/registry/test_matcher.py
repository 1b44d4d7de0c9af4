"""The matcher interface, the faiss implementation and the synthetic templates."""

from __future__ import annotations

import numpy as np
import pytest

from migralex.errors import InvalidInput
from migralex.registry.matcher import FaissMatcher, SyntheticPopulation, normalise


@pytest.fixture(scope="module")
def pop() -> SyntheticPopulation:
    return SyntheticPopulation(99)


def test_templates_are_checked_and_normalised() -> None:
    v = normalise(np.array([3.0, 4.0]), dim=2)
    assert np.allclose(v, [[0.6, 0.8]])
    for bad in (np.array([np.nan, 1.0]), np.zeros(2), np.ones(3)):
        with pytest.raises(InvalidInput):
            normalise(bad, dim=2)


def test_identities_are_deterministic_and_captures_vary_within_a_person(pop: SyntheticPopulation) -> None:
    ids = np.array([5, 70_000, 5])
    a = pop.identities("fingerprint", ids)
    assert np.array_equal(a, SyntheticPopulation(99).identities("fingerprint", ids))
    assert np.array_equal(a[0], a[2])
    rng = np.random.default_rng(0)
    c1, c2 = pop.capture("fingerprint", ids, rng), pop.capture("fingerprint", ids, rng)
    genuine = float(c1[0] @ c2[0])
    assert 0.3 < genuine < 0.999  # same person, a different capture
    assert abs(float(c1[0] @ c1[1])) < genuine  # different persons


def test_genuine_scores_separate_from_impostor_scores(pop: SyntheticPopulation) -> None:
    rng = np.random.default_rng(1)
    ids = np.arange(3000)
    a, b = pop.capture("fingerprint", ids, rng), pop.capture("fingerprint", ids, rng)
    genuine = (a * b).sum(1)
    impostor = a[:1000] @ b[1000:].T
    assert np.median(genuine) > 0.7 and np.quantile(impostor, 0.999) < 0.35
    assert 0.001 < (genuine < 0.55).mean() < 0.05  # some poor captures fail: FNMR is not zero


@pytest.mark.parametrize("exact_below", [10**9, 2_000])
def test_identify_finds_the_mate_flat_and_ivf(pop: SyntheticPopulation, exact_below: int) -> None:
    m = FaissMatcher(128, exact_below=exact_below, nprobe=32)
    ids = np.arange(10_000, 16_000)
    rng = np.random.default_rng(2)
    m.insert(ids, pop.capture("fingerprint", ids, rng))
    assert m.info.kind == ("flat" if exact_below > 10**8 else "ivf") and len(m) == 6000
    probes = ids[:300]
    _, found = m.identify(pop.capture("fingerprint", probes, rng), 5)
    assert (found[:, 0] == probes).mean() > 0.95
    m.remove(probes[:10])
    _, found = m.identify(pop.capture("fingerprint", probes[:10], rng), 5)
    assert not np.isin(found, probes[:10]).any()
    kept, vecs = m.contents()
    assert len(kept) == 5990 and vecs.shape == (5990, 128)
