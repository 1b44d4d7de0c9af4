"""The synthetic population: seeded, valid in the case format, with the features the rules need."""

from __future__ import annotations

import numpy as np

from migralex.cases import codes as C
from migralex.cases.format import parse_case
from migralex.cases.synthetic import SyntheticSpec, generate


def test_same_seed_same_population() -> None:
    a, b = generate(2000, 7), generate(2000, 7)
    assert [a.case_dict(i) for i in range(0, 2000, 97)] == [b.case_dict(i) for i in range(0, 2000, 97)]
    c = generate(2000, 8)
    assert a.case_dict(5) != c.case_dict(5)


def test_cases_are_valid_case_format() -> None:
    batch = generate(3000, 1)
    for i in range(batch.n):
        case = batch.case_dict(i)
        assert parse_case(case).to_json_dict() == case
    batch.check()


def test_population_has_what_the_criteria_read() -> None:
    batch = generate(20000, 3, SyntheticSpec(in_family_group=0.2))
    a = batch.applicants
    assert a.unaccompanied.mean() > 0.03
    assert (batch.documents.kind == C.DOCUMENT_KINDS.index("visa")).any()
    kinds = set(batch.entries.kind.tolist())
    assert kinds == {0, 1, 2}
    first = np.datetime64("2026-07-01")
    assert (a.reg_date >= first).all()
    # family groups: reciprocal applicant entries in the Member State of registration
    fam = batch.family
    co = (fam.status == C.STATUSES.index("applicant")) & (fam.ms == a.reg_ms[fam.case])
    assert co.sum() > 0.2 * batch.n


def test_edges_sorted_by_case() -> None:
    batch = generate(5000, 2)
    for table in (batch.family, batch.documents, batch.diplomas, batch.entries):
        assert (np.diff(table.case) >= 0).all()
