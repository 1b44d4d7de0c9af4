"""`--appeal-period MS:DAYS` / `appeal_period=`: the national period of AMMR Art. 43(2)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from migralex.api import ApiSettings, create_app
from migralex.cli import app

EXAMPLE = Path(__file__).parents[2] / "examples" / "cases" / "timeline.jsonl"
runner = CliRunner()


def _appeal(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["cases", "state", str(EXAMPLE), "--as-of", "2026-10-21", *args])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])  # tl-take-charge: DE notified on 20 October
    return next(x for x in first["limits"] if x["name"] == "appeal_period")


def test_the_window_by_default_and_the_national_period_when_given() -> None:
    window = _appeal()
    assert (window["variant"], window["date"], window["period"]) == ("window", "2026-11-10", "3 weeks")
    national = _appeal("--appeal-period", "DE:14")
    assert (national["variant"], national["date"], national["period"]) == (
        "national",
        "2026-11-03",
        "14 days",
    )
    assert _appeal("--appeal-period", "IT:10")["variant"] == "window"  # another State's period


def test_bad_periods_are_one_line_errors() -> None:
    for value, words in (("DE:22", "at most 21 days"), ("DE", "expected MS:DAYS"), ("XX:10", "XX")):
        result = runner.invoke(
            app, ["cases", "state", str(EXAMPLE), "--as-of", "2026-10-21", "--appeal-period", value]
        )
        assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output
        assert "--appeal-period[0]" in " ".join(result.output.split())
    status = runner.invoke(
        app, ["cases", "status", str(EXAMPLE), "--as-of", "2026-10-21", "--appeal-period", "DE:5"]
    )
    assert status.exit_code == 2 and "at least 7" in status.output


def test_the_api_takes_the_national_period() -> None:
    case = json.loads(EXAMPLE.read_text().splitlines()[0])
    with TestClient(create_app(ApiSettings())) as client:
        r = client.post(
            "/v1/cases/state", json=case, params={"as_of": "2026-10-21", "appeal_period": "DE:14"}
        )
        assert r.status_code == 200, r.text
        limit = next(x for x in r.json()["limits"] if x["name"] == "appeal_period")
        assert (limit["variant"], limit["date"]) == ("national", "2026-11-03")
        bad = client.post(
            "/v1/cases/state", json=case, params={"as_of": "2026-10-21", "appeal_period": "DE:30"}
        )
        assert bad.status_code == 422 and "appeal_period" in bad.text
        due = client.post(
            "/v1/cases/status",
            json=[case],
            params={"as_of": "2026-10-21", "days": 20, "appeal_period": "DE:14"},
        )
        assert due.status_code == 200 and "appeal_period" in due.text


def test_the_window_shows_both_ends_in_the_cli_and_the_api() -> None:
    """AMMR Art. 43(2) without a national period: the one week and the three weeks, labelled."""
    bounds = _appeal()["bounds"]
    assert {k: (v["date"], v["headline"]) for k, v in bounds.items()} == {
        "earliest": ("2026-10-27", False),
        "latest": ("2026-11-10", True),
    }
    assert "bounds" not in _appeal("--appeal-period", "DE:14")
    case = json.loads(EXAMPLE.read_text().splitlines()[0])
    with TestClient(create_app(ApiSettings())) as client:
        r = client.post("/v1/cases/state", json=case, params={"as_of": "2026-10-21"})
        limit = next(x for x in r.json()["limits"] if x["name"] == "appeal_period")
        assert limit["bounds"]["earliest"]["date"] == "2026-10-27"
        assert limit["bounds"]["latest"]["period"] == "3 weeks"
        due = client.post("/v1/cases/status", json=[case], params={"as_of": "2026-10-21", "days": 200})
        row = next(x for x in due.json()["due"] if x["name"] == "appeal_period")
        assert (row["date"], row["earliest"], row["latest"]) == ("2026-11-10", "2026-10-27", "2026-11-10")
        other = next(x for x in due.json()["due"] if x["name"] != "appeal_period")
        assert other["earliest"] is None and other["latest"] is None
