"""The CLI: `migralex solidarity [offsets]`, `migralex capacity`, `migralex cycle`."""

from __future__ import annotations

import io
import json

import polars as pl
from typer.testing import CliRunner

from migralex.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_solidarity_csv_has_the_columns_and_adds_up() -> None:
    result = runner.invoke(app, ["solidarity", "--year", "2025", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame.columns[:6] == [
        "member_state",
        "population",
        "gdp_eur",
        "share",
        "relocations",
        "financial_eur",
    ]
    assert frame["relocations"].sum() == 30_000 and frame.height == 26


def test_solidarity_json_keeps_the_ratio() -> None:
    result = runner.invoke(
        app, ["solidarity", "--year", "2025", "--relocations", "45000", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pool"]["financial_eur"] == 45_000 * data["pool"]["eur_per_relocation"]
    assert (data["cycle_year"], data["pool_year"]) == (2025, 2026)
    assert (data["population_date"], data["gdp_year"]) == ("2024-01-01", 2024)
    assert sum(r["financial_eur"] for r in data["rows"]) == data["pool"]["financial_eur"]


def test_solidarity_member_set_and_errors() -> None:
    ok = runner.invoke(app, ["solidarity", "--year", "2025", "--member-set", "eu27", "--format", "csv"])
    assert ok.exit_code == 0 and "DK," in ok.stdout
    missing = runner.invoke(app, ["solidarity"])
    assert missing.exit_code == 2 and "--year" in flat(missing.output)
    bad = runner.invoke(app, ["solidarity", "--year", "2025", "--member-set", "IT,XX"])
    assert bad.exit_code == 2 and "member_set[1]" in flat(bad.output)


def test_offsets_command(tmp_path) -> None:
    path = tmp_path / "pledges.json"
    path.write_text(json.dumps({"cycle_year": 2025, "pledges": {"DE": {"relocations": 20000}}}), "utf-8")
    result = runner.invoke(app, ["solidarity", "offsets", "--pledges", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    figures = {f["name"]: f["value"] for f in data["figures"]}
    assert figures["offsets_may_be_requested"] is True
    de = next(r for r in data["rows"] if r["member_state"] == "DE")
    assert de["may_offer_offsets"] and "63(2)(a)" in de["explanation"]
    path.write_text(json.dumps({"pledges": {"DE": {"relocations": -1}}}), "utf-8")
    bad = runner.invoke(app, ["solidarity", "offsets", "--pledges", str(path), "--year", "2025"])
    assert bad.exit_code == 2 and "$.pledges.DE.relocations" in flat(bad.output)


def test_capacity_command(tmp_path) -> None:
    result = runner.invoke(app, ["capacity", "--years", "2021-2023", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame.columns[:8] == [
        "member_state",
        "irregular_crossings",
        "sar_arrivals",
        "refusals_of_entry",
        "adequate_capacity",
        "max_2026",
        "max_2027",
        "max_2028",
    ]
    assert frame["adequate_capacity"].sum() == 30_000
    default = runner.invoke(app, ["capacity", "--format", "json"])
    assert default.exit_code == 0 and json.loads(default.stdout)["years"] == [2021, 2023]
    bad = tmp_path / "bad.csv"
    bad.write_text("member_state,irregular_crossings\nIT,1\n", "utf-8")
    failed = runner.invoke(app, ["capacity", "--input", str(bad)])
    assert failed.exit_code == 2 and "missing column" in flat(failed.output)


def test_cycle_command(tmp_path) -> None:
    result = runner.invoke(app, ["cycle", "--year", "2025", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "report.html").exists() and (tmp_path / "c" / "summary.json").exists()


def test_pressure_rules_json_and_score_csv() -> None:
    result = runner.invoke(
        app, ["pressure", "--year", "2025", "--period", "calendar", "--no-forecast", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["method"] == "rules" and body["reference_period"]["label"] == "calendar year 2024"
    assert len(body["rows"]) == 26 and {"arrivals_ratio", "reasons", "classification"} <= set(body["rows"][0])
    # --no-forecast: no projection, so no projected ratio and a note that risk rests on the trend
    assert all(r["projected_applications_ratio"] is None for r in body["rows"])
    assert any("risk rests on the trend" in n for n in body["notes"])
    score = runner.invoke(
        app, ["pressure", "--year", "2025", "--method", "score", "--no-forecast", "--format", "csv"]
    )
    assert score.exit_code == 0, score.output
    assert pl.read_csv(io.StringIO(score.stdout)).columns[:3] == ["rank", "member_state", "score"]
    bad = runner.invoke(app, ["pressure", "--year", "2025", "--period", "fiscal"])
    assert bad.exit_code == 2 and "unknown period 'fiscal'" in flat(bad.output)


def test_capacity_crossings_option() -> None:
    result = runner.invoke(app, ["capacity", "--years", "2021-2023", "--crossings", "dtm", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame["adequate_capacity"].sum() == 30_000
    sources = dict(zip(frame["member_state"], frame["crossings_source"], strict=True))
    assert sources["GR"] == "IOM DTM arrivals" and sources["PL"] == "Frontex route split"
