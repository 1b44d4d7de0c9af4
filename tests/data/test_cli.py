"""`migralex data list` and `migralex data show`."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from migralex.data import table_names
from migralex.data.commands import app

runner = CliRunner()


def test_list_as_a_table_names_every_table() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert all(name in result.output for name in table_names())


def test_list_as_json_gives_the_catalogue() -> None:
    result = runner.invoke(app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert [entry["name"] for entry in entries] == table_names()
    gdp = next(entry for entry in entries if entry["name"] == "gdp")
    assert gdp["publisher"] == "IMF" and gdp["rows"] > 0 and "gdp_eur" in gdp["columns"]


def test_show_as_csv() -> None:
    result = runner.invoke(app, ["show", "population", "--limit", "3", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["country", "is_aggregate", "year", "population", "flag"]
    assert rows[1] == ["AD", "false", "2003", "67159", ""]
    assert len(rows) == 4


def test_show_as_json_records() -> None:
    result = runner.invoke(app, ["show", "temporary_protection", "--limit", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert len(records) == 2
    assert records[0]["month"] == "2022-07-01" and records[0]["country"] == "AT"


def test_show_as_a_table_with_caveats() -> None:
    result = runner.invoke(app, ["show", "decisions", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "decisions" in result.output and "migr_asydcfsta" in result.output


def test_show_all_rows_with_limit_zero() -> None:
    result = runner.invoke(app, ["show", "refusals_of_entry", "--limit", "0", "--format", "csv"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 327 + 1


def test_show_an_unknown_table_lists_the_tables() -> None:
    result = runner.invoke(app, ["show", "asylum"])
    assert result.exit_code == 2
    assert "no table 'asylum'" in result.output and "applications" in result.output


def test_mounted_in_the_main_cli() -> None:
    from migralex.cli import app as main_app

    result = runner.invoke(main_app, ["data", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == len(table_names())
