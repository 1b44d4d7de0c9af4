"""One case answered alone is the same case answered in a batch: the shared path's shortcuts (a
stage skipped when no case of the batch needs it, e.g. AMMR Art. 25 without unaccompanied minors)
change no answer. Cases whose family members' applications are listed are left out: AMMR Art. 28
links the cases of one batch (alone, such a case says `family_procedure_incomplete`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from migralex.cases.synthetic import SyntheticSpec, generate
from migralex.context import default_context
from migralex.decide import decide
from migralex.rules.responsibility.hierarchy import _decide
from migralex.rules.trace import APPLIES, RuleEval


@pytest.mark.parametrize("crisis", [False, True])
def test_each_case_alone_answers_as_in_the_batch(crisis: bool) -> None:
    spec = SyntheticSpec(first_registration=dt.date(2025, 1, 1), last_registration=dt.date(2027, 12, 31))
    batch = generate(240, seed=5, spec=spec)
    context = default_context(crisis_derogation=crisis)
    together = decide(batch, context, with_trace=True)
    uam = together.procedure.uam
    assert uam.any() and (~uam).any()  # both sides of the Art. 25 shortcut
    compared = 0
    for i in range(0, batch.n, 2):
        alone = decide(batch.take(np.array([i])), context, with_trace=True)
        flags = alone.answer(0)["responsibility"]["flags"]
        if any(f["flag"] == "family_procedure_incomplete" for f in flags):
            continue
        assert alone.answer(0, trace=True) == together.answer(i, trace=True), i
        compared += 1
    assert compared > 100


def test_unaccompanied_minors_apart_answer_as_in_a_mixed_batch() -> None:
    """A batch of unaccompanied minors only (none relocated) leaves the criteria after AMMR Art. 25
    unexamined (25(1)): the minors apart, and the others apart, answer as in the mixed batch."""
    spec = SyntheticSpec(first_registration=dt.date(2025, 1, 1), last_registration=dt.date(2027, 12, 31))
    batch = generate(600, seed=7, spec=spec)
    batch = batch.take(np.flatnonzero(batch.applicants.relocated_to < 0))
    context = default_context()
    together = decide(batch, context, with_trace=True)
    uam = together.procedure.uam
    for rows in (np.flatnonzero(uam), np.flatnonzero(~uam)):
        assert len(rows) > 5
        apart = decide(batch.take(rows), context, with_trace=True)
        for j, i in enumerate(rows):
            assert apart.answer(j, trace=True) == together.answer(int(i), trace=True), i


def test_the_first_rule_that_applies_decides() -> None:
    rng = np.random.default_rng(3)
    n, m = 500, 9
    rules = []
    for k in range(m):
        rule = RuleEval.empty(f"r{k}", n, ("c",), ("r",))
        rule.outcome[:] = rng.integers(0, 4, n)
        rule.ms[:] = rng.integers(-1, 30, n)
        rules.append(rule)
    decided, ms = _decide(rules)
    for i in range(n):
        first = next((k for k in range(m - 1) if rules[k].outcome[i] == APPLIES), m - 1)
        assert decided[i] == first and ms[i] == rules[first].ms[i]
    assert decided.dtype == np.int16 and ms.dtype == np.int8
