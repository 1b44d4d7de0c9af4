"""Every table of the CLI in an 80-column terminal: nothing cut, plain headers, numbers as people write them.

The commands run as a reader runs them (a subprocess with COLUMNS=80); `--format csv|json` give the data.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migralex import __version__
from migralex.cli import app

ROOT = Path(__file__).resolve().parents[2]
PLEDGES = str(ROOT / "examples" / "pledges.json")


def run80(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", "from migralex.cli import main; main()", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def assert_fits(text: str) -> None:
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert not too_wide, too_wide[:3]
    assert "…" not in text, "a cell or header was cut"
    assert not re.search(r"\b(True|False|None)\b", text), "a Python value leaked into the output"
    assert not re.search(r"(\b\d{4,}|,\d{3})\.0\b", text), "a whole number printed as a float (3000.0)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("solidarity", "--year", "2025"), ["4,328,970", "Population", "2.409 %"]),
        (("capacity", "--years", "2021-2023"), ["Adequate", "7,908", "2028"]),
        (("solidarity", "offsets", "--pledges", PLEDGES), ["Mandatory", "Offsets needed", "22,700"]),
        (("border-list", "--year", "2023"), ["Decisions", "Nationality", "Bangladesh"]),
    ],
    ids=["solidarity", "capacity", "offsets", "border-list"],
)
def test_tables_fit_80_columns(args: tuple[str, ...], expected: list[str]) -> None:
    out = run80(*args)
    assert_fits(out)
    for text in expected:
        assert text in out
    assert "max_20" not in out and "member_state" not in out and "_eur" not in out


def test_offsets_say_readings_in_words_not_code_names() -> None:
    out = run80("solidarity", "offsets", "--pledges", PLEDGES)
    assert "ammr.reading" not in out and "offsets fill the gap" in out


def test_csv_and_json_of_every_table_command() -> None:
    runner = CliRunner()
    commands = [
        ["solidarity", "--year", "2025"],
        ["capacity", "--years", "2021-2023"],
        ["border-list", "--year", "2023"],
        ["solidarity", "offsets", "--pledges", PLEDGES],
        ["law", "acts"],
        ["law", "params"],
        ["data", "list"],
    ]
    for args in commands:
        as_csv = runner.invoke(app, [*args, "--format", "csv"])
        assert as_csv.exit_code == 0, as_csv.output
        rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
        assert rows and all(r for r in rows)
        as_json = runner.invoke(app, [*args, "--format", "json"])
        assert as_json.exit_code == 0 and json.loads(as_json.stdout)


def test_border_list_minimum_of_decisions_filters_the_view_only() -> None:
    runner = CliRunner()
    every = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, ["border-list", "--year", "2023", "--format", "csv"]).stdout)
        )
    )
    big = runner.invoke(app, ["border-list", "--year", "2023", "--format", "csv", "--min-decisions", "1000"])
    kept = list(csv.DictReader(io.StringIO(big.stdout)))
    assert 0 < len(kept) < len(every)
    assert all(int(r["total"]) >= 1000 for r in kept)
    assert {r["citizenship"] for r in kept} == {r["citizenship"] for r in every if int(r["total"]) >= 1000}


def test_simulate_table_fits_and_csv_has_bands() -> None:
    out = run80("simulate", "--days", "30", "--scale", "0.003", "--runs", "2")
    assert_fits(out)
    assert "Time limits missed" in out and "APR Art. 27" in out  # the column is explained
    eu = [line for line in out.splitlines() if line.lstrip().startswith("EU ")]
    assert any("30,000" in line for line in eu), "the Union's adequate capacity is the sum, 30,000"
    runner = CliRunner()
    result = runner.invoke(
        app, ["simulate", "--days", "30", "--scale", "0.003", "--runs", "2", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 28 and {"arrivals", "arrivals_p5", "arrivals_p95"} <= set(rows[0])
    lu = next(r for r in rows if r["member_state"] == "LU")
    assert float(lu["adequate_capacity"]) == 1  # the act's figure, not scaled away


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"migralex {__version__}"


def test_registry_init_with_an_existing_key_says_how_to_proceed(tmp_path: Path) -> None:
    key = tmp_path / "registry.key"
    key.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["registry", "init", "--key-file", str(key), "--url", f"sqlite:///{tmp_path}/r.db"]
    )
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "already exists" in text and "MIGRALEX_REGISTRY_KEY_FILE=" in text and "without --key-file" in text
    assert key.read_text(encoding="utf-8") == "x"
