"""`--crisis-in MS:FROM:TO`: the CFMR Art. 12 derogation of one Member State for one period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migralex.cli import app

EXAMPLE = Path(__file__).parents[2] / "examples" / "cases" / "timeline.jsonl"
runner = CliRunner()


def _reply_variant(*args: str) -> str:
    result = runner.invoke(app, ["cases", "state", str(EXAMPLE), "--as-of", "2026-11-03", *args])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    return next(x["variant"] for x in first["limits"] if x["name"] == "take_charge_reply")


def test_only_the_authorised_member_state_derogates() -> None:
    # tl-take-charge: DE requests, GR replies - GR's derogation extends the reply, DE's does not
    assert _reply_variant("--crisis-in", "GR:2026-09-01:2026-11-30") == "crisis"
    assert _reply_variant("--crisis-in", "DE:2026-09-01:2026-11-30") == "after_hit"
    assert _reply_variant("--crisis-in", "GR:2026-11-01:2026-11-30") == "after_hit"  # after the reply
    assert _reply_variant("--crisis") == "crisis"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--crisis-in", "GR:2026-09-01"], "expected MS:FROM:TO"),
        (["--crisis-in", "GR:2026-09-01:2027-09-01"], "CFMR Art. 5(3)"),
        (["--crisis-in", "XX:2026-09-01:2026-10-01"], "--crisis-in[0].member_state"),
        (["--crisis-in", "GR:2026-10-01:2026-09-01"], "--crisis-in[0].to"),
        (["--crisis", "--crisis-in", "GR:2026-09-01:2026-10-01"], "exclude each other"),
    ],
)
def test_bad_authorisations_are_one_line_errors(args: list[str], words: str) -> None:
    result = runner.invoke(app, ["cases", "state", str(EXAMPLE), "--as-of", "2026-11-03", *args])
    assert result.exit_code == 2
    assert words in " ".join(result.output.split()) and "Traceback" not in result.output


_SE_SPOUSE = {
    "id": "de-se",
    "registration": {"member_state": "DE", "date": "2026-09-30", "place": "territory"},
    "applicant": {"nationality": "SY"},
    "family": [
        {
            "relation": "spouse",
            "member_state": "SE",
            "status": "beneficiary_of_international_protection",
            "consent_in_writing": True,
        }
    ],
}


def _deadline_bases(tmp_path: Path, *args: str) -> dict[str, str]:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_SE_SPOUSE) + "\n")
    result = runner.invoke(app, ["decide", "deadlines", str(path), *args])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout.splitlines()[0])
    return {d["name"]: d["legal_basis"] for d in answer["deadlines"]}


def test_decide_deadlines_takes_the_authorisations_per_member_state(tmp_path: Path) -> None:
    # DE requests and transfers, SE replies (CFMR Art. 12(2)): a crisis in IT extends nothing
    plain = _deadline_bases(tmp_path)
    assert _deadline_bases(tmp_path, "--crisis-in", "IT:2026-09-01:2026-12-31") == plain
    de = _deadline_bases(tmp_path, "--crisis-in", "DE:2026-09-01:2026-12-31")
    assert de["take_charge_request"] == "CFMR Art. 12(2)(a)" and de["take_charge_reply"] == "AMMR Art. 40(1)"
    se = _deadline_bases(tmp_path, "--crisis-in", "SE:2026-09-01:2026-12-31")
    assert se["take_charge_request"] == "AMMR Art. 39(1)" and se["take_charge_reply"] == "CFMR Art. 12(2)(b)"
    path = tmp_path / "cases.jsonl"
    bad = runner.invoke(app, ["decide", "deadlines", str(path), "--crisis-in", "XX:2026-09-01:2026-10-01"])
    assert bad.exit_code == 2 and "--crisis-in[0].member_state" in bad.output
