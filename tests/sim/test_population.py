"""The synthetic population: real-data streams, case facts, export to the case format."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from migralex.cases.batch import CaseBatch
from migralex.rules.responsibility.hierarchy import decide_responsibility
from migralex.sim import arrivals as A
from migralex.sim import rules_adapter as R
from migralex.sim.population import O_PENDING, Population, entries, expected_from_detections, synthesise
from migralex.sim.scenario import Scenario, load_scenario
from migralex.sim.stages import PATH_MOVE_ON

SCALE = 0.02


@cache
def baseline() -> tuple[Scenario, Population]:
    scenario = load_scenario("baseline").with_changes(scale=SCALE)
    drawn = scenario.behaviour.draw(None)  # middle of every range: volume 1, growth 1
    return scenario, synthesise(scenario, scenario.parameters(), drawn, np.random.default_rng(11))


def test_pending_stock_first_then_by_arrival_day() -> None:
    _, pop = baseline()
    pending = pop.origin == O_PENDING
    k = int(pending.sum())
    assert k > 0 and pending[:k].all() and not pending[k:].any()
    assert (np.diff(pop.arr_day[k:]) >= 0).all()


def test_first_applications_reproduce_the_calibration_year() -> None:
    """With the arrivals year = the calibration year, detections explain part of each Member
    State's applications and the direct stream the rest, so the expected first applications are
    Σ max(applications, explained) over nationalities; the draw is Poisson around it."""
    scenario, pop = baseline()
    b = scenario.behaviour.draw(None)
    arr = A.route_arrivals(scenario.calibration_year)
    apps = A.applications(scenario.calibration_year)
    ppd = np.array(
        [b.persons_per_detection.get(r, b.persons_per_detection["default"]) for r, _ in arr.routes]
    )
    move_on = np.minimum(b.move_on, 1 - b.apply_at_arrival)
    explained = expected_from_detections(arr, ppd, b.apply_at_arrival, move_on, A.destinations(apps))
    expected = SCALE * np.maximum(apps, explained).sum(axis=1)
    got = np.bincount(pop.app_ms[pop.applies], minlength=A.N_MS)
    assert (np.abs(got - expected) <= 5 * np.sqrt(expected) + 2).all(), (got, expected.round())


def test_movers_apply_elsewhere_and_detected_arrivals_carry_their_entry() -> None:
    _, pop = baseline()
    movers = pop.path == PATH_MOVE_ON
    assert movers.any() and (pop.app_ms[movers] != pop.first_ms[movers]).all()
    rows, _, ms, date = entries(pop)
    assert len(rows) and (ms == pop.first_ms[rows]).all()
    assert (date == pop.date(pop.arr_day[rows])).all()


@pytest.mark.parametrize("regime", ["pact", "dublin_iii"])
def test_exported_persons_are_valid_cases_the_engine_explains(regime: str) -> None:
    """Every simulated person is a case: exported, re-validated by the case format, decided again
    by the case engine with a trace, and the engine names the same Member State as in the run."""
    scenario, pop = baseline()
    law = scenario.parameters()
    answers = R.decide(pop, law, regime)
    applicants = np.flatnonzero(pop.applies)
    rng = np.random.default_rng(0)
    chosen = np.sort(
        np.concatenate(
            [
                rng.choice(applicants[answers.req_kind[applicants] > 0], 40, replace=False),
                rng.choice(applicants, 60, replace=False),
            ]
        )
    )
    cases = R.export_cases(pop, chosen, "test")
    batch = CaseBatch.from_dicts(cases)  # the case format's own validation
    result = decide_responsibility(batch, law, with_trace=True, regime=R.REGIMES[regime])
    assert (result.member_state == answers.resp[chosen]).all()
    assert (result.regime == (1 if regime == "dublin_iii" else 0)).all()
    assert all(len(result.trace(k)) >= 2 for k in range(len(chosen)))
    assert all("forced by the caller" in result.legal_basis(k) for k in range(len(chosen)))
    assert {c["registration"]["member_state"] for c in cases} <= set(A.MS_INDEX)


def test_border_state_variants_are_the_engines_answers_with_that_context() -> None:
    """proc_cap / proc_max / proc_instr are the case engine's answers with the Member State's border
    state in the context (APR Arts 47-50, CFMR Art. 11(6)-(7)), not a re-derivation."""
    from migralex.rules.procedure import Context, Instrumentalisation, channel
    from migralex.sim.stages import PROC_BORDER, PROC_BORDER_OPTIONAL

    scenario = load_scenario("instrumentalisation").with_changes(scale=SCALE)
    law = scenario.parameters()
    pop = synthesise(scenario, law, scenario.behaviour.draw(None), np.random.default_rng(3))
    answers = R.decide(pop, law, scenario.regime)
    applies = pop.applies
    for variant in (answers.proc_cap, answers.proc_max):
        changed = applies & (variant != answers.proc_reg)
        assert changed.sum() > 20
        assert (answers.proc_reg[changed] == PROC_BORDER).all()
        assert (variant[changed] == PROC_BORDER_OPTIONAL).all()
    security = applies & pop.security_threat & (answers.proc_reg == PROC_BORDER)
    assert security.any() and (answers.proc_max[security] == PROC_BORDER).all()  # (f) still obliges
    instr = applies & pop.instrumentalised
    opened = instr & (answers.proc_instr != answers.proc_reg)
    assert opened.sum() > 20 and (answers.proc_instr[opened] == PROC_BORDER_OPTIONAL).all()
    assert not (pop.unaccompanied[opened] | pop.vulnerable[opened]).any()
    assert (instr & pop.unaccompanied).any()  # ... though some instrumentalised persons are
    cases = R.export_cases(pop, np.flatnonzero(opened)[:5], "instr")
    states = tuple({c["registration"]["member_state"] for c in cases})
    context = Context(recognition_rates={}, instrumentalisation=Instrumentalisation(states, "exclude"))
    again = channel(cases, context, law, regime="AMMR")
    assert all(a["legal_basis"].startswith("CFMR Art. 11(6)") for a in again.answers())
