"""`migralex decide ...` and `migralex border-list`: answers per line, rejections, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migralex.cli import app

runner = CliRunner()

UAM = {
    "id": "uam",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "sar_disembarkation"},
    "applicant": {"date_of_birth": "2009-04-02", "unaccompanied": True, "nationality": "SY"},
    "family": [{"relation": "sibling", "member_state": "DE", "status": "legally_present"}],
    "entries": [{"kind": "sar_disembarkation", "member_state": "IT", "date": "2026-08-28"}],
}
CROSSING = {
    "id": "crossing",
    "registration": {"member_state": "IT", "date": "2026-08-17"},
    "applicant": {"nationality": "BD"},
    "entries": [{"kind": "irregular_crossing", "member_state": "GR", "date": "2024-12-15"}],
}
BAD = {
    "id": "bad",
    "registration": {"member_state": "IT", "date": "2026-09-01"},
    "applicant": {"nationality": "SY", "x": 1},
}


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in (UAM, BAD, CROSSING)) + "\n")
    return f


@pytest.fixture
def context(tmp_path: Path) -> Path:
    f = tmp_path / "context.json"
    f.write_text(json.dumps({"recognition_rates": {"BD": 0.05, "SY": 0.9}}))
    return f


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_responsibility_answers_valid_lines_and_exits_1(cases: Path) -> None:
    result = runner.invoke(app, ["decide", "responsibility", str(cases)])
    assert result.exit_code == 1
    answers = [a for a in _lines(result.stdout) if "responsible_member_state" in a]
    assert [(a["id"], a["responsible_member_state"]) for a in answers] == [("uam", "DE"), ("crossing", "GR")]
    assert "trace" not in answers[0]
    rejected = [a for a in _lines(result.stderr) if "error" in a]
    assert rejected == [
        {"line": 2, "id": "bad", "error": {"path": "applicant.x", "reason": rejected[0]["error"]["reason"]}}
    ]


def test_trace_out_file_and_single_json(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(UAM))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["decide", "responsibility", str(one), "--trace", "--out", str(out)])
    assert result.exit_code == 0, result.output
    answer = json.loads(out.read_text())
    assert answer["trace"][-1] == {
        "rule": "AMMR Art. 25(2)",
        "outcome": "applies",
        "reason": "a family member or sibling of the unaccompanied minor is legally present in DE",
    }


def test_set_changes_a_reading(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps(CROSSING))
    default = _lines(runner.invoke(app, ["decide", "responsibility", str(f)]).stdout)[0]
    calendar = runner.invoke(
        app, ["decide", "responsibility", str(f), "--set", "ammr.reading.criteria_window_end=calendar"]
    )
    assert default["responsible_member_state"] == "GR"
    assert _lines(calendar.stdout)[0]["responsible_member_state"] == "IT"
    bad = runner.invoke(
        app, ["decide", "responsibility", str(f), "--set", "ammr.reading.criteria_window_end=moon"]
    )
    assert bad.exit_code == 2 and "not one of" in bad.output


def test_explain_quotes_the_article(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps(UAM))
    result = runner.invoke(app, ["decide", "responsibility", str(f), "--explain"])
    assert result.exit_code == 0
    assert "uam: DE is responsible under AMMR Art. 25(2)." in result.stdout
    assert "a family member or a sibling of the unaccompanied minor is legally present" in " ".join(
        result.stdout.split()
    )


def test_procedure_and_deadlines_with_context(cases: Path, context: Path) -> None:
    proc = runner.invoke(app, ["decide", "procedure", str(cases), "--context", str(context), "--trace"])
    assert proc.exit_code == 1
    answers = {a["id"]: a for a in _lines(proc.stdout)}
    assert answers["crossing"]["procedure"] == "accelerated"
    assert answers["crossing"]["accelerated_grounds"] == ["APR Art. 42(1)(j)"]
    assert answers["uam"]["trace"][0]["rule"] == "APR Art. 79(3)"
    dl = runner.invoke(app, ["decide", "deadlines", str(cases), "--context", str(context)])
    by_id = {a["id"]: {d["name"]: d for d in a["deadlines"]} for a in _lines(dl.stdout)}
    assert by_id["uam"]["screening_end"]["date"] == "2026-09-04"
    assert by_id["crossing"]["take_charge_request"]["date"] is None


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["decide", "responsibility", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "no such file" in result.output


def _data_available() -> bool:
    try:
        from migralex.data import load

        load("decisions")
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _data_available(), reason="shipped decision data not available")
def test_border_list_json() -> None:
    result = runner.invoke(app, ["border-list", "--year", "2023", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["rate"] <= 0.2 and r["year"] == 2023 for r in rows)
    assert {"citizenship", "granted", "rejected", "total", "rate"} <= set(rows[0])
    assert [r["rate"] for r in rows] == sorted(r["rate"] for r in rows)


def test_regime_forced_on_the_command_line(tmp_path: Path, context: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({**CROSSING, "registration": {"member_state": "IT", "date": "2026-02-17"}}))
    by_date = _lines(runner.invoke(app, ["decide", "responsibility", str(f)]).stdout)[0]
    forced = runner.invoke(app, ["decide", "responsibility", str(f), "--regime", "ammr", "--trace"])
    assert forced.exit_code == 0, forced.output
    answer = _lines(forced.stdout)[0]
    assert by_date["regime"] == "DUBLIN_III" and by_date["responsible_member_state"] == "IT"
    assert answer["regime"] == "AMMR" and answer["responsible_member_state"] == "GR"
    assert "forced by the caller" in answer["legal_basis"]
    assert answer["trace"][0]["outcome"] == "excluded"
    proc = runner.invoke(app, ["decide", "procedure", str(f), "--context", str(context), "--regime", "AMMR"])
    assert _lines(proc.stdout)[0]["procedure"] == "accelerated"
    dl = runner.invoke(app, ["decide", "deadlines", str(f), "--context", str(context), "--regime", "AMMR"])
    names = [d["name"] for d in _lines(dl.stdout)[0]["deadlines"]]
    assert "lodging" in names and "take_charge_request" in names
    # the Dublin time limits follow the forced regime too, not the date's
    dublin = [
        d["legal_basis"] for d in _lines(dl.stdout)[0]["deadlines"] if d["name"].startswith("take_charge")
    ]
    assert dublin and all(basis.startswith("AMMR") for basis in dublin), dublin
    bad = runner.invoke(app, ["decide", "responsibility", str(f), "--regime", "pact"])
    assert bad.exit_code == 2
