"""Legal examples (tests/rules/examples/*.yaml): each example cites its article and its source.

A file has `article`, an optional `base` case (merged into every example's `case`), optional
`params` (a parameter overlay for every example) and `examples`; each example has `name`,
`source` (the words of the article, a recital, or the reasoning it rests on), either `case` or
`cases` (a batch), optional `params`, optional `context` (channelling), optional `regime` (the
regime the caller forces: `AMMR`, `DUBLIN_III`; also at file level) and `expect`:

- responsibility: `responsible_member_state`, `legal_basis` (exact) or `legal_basis_starts`,
  `flags` (flag kinds that must be raised), `no_flags` (kinds that must not), `blocking`,
  `trace` (list of [rule, outcome] pairs that must appear in order);
- procedure (`question: procedure`): `procedure`, `mandatory_grounds`, `accelerated_grounds`,
  `exemptions` (exact lists), `legal_basis_contains`, `flags`, `no_flags`, `trace` (as above);
- relocation (`question: relocation`, AMMR Art. 67(2), (5)): `eligible`, `reason`, `legal_basis`
  (exact), `check` (the check to make, or null); `question: consent` (Art. 67(4)) takes a `person`
  ({status, consent}) instead of a case and expects `consent`;
- deadlines (`question: deadlines`): `deadlines` mapping a name to its date (null for a deadline
  that runs from an event the case does not date), `absent` (names that must not be there).
  For a batch (`cases`), `expect` maps each id to such a mapping.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from migralex.law import params
from migralex.rules.responsibility.hierarchy import decide_responsibility

EXAMPLES = Path(__file__).parent / "examples"
REQUIRED = {"name", "source", "expect"}


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return copy.deepcopy(over)


def _load() -> list[Any]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        assert {"article", "examples"} <= set(doc), f"{path.name}: needs 'article' and 'examples'"
        if doc.get("question") == "screening":
            continue  # run by test_screening_examples.py
        for ex in doc["examples"]:
            missing = REQUIRED - set(ex)
            assert not missing, f"{path.name}: example {ex.get('name')!r} lacks {missing}"
            out.append(pytest.param(doc, ex, id=f"{path.stem}: {ex['name']}"))
    return out


def _cases(doc: dict[str, Any], ex: dict[str, Any]) -> list[dict[str, Any]]:
    base = doc.get("base", {})
    if "cases" in ex:
        return [_merge(base, c) for c in ex["cases"]]
    return [_merge(base, ex.get("case", {}))]


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
    for key in ("eligible", "reason", "legal_basis", "check", "consent"):
        if key in expect:
            assert answer[key] == expect[key], (key, answer)


def _check_deadlines(answer: dict[str, Any], expect: dict[str, Any]) -> None:
    got = {d["name"]: d["date"] for d in answer["deadlines"]}
    for name, date in expect.get("deadlines", {}).items():
        assert name in got, (name, answer)
        assert got[name] == (None if date is None else str(date)), (name, answer)
    for name in expect.get("absent", []):
        assert name not in got, (name, answer)


@pytest.mark.parametrize(("doc", "ex"), _load())
def test_legal_example(doc: dict[str, Any], ex: dict[str, Any]) -> None:
    overlay = {**doc.get("params", {}), **ex.get("params", {})}
    p = params().overlay(overlay, label="example") if overlay else params()
    cases = _cases(doc, ex)
    question = ex.get("question", doc.get("question", "responsibility"))
    regime = ex.get("regime", doc.get("regime"))
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

            answers = list(decide_deadlines(cases, context=context, params=p, regime=regime).answers())
            check = _check_deadlines
    if "cases" in ex:
        by_id = {a["id"]: a for a in answers}
        for case_id, expect in ex["expect"].items():
            check(by_id[case_id], expect)
    else:
        check(answers[0], ex["expect"])
