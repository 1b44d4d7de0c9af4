"""The border-procedure state of the Member States in the context (APR Arts 47-50, CFMR Art. 11(6)-(9)):
it only relieves or opens, per Member State of registration, and never touches (f) or 42(3)(b)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migralex.cases import codes as C
from migralex.cases.synthetic import generate
from migralex.rules.procedure import (
    ACCELERATED,
    ADULT_GROUNDS,
    BORDER,
    BORDER_OPTIONAL,
    REGULAR,
    UAM_GROUNDS,
    Instrumentalisation,
    channel,
)
from tests.rules.test_properties import CONTEXT, STATES, batches

KEPT = (1 << ADULT_GROUNDS["f"]) | (1 << UAM_GROUNDS["b"])
states = st.lists(STATES, max_size=4, unique=True).map(tuple)
instrumentalisation = st.none() | st.builds(
    Instrumentalisation, states, st.sampled_from(["exclude", "cease"])
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), states, states, instrumentalisation)
def test_the_border_state_only_relieves_or_opens(
    cases: list[dict[str, Any]], capacity: tuple[str, ...], maximum: tuple[str, ...], instr: Any
) -> None:
    context = replace(
        CONTEXT, border_capacity_reached=capacity, annual_maximum_reached=maximum, instrumentalisation=instr
    )
    base, got = channel(cases, CONTEXT), channel(cases, context)
    opened = set(instr.member_states) if instr else set()
    for i, c in enumerate(cases):
        ms = c["registration"]["member_state"]
        before, after = int(base.procedure[i]), int(got.procedure[i])
        assert got.grounds[i] == base.grounds[i]
        assert got.mandatory[i] & ~base.mandatory[i] == 0  # no new mandatory ground
        assert got.mandatory[i] & KEPT == base.mandatory[i] & KEPT  # (f), 42(3)(b) always oblige
        if ms not in {*capacity, *maximum, *opened}:
            assert got.answer(i, trace=True) == base.answer(i, trace=True)
            continue
        if before == BORDER and after != BORDER:
            assert after == BORDER_OPTIONAL and ms in {*capacity, *maximum}
            assert "not mandatory under APR Art. 4" in got.legal_basis(i)
            assert base.mandatory[i] & KEPT == 0
        elif after != before:
            assert before in (ACCELERATED, REGULAR) and after == BORDER_OPTIONAL and ms in opened
            assert got.legal_basis(i).startswith("CFMR Art. 11(6)")
            a = c["applicant"]
            assert not a["vulnerable"] and c["registration"]["place"] != "territory"
            assert not (a["unaccompanied"] and got.uam[i])
    single = [channel(c, context).answer(0, trace=True) for c in cases]
    assert single == list(got.answers(trace=True))


def test_each_case_looks_up_its_own_member_state() -> None:
    batch = generate(100_000, seed=11)
    base = channel(batch, CONTEXT)
    context = replace(
        CONTEXT,
        border_capacity_reached=("IT", "ES"),
        annual_maximum_reached=("GR",),
        instrumentalisation=Instrumentalisation(("PL",), "exclude"),
    )
    got = channel(batch, context)
    ms = np.array(C.MEMBER_STATES)[batch.applicants.reg_ms]
    listed = np.isin(ms, ["IT", "ES", "GR", "PL"])
    assert np.array_equal(got.procedure[~listed], base.procedure[~listed])
    assert np.array_equal(got.mandatory[~listed], base.mandatory[~listed])
    changed = got.procedure != base.procedure
    j_only = base.mandatory == 1 << ADULT_GROUNDS["j"]
    for state in ("IT", "ES"):  # capacity: exactly the border cases on (j) alone
        here = ms == state
        assert np.array_equal(changed[here], ((base.procedure == BORDER) & j_only)[here])
        assert changed[here].sum() > 20
    c_or_j = (base.mandatory & ~np.uint32((1 << ADULT_GROUNDS["j"]) | (1 << ADULT_GROUNDS["c"]))) == 0
    gr = ms == "GR"  # maximum: exactly the border cases on (c) and/or (j) alone
    assert np.array_equal(changed[gr], ((base.procedure == BORDER) & c_or_j)[gr])
    pl = ms == "PL"
    assert (changed & pl).sum() > 20
    assert (got.procedure[changed & pl] == BORDER_OPTIONAL).all()
    assert (base.procedure[changed & pl] != BORDER).all()
