"""`migralex readmission` and `migralex resettlement` in an 80-column terminal, and their CSV/JSON."""

from __future__ import annotations

import csv
import io
import json

from tests.cli.test_80_columns import assert_fits, run80


def test_readmission_table_fits_and_says_whose_decision_it_is() -> None:
    out = run80("readmission", "--year", "2024", "--on", "2026-06-01", "--all")
    assert_fits(out)
    assert "Commission's decision" in out and "Art. 8" in out
    assert "not computed" in out  # refusals by citizenship are not shipped, and it says so


def test_readmission_csv_and_json() -> None:
    rows = list(
        csv.DictReader(io.StringIO(run80("readmission", "--year", "2024", "--all", "--format", "csv")))
    )
    assert {"citizenship", "visa_status", "change", "recognition_rate", "why"} <= set(rows[0])
    answer = json.loads(run80("readmission", "--year", "2024", "--format", "json"))
    assert answer["disclaimer"].startswith("An analyst's aid")
    assert all(c["trigger_met"] for c in answer["countries"])


def test_resettlement_commands_fit() -> None:
    out = run80(
        "resettlement", "deadlines", "--registered", "2026-07-31", "-m", "DE", "--concluded", "2027-01-15"
    )
    assert_fits(out)
    assert "2027-03-01" in out and "URF Art. 9(9)" in out and "URF Art. 9(20)" in out
    plan = run80("resettlement", "plan")
    assert_fits(plan)
    assert "10,430" in plan and "not found" in plan
    inflow = run80("resettlement", "inflow")
    assert_fits(inflow)
    assert "ILLUSTRATIVE" in inflow
    data = json.loads(
        run80("resettlement", "deadlines", "--registered", "2026-07-31", "-m", "DE", "--format", "json")
    )
    assert [d["deadline"] for d in data["deadlines"]][:2] == ["conclusion", "conclusion_extended"]
