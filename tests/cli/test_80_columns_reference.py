"""The reference tables (law params, law search, data list, overview), the registry's statistics and the
answers of `decide`: 80 columns in the terminal, CSV and JSON for pipes (docs/style.md, Terminal).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from migralex.cli import app
from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV
from tests.cli.test_80_columns import assert_fits, run80
from tests.registry.test_cli import submission

ROOT = Path(__file__).resolve().parents[2]
CASES = str(ROOT / "examples" / "cases.jsonl")
CONTEXT = str(ROOT / "examples" / "context.json")


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_rows(*args: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv"))))
    assert rows and all(r for r in rows)
    return rows


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("law", "params", "--act", "APR"),
            ["Parameter", "Legal basis", "APR Art. 35(4)", "from 2026-06-12"],
        ),
        (("law", "params"), ["(reading)", "(secondary)", "apr.time_limits.registration"]),
        (("data", "list"), ["Publisher", "Coverage", "applications_by_nationality", "main caveat"]),
        (("overview",), ["Shipped datasets", "italy_sea_arrivals", "AMMR"]),
        (("pressure", "--year", "2025"), ["Situation", "Cumulative", "significant", "GR"]),
    ],
    ids=["params-apr", "params", "data-list", "overview", "pressure"],
)
def test_reference_tables_fit_80_columns_in_one_piece(args: tuple[str, ...], expected: list[str]) -> None:
    out = run80(*args)
    assert_fits(out)
    assert "(1/2)" not in out, "the table was split into a continuation table"
    for text in expected:
        assert text in out


def test_law_search_fits_80_columns_and_has_csv_and_json() -> None:
    out = run80("law", "search", "border procedure", "--act", "APR")
    assert not [line for line in out.splitlines() if len(line) > 80]
    assert "(1/2)" not in out and "Where the words are" in out
    rows = csv_rows("law", "search", "border procedure", "--act", "APR")
    words = set(out.split())
    for r in rows:  # each whole title is printed (folded between words, never cut)
        assert set(r["title"].split()) <= words, r["title"]
    assert {r["citation"] for r in rows} >= {"APR Art. 43", "APR Art. 51"}
    as_json = json.loads(invoke("law", "search", "20 months", "--format", "json"))
    assert as_json[0]["citation"] == "AMMR Art. 33" and as_json[0]["matches"] >= 1


@pytest.mark.parametrize(
    ("command", "key", "wanted"),
    [
        ("responsibility", "responsible_member_state", {"example-visa": "FR", "example-border": "GR"}),
        ("procedure", "procedure", {"example-border": "border_optional", "example-visa": "accelerated"}),
    ],
)
def test_decide_writes_csv_one_row_a_case(command: str, key: str, wanted: dict[str, str]) -> None:
    rows = csv_rows("decide", command, CASES, "--context", CONTEXT) if command == "procedure" else None
    rows = rows or csv_rows("decide", command, CASES)
    assert {r["id"]: r[key] for r in rows if r["id"] in wanted} == wanted
    assert all(r["legal_basis"] for r in rows)
    assert "{" not in "".join(r.get("flags", "") for r in rows)  # flags by name, not as Python dicts
    lines = invoke("decide", command, CASES).splitlines()
    assert len(lines) == len(rows) and json.loads(lines[0])["id"] == rows[0]["id"]  # JSON stays the default


def test_decide_deadlines_csv_has_a_row_per_time_limit_and_refuses_explain() -> None:
    rows = csv_rows("decide", "deadlines", CASES, "--context", CONTEXT)
    answers = [
        json.loads(line) for line in invoke("decide", "deadlines", CASES, "--context", CONTEXT).splitlines()
    ]
    assert len(rows) == sum(len(a["deadlines"]) for a in answers)
    border = {r["name"]: r for r in rows if r["id"] == "example-border"}
    assert border["border_procedure_end"]["legal_basis"] == "APR Art. 51(2)"
    result = CliRunner().invoke(app, ["decide", "deadlines", CASES, "--format", "csv", "--explain"])
    assert result.exit_code == 2 and "--format" in result.output and "Traceback" not in result.output


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", f"sqlite:///{tmp_path / 'reg.sqlite3'}")
    key = tmp_path / "registry.key"
    invoke("registry", "init", "--key-file", str(key))
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    rng = np.random.default_rng(1)
    people = [submission(i, "irregular_crossing", "IT", f"c-{i}", rng) for i in range(3)]
    (tmp_path / "it.json").write_text(json.dumps(people), encoding="utf-8")
    invoke("registry", "register", str(tmp_path / "it.json"), "-m", "IT", "-r", "border")
    (tmp_path / "de.json").write_text(
        json.dumps(submission(1, "applicant", "DE", "d-1", rng)), encoding="utf-8"
    )
    invoke("registry", "register", str(tmp_path / "de.json"), "-m", "DE", "-r", "asylum")
    return tmp_path


def test_registry_stats_fit_80_columns_and_have_csv_and_json(registry: Path) -> None:
    out = run80("registry", "stats")
    assert_fits(out)
    assert "(1/2)" not in out and "minors" in out and "Transmitted" in out
    assert {"Member", "State", "irregular", "crossing"} <= set(out.split()) and "Eurodac Art. 12(1)" in out
    assert "member_state" not in out and "persons_registered_as_minors" not in out
    rows = csv_rows("registry", "stats")
    datasets = [r for r in rows if r["table"] == "datasets"]
    assert sum(int(r["persons"]) for r in datasets) == 4
    assert {r["table"] for r in rows} >= {"datasets", "applicants", "hits"}
    as_json = json.loads(invoke("registry", "stats", "--format", "json"))
    assert as_json == json.loads(invoke("registry", "stats", "--json"))
    assert sum(r["persons"] for r in as_json["datasets"]) == 4


def test_data_show_cuts_nothing_and_writes_values_as_people_do() -> None:
    out = run80("data", "show", "countries", "--limit", "5")
    assert_fits(out)  # the wide table continues in parts that repeat the key column; nothing is cut
    assert "United Arab Emirates" in out and "Andorra la Vella" in out and " no " in out
    population = run80("data", "show", "population", "--limit", "3")
    assert_fits(population)
    assert "2003" in population and "2,003" not in population and "67,159" in population
