"""`migralex simulate`: the shell over run_scenario."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from migralex.cli import app

runner = CliRunner()
SMALL = ["--days", "30", "--scale", "0.003"]


def test_json_summary_per_member_state() -> None:
    result = runner.invoke(app, ["simulate", "--scenario", "lampedusa-surge", *SMALL, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    italy = summary["member_states"]["IT"]
    for key in ("arrivals", "applications", "border_procedure_peak", "adequate_capacity", "transfers_out",
                "relocations_out", "return_decisions", "returns", "breaches"):  # fmt: skip
        assert key in italy
    assert summary["scenario"] == "lampedusa-surge" and summary["days"] == 30


def test_table_and_files_with_exported_persons(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["simulate", *SMALL, "--out", str(out), "--export-persons", "3"])
    assert result.exit_code == 0, result.output
    assert "baseline" in result.stdout and (out / "daily.parquet").exists()
    cases = [json.loads(line) for line in (out / "persons.jsonl").read_text("utf-8").splitlines()]
    outcomes = [json.loads(line) for line in (out / "persons-outcomes.jsonl").read_text("utf-8").splitlines()]
    assert len(cases) == 3 and all("registration" in c and "case" not in c for c in cases)
    assert [o["id"] for o in outcomes] == [c["id"] for c in cases] and all("stage" in o for o in outcomes)
    decided = runner.invoke(app, ["decide", "responsibility", str(out / "persons.jsonl")])
    assert decided.exit_code == 0, decided.output
    assert len(decided.stdout.splitlines()) == 3


def test_unknown_scenario_is_a_clear_error() -> None:
    result = runner.invoke(app, ["simulate", "--scenario", "atlantis", *SMALL])
    assert result.exit_code == 2
    assert "atlantis" in result.output and "baseline" in result.output
