"""Properties of the engine on random cases (hypothesis) and on synthetic populations.

- every case gets exactly one responsible Member State, or none and a blocking flag;
- the batch path and the single-case path give the same answers (independent cases);
- the trace ends with the deciding rule, which is the legal basis;
- answers do not depend on the order of the cases in a batch (family groups included);
- an independent, case-at-a-time implementation (bench/bench_case_plain.py) agrees.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migralex.cases import codes as C
from migralex.cases.synthetic import generate
from migralex.law import params
from migralex.rules.deadlines import deadlines
from migralex.rules.procedure import Context, channel
from migralex.rules.responsibility.hierarchy import decide_responsibility

STATES = st.sampled_from(["DE", "FR", "IT", "GR", "ES", "NL", "AT", "IE", "MT", "PL"])
NATIONALITIES = st.sampled_from(["SY", "AF", "BD", "TR", "CO", "MA", "GE", "stateless"])
CONTEXT = Context(recognition_rates={"SY": 0.9, "AF": 0.6, "BD": 0.05, "TR": 0.2, "CO": 0.4, "MA": 0.1})


def iso(lo: dt.date, hi: dt.date) -> st.SearchStrategy[str]:
    return st.dates(lo, hi).map(dt.date.isoformat)


# applicants are born up to 2012, relatives from 2013 on: a random batch never links two cases
# into a family group by accident (matching birth dates), so cases stay independent.
family_member = st.fixed_dictionaries(
    {
        "relation": st.sampled_from(C.RELATIONS),
        "member_state": STATES,
        "status": st.sampled_from(C.STATUSES),
        "existed_before_arrival": st.booleans(),
        "consent_in_writing": st.booleans(),
        "first_substantive_decision_taken": st.booleans(),
        "can_take_care": st.booleans(),
        "date_of_birth": st.none() | iso(dt.date(2013, 1, 1), dt.date(2026, 6, 30)),
    }
)


@st.composite
def document(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(C.DOCUMENT_KINDS))
    start = draw(st.dates(dt.date(2019, 1, 1), dt.date(2028, 6, 30)))
    length = draw(st.integers(0, 1500))
    ended = draw(st.none() | st.integers(0, length))
    return {
        "kind": kind,
        "member_state": draw(STATES),
        "visa_type": draw(st.sampled_from(C.VISA_TYPES)) if kind == "visa" else None,
        "issued_on_behalf_of": draw(st.none() | STATES) if kind == "visa" else None,
        "valid_from": start.isoformat(),
        "valid_until": (start + dt.timedelta(days=length)).isoformat(),
        "ended_early_on": None if ended is None else (start + dt.timedelta(days=ended)).isoformat(),
        "fraud_after_issuance": draw(st.booleans()),
    }


@st.composite
def case(draw: st.DrawFn, i: int = 0) -> dict[str, Any]:
    nationality = draw(NATIONALITIES)
    return {
        "id": f"c{i}",
        "registration": {
            "member_state": draw(STATES),
            "date": draw(iso(dt.date(2026, 5, 1), dt.date(2028, 12, 31))),
            "place": draw(st.sampled_from(C.PLACES)),
        },
        "applicant": {
            "date_of_birth": draw(st.none() | iso(dt.date(1950, 1, 1), dt.date(2012, 12, 31))),
            "age_uncertain": draw(st.booleans()),
            "unaccompanied": draw(st.booleans()),
            "nationality": nationality,
            "former_habitual_residence": draw(st.none() | st.just("BD"))
            if nationality == "stateless"
            else None,
            "security_threat": draw(st.booleans()),
            "misled_authorities": draw(st.booleans()),
            "vulnerable": draw(st.booleans()),
            "subsequent_application": draw(st.booleans()),
            "health_prevents_travel": draw(st.booleans()),
        },
        "family": draw(st.lists(family_member, max_size=3)),
        "documents": draw(st.lists(document(), max_size=3)),
        "diplomas": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "member_state": STATES,
                        "issued_on": iso(dt.date(2018, 1, 1), dt.date(2028, 1, 1)),
                        "study_months": st.integers(0, 48),
                    }
                ),
                max_size=2,
            )
        ),
        "entries": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(C.ENTRY_KINDS),
                        "member_state": STATES,
                        "date": iso(dt.date(2023, 1, 1), dt.date(2028, 12, 31)),
                    }
                ),
                max_size=3,
            )
        ),
        "relocated_to": draw(st.none() | STATES),
    }


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 8))
    return [draw(case(i)) for i in range(n)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_one_state_or_a_blocking_flag(cases: list[dict[str, Any]]) -> None:
    result = decide_responsibility(cases, with_trace=True)
    for i in range(len(cases)):
        answer = result.answer(i, trace=True)
        blocking = [f for f in answer["flags"] if f["blocking"]]
        assert (answer["responsible_member_state"] is None) == bool(blocking), answer
        if answer["responsible_member_state"] is not None:
            assert answer["responsible_member_state"] in C.MEMBER_STATES
        trace = answer["trace"]
        assert trace[-1]["outcome"] == "applies" or answer["regime"] == "NOT_MODELLED"
        assert answer["legal_basis"].startswith(trace[-1]["rule"])
        assert all(t["outcome"] != "applies" for t in trace[1:-1]), trace


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_batch_and_single_case_agree(cases: list[dict[str, Any]]) -> None:
    batch_resp = decide_responsibility(cases, with_trace=True)
    batch_proc = channel(cases, CONTEXT)
    batch_dl = deadlines(cases, batch_proc, CONTEXT, responsibility=batch_resp)
    for i, c in enumerate(cases):
        single = decide_responsibility(c, with_trace=True)
        assert single.answer(0, trace=True) == batch_resp.answer(i, trace=True)
        proc = channel(c, CONTEXT)
        assert proc.answer(0, trace=True) == batch_proc.answer(i, trace=True)
        assert deadlines(c, proc, CONTEXT, responsibility=single).answer(0) == batch_dl.answer(i)


@pytest.mark.parametrize("seed", [1, 2])
def test_order_of_the_batch_does_not_matter(seed: int) -> None:
    batch = generate(4000, seed)
    perm = np.random.default_rng(seed).permutation(batch.n)
    first = decide_responsibility(batch, with_trace=True)
    second = decide_responsibility(batch.take(perm), with_trace=True)
    by_id = {a["id"]: a for a in second.answers(trace=True)}
    assert (first.criteria() == "family_procedure").sum() > 50  # groups are really there
    for answer in first.answers(trace=True):
        assert by_id[answer["id"]] == answer


def _plain() -> Any:
    bench = Path(__file__).parents[2] / "bench"
    if not (bench / "bench_case_plain.py").exists():
        pytest.skip("bench/bench_case_plain.py not present")
    sys.path.insert(0, str(bench))
    import bench_case_plain

    return bench_case_plain


@pytest.mark.parametrize("seed", [3, 4])
def test_independent_case_at_a_time_implementation_agrees(seed: int) -> None:
    plain = _plain()
    batch = generate(5000, seed)
    result = decide_responsibility(batch)
    oracle = plain.PlainHierarchy(params())
    answers = [oracle.decide(c) for c in plain.to_plain_cases(batch)]
    criteria = result.criteria()
    for i, (ms, key) in enumerate(answers):
        if criteria[i] == "family_procedure":
            continue
        assert (ms, key) == (int(result.member_state[i]), criteria[i]), batch.case_dict(i)
