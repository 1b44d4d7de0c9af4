"""`migralex decide returns`: APR Art. 37, RBPR Art. 4, Return Directive Art. 7 from the CLI, and
hostile input (one-line errors naming the field, exit 2, nothing written)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from migralex.cli import app
from migralex.errors import InvalidInput
from migralex.rules.returns import decide_returns

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples" / "returns" / "decisions.jsonl"


def test_answers_one_json_line_per_decision_with_the_article() -> None:
    res = runner.invoke(app, ["decide", "returns", str(EXAMPLES), "--trace"])
    assert res.exit_code == 0, res.output
    answers = [json.loads(line) for line in res.stdout.splitlines()]
    by_id = {a["id"]: a for a in answers}
    assert by_id["border-1"]["voluntary_departure_basis"] == "RBPR Art. 4(5)"
    assert by_id["border-1"]["return_border_procedure_end"] == "2026-11-24"
    assert by_id["granted-1"]["return_decision"] is False
    assert next(t["rule"] for t in by_id["regular-1"]["trace"]) == "return_decision"


def test_explain_fits_80_columns_and_names_the_articles() -> None:
    res = runner.invoke(app, ["decide", "returns", str(EXAMPLES), "--explain"])
    assert res.exit_code == 0, res.output
    assert "APR Art. 37" in res.stdout and "Return Directive Art. 7(4)" in res.stdout
    assert max(map(len, res.stdout.splitlines())) <= 80


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ({"outcome": "nope"}, "outcome"),
        ({"member_state": "ZZ"}, "member_state"),
        ({"decision_date": "2026-13-01"}, "decision_date"),
        ({"decision_date": None}, "decision_date"),
        ({"x": 1}, "x"),
        ({"risk_of_absconding": "perhaps"}, "risk_of_absconding"),
        ("[1, 2]", "decisions[0]"),
        ("{not json", "decisions"),
        ("[" * 5000 + "]" * 5000, "decisions"),
    ],
)  # fmt: skip
def test_hostile_input_is_one_line_naming_the_field(tmp_path: Path, text: str | dict, field: str) -> None:
    src = tmp_path / "d.jsonl"
    good = {"id": "x", "member_state": "DE", "decision_date": "2026-09-01", "outcome": "unfounded"}
    src.write_text(text if isinstance(text, str) else json.dumps({**good, **text}))
    out = tmp_path / "answers.jsonl"
    res = runner.invoke(app, ["decide", "returns", str(src), "--out", str(out)])
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: {field}") and "Traceback" not in res.output
    assert not out.exists()


@settings(max_examples=30, deadline=None)
@given(period=st.integers(min_value=0, max_value=60))
def test_the_parameters_decide_the_boundary(period: int) -> None:
    """Overlaying the Art. 7(1) maximum moves the last day of voluntary departure by as many days."""
    from migralex.law import params

    p = params().overlay({"return_directive.voluntary_departure_max": period}, label="test")
    row = {"id": "x", "member_state": "DE", "decision_date": "2027-01-04", "outcome": "unfounded"}
    answer = decide_returns(row, params=p).answer(0)
    assert answer["voluntary_departure_max_days"] == period
    earliest = dt.date(2027, 1, 4) + dt.timedelta(days=period)  # a holiday or weekend only moves it on
    assert (
        earliest
        <= dt.date.fromisoformat(answer["voluntary_departure_latest"])
        <= earliest + dt.timedelta(days=4)
    )


def test_a_batch_error_names_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"^outcome"):
        decide_returns([{"id": "a", "member_state": "DE", "decision_date": "2026-09-01", "outcome": "maybe"}])


@settings(max_examples=60, deadline=None)
@given(
    decided=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)),
    remain=st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))),
    outcome=st.sampled_from(["unfounded", "withdrawn_implicit", "refugee_status", "manifestly_unfounded"]),
    procedure=st.sampled_from(["regular", "border"]),
    flags=st.fixed_dictionaries(
        {k: st.booleans() for k in ("prior_return_decision", "crisis", "risk_of_absconding")}
    ),
    state=st.sampled_from(["IT", "DE", "NO", "GR"]),
)
def test_any_decision_in_range_is_answered_consistently(
    decided: dt.date, remain: dt.date | None, outcome: str, procedure: str, flags: dict, state: str
) -> None:
    """APR Art. 37 issues a return decision exactly for a rejection under the APR with none before;
    a voluntary departure period ends on or after the return decision; no date, no period end."""
    row = {"id": "x", "member_state": state, "decision_date": decided, "outcome": outcome,
           "procedure": procedure, "right_to_remain_end": remain, **flags}  # fmt: skip
    a = decide_returns(row).answer(0)
    issued = (
        outcome != "refugee_status" and decided >= dt.date(2026, 6, 12) and not flags["prior_return_decision"]
    )
    assert a["return_decision"] is issued
    assert a["return_border_procedure"] is (
        issued and procedure == "border" and outcome != "withdrawn_implicit"
    )
    if a["voluntary_departure_latest"] is not None:
        assert a["voluntary_departure_latest"] > a["return_decision_date"]
    if remain is None:
        assert a["return_border_procedure_end"] is None


@pytest.mark.parametrize(("as_of", "status"), [("2027-03-03", "running"), ("2027-03-04", "lapsed")])
def test_the_case_timeline_dates_voluntary_departure_from_the_return_decision(
    tmp_path: Path, as_of: str, status: str
) -> None:
    """Return Directive Art. 7(1): at most 30 days from the return decision (the event of APR Art. 37)."""
    case = {"version": 2, "id": "rd", "registration": {"member_state": "DE", "date": "2026-09-01"},
            "applicant": {"nationality": "SY"},
            "events": [{"type": "return_decision", "date": "2027-02-01", "by": "DE"}]}  # fmt: skip
    src = tmp_path / "case.json"
    src.write_text(json.dumps(case))
    res = runner.invoke(app, ["cases", "state", str(src), "--as-of", as_of])
    assert res.exit_code == 0, res.output
    (limit,) = [x for x in json.loads(res.stdout)["limits"] if x["name"] == "voluntary_departure"]
    assert (limit["date"], limit["status"], limit["legal_basis"]) == (
        "2027-03-03",
        status,
        "Return Directive Art. 7(1)",
    )
