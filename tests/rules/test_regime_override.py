"""A regime forced by the caller (`regime=`): where the dates give the same regime, only the stated
basis changes; elsewhere the forced regime decides; a bad value is an error naming `regime`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from migralex.cases.synthetic import generate
from migralex.errors import InvalidInput
from migralex.rules.deadlines import deadlines
from migralex.rules.procedure import channel
from migralex.rules.regime import FORCED, forced_regime
from migralex.rules.responsibility import dublin3
from migralex.rules.responsibility.hierarchy import FORCED_NOTE, decide_responsibility
from tests.rules.test_properties import CONTEXT, batches


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_forcing_the_regime_of_the_date_changes_only_the_stated_basis(cases: list[dict[str, Any]]) -> None:
    by_date = decide_responsibility(cases, with_trace=True)
    proc_by_date = channel(cases, CONTEXT)
    dl_by_date = deadlines(cases, proc_by_date, CONTEXT, responsibility=by_date)
    for regime in ("AMMR", "DUBLIN_III"):
        forced = decide_responsibility(cases, with_trace=True, regime=regime)
        proc = channel(cases, CONTEXT, regime=regime)
        dl = deadlines(cases, proc, CONTEXT, responsibility=forced)
        for i, c in enumerate(cases):
            a, f = by_date.answer(i, trace=True), forced.answer(i, trace=True)
            assert f["regime"] == regime
            assert f["trace"][0] == {**f["trace"][0], "rule": "AMMR Art. 84(2)", "outcome": "excluded"}
            assert f["legal_basis"].endswith(FORCED_NOTE[regime])
            p = proc.answer(i, trace=True)
            assert FORCED in p["legal_basis"] and p["trace"][0]["outcome"] == "excluded"
            not_bound = c["registration"]["member_state"] in ("DK", "CH", "IS", "LI", "NO")  # APR recital 107
            assert (p["procedure"] is None) == (regime == "DUBLIN_III" or not_bound)
            if a["regime"] != regime:
                continue
            assert f["responsible_member_state"] == a["responsible_member_state"]
            assert f["flags"] == a["flags"]
            assert f["trace"][1:] == a["trace"][1:]
            stated = a["legal_basis"].removesuffix(dublin3.LAW.basis_note)
            assert f["legal_basis"] == stated + FORCED_NOTE[regime]
            apr_by_date = c["registration"]["date"] >= "2026-06-12"
            if apr_by_date == (regime == "AMMR"):
                q = proc_by_date.answer(i, trace=True)
                assert {k: p[k] for k in p if k not in ("legal_basis", "trace", "flags")} == {
                    k: q[k] for k in q if k not in ("legal_basis", "trace", "flags")
                }
                assert p["trace"][1:] == q["trace"][1:]
                assert dl.answer(i) == dl_by_date.answer(i)


def test_a_synthetic_population_forced_into_dublin_iii_is_decided_by_its_criteria() -> None:
    batch = generate(20_000, seed=5)  # registered from 1 July 2026: the AMMR by date
    ammr = decide_responsibility(batch)
    d3 = decide_responsibility(batch, regime="DUBLIN_III")
    assert (ammr.regime == 0).all() and (d3.regime == 1).all()
    criteria = set(d3.criteria())
    assert "diplomas" not in criteria and "security" not in criteria  # not Dublin III criteria
    assert {"entry", "documents", "default"} <= criteria
    assert (ammr.criteria() == "diplomas").any()  # ... which the AMMR used on the same cases
    assert not np.array_equal(ammr.member_state, d3.member_state)


@pytest.mark.parametrize("value", ["pact", "APR", "", "DUBLIN"])
def test_an_unknown_regime_is_an_error_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidInput) as info:
        decide_responsibility(generate(3, seed=1), regime=value)
    assert info.value.path == "regime"
    with pytest.raises(InvalidInput):
        channel(generate(3, seed=1), CONTEXT, regime=value)


def test_spellings_of_a_regime() -> None:
    assert forced_regime("dublin-iii") == forced_regime("Dublin III") == "DUBLIN_III"
    assert forced_regime("ammr") == "AMMR" and forced_regime(None) is None
