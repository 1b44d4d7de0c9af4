"""The pressure score and candidates: the formula on hand-made indicators, settings validation."""

from __future__ import annotations

import polars as pl
import pytest

from migralex.cycle.pressure import DISCLAIMER, load_settings, parse_settings, pressure_ranking
from migralex.cycle.provenance import Result
from migralex.errors import InvalidInput

BASE = {
    "version": 1,
    "score": {"weights": {"applications": 1, "irregular_crossings": 1}, "ratio_cap": 4},
    "pressure": {"score_at_least": 2.0, "sar_arrivals_per_100k_at_least": 50},
    "risk": {"score_at_least": 1.0, "applications_growth_at_least": 0.25},
    "significant_situation": {"cumulative_relative_at_least": 1.5},
}


def indicators(rows: dict[str, tuple[float, float, float, float, float]]) -> Result:
    """member_state → (applications and crossings relative, SAR per 100k, change, cumulative relative)."""
    frame = pl.DataFrame(
        [(ms, *v) for ms, v in rows.items()],
        schema=[
            "member_state",
            "applications_relative",
            "irregular_crossings_relative",
            "sar_arrivals_per_100k",
            "applications_change",
            "cumulative_arrivals_relative",
        ],
        orient="row",
    )
    return Result("hand-made", frame, {}, (), ("indicator note",))


def test_score_is_the_weighted_mean_of_capped_relative_values() -> None:
    result = pressure_ranking(
        indicators({"AT": (1.0, 3.0, 0, 0, 1), "BE": (10.0, 0.0, 0, 0, 1), "DE": (0.5, 0.5, 0, 0, 1)}),
        parse_settings(BASE, "test"),
    )
    scores = dict(zip(result.frame["member_state"], result.frame["score"], strict=True))
    assert scores == {"AT": pytest.approx(2.0), "BE": pytest.approx(2.0), "DE": pytest.approx(0.5)}
    # ties keep the alphabetical order; ranks start at 1
    assert result.frame["member_state"].to_list() == ["AT", "BE", "DE"]
    assert result.frame["rank"].to_list() == [1, 2, 3]


@pytest.mark.parametrize(
    ("relative", "pressure", "risk"), [(2.0, True, False), (1.99, False, True), (0.99, False, False)]
)
def test_candidate_thresholds_are_inclusive(relative, pressure, risk) -> None:
    result = pressure_ranking(indicators({"AT": (relative, relative, 0, 0, 1)}), parse_settings(BASE, "test"))
    row = result.frame.row(0, named=True)
    assert (row["pressure_candidate"], row["risk_candidate"]) == (pressure, risk)


def test_sar_rule_growth_and_cumulative_arrivals() -> None:
    result = pressure_ranking(
        indicators(
            {"IT": (0.5, 0.5, 50, 0, 1), "PL": (0.5, 0.5, 49.9, 0.25, 1), "AT": (0.5, 0.5, 0, 0, 1.5)}
        ),
        parse_settings(BASE, "test"),
    )
    rows = {r["member_state"]: r for r in result.frame.iter_rows(named=True)}
    assert rows["IT"]["pressure_candidate"] and "Art. 11(3)" in rows["IT"]["reasons"]
    assert not rows["PL"]["pressure_candidate"] and rows["PL"]["risk_candidate"]
    assert rows["AT"]["significant_situation_candidate"] and "Art. 10(3)" in rows["AT"]["reasons"]
    assert result.notes[0] == DISCLAIMER and "AMMR Art. 11" in DISCLAIMER


def test_shipped_settings_load() -> None:
    s = load_settings()
    assert s.source == "settings.yaml" and sum(s.weights.values()) > 0


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"score": {"weights": {"applications": 1, "unknown": 1}, "ratio_cap": 4}}, "score.weights.unknown"),
        ({"score": {"weights": {"applications": -1}, "ratio_cap": 4}}, "score.weights.applications"),
        ({"score": {"weights": {"applications": 1}, "ratio_cap": 0}}, "score.ratio_cap"),
        ({"risk": {"score_at_least": 1.0}}, "risk.applications_growth_at_least"),
        ({"risk": {"score_at_least": 1.0, "applications_growth_at_least": 0.2, "x": 1}}, "risk.x"),
        ({"extra": {}}, "extra"),
    ],
)
def test_bad_settings_name_the_setting(change, where) -> None:
    with pytest.raises(InvalidInput, match=where.replace(".", r"\.")):
        parse_settings({**BASE, **change}, "test")


def test_settings_file_errors(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("score: [", "utf-8")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_settings(path)
    with pytest.raises(InvalidInput, match="no such file"):
        load_settings(tmp_path / "missing.yaml")
