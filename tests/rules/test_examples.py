"""Legal examples (tests/rules/examples/*.yaml): each example cites its article and its source.

A file has `article`, an optional `base` case (merged into every example's `case`), optional
`params` (a parameter overlay for every example) and `examples`; each example has `name`,
`source` (the words of the article, a recital, or the reasoning it rests on; every passage in
single quotes is checked against the article cited before it, tests/rules/examples_loader.py),
either `case` or `cases` (a batch), optional `params`, optional `context` (channelling),
optional `regime` (the regime the caller forces: `AMMR`, `DUBLIN_III`; also at file level) and `expect`:

- responsibility: `responsible_member_state`, `legal_basis` (exact) or `legal_basis_starts`,
  `flags` (flag kinds that must be raised), `no_flags` (kinds that must not), `blocking`,
  `trace` (list of [rule, outcome] pairs that must appear in order), `flag_candidates` (a flag
  kind mapped to the candidates it must name);
- procedure (`question: procedure`): `procedure`, `mandatory_grounds`, `accelerated_grounds`,
  `exemptions` (exact lists), `legal_basis_contains`, `flags`, `no_flags`, `trace` (as above);
- relocation (`question: relocation`, AMMR Art. 67(2), (5)): `eligible`, `reason`, `legal_basis`
  (exact), `check` (the check to make, or null), `criterion`, `responsible_member_state`;
  `question: consent` (Art. 67(4)) takes a `person` ({status, consent}) instead of a case and
  expects `consent`;
- returns (`question: returns`, APR Art. 37, RBPR Art. 4, Return Directive Art. 7): any column of
  `migralex.rules.returns` (dates as ISO strings), `trace` as above;
- deadlines (`question: deadlines`): `deadlines` mapping a name to its date (null for a deadline
  that runs from an event the case does not date), `latest` (a name mapped to its `latest` bound,
  null for none), `absent` (names that must not be there), `legal_basis` (a name mapped to the
  basis of its variant); an example (or file) may give `crisis`,
  the CFMR Art. 12 authorisations `[{member_state, from, to}]`. For a batch (`cases`), `expect`
  maps each id to such a mapping.
- resettlement (`question: resettlement`, URF Art. 9): `case` is {registered, member_state,
  concluded, entered, extended}; `expect` maps a deadline or `*_in_time` column to its value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migralex.law import params
from migralex.rules.responsibility.hierarchy import decide_responsibility
from tests.rules.examples_loader import check_quotes, load, merge

EXAMPLES = Path(__file__).parent / "examples"
REQUIRED = {"name", "source", "expect"}


def _cases(doc: dict[str, Any], ex: dict[str, Any]) -> list[dict[str, Any]]:
    base = doc.get("base", {})
    if "cases" in ex:
        return [merge(base, c) for c in ex["cases"]]
    return [merge(base, ex.get("case", {}))]


def _check_responsibility(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    if "responsible_member_state" in expect:
        assert answer["responsible_member_state"] == expect["responsible_member_state"], answer
    if "legal_basis" in expect:
        assert answer["legal_basis"] == expect["legal_basis"], answer
    if "legal_basis_starts" in expect:
        assert answer["legal_basis"].startswith(expect["legal_basis_starts"]), answer
    if "legal_basis_contains" in expect:
        assert expect["legal_basis_contains"] in answer["legal_basis"], answer
    _check_flags_and_trace(answer, expect)
    for kind, states in expect.get("flag_candidates", {}).items():
        assert [f["candidates"] for f in answer["flags"] if f["flag"] == kind] == [states], answer
    if "candidates" in expect:
        found = [f["candidates"] for f in answer["flags"] if f["blocking"]]
        assert found and found[0] == expect["candidates"], answer
    if "blocking" in expect:
        assert any(f["blocking"] for f in answer["flags"]) == expect["blocking"], answer


def _check_flags_and_trace(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    kinds = [f["flag"] for f in answer["flags"]]
    for kind in expect.get("flags", []):
        assert kind in kinds, answer
    for kind in expect.get("no_flags", []):
        assert kind not in kinds, answer
    if "trace" in expect:
        steps = [(t["rule"], t["outcome"]) for t in answer["trace"]]
        want = [tuple(x) for x in expect["trace"]]
        it = iter(steps)
        assert all(w in it for w in want), (want, steps)


def _check_procedure(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    for key in ("procedure", "mandatory_grounds", "accelerated_grounds", "exemptions"):
        if key in expect:
            assert answer[key] == expect[key], (key, answer)
    if "legal_basis_contains" in expect:
        assert expect["legal_basis_contains"] in answer["legal_basis"], answer
    _check_flags_and_trace(answer, expect)


def _check_relocation(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    keys = ("eligible", "reason", "legal_basis", "check", "consent", "criterion", "responsible_member_state")
    for key in keys:
        if key in expect:
            assert answer[key] == expect[key], (key, answer)


def _check_returns(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    for key, want in expect.items():
        if key == "trace":
            _check_flags_and_trace({"flags": [], **answer}, {"trace": want})
        else:
            dated = key.endswith(("_date", "_end", "_latest")) and want is not None
            assert answer[key] == (str(want) if dated else want), (key, answer)


def _check_deadlines(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    got = {d["name"]: d["date"] for d in answer["deadlines"]}
    for name, date in expect.get("deadlines", {}).items():
        assert name in got, (name, answer)
        assert got[name] == (None if date is None else str(date)), (name, answer)
    for name in expect.get("absent", []):
        assert name not in got, (name, answer)
    bounds = {d["name"]: d.get("latest") for d in answer["deadlines"]}
    for name, latest in expect.get("latest", {}).items():
        assert bounds.get(name) == (None if latest is None else str(latest)), (name, answer)
    bases = {d["name"]: d["legal_basis"] for d in answer["deadlines"]}
    for name, basis in expect.get("legal_basis", {}).items():
        assert bases.get(name) == basis, (name, answer)


def _check_resettlement(case: dict[str, Any], expect: dict[str, Any], p: Any) -> None:
    from migralex.rules.resettlement import admission_deadlines

    row = admission_deadlines(
        [case["registered"]],
        case["member_state"],
        concluded=[case.get("concluded")],
        entered=[case.get("entered")],
        extended=bool(case.get("extended", False)),
        p=p,
    ).row(0, named=True)
    for name, value in expect.items():
        got = row[name]
        assert (got.isoformat() if hasattr(got, "isoformat") else got) == value, (name, row)


#: Files with `question: screening` are run by test_screening_examples.py.
EXAMPLE_PARAMS = [
    p for p in load(EXAMPLES, {"article", "examples"}, REQUIRED) if p.values[0].get("question") != "screening"
]


@pytest.mark.parametrize(("doc", "ex"), EXAMPLE_PARAMS)
def test_legal_example(doc: dict[str, Any], ex: dict[str, Any]) -> None:
    check_quotes(ex["source"])
    overlay = {**doc.get("params", {}), **ex.get("params", {})}
    p = params().overlay(overlay, label="example") if overlay else params()
    cases = _cases(doc, ex)
    question = ex.get("question", doc.get("question", "responsibility"))
    regime = ex.get("regime", doc.get("regime"))
    if question == "resettlement":
        return _check_resettlement(_cases(doc, ex)[0], ex["expect"], p)
    if question == "responsibility":
        result = decide_responsibility(cases, params=p, with_trace=True, regime=regime)
        answers = [result.answer(i, trace=True) for i in range(len(cases))]
        check = _check_responsibility
    elif question == "consent":
        import polars as pl

        from migralex.rules.relocation import consent

        frame = pl.DataFrame([ex["person"]])
        answers = frame.select(consent(pl.col("status"), pl.col("consent")).alias("consent")).to_dicts()
        check = _check_relocation
    elif question == "returns":
        from migralex.rules.returns import decide_returns

        answers = decide_returns(cases, params=p).answers()
        check = _check_returns
    elif question == "relocation":
        from migralex.rules.relocation import eligibility

        answers = eligibility(cases, params=p).to_dicts()
        check = _check_relocation
    else:
        from migralex.rules.procedure import Context

        context = Context.from_dict(ex.get("context", doc.get("context", {"recognition_rates": {}})))
        if question == "procedure":
            from migralex.rules.procedure import decide_procedure

            answers = list(decide_procedure(cases, context, params=p, regime=regime).answers(trace=True))
            check = _check_procedure
        else:
            from migralex.rules.deadlines import decide_deadlines

            crisis = ex.get("crisis", doc.get("crisis"))  # CFMR Art. 12 per Member State
            answers = list(
                decide_deadlines(cases, context=context, params=p, regime=regime, crisis=crisis).answers()
            )
            check = _check_deadlines
    if "cases" in ex:
        by_id = {a["id"]: a for a in answers}
        for case_id, expect in ex["expect"].items():
            check(by_id[case_id], expect)
    else:
        check(answers[0], ex["expect"])
