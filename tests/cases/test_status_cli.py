"""`migralex cases status`: a caseload's due, lapsed and shifted limits as table, JSON, CSV, iCalendar."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from migralex.cases.caseload import read_caseload
from migralex.cli import app
from migralex.errors import InvalidInput

EXAMPLE = Path(__file__).parents[2] / "examples" / "cases" / "timeline.jsonl"
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["cases", "status", str(EXAMPLE), "--as-of", "2027-04-13", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_lists_due_lapsed_and_shifted() -> None:
    out = json.loads(_run("--days", "120", "--format", "json"))
    assert out["as_of"] == "2027-04-13" and out["days"] == 120
    assert {(d["id"], d["name"], d["date"]) for d in out["due"]} == {
        ("tl-silence", "transfer", "2027-07-05"),
        ("tl-appeal", "transfer", "2027-07-19"),
    }
    assert out["shifted"] == [
        {
            "id": "tl-take-charge",
            "date": "2027-04-13",
            "from": "GR",
            "to": "DE",
            "legal_basis": "AMMR Art. 46(2)",
        }
    ]
    assert all(x["status"] == "lapsed" for x in out["lapsed"])


def test_a_short_window_leaves_later_limits_out() -> None:
    out = json.loads(_run("--days", "30", "--format", "json"))
    assert out["due"] == []


def test_csv_has_a_section_per_row() -> None:
    frame = pl.read_csv(_run("--days", "120", "--format", "csv").encode())
    assert set(frame["section"]) == {"due", "lapsed", "shifted"}


def test_ics_has_one_event_per_limit_due(tmp_path: Path) -> None:
    path = tmp_path / "due.ics"
    _run("--days", "120", "--format", "json", "--ics", str(path))
    cal = Calendar.from_ical(path.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert sorted(str(e["summary"]) for e in events) == [
        "tl-appeal: transfer (NL)",
        "tl-silence: transfer (FR)",
    ]
    assert {e.decoded("dtstart").isoformat() for e in events} == {"2027-07-05", "2027-07-19"}


def test_parquet_gives_the_same_answer(tmp_path: Path) -> None:
    path = tmp_path / "cases.parquet"
    pl.read_ndjson(EXAMPLE, infer_schema_length=None).write_parquet(path)
    jsonl = json.loads(_run("--days", "120", "--format", "json"))
    result = runner.invoke(
        app, ["cases", "status", str(path), "--as-of", "2027-04-13", "--days", "120", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == jsonl


def test_strict_reading_gives_the_same_answer() -> None:
    assert _run("--days", "120", "--format", "json", "--strict") == _run("--days", "120", "--format", "json")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda c: c["events"][1].update(date="2026-09-01"), "[0].events[1]"),
        (lambda c: c["events"][1].update(type="telegram"), "[0].events[1].type"),
        (lambda c: c.update(version=1), "[0].version"),
    ],
)
def test_bad_caseloads_name_the_case_and_event(tmp_path: Path, change, path: str) -> None:  # type: ignore[no-untyped-def]
    cases = [json.loads(line) for line in EXAMPLE.read_text().splitlines()]
    change(cases[0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(c) for c in cases))
    with pytest.raises(InvalidInput) as exc:
        read_caseload(bad)
    assert exc.value.path == path
    result = runner.invoke(app, ["cases", "status", str(bad), "--as-of", "2027-04-13"])
    assert result.exit_code == 2 and path in result.output


def test_bad_day_is_a_usage_error() -> None:
    result = runner.invoke(app, ["cases", "status", str(EXAMPLE), "--as-of", "2027-13-01"])
    assert result.exit_code == 2


def test_state_prints_each_cases_state() -> None:
    result = runner.invoke(app, ["cases", "state", str(EXAMPLE), "--as-of", "2027-06-01"])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers][:2] == ["tl-take-charge", "tl-silence"]
    assert answers[0]["legal_basis"] == "AMMR Art. 46(2)" and answers[1]["legal_basis"] == "AMMR Art. 40(8)"
    back = next(a for a in answers if a["id"] == "tl-take-back")
    decision = next(x for x in back["limits"] if x["name"] == "transfer_decision")
    assert decision["variant"] == "take_back" and "take back notification" in decision["runs_from"]["text"]


def test_state_explained_quotes_the_consequence() -> None:
    result = runner.invoke(app, ["cases", "state", str(EXAMPLE), "--as-of", "2027-06-01", "--explain"])
    assert result.exit_code == 0, result.output
    assert "shift on 2027-04-13: GR -> DE [AMMR Art. 46(2)]" in result.stdout
    assert "-> that lack of objection shall be tantamount to accepting the request" in result.stdout


def test_state_refuses_an_inconsistent_case(tmp_path: Path) -> None:
    case = json.loads(EXAMPLE.read_text().splitlines()[0])
    case["events"] = case["events"][2:]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(case))
    result = runner.invoke(app, ["cases", "state", str(bad), "--as-of", "2027-06-01"])
    assert result.exit_code == 2 and "events[0]" in result.output
