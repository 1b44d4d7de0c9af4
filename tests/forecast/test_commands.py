"""`migralex forecast`, `forecast backtest`, `forecast series`, `alerts` (the back-test itself is stubbed:
it takes a minute or two; its arithmetic is tested in test_backtest_arithmetic)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from migralex.cli import app

runner = CliRunner()


def test_forecast_json_rows() -> None:
    args = ["--series", "frontex:western-african", "--horizon", "2", "--as-of", "2024-12", "--format", "json"]
    r = runner.invoke(app, ["forecast", *args])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [row["ds"] for row in rows] == ["2025-01-01", "2025-02-01"]
    assert all(row["lo95"] <= row["mean"] <= row["hi95"] for row in rows)


def test_forecast_csv_and_bad_series() -> None:
    r = runner.invoke(app, ["forecast", "-s", "asylum:EU", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "series_id,ds,mean,lo80,hi80,lo95,hi95,model"
    bad = runner.invoke(app, ["forecast", "-s", "frontex:atlantis"])
    assert bad.exit_code == 2 and "frontex:atlantis" in bad.output


def test_backtest_json_has_the_required_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from migralex.forecast import alerts, backtest

    ratios = {"1": 0.5, "3": 0.6, "6": 0.7, "12": 1.0}
    fake = {
        "series": 2,
        "origins": 3,
        "mase_ratio_vs_seasonal_naive": ratios,
        "coverage_80": 0.8,
        "coverage_95": 0.95,
    }
    monkeypatch.setattr(backtest, "summary", lambda model="ensemble": dict(fake))
    monkeypatch.setattr(alerts, "surge_backtest", lambda bound="hi95": {"recall": 0.5, "events": []})
    r = runner.invoke(app, ["forecast", "backtest", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"series", "origins", "mase_ratio_vs_seasonal_naive", "coverage_80", "coverage_95"} <= set(out)
    assert out["alerts"] == {"recall": 0.5}


def test_series_and_alerts_commands() -> None:
    r = runner.invoke(app, ["forecast", "series", "--format", "json"])
    assert r.exit_code == 0 and any(s["series_id"] == "italy:weekly" for s in json.loads(r.stdout))
    a = runner.invoke(
        app, ["alerts", "--as-of", "2021-08", "--series", "frontex:eastern-borders", "--format", "json"]
    )
    assert a.exit_code == 0, a.output
    found = json.loads(a.stdout)
    assert any(row["ds"] == "2021-07-01" and row["observed"] > row["hi95"] for row in found)
