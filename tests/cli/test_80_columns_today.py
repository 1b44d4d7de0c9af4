"""The tables of the commands added today (relocate, forecast, alerts, cases, law) in 80 columns.

Each command runs as a reader runs it (a subprocess with COLUMNS=80): nothing cut, plain headers; its
`--format csv` parses into rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from migralex.cli import app
from tests.cli.test_80_columns import assert_fits, run80

ROOT = Path(__file__).resolve().parents[2]
PERSONS = str(ROOT / "examples" / "relocation" / "persons.jsonl")
PLACES = str(ROOT / "examples" / "relocation" / "places.json")


def csv_rows(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r for r in rows)
    return rows


def test_relocate_fits_80_columns_and_csv_parses() -> None:
    out = run80("relocate", PERSONS, "--places", PLACES)
    assert_fits(out)
    assert "Member" in out and "Places" in out and "honoured" in out  # headers wrap between words
    assert "Legal basis" in out and "AMMR Art. 67(3)" in out and "link not" in out
    assert "member_state" not in out and "link_honoured" not in out and "pledged" in out
    rows = csv_rows("relocate", PERSONS, "--places", PLACES)
    assert {"person_id", "member_state", "reason"} <= set(rows[0])


def test_relocate_demo_fits_80_columns() -> None:
    out = run80("relocate", "--demo", "--weeks", "2")
    assert_fits(out)
    assert "links honoured share" in out and "unplaced reasons" in out and "{" not in out
    rows = csv_rows("relocate", "--demo", "--weeks", "2")
    assert rows[0]["figure"] == "relocated"


def test_forecast_fits_80_columns_and_csv_parses() -> None:
    out = run80("forecast", "-s", "frontex:EU", "-s", "italy:weekly", "--horizon", "2")
    assert_fits(out)
    assert "Forecast" in out and "band" in out and "lo80" not in out and "series_id" not in out
    rows = csv_rows("forecast", "-s", "frontex:EU", "--horizon", "2")
    assert len(rows) == 2 and float(rows[0]["lo95"]) <= float(rows[0]["mean"]) <= float(rows[0]["hi95"])


def test_forecast_series_fits_80_columns() -> None:
    out = run80("forecast", "series")
    assert_fits(out)
    assert "Frequency" in out and "freq" not in out
    assert {"series_id", "freq", "label"} <= set(csv_rows("forecast", "series")[0])


def test_alerts_fit_80_columns_and_csv_parses() -> None:
    out = run80("alerts")
    assert_fits(out)
    assert "history" not in out and "hi95" not in out
    rows = CliRunner().invoke(app, ["alerts", "--format", "csv"]).stdout
    header = next(csv.reader(io.StringIO(rows)))
    assert {"series_id", "observed", "hi95"} <= set(header)
    if "Last 6 observed" in out:  # an alert was raised: its row is in the CSV too
        assert len(list(csv.DictReader(io.StringIO(rows)))) >= 1


TIMELINE = str(ROOT / "examples" / "cases" / "timeline.jsonl")


def test_cases_status_fits_80_columns_and_csv_parses() -> None:
    out = run80("cases", "status", TIMELINE, "--as-of", "2027-04-13", "--days", "120")
    assert_fits(out)
    assert "Last day" in out and "take back" in out and "AMMR Art. 67(11)" in out
    assert "member_state" not in out and "legal_basis" not in out and "take_back" not in out
    rows = csv_rows("cases", "status", TIMELINE, "--as-of", "2027-04-13", "--days", "120")
    assert {r["section"] for r in rows} == {"due", "lapsed", "shifted"}


def test_law_participation_fits_80_columns_and_csv_parses() -> None:
    out = run80("law", "participation")
    assert_fits(out)
    assert "Bound by" in out and "Why (legal basis)" in out and "Part III" in out and "recital 90" in out
    rows = csv_rows("law", "participation")
    dk = [r for r in rows if r["state"] == "DK" and r["act"] == "AMMR"]
    assert len(dk) == 1 and dk[0]["parts"] == "Part III; Part V; Part VII"


def test_cases_state_table_fits_80_columns_and_csv_parses() -> None:
    out = run80("cases", "state", TIMELINE, "--as-of", "2027-01-10", "--format", "table")
    assert_fits(out)
    assert "Responsible" in out and "AMMR Art. 40(8)" in out and "transfer_decision" not in out
    rows = csv_rows("cases", "state", TIMELINE, "--as-of", "2027-01-10")
    silence = next(r for r in rows if r["id"] == "tl-silence")
    assert silence["legal_basis"] == "AMMR Art. 40(8)" and silence["next_due"] == "transfer_decision"
    assert len(rows) == len(
        CliRunner().invoke(app, ["cases", "state", TIMELINE, "--as-of", "2027-01-10"]).stdout.splitlines()
    )
