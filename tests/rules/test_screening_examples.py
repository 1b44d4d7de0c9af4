"""Legal examples of the screening (tests/rules/examples/screening*.yaml, `question: screening`).

An example has `name`, `source` (the words of the article), `screening` ({reason, member_state,
event_at, held_hours}), optional `params` (an overlay), `at` (when the clock is read), `form`,
`relocation`, `entry_conditions_met` and `expect`: `last_day`, `legal_basis` (of the time limit),
`expired` (at `at`), `outcome`, `outcome_basis` (Art. 18).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from migralex.law import params
from migralex.screening.model import Reason
from migralex.screening.outcome import referral
from migralex.screening.timelimit import clock, time_limit
from tests.rules.examples_loader import check_quotes, load

EXAMPLES = Path(__file__).parent / "examples"


def _load() -> list[Any]:
    out = []
    for param in load(
        EXAMPLES, {"question", "article", "examples"}, {"name", "source", "expect"}, "screening*.yaml"
    ):
        doc, ex = param.values
        assert doc["question"] == "screening" and doc["article"]
        base = doc.get("base", {})
        merged = {**base, **ex, "screening": {**base.get("screening", {}), **ex.get("screening", {})}}
        merged["form"] = {**base.get("form", {}), **ex.get("form", {})}
        out.append(pytest.param(merged, id=param.id))
    return out


def test_there_are_examples_on_both_sides_of_each_limit() -> None:
    names = [p.values[0]["name"] for p in _load()]
    assert sum("Italy" in n for n in names) >= 2 and sum("Germany" in n for n in names) >= 2
    assert any("72 hours" in n for n in names) and any("73 hours" in n for n in names)


@pytest.mark.parametrize("ex", _load())
def test_screening_example(ex: dict[str, Any]) -> None:
    check_quotes(ex["source"])
    ps = params().overlay(ex["params"], label="example") if ex.get("params") else params()
    s, expect = ex["screening"], ex["expect"]
    event = dt.datetime.fromisoformat(s["event_at"])
    limit = time_limit(event, Reason(s["reason"]), s["member_state"], s.get("held_hours", 0), ps=ps)
    if "last_day" in expect:
        assert limit.last_day.isoformat() == expect["last_day"], limit.reason
    if "legal_basis" in expect:
        assert limit.basis == expect["legal_basis"]
    if "expired" in expect:
        assert clock(limit.last_day, dt.datetime.fromisoformat(ex["at"]))["expired"] is expect["expired"]
    if "outcome" in expect:
        outcome, basis = referral(
            Reason(s["reason"]),
            ex["form"],
            relocation=ex.get("relocation", False),
            entry_conditions_met=ex.get("entry_conditions_met", False),
            on=event.date(),
            ps=ps,
        )
        assert outcome == expect["outcome"]
        if "outcome_basis" in expect:
            assert basis.startswith(expect["outcome_basis"])
