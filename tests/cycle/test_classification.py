"""The classification rules (AMMR Arts 2(24)-(25), 10(3), 11) on hand-made indicators: both sides of
every threshold, the SAR rule, the projection seam and the settings' validation."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from migralex.cycle.classification import Rules, check_projection, classify, parse_rules
from migralex.cycle.pressure import load_settings, parse_settings
from migralex.errors import InvalidInput

SOURCE = "test"
RULES: dict[str, Any] = {
    "denominator": "reference_key",
    "pressure": {"source": SOURCE, "arrivals_ratio_above": 1.0, "applications_ratio_above": 1.0},
    "sar": {"source": SOURCE, "recurring_months_at_least": 6, "ratio_above": 1.0},
    "risk": {
        "source": SOURCE,
        "projected_ratio_above": 1.0,
        "band": "point",
        "arrivals_growth_at_least": 0.25,
    },
    "significant_situation": {"source": SOURCE, "cumulative_ratio_above": 1.0},
}
#: Four Member States with key shares 1/2, 1/4, 1/8, 1/8.
KEY = pl.DataFrame({"member_state": ["AA", "BB", "CC", "DD"], "share": [0.5, 0.25, 0.125, 0.125]})


def indicators(**columns: list[Any]) -> pl.DataFrame:
    """Hand-made indicators of AA, BB, CC, DD: every column defaults to a neutral value."""
    base: dict[str, list[Any]] = {
        "member_state": ["AA", "BB", "CC", "DD"],
        "population": [50, 25, 13, 12],
        "irregular_crossings": [0, 0, 0, 0],
        "applications": [100, 50, 25, 25],
        "sar_arrivals": [0, 0, 0, 0],
        "sar_months": [0, 0, 0, 0],
        "cumulative_arrivals": [500, 250, 125, 125],
        "irregular_crossings_change": [None, None, None, None],
    }
    base.update(columns)
    return pl.DataFrame(base)


def rules(**changes: Any) -> Rules:
    """RULES with some blocks changed."""
    return parse_rules({**RULES, **changes})


def rows(result) -> dict[str, dict[str, Any]]:
    return {r["member_state"]: r for r in result.frame.iter_rows(named=True)}


def test_arrivals_ratio_is_the_share_of_the_union_over_the_key_share() -> None:
    # 100 arrivals: AA 50 (= its 1/2 share), BB 30 (1.2 × its 1/4), CC 20 (1.6 × its 1/8), DD 0
    got = rows(classify(indicators(irregular_crossings=[50, 30, 20, 0]), KEY, rules()))
    assert got["AA"]["arrivals_ratio"] == pytest.approx(1.0)
    assert got["BB"]["arrivals_ratio"] == pytest.approx(1.2)
    assert got["CC"]["arrivals_ratio"] == pytest.approx(1.6)
    # exactly the fair share is not "disproportionate"; above it is
    assert not got["AA"]["migratory_pressure"] and got["AA"]["classification"] == "none"
    assert got["BB"]["migratory_pressure"] and "arrivals 1.20 × fair share > 1" in got["BB"]["reasons"]
    assert got["DD"]["arrivals_ratio"] == 0


def test_applications_alone_make_pressure() -> None:
    # applications 40/30/15/15 of 100: AA 0.8, BB 1.2, CC 1.2, DD 1.2
    got = rows(classify(indicators(applications=[40, 30, 15, 15]), KEY, rules()))
    assert not got["AA"]["migratory_pressure"]
    assert got["BB"]["pressure_applications"] and got["BB"]["classification"] == "migratory pressure"


def test_population_denominator_option() -> None:
    # populations 50/25/13/12: CC's 13 % of the applications is exactly its population share
    result = classify(indicators(applications=[40, 30, 13, 17]), KEY, rules(denominator="population"))
    got = rows(result)
    assert got["CC"]["applications_ratio"] == pytest.approx(1.0)
    assert got["DD"]["applications_ratio"] == pytest.approx(17 / 12)
    assert got["DD"]["migratory_pressure"] and not got["CC"]["migratory_pressure"]


@pytest.mark.parametrize(("months", "sar", "expected"), [(6, 40, True), (5, 40, False), (6, 25, False)])
def test_sar_rule_needs_recurring_and_disproportionate_disembarkations(months, sar, expected) -> None:
    # CC: SAR disembarkations `sar` of 200 (its fair share is 25), in `months` months
    data = indicators(sar_arrivals=[100, 50, sar, 50 - sar], sar_months=[0, 0, months, 0])
    got = rows(classify(data, KEY, rules()))["CC"]
    assert got["pressure_sar"] is expected
    if expected:
        assert got["classification"] == "migratory pressure (SAR, Art. 11(3))"
        assert "Art. 11(3)" in got["reasons"]


def test_significant_situation_is_cumulative_and_different_from_pressure() -> None:
    # cumulative 400/300/150/150 of 1000: BB 1.2, CC 1.2, DD 1.2; AA 0.8
    data = indicators(cumulative_arrivals=[400, 300, 150, 150], irregular_crossings=[0, 0, 0, 100])
    got = rows(classify(data, KEY, rules()))
    assert (
        got["BB"]["significant_migratory_situation"]
        and got["BB"]["classification"] == "significant migratory situation"
    )
    assert not got["AA"]["significant_migratory_situation"]
    # DD is under pressure (all the arrivals): not also "significant" (Art. 2(25) "different from")
    assert got["DD"]["migratory_pressure"] and not got["DD"]["significant_migratory_situation"]


def test_risk_from_the_projection_of_the_coming_year() -> None:
    projected = pl.DataFrame(
        {"member_state": ["AA", "BB", "CC", "DD"], "projected_arrivals": [50.0, 20.0, 12.5, 17.5]}
    )
    got = rows(classify(indicators(), KEY, rules(), projected=projected))
    # DD: 17.5 % of the projected total, 1.4 × its key share; CC exactly 1
    assert got["DD"]["projected_arrivals_ratio"] == pytest.approx(1.4)
    assert (
        got["DD"]["risk_of_migratory_pressure"]
        and got["DD"]["classification"] == "risk of migratory pressure"
    )
    assert not got["CC"]["risk_of_migratory_pressure"]


def test_risk_band_upper_takes_the_upper_bound() -> None:
    projected = pl.DataFrame(
        {
            "member_state": ["AA", "BB", "CC", "DD"],
            "projected_arrivals": [50.0, 25.0, 12.5, 12.5],
            "projected_arrivals_upper": [60.0, 30.0, 15.0, 12.5],
        }
    )
    point = rows(classify(indicators(), KEY, rules(), projected=projected))
    upper_block = {**RULES["risk"], "band": "upper"}
    upper = rows(classify(indicators(), KEY, rules(risk=upper_block), projected=projected))
    assert not point["CC"]["risk_of_migratory_pressure"]
    # CC's upper bound 15 against the projected total 100: 1.2 × its fair share
    assert upper["CC"]["projected_arrivals_ratio"] == pytest.approx(1.2)
    assert upper["CC"]["risk_of_migratory_pressure"] and not upper["DD"]["risk_of_migratory_pressure"]


@pytest.mark.parametrize(("change", "expected"), [(0.25, True), (0.2499, False)])
def test_risk_from_the_trend_of_arrivals(change, expected) -> None:
    data = indicators(
        irregular_crossings=[50, 25, 12, 13], irregular_crossings_change=[None, None, change, 0.0]
    )
    got = rows(classify(data, KEY, rules()))["CC"]
    assert got["risk_of_migratory_pressure"] is expected


def test_pressure_excludes_risk() -> None:
    data = indicators(irregular_crossings=[0, 0, 0, 10], irregular_crossings_change=[None, None, None, 1.0])
    got = rows(classify(data, KEY, rules()))["DD"]
    assert got["migratory_pressure"] and got["risk_growth"] and not got["risk_of_migratory_pressure"]


def test_projection_is_checked() -> None:
    with pytest.raises(InvalidInput, match="member_state"):
        check_projection(pl.DataFrame({"ms": ["AA"], "projected_arrivals": [1]}))
    with pytest.raises(InvalidInput, match="needs one of"):
        check_projection(pl.DataFrame({"member_state": ["AA"], "other": [1]}))
    with pytest.raises(InvalidInput, match="given twice"):
        check_projection(pl.DataFrame({"member_state": ["AA", "AA"], "projected_arrivals": [1, 2]}))
    with pytest.raises(InvalidInput, match="projected_arrivals: must not be negative"):
        check_projection(pl.DataFrame({"member_state": ["AA"], "projected_arrivals": [-1]}))


def test_key_must_cover_every_member_state() -> None:
    with pytest.raises(InvalidInput, match="no reference-key share for DD"):
        classify(indicators(), KEY.filter(pl.col("member_state") != "DD"), rules())


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"denominator": "gdp"}, "rules.denominator"),
        ({"pressure": {"arrivals_ratio_above": 1, "applications_ratio_above": 1}}, "rules.pressure.source"),
        (
            {"sar": {"source": "x", "recurring_months_at_least": 13, "ratio_above": 1}},
            "recurring_months_at_least",
        ),
        ({"risk": {**RULES["risk"], "band": "lower"}}, "rules.risk.band"),
        ({"significant_situation": {"source": "x", "cumulative_ratio_above": -1}}, "cumulative_ratio_above"),
        ({"extra": {}}, "rules.extra"),
        ({"sar": {**RULES["sar"], "routes": ["Aegean Route"]}}, "rules.sar.routes"),
        ({"sar": {**RULES["sar"], "routes": "Central Mediterranean Route"}}, "rules.sar.routes"),
    ],
)
def test_bad_rules_name_the_setting(change, where) -> None:
    with pytest.raises(InvalidInput, match=where.replace(".", r"\.")):
        parse_rules({**RULES, **change})


def test_sar_routes_setting() -> None:
    assert "Eastern Mediterranean Route" in rules().sar_routes  # the default
    narrow = rules(sar={**RULES["sar"], "routes": ["Central Mediterranean Route"]})
    assert narrow.sar_routes == ("Central Mediterranean Route",)


def test_shipped_settings_have_rules_with_sources() -> None:
    s = load_settings()
    assert s.method == "rules" and s.rules is not None
    assert set(s.rules.sources) == {"pressure", "sar", "risk", "significant_situation"}
    assert "Art. 2(24)" in s.rules.sources["pressure"] and "Art. 11(3)" in s.rules.sources["sar"]


def test_method_score_is_the_other_option() -> None:
    from tests.cycle.test_pressure import BASE

    assert parse_settings({**BASE, "method": "score"}, "t").method == "score"
    with pytest.raises(InvalidInput, match="method 'rules' needs a rules section"):
        parse_settings({**BASE, "method": "rules"}, "t")
    with pytest.raises(InvalidInput, match="method"):
        parse_settings({**BASE, "method": "vote"}, "t")
