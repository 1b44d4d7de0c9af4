"""The procedure's outcome table (APR Arts 42-45, 53; CFMR Art. 11): a case's facts packed into a
code read the same outcome as the rules run on those facts directly, for any mix of facts."""

from __future__ import annotations

import numpy as np

from migralex.rules.procedure import FACT_BITS, fact_codes, outcome, outcome_table


def test_the_packed_code_reads_the_outcome_of_the_facts() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    facts = {k: rng.random(n) < (0.1 + 0.8 * (i % 3) / 2) for i, k in enumerate(FACT_BITS)}
    code = fact_codes(facts)
    assert code.shape == (n,) and int(code.max()) < 1 << len(FACT_BITS)
    direct = outcome(facts)
    for name, column in outcome_table().items():
        looked_up = column[code]
        assert looked_up.dtype == direct[name].dtype, name
        assert np.array_equal(looked_up, direct[name]), name


def test_each_fact_has_its_own_bit() -> None:
    for i, k in enumerate(FACT_BITS):
        facts = {f: np.array([f == k, False]) for f in FACT_BITS}
        assert fact_codes(facts).tolist() == [1 << i, 0]


def test_an_empty_batch_packs_to_no_codes() -> None:
    facts = {k: np.zeros(0, dtype=bool) for k in FACT_BITS}
    assert fact_codes(facts).shape == (0,)
